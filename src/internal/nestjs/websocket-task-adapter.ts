import { Logger, type INestApplicationContext, type WebSocketAdapter, type WsMessageHandler } from '@nestjs/common';
import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import { catchError, defer, EMPTY, mergeMap, type Observable } from 'rxjs';
import { CloseCode, describeCloseCode } from '../close-code';
import { jsonCodec } from '../codec';
import { broadcast } from '../server/broadcast';
import { fromWebSocketServer } from '../server/from-websocket-server';
import { ServerDefaults } from '../server/websocket-task-server-config';
import type { WebSocketTaskServer } from '../server/websocket-task-server';
import { validateClose } from '../validate-close';
import { WebSocketTaskError } from '../websocket-task-error';
import { rememberBroadcastPolicy } from './broadcast-to-clients';
import { clientOf } from './client-of';
import { GatewayHosts } from './gateway-hosts';
import { isGatewayMessage } from './gateway-message';
import type { WebSocketTaskAdapterOptions } from './websocket-task-adapter-options';
import type { WebSocketTaskClient } from './websocket-task-client';

/**
 * A Nest `WebSocketAdapter` on `rxjs-websocket-task/server`: every gateway's server is a
 * `fromWebSocketServer` server, every client a task with typed close codes.
 *
 * `@SubscribeMessage(event)` handlers work as with `@nestjs/platform-ws`'s `WsAdapter`:
 * clients send `{ "event": …, "data": … }` as JSON; the handler of `event` gets `data`;
 * what it returns (a value, a Promise or an Observable; `null` and `undefined` send nothing)
 * is sent back as JSON, as it is: return `{ event, data }` (Nest's `WsResponse`) to reply
 * with an event. Unknown events and messages without an `event` are ignored; text that is
 * not JSON closes the client with `invalidFramePayloadData` (1007), binary with
 * `unsupportedData` (1003).
 *
 * Handlers get a {@link WebSocketTaskClient} (`@ConnectedSocket()`): its `task`, `request`,
 * `emit(event, data)` and `close(code, reason)`. A `WsException` reaches the client as
 * `{ "event": "exception", "data": … }`; `WebSocketTaskExceptionFilter` can also close it.
 * `app.close()` closes every client with `goingAway` (1001) and waits for the close
 * handshakes, as the server's `shutdown()`; `WsAdapter` drops them (1006).
 *
 * Gateways without a port share the application's HTTP server; a gateway with a port gets
 * an HTTP server on it. Each takes the upgrades of its `path` (default `/`), as `WsAdapter`.
 *
 * @example
 * ```ts
 * import { NestFactory } from '@nestjs/core';
 * import { WebSocketTaskAdapter } from 'rxjs-websocket-task/nestjs';
 * import { AppModule } from './app.module';
 *
 * const app = await NestFactory.create(AppModule);
 * app.useWebSocketAdapter(new WebSocketTaskAdapter(app, { heartbeat: { interval: 15_000, timeout: 5_000 } }));
 * app.enableShutdownHooks(); // SIGTERM → app.close() → every client receives 1001
 * await app.listen(3000);
 * ```
 */
export class WebSocketTaskAdapter
  implements WebSocketAdapter<WebSocketTaskServer<unknown>, WebSocketTaskClient, { readonly path?: string; readonly namespace?: unknown }>
{
  readonly #logger = new Logger('WebSocketTaskAdapter');
  readonly #options: WebSocketTaskAdapterOptions;
  readonly #hosts: GatewayHosts;

  /**
   * Throws `ERR_INVALID_CONFIG`, `ERR_INVALID_CLOSE_CODE` or `ERR_CLOSE_REASON_TOO_LONG` at
   * once for unusable `shutdown` or `broadcast` options; the server options are checked
   * when Nest creates the first gateway's server (`app.init()` / `app.listen()`).
   *
   * @param appOrHttpServer the application (its HTTP server serves gateways without a
   *   port), or an HTTP/HTTPS server; without it, such gateways get a server on a free port
   * @param options heartbeat, limits and every other option of the tasks and servers, the
   *   codec, the slow-client policy, and how shutdown closes the clients
   */
  constructor(appOrHttpServer?: INestApplicationContext | HttpServer | HttpsServer, options: WebSocketTaskAdapterOptions = {}) {
    checkShutdown(options);
    broadcast(EMPTY, options.broadcast); // validates the policy
    this.#options = options;
    this.#hosts = new GatewayHosts(
      () => httpServerOf(appOrHttpServer),
      (error, port) => this.#logger.error(`The WebSocket server on port ${port} cannot listen: ${error.message}`),
    );
  }

  /** Nest: the server of a gateway (`@WebSocketServer()` is it). Gateways with the same port and path share one. */
  create(port: number, options: { readonly path?: string; readonly namespace?: unknown } = {}): WebSocketTaskServer<unknown> {
    if (options.namespace !== undefined) {
      throw new WebSocketTaskError('ERR_INVALID_CONFIG', 'WebSocketTaskAdapter does not support namespaces (a Socket.IO feature): give gateways a path instead.');
    }
    const path = normalizePath(options.path);
    const { broadcast: policy, shutdown: _shutdown, codec, ...serverOptions } = this.#options;
    return this.#hosts.serverFor(port, path, (server) => {
      const gatewayServer = fromWebSocketServer<unknown>({ ...serverOptions, codec: codec ?? jsonCodec(), server, path });
      rememberBroadcastPolicy(gatewayServer, policy);
      return gatewayServer;
    });
  }

  /** Nest: hands each accepted connection to the gateway as a client, with its upgrade request. */
  bindClientConnect(server: WebSocketTaskServer<unknown>, callback: (client: WebSocketTaskClient, request: unknown) => void): void {
    server.subscribe({
      next: (connection) => callback(clientOf(connection), connection.request.incoming),
      error: (error: unknown) => this.#logger.error(`A gateway server failed: ${String(error)}`),
    });
  }

  /**
   * Nest: calls back once the client's connection ended, with its close code described
   * (`handleDisconnect(client, reason)` gets e.g. `'goingAway (1001)'`; the code itself is
   * `client.task.closeCode`, the close reason `client.task.closeReason`).
   */
  bindClientDisconnect(client: WebSocketTaskClient, callback: (reason: string) => void): void {
    const ended = () => callback(describeCloseCode(client.task.closeCode));
    client.task.subscribe({ complete: ended, error: ended });
  }

  /** Nest: a client that connected while the application was still starting: closed with `tryAgainLater` (1013). */
  closeClient(client: WebSocketTaskClient): void {
    client.close(CloseCode.tryAgainLater, 'server starting');
  }

  /**
   * Nest: routes each `{ event, data }` message of the client to the handler of `event`,
   * and sends what it returns back, as `WsAdapter` does.
   */
  bindMessageHandlers(
    client: WebSocketTaskClient,
    handlers: WsMessageHandler[],
    transform: (data: unknown) => Observable<unknown>,
  ): void {
    const byEvent = new Map<string, WsMessageHandler>();
    for (const handler of handlers) if (!byEvent.has(handler.message)) byEvent.set(handler.message, handler);
    client.task
      .pipe(
        mergeMap((message) => {
          if (!isGatewayMessage(message)) return EMPTY;
          const { event, data } = message;
          const handler = byEvent.get(event);
          if (handler === undefined) return EMPTY;
          return defer(() => transform(handler.callback(data, event))).pipe(
            catchError((error: unknown) => {
              this.#logger.error(`The handler of "${handler.message}" failed: ${String(error)}`);
              return EMPTY;
            }),
          );
        }),
      )
      .subscribe({
        next: (response) => {
          if (response !== undefined && response !== null) client.send(response);
        },
        // The end of the connection reaches Nest through bindClientDisconnect.
        error: () => undefined,
      });
  }

  /** Nest, on `app.close()`: the server's graceful shutdown with the `shutdown` option (default: 1001 to everyone). */
  async close(server: WebSocketTaskServer<unknown>): Promise<void> {
    await server.shutdown(this.#options.shutdown);
  }

  /** Nest, after every server closed: releases the HTTP servers the adapter created. */
  async dispose(): Promise<void> {
    await this.#hosts.close();
  }
}

/** The HTTP server of the application, or the server given; `undefined` when there is none. */
function httpServerOf(target: INestApplicationContext | HttpServer | HttpsServer | undefined): HttpServer | HttpsServer | undefined {
  if (target === undefined) return undefined;
  const app = target as { getHttpServer?: () => HttpServer | HttpsServer | undefined };
  return typeof app.getHttpServer === 'function' ? app.getHttpServer() : (target as HttpServer | HttpsServer);
}

/** A gateway path as `WsAdapter` reads it: one leading slash, no trailing one; none is `/`. */
function normalizePath(path: string | undefined): string {
  return `/${(path ?? '').split('/').filter((segment) => segment !== '').join('/')}`;
}

function checkShutdown({ shutdown = {} }: WebSocketTaskAdapterOptions): void {
  validateClose(shutdown.closeCode ?? CloseCode.goingAway, shutdown.reason, 'rfc6455');
  const timeout = shutdown.timeout ?? ServerDefaults.shutdownTimeout;
  if (!(typeof timeout === 'number' && timeout >= 0)) {
    throw new WebSocketTaskError('ERR_INVALID_CONFIG', `shutdown.timeout must be a number of milliseconds ≥ 0, not ${String(timeout)}.`);
  }
}

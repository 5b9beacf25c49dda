import { CloseCode } from '../close-code';
import type { ServerConnection } from '../server/server-connection';
import type { UpgradeRequest } from '../server/upgrade-request';
import type { WebSocketTask } from '../websocket-task';
import type { GatewayMessage } from './gateway-message';

/**
 * One client of a gateway, as `WebSocketTaskAdapter` hands it to Nest: what
 * `@ConnectedSocket()` injects, the first argument of a `@SubscribeMessage` handler without
 * decorators, and of `handleConnection` / `handleDisconnect`.
 *
 * It wraps the connection the server accepted: `task` is that connection's
 * `WebSocketTask` (close codes, lifecycle, `bufferedAmount`, `sendPing`), `request` its
 * upgrade request. `emit(event, data)` sends `{ event, data }`, the shape of Nest's
 * `WsResponse`; Nest's own exception filter calls it with `'exception'`, so a `WsException`
 * reaches the client. `close(code, reason)` ends the connection with that code.
 *
 * @example
 * ```ts
 * import { ConnectedSocket, MessageBody, SubscribeMessage, WebSocketGateway } from '@nestjs/websockets';
 * import type { WebSocketTaskClient } from 'rxjs-websocket-task/nestjs';
 *
 * @WebSocketGateway()
 * export class SessionGateway {
 *   @SubscribeMessage('logout')
 *   logout(@ConnectedSocket() client: WebSocketTaskClient): void {
 *     client.close(4001, 'logged out'); // the client sees 4001 "logged out"
 *   }
 *
 *   @SubscribeMessage('whoami')
 *   whoami(@ConnectedSocket() client: WebSocketTaskClient, @MessageBody() data: unknown) {
 *     return { event: 'you', data: { id: client.id, from: client.request.remoteAddress, asked: data } };
 *   }
 * }
 * ```
 */
export class WebSocketTaskClient {
  /** The connection the server accepted: its task, upgrade request, protocol and id. */
  readonly connection: ServerConnection<unknown>;

  /** @internal Made by `WebSocketTaskAdapter`, one per connection. */
  constructor(connection: ServerConnection<unknown>) {
    this.connection = connection;
  }

  /** A number unique within its server, counting from 1 in order of acceptance. */
  get id(): number {
    return this.connection.id;
  }

  /** The connection as a task: `closeCode`, `state`, `lifecycle`, `bufferedAmount`, `cancel`. */
  get task(): WebSocketTask<unknown> {
    return this.connection.task;
  }

  /** The HTTP upgrade request that opened the connection: path, query, headers, remote address. */
  get request(): UpgradeRequest {
    return this.connection.request;
  }

  /** The subprotocol the server chose ('' if none). */
  get protocol(): string {
    return this.connection.protocol;
  }

  /** Whether the connection is open: what is sent now goes out. */
  get isOpen(): boolean {
    return this.connection.task.state === 'open';
  }

  /**
   * Sends `{ event, data }` through the adapter's codec (JSON by default), as a reply of a
   * handler is sent. Returns `false`, sending nothing, once the connection is no longer open.
   */
  emit(event: string, data?: unknown): boolean {
    const message: GatewayMessage = { event, data };
    return this.send(message);
  }

  /**
   * Sends any value through the adapter's codec (JSON by default). Returns `false`, sending
   * nothing, once the connection is no longer open. A value the codec cannot encode closes
   * the connection with `internalServerError` (1011).
   */
  send(value: unknown): boolean {
    if (!this.isOpen) return false;
    this.connection.task.next(value);
    return true;
  }

  /**
   * Closes the connection with `closeCode` (default `normalClosure`, 1000) and `reason`,
   * after what was sent before: `task.cancel(closeCode, reason)`. Throws
   * `ERR_INVALID_CLOSE_CODE` or `ERR_CLOSE_REASON_TOO_LONG` synchronously, sending nothing,
   * for a code a server may not send or a reason over 123 bytes. Does nothing once the
   * connection is closing or closed.
   */
  close(closeCode: CloseCode = CloseCode.normalClosure, reason = ''): void {
    const { task } = this.connection;
    if (task.state === 'closing' || task.state === 'closed') return;
    task.cancel(closeCode, reason);
  }
}

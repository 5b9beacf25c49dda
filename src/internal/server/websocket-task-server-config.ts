import type { Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { PerMessageDeflateOptions, ServerOptions, WebSocketServer } from 'ws';
import type { WebSocketMessage } from '../codec';
import type { WebSocketTaskSocketConfig } from '../from-websocket-task';
import type { AllowedOrigins } from './allowed-origins';
import type { InboundRate } from './inbound-rate';
import type { VerifyUpgrade } from './upgrade-verdict';

/**
 * The options of each accepted connection's task: every option of `fromWebSocketTask`
 * except those of opening a connection (`url`, `protocols`, `WebSocketCtor`, `node`).
 *
 * This is the pass-through for the core's connection options: whatever a task can be
 * configured with (codec, `maximumMessageSize`, queue limits, `closeTimeout`, `scheduler`,
 * and the heartbeat and backpressure options as the core gains them) applies to every
 * accepted connection unchanged, because each is built with
 * `fromWebSocketTask({ ...options, socket })`.
 *
 * @example
 * ```ts
 * import { fromWebSocketServer, type ServerTaskOptions } from 'rxjs-websocket-task/server';
 * import { jsonCodec } from 'rxjs-websocket-task';
 *
 * const options: ServerTaskOptions<{ type: string }> = { codec: jsonCodec(), maximumMessageSize: 64 * 1024 };
 * fromWebSocketServer({ port: 8080, ...options });
 * ```
 */
export type ServerTaskOptions<T = WebSocketMessage> = Omit<WebSocketTaskSocketConfig<T>, 'socket'>;

/**
 * How to build a server of tasks. Exactly one of `port` (create and listen), `server`
 * (attach to an existing HTTP/HTTPS server) or `webSocketServer` (adopt an existing `ws`
 * server). The task options (codec, `maximumMessageSize`, …) apply to every connection.
 *
 * @example
 * ```ts
 * import { createServer } from 'node:https';
 * import { fromWebSocketServer } from 'rxjs-websocket-task/server';
 * import { jsonCodec } from 'rxjs-websocket-task';
 *
 * const https = createServer({ cert: '…', key: '…' }).listen(443);
 * const server = fromWebSocketServer({
 *   server: https,
 *   path: '/live',
 *   protocols: ['live.v2', 'live.v1'],
 *   codec: jsonCodec(),
 *   verifyUpgrade: ({ headers }) => headers.cookie?.includes('session=') ?? false,
 *   allowedOrigins: ['https://example.com', 'https://*.example.com'], // cookies: only our own pages
 *   maxConnectionsPerAddress: 100,
 * });
 * ```
 */
export interface WebSocketTaskServerConfig<T = WebSocketMessage> extends ServerTaskOptions<T> {
  /** Create an HTTP server and listen on this port (0: any free port). */
  readonly port?: number;
  /** With `port`: the address to bind, e.g. `'127.0.0.1'`; default: every interface, as Node. */
  readonly host?: string;
  /** With `port`: the length of the queue of pending TCP connections. */
  readonly backlog?: number;
  /** Attach to this HTTP or HTTPS server: take its upgrade requests (it keeps serving HTTP). */
  readonly server?: HttpServer | HttpsServer;
  /**
   * Adopt this `ws` server: take the connections it accepts. Its own `maxPayload`,
   * `verifyClient` and `handleProtocols` apply; `verifyUpgrade`, `protocols`, `path` and
   * `ws` are refused with it. `shutdown()` closes it.
   */
  readonly webSocketServer?: WebSocketServer;
  /**
   * Take only upgrade requests for this path (without query). Others are left to the HTTP
   * server's other `upgrade` listeners, or refused with 404 when there are none.
   */
  readonly path?: string;
  /**
   * The subprotocols this server speaks, most preferred first. The server picks the first
   * of them that the client offered; with none in common it answers without a protocol.
   * Default: the client's first.
   */
  readonly protocols?: readonly string[];
  /** Accepts or refuses each upgrade before the connection opens (e.g. 401). */
  readonly verifyUpgrade?: VerifyUpgrade;
  /** Negotiate permessage-deflate; default `false` (it costs CPU and memory per connection). */
  readonly perMessageDeflate?: boolean | PerMessageDeflateOptions;
  /** Other `ws` server options, passed through (e.g. `skipUTF8Validation`, `maxFragments`). */
  readonly ws?: Omit<
    ServerOptions,
    'port' | 'host' | 'backlog' | 'server' | 'noServer' | 'path' | 'verifyClient' | 'handleProtocols' | 'maxPayload' | 'perMessageDeflate'
  >;
  /**
   * Milliseconds an accepted connection may wait for its task's first subscriber. A
   * connection nobody claims by then (a pipeline filtered it out) is closed with
   * `policyViolation` (1008) "no handler for this connection". Default 10,000;
   * `Infinity` keeps unclaimed connections open.
   */
  readonly claimTimeout?: number;
  /**
   * Which web pages may connect: an upgrade with an `Origin` header (from a browser) whose
   * origin is not allowed is refused with 403. Default: the server's own host only (the
   * `Origin`'s host name must be the `Host` header's); `'*'` allows any. Requests without
   * `Origin` (not from a browser) pass. Not with `webSocketServer` (use its `verifyClient`).
   */
  readonly allowedOrigins?: AllowedOrigins;
  /**
   * The most connections at once (open, or being verified); past it an upgrade is refused
   * with 503 and `Retry-After`. Default 10,000; `Infinity`: no limit.
   */
  readonly maxConnections?: number;
  /**
   * The most connections at once from one client address (see `clientAddressHeader`); past
   * it, 503 and `Retry-After`. Default `Infinity` (off): behind a proxy without
   * `clientAddressHeader` every client has the proxy's address, and NAT puts whole offices
   * behind one.
   */
  readonly maxConnectionsPerAddress?: number;
  /**
   * Behind a proxy of yours: the request header that carries the client's address (e.g.
   * `'x-forwarded-for'`, `'x-real-ip'`); the last entry of a comma-separated list counts,
   * the one your proxy added. Only behind your own proxy: a client that reaches the server
   * directly can send any value. Default: the TCP peer's address.
   */
  readonly clientAddressHeader?: string;
  /**
   * With `port`: milliseconds a TCP connection has to complete its request (request line
   * and headers); a slow or half-sent one is answered 408 and closed. Default 10,000;
   * `Infinity`: no limit. It also sets the created HTTP server's `headersTimeout` and
   * `requestTimeout`. An attached `server` keeps its own (Node: 60 s, 300 s).
   */
  readonly handshakeTimeout?: number;
  /**
   * A budget per connection for what the client sends; past it the connection is closed
   * with `policyViolation` (1008) `"rate limit"`. Default: none.
   */
  readonly inboundRate?: InboundRate;
}

/** Default server settings, named. */
export const ServerDefaults = {
  claimTimeout: 10_000,
  shutdownTimeout: 10_000,
  maximumMessageSize: 1_048_576,
  handshakeTimeout: 10_000,
  maxConnections: 10_000,
  maxConnectionsPerAddress: Infinity,
  /** Seconds, in the `Retry-After` header of a 503 for a connection limit. */
  retryAfter: 5,
} as const;

import type { WebSocketCodec } from '../codec';
import type { BroadcastOptions } from '../server/broadcast-options';
import type { ShutdownOptions } from '../server/shutdown-report';
import type { WebSocketTaskServerConfig } from '../server/websocket-task-server-config';

/**
 * How `WebSocketTaskAdapter` runs every gateway's server. They are the options of
 * `fromWebSocketServer` (`rxjs-websocket-task/server`), passed through, with three of the
 * adapter's own: `codec`, `broadcast` and `shutdown`. The type is derived from the core's
 * (`WebSocketTaskServerConfig` without where connections come from), so every option the
 * server or its tasks gain reaches the adapter unchanged.
 *
 * - Every option of each connection's task: `heartbeat`, `maximumMessageSize`,
 *   `maxQueuedMessages`, `maxQueuedBytes`, `closeTimeout`, `pingTimeout`, `scheduler`…
 * - Every option of the server but its source, path and `handshakeTimeout` (the adapter
 *   attaches each gateway to an HTTP server by the gateway's port and path):
 *   `verifyUpgrade`, `allowedOrigins`, `maxConnections`, `inboundRate`, `protocols`,
 *   `perMessageDeflate`, `ws`, `claimTimeout`… Limits count per gateway server (per path).
 * - `codec`: how messages become values and back; default `jsonCodec()`. Inbound values
 *   must be `{ event, data }` (see `GatewayMessage`) to reach a handler.
 * - `broadcast`: the slow-client policy of `broadcastToClients` (`maxBufferedBytes`, `onSlow`).
 * - `shutdown`: how `app.close()` closes the clients (default `goingAway`, 1001, waiting up
 *   to 10,000 ms for the close handshakes).
 *
 * @example
 * ```ts
 * import { CloseCode } from 'rxjs-websocket-task';
 * import { WebSocketTaskAdapter, type WebSocketTaskAdapterOptions } from 'rxjs-websocket-task/nestjs';
 *
 * const options: WebSocketTaskAdapterOptions = {
 *   heartbeat: { interval: 15_000, timeout: 5_000 },             // drop clients that stop answering pings
 *   maximumMessageSize: 64 * 1024,                               // larger messages: 1009
 *   broadcast: { maxBufferedBytes: 256 * 1024, onSlow: { closeCode: CloseCode.tryAgainLater, reason: 'too slow' } },
 *   shutdown: { closeCode: CloseCode.serviceRestart, timeout: 5_000 },
 *   verifyUpgrade: ({ query }) => query.get('token') === 's3cret' || { status: 401 },
 * };
 * app.useWebSocketAdapter(new WebSocketTaskAdapter(app, options));
 * declare const app: import('@nestjs/common').INestApplication;
 * ```
 */
export interface WebSocketTaskAdapterOptions
  extends Omit<
    WebSocketTaskServerConfig<unknown>,
    // Where connections come from and the path are the gateways' (port, path); handshakeTimeout
    // goes with a created server only, and the adapter attaches every gateway to an HTTP server.
    'port' | 'host' | 'backlog' | 'server' | 'webSocketServer' | 'path' | 'handshakeTimeout' | 'codec' | 'serializer' | 'deserializer'
  > {
  /**
   * How messages become values and back; default `jsonCodec()`: text that is not JSON closes
   * the client with `invalidFramePayloadData` (1007), a binary message with
   * `unsupportedData` (1003). Decoded values that are not `{ event, data }` are ignored.
   */
  readonly codec?: WebSocketCodec<unknown>;
  /** The slow-client policy of `broadcastToClients` for this adapter's servers. */
  readonly broadcast?: BroadcastOptions;
  /** How `app.close()` closes every client: code (default `goingAway`, 1001), reason, timeout. */
  readonly shutdown?: ShutdownOptions;
}

import type { CloseCode } from '../close-code';
import type { ServerAddress } from './acceptor';
import type { ServerConnection } from './server-connection';
import type { ShutdownReport } from './shutdown-report';
import type { UpgradeRequest } from './upgrade-request';

/**
 * Where a server is: `idle` before its first subscriber and after its last left,
 * `starting` until it listens, `listening`, then `shuttingDown` and `closed` for good.
 *
 * @example
 * ```ts
 * import { fromWebSocketServer, type WebSocketTaskServerState } from 'rxjs-websocket-task/server';
 *
 * const server = fromWebSocketServer({ port: 8080 });
 * const state: WebSocketTaskServerState = server.state; // 'idle' until subscribed
 * ```
 */
export type WebSocketTaskServerState = 'idle' | 'starting' | 'listening' | 'shuttingDown' | 'closed';

/**
 * One step of a server's life, as `server.lifecycle` emits it (hot: no replay).
 *
 * @example
 * ```ts
 * import { fromWebSocketServer } from 'rxjs-websocket-task/server';
 *
 * const server = fromWebSocketServer({ port: 8080 });
 * server.lifecycle.subscribe((event) => {
 *   if (event.type === 'rejected') console.warn(`refused ${event.request.path} with ${event.status}`);
 *   if (event.type === 'refused') console.warn(`refused ${event.clientAddress}: ${event.reason} (HTTP ${event.status})`);
 *   if (event.type === 'limited') console.warn(`closed #${event.connection.id}: ${event.reason} (${event.closeCode})`);
 *   if (event.type === 'shutDown') console.log('closed cleanly:', event.report.closedCleanly);
 * });
 * server.subscribe();
 * ```
 */
export type WebSocketTaskServerEvent =
  /** Taking connections; `address` is `null` for an adopted `ws` server in `noServer` mode. */
  | { readonly type: 'listening'; readonly address: ServerAddress | null }
  /** An upgrade refused before it opened: by `verifyUpgrade`, a path it does not serve (404), or while not accepting (503). */
  | { readonly type: 'rejected'; readonly request: UpgradeRequest; readonly status: number; readonly error?: unknown }
  /**
   * An upgrade refused by one of the server's protections, before it opened: its `Origin`
   * is not in `allowedOrigins` (403; 500 if the predicate threw, with `error`),
   * `maxConnections` or `maxConnectionsPerAddress` was reached (503 with `Retry-After`), or
   * its request was not complete within `handshakeTimeout` (408; no `request`, as none was
   * read). `clientAddress` is the address the limits count.
   */
  | {
      readonly type: 'refused';
      readonly reason: 'origin' | 'maxConnections' | 'maxConnectionsPerAddress' | 'handshakeTimeout';
      readonly status: number;
      readonly clientAddress: string | undefined;
      readonly request?: UpgradeRequest;
      readonly error?: unknown;
    }
  /**
   * An open connection the server closed for a limit: it went past its `inboundRate`
   * (`policyViolation`, 1008, `"rate limit"`), did not answer the `heartbeat` in time
   * (dropped: `abnormalClosure`, 1006), or nobody subscribed to it within `claimTimeout`
   * (1008, `"no handler for this connection"`).
   */
  | {
      readonly type: 'limited';
      readonly reason: 'inboundRate' | 'heartbeat' | 'claimTimeout';
      readonly closeCode: CloseCode;
      readonly connection: ServerConnection<unknown>;
    }
  /** The last subscriber left: no longer taking connections (accepted ones stay open). */
  | { readonly type: 'stopped' }
  /** The server could not listen (e.g. `EADDRINUSE`); subscribers received the error. */
  | { readonly type: 'failed'; readonly error: Error }
  /** A graceful shutdown began with this code, for this many open connections. */
  | { readonly type: 'shuttingDown'; readonly closeCode: CloseCode; readonly reason: string; readonly connections: number }
  /** The shutdown finished; the last event. */
  | { readonly type: 'shutDown'; readonly report: ShutdownReport };

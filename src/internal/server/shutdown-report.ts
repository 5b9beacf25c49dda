import type { CloseCode } from '../close-code';

/**
 * How a graceful shutdown goes: the close code every open connection receives, and how
 * long to wait for the close handshakes before dropping the rest.
 *
 * @example
 * ```ts
 * import { fromWebSocketServer } from 'rxjs-websocket-task/server';
 * import { CloseCode } from 'rxjs-websocket-task';
 *
 * const server = fromWebSocketServer({ port: 8080 });
 * process.once('SIGTERM', () => void server.shutdown({ closeCode: CloseCode.serviceRestart, timeout: 5000 }));
 * ```
 */
export interface ShutdownOptions {
  /** The code every open connection is closed with; default `goingAway` (1001). Validated. */
  readonly closeCode?: CloseCode;
  /** The close reason (at most 123 bytes of UTF-8); default `'server shutting down'`. */
  readonly reason?: string;
  /** Milliseconds to wait for close handshakes before terminating the rest; default 10,000. */
  readonly timeout?: number;
}

/**
 * What a graceful shutdown did. `connections` = `closedCleanly` + `closedUncleanly` +
 * `terminated`.
 *
 * @example
 * ```ts
 * import { fromWebSocketServer } from 'rxjs-websocket-task/server';
 *
 * const server = fromWebSocketServer({ port: 8080 });
 * const report = await server.shutdown();
 * console.log(`${report.closedCleanly}/${report.connections} closed cleanly in ${report.elapsed} ms`);
 * ```
 */
export interface ShutdownReport {
  /** Connections open when the shutdown began. */
  readonly connections: number;
  /** Connections whose close handshake completed (Close frames both ways) before the timeout. */
  readonly closedCleanly: number;
  /** Connections that ended before the timeout without a complete handshake (e.g. the peer dropped TCP). */
  readonly closedUncleanly: number;
  /** Connections still open at the timeout, dropped without waiting any longer. */
  readonly terminated: number;
  /** The code sent to every connection. */
  readonly closeCode: CloseCode;
  /** Milliseconds from the start of the shutdown until every connection had ended (scheduler time). */
  readonly elapsed: number;
}

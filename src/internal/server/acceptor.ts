import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';

/**
 * Where a server listens: an IP address and port, or a pipe / UNIX socket path.
 *
 * @example
 * ```ts
 * import { fromWebSocketServer, type ServerAddress } from 'rxjs-websocket-task/server';
 *
 * const server = fromWebSocketServer({ port: 0, host: '127.0.0.1' });
 * server.subscribe();
 * const address: ServerAddress = await server.whenListening();
 * if (typeof address !== 'string') console.log(`ws://${address.address}:${address.port}`);
 * ```
 */
export type ServerAddress = AddressInfo | string;

/** What an acceptor reports to the server that drives it. */
export interface AcceptorListener {
  /** An upgrade request to decide on (servers that handle upgrades themselves). */
  upgrade(incoming: IncomingMessage, socket: Duplex, head: Buffer): void;
  /** A connection already accepted (an adopted `ws` server). */
  connection(socket: WebSocket, incoming: IncomingMessage): void;
  listening(address: ServerAddress | null): void;
  error(error: Error): void;
  /** A TCP connection to a server this library created did not complete its request in time: it was answered 408 and closed. */
  handshakeTimedOut(clientAddress: string | undefined): void;
}

/**
 * Where connections come from: a server this library listens with, an HTTP server it
 * attaches to, or a `ws` server it adopts. Started by the first subscriber, stopped by the
 * last; closed once, at the end of a shutdown.
 */
export interface Acceptor {
  /** Starts taking connections. */
  start(listener: AcceptorListener): void;
  /** Stops taking new connections; accepted ones stay open. */
  stop(): void;
  /**
   * A shutdown began: stop taking connections for good. Upgrades that still arrive before
   * `close()` go to the server, which refuses them (503).
   */
  beginShutdown(): void;
  /** Releases what this library created (after every connection ended). */
  close(): Promise<void>;
  /** Where it listens, once it does. */
  address(): ServerAddress | null;
  /**
   * Whether an upgrade this server does not take is someone else's: an `upgrade` listener of
   * the HTTP server that is not a task server (those take their own paths, and the last one
   * refuses what none took).
   */
  hasOtherUpgradeListeners(): boolean;
}

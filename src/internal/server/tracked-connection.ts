import type { SchedulerLike, Subscription } from 'rxjs';
import type { WebSocket } from 'ws';
import type { CloseCode } from '../close-code';
import type { ServerConnection } from './server-connection';

/** How a tracked connection ended, as the server saw it. */
export interface ConnectionEnd {
  readonly closeCode: CloseCode;
  readonly wasClean: boolean;
  /** Whether the server dropped it (`terminate`) rather than it closing by itself. */
  readonly terminated: boolean;
}

/** A limit that closed a connection, as the server's `limited` event names it. */
export type ConnectionLimitReason = 'inboundRate' | 'heartbeat' | 'claimTimeout';

/** What the server hears of a connection it closed for a limit (one function for all its connections). */
export type LimitedListener<T> = (connection: ServerConnection<T>, reason: ConnectionLimitReason, closeCode: CloseCode) => void;

/**
 * The server's own record of a connection it accepted: it watches the task's lifecycle
 * for the end, closes connections nobody claims, can close or drop it at shutdown, and
 * reports the limits that closed it.
 */
export class TrackedConnection<T> {
  readonly ended: Promise<ConnectionEnd>;
  #end: ConnectionEnd | null = null;
  #terminated = false;
  readonly #watch: Subscription | undefined;
  #claimTimer: Subscription | undefined;

  constructor(
    readonly connection: ServerConnection<T>,
    readonly socket: WebSocket,
    readonly limited: LimitedListener<T>,
  ) {
    let resolve!: (end: ConnectionEnd) => void;
    this.ended = new Promise<ConnectionEnd>((r) => (resolve = r));
    const { task } = connection;
    // One plain subscriber (no operators): a server holds one of these per connection.
    this.#watch = task.lifecycle.subscribe((event) => {
      if (event.type === 'closing') {
        // A task nobody subscribed to holds its messages by pausing the socket, which
        // would also leave the peer's Close frame unread until closeTimeout: read on.
        if (!task.observed) socket.resume();
      } else if (event.type === 'closed' && this.#end === null) {
        this.#claimTimer?.unsubscribe();
        this.#end = { closeCode: event.closeCode, wasClean: event.wasClean, terminated: this.#terminated };
        if (event.error?.code === 'ERR_HEARTBEAT_TIMEOUT') limited(connection, 'heartbeat', event.closeCode);
        resolve(this.#end);
        this.#watch?.unsubscribe();
      }
    });
  }

  /** How it ended; `null` while open. */
  get end(): ConnectionEnd | null {
    return this.#end;
  }

  /** Closes the connection with `code` unless someone subscribes to its task within `timeout` ms. */
  expectClaim(timeout: number, scheduler: SchedulerLike, code: CloseCode, reason: string): void {
    if (!Number.isFinite(timeout)) return;
    this.#claimTimer = scheduler.schedule(() => {
      if (this.#end !== null || this.connection.task.observed || this.connection.task.state !== 'open') return;
      this.close(code, reason);
      this.limited(this.connection, 'claimTimeout', code);
    }, timeout);
  }

  /** Starts the close handshake with `code` (nothing if the connection is already closing). */
  close(code: CloseCode, reason: string): void {
    if (this.#end !== null) return;
    this.connection.task.cancel(code, reason);
  }

  /** Drops the TCP connection without waiting for the close handshake. */
  terminate(): void {
    if (this.#end !== null) return;
    this.#terminated = true;
    this.socket.terminate();
  }

  /** Stops watching (the server is done with it). */
  release(): void {
    this.#claimTimer?.unsubscribe();
    this.#watch?.unsubscribe();
  }
}

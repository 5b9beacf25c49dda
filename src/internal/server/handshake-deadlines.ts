import type { Socket } from 'node:net';
import type { SchedulerLike, Subscription } from 'rxjs';

/**
 * Ends the TCP connections of a server this library created whose request (request line and
 * headers) is not complete within `timeout` ms of connecting. A slow or half-sent upgrade
 * request (slowloris) would otherwise hold a socket for as long as the client likes. The
 * timers run on the server's scheduler; a socket leaves when its request is complete or it
 * closes.
 */
export class HandshakeDeadlines {
  readonly #timeout: number;
  readonly #scheduler: SchedulerLike;
  readonly #expired: (socket: Socket) => void;
  readonly #pending = new Map<Socket, Subscription>();
  /** One 'close' listener for every socket (`this` is the socket). */
  readonly #onClose: (this: Socket) => void;

  constructor(timeout: number, scheduler: SchedulerLike, expired: (socket: Socket) => void) {
    this.#timeout = timeout;
    this.#scheduler = scheduler;
    this.#expired = expired;
    const deadlines = this;
    this.#onClose = function (this: Socket) {
      deadlines.settle(this);
    };
  }

  /** Sockets whose request is not complete yet. */
  get pending(): number {
    return this.#pending.size;
  }

  /** A new TCP connection: its request must be complete within the timeout. */
  watch(socket: Socket): void {
    if (!Number.isFinite(this.#timeout)) return;
    const timer = this.#scheduler.schedule(() => {
      this.settle(socket);
      this.#expired(socket);
    }, this.#timeout);
    this.#pending.set(socket, timer);
    socket.once('close', this.#onClose);
  }

  /** Its request is complete (or it closed): no deadline any more. */
  settle(socket: Socket): void {
    const timer = this.#pending.get(socket);
    if (timer === undefined) return;
    this.#pending.delete(socket);
    timer.unsubscribe();
    socket.off('close', this.#onClose);
  }
}

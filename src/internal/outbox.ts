import type { CancelTimer, Clock } from './clock';
import { SendQueue } from './send-queue';
import type { TransportSocket, WireMessage } from './transport/transport';

/** The bounds of what may wait in an outbox before its connection opens. */
export interface OutboxLimits {
  readonly maxQueuedMessages: number;
  readonly maxQueuedBytes: number;
}

/** What became of the values an outbox took, once its connection ended. */
export interface OutboxReport<T> {
  /** Values written to the socket before this side's Close frame. */
  readonly sent: number;
  /** Values accepted and never handed to a socket. */
  readonly undelivered: T[];
  /**
   * Values handed to a WHATWG socket that the platform may have dropped: handed over within
   * the socket's `deliveryWindow` before it was seen closing or closed. Not counted in `sent`.
   */
  readonly inDoubt: T[];
}

/**
 * The outbound path of one connection, and its only owner: the values `next()` accepted for
 * it, in order; the writes to its socket; and the accounting of what was sent and what was
 * not. Before the socket opens, values wait in a bounded queue; once it is open, a value is
 * written at once when nothing waits before it. When this side starts its close, the outbox
 * is sealed: what it holds is written before the Close frame, and it takes nothing more.
 *
 * A `ws` socket writes every value it takes before its own Close frame, so `sent` is final
 * at the write. A WHATWG socket can take a value after the platform already answered the
 * peer's Close, and drop it unseen (Chromium does): such a value counts as sent only once the
 * socket was still open `deliveryWindow` ms after the write; until then it is in doubt. A
 * WebSocketStream also says when each write is done (`confirmsWrites`), but Chromium
 * resolves a write it dropped in that same race: there a value counts as sent once its write
 * is done and the socket still read open a delivery window after the write. A value whose
 * write had not finished, or whose window had not passed, when the connection ended is in doubt.
 */
export class Outbox<T> {
  readonly #limits: OutboxLimits;
  readonly #clock: Clock;
  #queue: SendQueue<T> | null = null;
  #socket: TransportSocket | null = null;
  #sealed = false;
  #sent = 0;
  /** Values handed to a socket that may still drop them, not yet counted as sent, oldest first. */
  #unconfirmed: { readonly value: T; readonly at: number }[] | null = null;
  /** How many of `#unconfirmed`, from the oldest, the socket has finished writing. */
  #written = 0;
  #confirm: CancelTimer | null = null;
  /** What a socket that confirms its writes calls after each one (made on its first write). */
  #onWritten: (() => void) | null = null;

  constructor(limits: OutboxLimits, clock: Clock) {
    this.#limits = limits;
    this.#clock = clock;
  }

  /** Values waiting for the socket. */
  get queuedMessages(): number {
    return this.#queue?.length ?? 0;
  }

  /** The values waiting for the socket, oldest first. */
  queuedValues(): T[] {
    return this.#queue?.values() ?? [];
  }

  /** Bytes not yet on the network: in the socket's buffer, and waiting here. */
  get bufferedAmount(): number {
    return (this.#socket?.bufferedAmount ?? 0) + (this.#queue?.bytes ?? 0);
  }

  /** This side's close has started: the outbox takes no more values. */
  get isSealed(): boolean {
    return this.#sealed;
  }

  /**
   * Takes a value: writes it now when the socket is open and nothing waits before it, else
   * queues it. Throws `ERR_QUEUE_OVERFLOW` (the value not taken) when the queue is full.
   */
  push(value: T, data: WireMessage): void {
    const queue = this.#queue;
    if (this.#socket !== null && (queue === null || queue.length === 0) && this.#write(value, data)) return;
    (this.#queue ??= new SendQueue<T>(this.#limits.maxQueuedMessages, this.#limits.maxQueuedBytes)).push(value, data);
  }

  /** The socket is open: writes what waits, in order; later values are written at once. */
  attach(socket: TransportSocket): void {
    this.#socket = socket;
    this.flush();
  }

  /** Writes what waits, in order, until the socket refuses (it is closing). */
  flush(): void {
    const queue = this.#queue;
    const socket = this.#socket;
    if (queue === null || socket === null) return;
    for (let data = queue.peek(); data !== undefined; data = queue.peek()) {
      if (!this.#hand(socket, data)) return;
      this.#count(queue.shift() as T, socket);
    }
  }

  /** This side's Close frame is next: takes no more values (they go to the next connection). */
  seal(): void {
    this.#sealed = true;
  }

  /**
   * The connection ended: what was sent and what was not. With `keepQueued` (the session
   * goes on, and `replayQueue`), the values still waiting stay for the next connection and
   * are reported undelivered all the same; otherwise the outbox is emptied.
   */
  detach(keepQueued: boolean): OutboxReport<T> {
    this.#socket = null;
    this.#confirm?.();
    this.#confirm = null;
    const queued = this.#queue === null ? [] : keepQueued && !this.#sealed ? this.#queue.values() : this.#queue.clear();
    const inDoubt = this.#unconfirmed?.map((entry) => entry.value) ?? [];
    this.#unconfirmed = null;
    this.#written = 0;
    const report = { sent: this.#sent, undelivered: queued, inDoubt };
    this.#sent = 0;
    return report;
  }

  #write(value: T, data: WireMessage): boolean {
    const socket = this.#socket!;
    if (!this.#hand(socket, data)) return false;
    this.#count(value, socket);
    return true;
  }

  /** Hands data to `socket`; one that confirms its writes is told whom to tell. */
  #hand(socket: TransportSocket, data: WireMessage): boolean {
    return socket.confirmsWrites === true ? socket.send(data, (this.#onWritten ??= () => this.#writeDone())) : socket.send(data);
  }

  /** Accounts for a value `socket` took. */
  #count(value: T, socket: TransportSocket): void {
    const confirms = socket.confirmsWrites === true;
    if (!confirms && socket.deliveryWindow === 0) {
      this.#sent++;
      return;
    }
    (this.#unconfirmed ??= []).push({ value, at: this.#clock.now() });
    if (!confirms) this.#written++;
    if (this.#confirm === null && socket.deliveryWindow > 0) this.#armConfirmation(socket.deliveryWindow);
  }

  /** A socket that confirms its writes finished the oldest write it had not confirmed (they finish in order). */
  #writeDone(): void {
    if (this.#unconfirmed === null || this.#written >= this.#unconfirmed.length) return;
    this.#written++;
    this.#settle();
  }

  /**
   * Counts as sent every value, oldest first, whose write is done and that was written a whole
   * delivery window ago while the socket still reads open; waits for the next one to qualify.
   */
  #settle(): void {
    const unconfirmed = this.#unconfirmed;
    const socket = this.#socket;
    if (unconfirmed === null || socket === null || !socket.isOpen) return;
    const window = socket.deliveryWindow;
    const now = this.#clock.now();
    let confirmed = 0;
    while (confirmed < this.#written && unconfirmed[confirmed]!.at + window <= now) confirmed++;
    if (confirmed > 0) {
      this.#sent += confirmed;
      this.#written -= confirmed;
      unconfirmed.splice(0, confirmed);
      if (unconfirmed.length === 0) this.#unconfirmed = null;
    }
    // The next value waits for its window (a timer) or for its write (writeDone).
    if (this.#unconfirmed !== null && this.#written > 0 && this.#confirm === null) {
      this.#armConfirmation(this.#unconfirmed[0]!.at + window - now);
    }
  }

  #armConfirmation(delay: number): void {
    this.#confirm = this.#clock.setTimer(() => {
      this.#confirm = null;
      this.#settle();
    }, delay);
  }
}

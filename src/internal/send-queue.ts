import type { WireMessage } from './transport/transport';
import { utf8ByteLength } from './utf8-byte-length';
import { WebSocketTaskError } from './websocket-task-error';

interface QueuedMessage<T> {
  readonly value: T;
  readonly data: WireMessage;
  readonly bytes: number;
}

/**
 * The values `next()` accepted while no connection could take them, in order, already
 * encoded. Bounded by count and bytes: a value that does not fit is refused with
 * `ERR_QUEUE_OVERFLOW`, never dropped.
 */
export class SendQueue<T> {
  #items: QueuedMessage<T>[] = [];
  #head = 0;
  #bytes = 0;

  constructor(
    readonly maxMessages: number,
    readonly maxBytes: number,
  ) {}

  /** How many values wait. */
  get length(): number {
    return this.#items.length - this.#head;
  }

  /** How many encoded bytes wait. */
  get bytes(): number {
    return this.#bytes;
  }

  /** Appends a value; throws `ERR_QUEUE_OVERFLOW` (with the value as `undelivered`) when it does not fit. */
  push(value: T, data: WireMessage): void {
    const bytes = typeof data === 'string' ? utf8ByteLength(data) : data.byteLength;
    if (this.length + 1 > this.maxMessages || this.#bytes + bytes > this.maxBytes) {
      // A value larger than the whole queue would never fit, however long the caller waits.
      const message =
        bytes > this.maxBytes
          ? `A value of ${bytes} bytes is larger than maxQueuedBytes (${this.maxBytes}): it can never be queued; the value was not accepted.`
          : `The send queue is full (${this.length} values, ${this.#bytes} bytes; limits ${this.maxMessages} values, ${this.maxBytes} bytes): the value was not accepted.`;
      throw new WebSocketTaskError('ERR_QUEUE_OVERFLOW', message, { undelivered: [value] });
    }
    this.#items.push({ value, data, bytes });
    this.#bytes += bytes;
  }

  /** The encoded form of the oldest value, or `undefined` when empty. */
  peek(): WireMessage | undefined {
    return this.#items[this.#head]?.data;
  }

  /** Removes the oldest value (after a socket took it) and returns it. */
  shift(): T | undefined {
    const item = this.#items[this.#head];
    if (item === undefined) return undefined;
    this.#bytes -= item.bytes;
    this.#head++;
    if (this.#head === this.#items.length) {
      this.#items = [];
      this.#head = 0;
    } else if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return item.value;
  }

  /** The waiting values, oldest first. */
  values(): T[] {
    return this.#items.slice(this.#head).map((item) => item.value);
  }

  /** Empties the queue and returns what it held. */
  clear(): T[] {
    // An empty queue stays untouched (tasks that never queued share one empty queue).
    if (this.#items.length === 0) return [];
    const values = this.values();
    this.#items = [];
    this.#head = 0;
    this.#bytes = 0;
    return values;
  }
}

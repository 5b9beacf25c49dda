/**
 * A `TransportListener` that records what a socket adapter reports, for the adapters' own
 * tests: open, messages (awaitable one at a time), pongs, failures, and the one end.
 */
import type { TransportEnd, TransportFailure, TransportListener, WireMessage } from '../../src/internal/transport/transport';
import { AsyncQueue } from './async-queue.js';

export class RecordingListener implements TransportListener {
  /** Every message delivered, in order (history; `nextMessage` does not consume it). */
  readonly messages: WireMessage[] = [];
  readonly pongs: Uint8Array[] = [];
  readonly failures: TransportFailure[] = [];
  /** How many times `onEnd` was called (the adapter must call it exactly once). */
  endCalls = 0;
  /** Resolves with the protocol and extensions at open. */
  readonly opened: Promise<{ protocol: string; extensions: string }>;
  /** Resolves with the end the adapter reported. */
  readonly ended: Promise<TransportEnd>;
  readonly #queue = new AsyncQueue<WireMessage>('adapter messages');
  #open!: (value: { protocol: string; extensions: string }) => void;
  #end!: (end: TransportEnd) => void;

  constructor() {
    this.opened = new Promise((resolve) => (this.#open = resolve));
    this.ended = new Promise((resolve) => (this.#end = resolve));
  }

  /** The next message not yet consumed; rejects once the socket ended without one. */
  nextMessage(): Promise<WireMessage> {
    return this.#queue.next();
  }

  onOpen(protocol: string, extensions: string): void {
    this.#open({ protocol, extensions });
  }

  onMessage(data: WireMessage): void {
    this.messages.push(data);
    this.#queue.push(data);
  }

  onPong(payload: Uint8Array): void {
    this.pongs.push(payload);
  }

  onFailure(failure: TransportFailure): void {
    this.failures.push(failure);
  }

  onEnd(end: TransportEnd): void {
    this.endCalls++;
    this.#queue.end();
    this.#end(end);
  }
}

/**
 * A `TransportSocket` for unit tests of a connection's parts (outbox, close handshake): it
 * records what was done to it, in order, as readable lines (`send a`, `close 1000 "bye"`,
 * `terminate`), and behaves like `ws` where it matters: it takes data only while open, and
 * `close()` or `terminate()` makes it refuse data at once.
 */
import type { CloseCodeRules } from '../../src/internal/close-code';
import type { TransportSocket, WireMessage } from '../../src/internal/transport/transport';

export interface FakeSocketOptions {
  readonly closeCodeRules?: CloseCodeRules;
  /** 0 (a `ws` socket, the default) or a WHATWG socket's window in milliseconds. */
  readonly deliveryWindow?: number;
  /** Starts open (default) or not yet open. */
  readonly isOpen?: boolean;
}

export class FakeTransportSocket implements TransportSocket {
  readonly closeCodeRules: CloseCodeRules;
  readonly deliveryWindow: number;
  /** What was done to the socket, in order; a shared log (e.g. with handshake events) may be passed in. */
  readonly log: string[];
  isOpen: boolean;
  /** Set to refuse data while open (a socket that is closing without having been told here). */
  refusing = false;
  bufferedAmount = 0;
  #taken: WireMessage[] = [];

  constructor(options: FakeSocketOptions = {}, log: string[] = []) {
    this.closeCodeRules = options.closeCodeRules ?? 'rfc6455';
    this.deliveryWindow = options.deliveryWindow ?? 0;
    this.isOpen = options.isOpen ?? true;
    this.log = log;
  }

  /** The data the socket took, in order. */
  get sent(): WireMessage[] {
    return this.#taken.slice();
  }

  send(data: WireMessage): boolean {
    if (!this.isOpen || this.refusing) return false;
    this.#taken.push(data);
    this.log.push(`send ${typeof data === 'string' ? data : `<${data.byteLength} bytes>`}`);
    return true;
  }

  close(code: number, reason: string): void {
    this.isOpen = false;
    this.log.push(`close ${code} ${JSON.stringify(reason)}`);
  }

  terminate(): void {
    this.isOpen = false;
    this.log.push('terminate');
  }

  ping(): boolean {
    return false;
  }
}

import { CloseCode } from '../close-code';
import type { TransportFailure } from '../transport/transport';
import type { InboundGate } from '../transport/ws-socket-adapter';

/**
 * A budget for what one client may send a server: at most `messages` messages and `bytes`
 * bytes (of message payload) per `interval` milliseconds, each budget optional. A client
 * that goes past it is closed with `policyViolation` (1008) `"rate limit"`; the server task
 * errors with `ERR_RATE_LIMITED`, and the server's lifecycle emits `limited`.
 *
 * A token bucket per budget: a client may send a whole budget at once, then as fast as it
 * refills (`messages` per `interval`, continuously). Time is the server's `scheduler`'s.
 * Control frames (pings, pongs, Close) are not counted.
 *
 * @example
 * ```ts
 * import { fromWebSocketServer, type InboundRate } from 'rxjs-websocket-task/server';
 *
 * const chatty: InboundRate = { messages: 100, bytes: 1_048_576, interval: 1_000 }; // 100 messages and 1 MiB a second
 * const server = fromWebSocketServer({ port: 8080, inboundRate: chatty });
 * server.lifecycle.subscribe((event) => {
 *   if (event.type === 'limited' && event.reason === 'inboundRate') console.warn(`#${event.connection.id} sent too much`);
 * });
 * ```
 */
export interface InboundRate {
  /** Messages per `interval`; no message budget without it. */
  readonly messages?: number;
  /** Bytes of message payload per `interval`; at least `maximumMessageSize`, or the largest message could never arrive. */
  readonly bytes?: number;
  /** The length of the budget's period, in milliseconds. */
  readonly interval: number;
}

/**
 * One connection's budget: two token buckets, refilled from the clock at each message (no
 * timer per connection). Once past the budget it stays past: it refuses every later message
 * with the same failure, and calls `exceeded` once.
 */
export class InboundBudget implements InboundGate {
  readonly #rate: InboundRate;
  readonly #clock: { now(): number };
  readonly #exceeded: () => void;
  #messages: number;
  #bytes: number;
  #at: number;
  #failure: TransportFailure | undefined = undefined;

  /** @param clock the server's scheduler */
  constructor(rate: InboundRate, clock: { now(): number }, exceeded: () => void) {
    this.#rate = rate;
    this.#clock = clock;
    this.#exceeded = exceeded;
    this.#messages = rate.messages ?? 0;
    this.#bytes = rate.bytes ?? 0;
    this.#at = clock.now();
  }

  admit(size: number): TransportFailure | undefined {
    if (this.#failure !== undefined) return this.#failure;
    const { messages, bytes, interval } = this.#rate;
    const now = this.#clock.now();
    const elapsed = Math.max(0, now - this.#at);
    this.#at = now;
    let over: 'messages' | 'bytes' | undefined;
    if (messages !== undefined) {
      this.#messages = Math.min(messages, this.#messages + (elapsed * messages) / interval);
      if (this.#messages < 1) over = 'messages';
      else this.#messages -= 1;
    }
    if (over === undefined && bytes !== undefined) {
      this.#bytes = Math.min(bytes, this.#bytes + (elapsed * bytes) / interval);
      if (this.#bytes < size) over = 'bytes';
      else this.#bytes -= size;
    }
    if (over === undefined) return undefined;
    this.#failure = rateLimited(over, this.#rate);
    this.#exceeded();
    return this.#failure;
  }
}

/** The failure of a connection past its budget: closed with 1008 "rate limit". */
function rateLimited(over: 'messages' | 'bytes', { messages, bytes, interval }: InboundRate): TransportFailure {
  const budget = over === 'messages' ? `${messages} messages` : `${bytes} bytes`;
  return {
    code: 'ERR_RATE_LIMITED',
    closeCode: CloseCode.policyViolation,
    message: `The client sent more than ${budget} in ${interval} ms (inboundRate): the connection was closed with policyViolation (1008).`,
    closeReason: 'rate limit',
  };
}

/** Why an `inboundRate` option is unusable, or `undefined` when it is fine. */
export function inboundRateProblem(rate: InboundRate, maximumMessageSize: number): string | undefined {
  if (typeof rate !== 'object' || rate === null) return 'inboundRate must be { messages?, bytes?, interval }.';
  const { messages, bytes, interval } = rate;
  if (!(typeof interval === 'number' && Number.isFinite(interval) && interval > 0)) {
    return `inboundRate.interval must be a positive number of milliseconds, not ${String(interval)}.`;
  }
  if (messages === undefined && bytes === undefined) return 'inboundRate needs messages, bytes or both.';
  for (const [name, value] of [['messages', messages], ['bytes', bytes]] as const) {
    if (value !== undefined && !(Number.isInteger(value) && value > 0)) return `inboundRate.${name} must be a positive integer, not ${String(value)}.`;
  }
  if (bytes !== undefined && bytes < maximumMessageSize) {
    return (
      `inboundRate.bytes (${bytes}) is less than maximumMessageSize (${maximumMessageSize}): a message of that size could never arrive. ` +
      'Lower maximumMessageSize or raise inboundRate.bytes.'
    );
  }
  return undefined;
}

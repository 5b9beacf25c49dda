import type { SchedulerLike } from 'rxjs';
import type { CloseCodeRules } from '../close-code';
import type { WebSocketCodec, WebSocketMessage } from '../codec';

/**
 * How a {@link VirtualPeer} behaves beyond its scripts. Every delay is in virtual
 * milliseconds (frames of `TestScheduler.run`).
 *
 * @example
 * ```ts
 * import { jsonCodec } from 'rxjs-websocket-task';
 * import { createVirtualPeer } from 'rxjs-websocket-task/testing';
 *
 * const peer = createVirtualPeer({
 *   codec: jsonCodec<{ type: string }>(), // script values and `sent` as objects, JSON on the wire
 *   pongDelay: 20,                        // pongs come 20 ms after each ping
 *   closeDelay: Infinity,                 // never answers the task's Close frame
 * });
 * ```
 */
export interface VirtualPeerOptions<T = WebSocketMessage> {
  /**
   * The scheduler the peer plays its scripts on. Default `asyncScheduler`, which
   * `TestScheduler.run` drives in virtual time; tasks the peer makes use it too unless their
   * config names one. It must be asynchronous (never run work inside `schedule`).
   */
  readonly scheduler?: SchedulerLike;
  /**
   * Whose rules the task's side follows: `rfc6455` (default: Node with `ws`) or `whatwg`
   * (browsers: only 1000 and 3000–4999 may be sent, no protocol pings, refusals and
   * protocol failures reported as 1006, messages over the size limit closed with 4009).
   */
  readonly closeCodeRules?: CloseCodeRules;
  /**
   * How the peer encodes the values of its scripts and decodes what the task sends (e.g.
   * `jsonCodec()`). Default: none; script values are the messages themselves (a `string`
   * is a text message, a `Uint8Array` a binary one) and `sent` shows the messages as sent.
   */
  readonly codec?: WebSocketCodec<T>;
  /** Virtual ms between a ping of the task and the peer's pong; default 0; `Infinity`: the peer never answers. */
  readonly pongDelay?: number;
  /** Virtual ms between the task's Close frame and the peer's answer; default 0; `Infinity`: the peer never answers. */
  readonly closeDelay?: number;
}

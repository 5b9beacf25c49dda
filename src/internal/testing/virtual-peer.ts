import type { Observable } from 'rxjs';
import type { CloseCode } from '../close-code';
import type { WebSocketMessage } from '../codec';
import type { fromWebSocketTask } from '../from-websocket-task';
import type { PeerEnding } from './peer-ending';
import type { VirtualConnection } from './virtual-connection';

/**
 * An opening handshake a task started with a {@link VirtualPeer}, as `peer.requests` emits
 * it: which connection, to which URL, offering which subprotocols.
 *
 * @example
 * ```ts
 * import { createVirtualPeer } from 'rxjs-websocket-task/testing';
 *
 * testScheduler.run(({ expectObservable }) => {
 *   const peer = createVirtualPeer();
 *   const task = peer.fromWebSocketTask({ url: 'https://example.test/feed', protocols: ['feed.v2'] });
 *   expectObservable(task, '--^-!').toBe('');
 *   expectObservable(peer.requests).toBe('--r', { r: { index: 0, url: 'wss://example.test/feed', protocols: ['feed.v2'] } });
 * });
 * ```
 */
export interface VirtualRequest {
  /** Which connection: 0 for the first. */
  readonly index: number;
  /** The URL, normalized as the task sends it (`http:` became `ws:`). */
  readonly url: string;
  /** The subprotocols the task offered; the peer picks the first ('' without any). */
  readonly protocols: readonly string[];
}

/**
 * A WebSocket server in virtual time: tasks made with its `fromWebSocketTask` connect to it,
 * and its scripts, one per connection, say what it does. Make one with
 * {@link createVirtualPeer}.
 *
 * Code under test that makes its own task takes a `fromWebSocketTask` to use; a test hands it
 * the peer's.
 *
 * @example
 * ```ts
 * import { fromWebSocketTask, jsonCodec } from 'rxjs-websocket-task';
 * import { createVirtualPeer } from 'rxjs-websocket-task/testing';
 *
 * // the code under test
 * const orders = (connect: typeof fromWebSocketTask = fromWebSocketTask) =>
 *   connect({ url: 'wss://shop.example.com/orders', codec: jsonCodec<{ id: number }>() });
 *
 * // its test
 * testScheduler.run(({ expectObservable }) => {
 *   const peer = createVirtualPeer();
 *   peer.script('^-a-|', { a: '{"id":7}' });
 *   expectObservable(orders(peer.fromWebSocketTask)).toBe('--a-|', { a: { id: 7 } });
 * });
 * ```
 */
export interface VirtualPeer<T = WebSocketMessage> {
  /**
   * `fromWebSocketTask` with the same signature and the same config (codecs, limits,
   * timeouts), whose tasks connect to this peer instead of the network: inject it where
   * the code under test takes its `fromWebSocketTask`. It ignores `WebSocketCtor` and
   * `node`, and throws `ERR_INVALID_CONFIG` for a socket to wrap.
   */
  readonly fromWebSocketTask: typeof fromWebSocketTask;
  /**
   * Scripts the next connection (the first call the connection 0, the next the
   * connection 1, …), as `cold(marbles, values, error)` describes an observable. Frames
   * count from the moment the task connects. A connection without a script opens at once
   * and stays silent (`'^'`).
   *
   * | marble | the peer |
   * |---|---|
   * | `-`, ` `, `10ms`, `( )` | time, as in `TestScheduler.run` |
   * | `^` | completes the opening handshake: the connection opens |
   * | `a` (any other character) | sends `values.a` (or the text `'a'` without `values`) |
   * | <code>&#124;</code> | sends a Close frame with `normalClosure` (1000): the task completes |
   * | `#` | ends the connection as `ending` says: a close code (a Close frame with it), or a {@link PeerEnding}; without `ending`, drops it (1006), or before `^` refuses it |
   *
   * No `^` and no ending: the opening handshake never completes.
   *
   * @throws Error for a script no server could play (a message before `^`, a Close frame
   *   with a reserved code, `refuse` after `^`, …), saying why
   */
  script(marbles: string, values?: Readonly<Record<string, T>>, ending?: PeerEnding | CloseCode): VirtualConnection<T>;
  /** The connection with this index (0 first), scripted or not, made yet or not. */
  connection(index: number): VirtualConnection<T>;
  /** Every opening handshake a task starts, at its frame. Hot; never completes. */
  readonly requests: Observable<VirtualRequest>;
}

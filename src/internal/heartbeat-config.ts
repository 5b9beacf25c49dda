/**
 * A heartbeat: every `interval` ms of an open connection a ping goes out; without a pong
 * within `timeout` ms the connection is dropped and reported as `abnormalClosure` (1006)
 * with `ERR_HEARTBEAT_TIMEOUT`, and `reconnect` then applies. On Node the pings are
 * protocol pings. WHATWG sockets (browsers) have no ping API: give `message`, the
 * application-level ping to send, and `isPong`, which recognizes the answer; pongs are not
 * delivered to subscribers. Both timers run on the task's scheduler.
 *
 * @example
 * ```ts
 * import { fromWebSocketTask, jsonCodec } from 'rxjs-websocket-task';
 *
 * type Msg = { type: 'ping' | 'pong' | 'data'; body?: string };
 * const task = fromWebSocketTask({
 *   url: 'wss://example.com',
 *   codec: jsonCodec<Msg>(),
 *   heartbeat: { interval: 15_000, timeout: 5_000, message: () => ({ type: 'ping' }), isPong: (m) => m.type === 'pong' },
 *   reconnect: true,
 * });
 * ```
 */
export interface HeartbeatConfig<T> {
  /** Milliseconds between pings. */
  readonly interval: number;
  /** Milliseconds to wait for the pong. */
  readonly timeout: number;
  /** An application-level ping (required on WHATWG sockets, which cannot send protocol pings). */
  readonly message?: () => T;
  /** Recognizes the application-level pong; required with `message`. */
  readonly isPong?: (value: T) => boolean;
}

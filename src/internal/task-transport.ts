import type { Transport } from './transport/transport';
import { WebSocketTaskError } from './websocket-task-error';

/**
 * How a task opens its connections, made by a transport factory such as
 * {@link webSocketStream} and passed as the config's `transport`. Opaque: only the factories
 * of this package make one.
 *
 * @example
 * ```ts
 * import { fromWebSocketTask, webSocketStream } from 'rxjs-websocket-task';
 *
 * const transport = webSocketStream();
 * console.log(transport.api); // 'WebSocketStream' in Chromium, 'WebSocket' where it lacks it
 * const task = fromWebSocketTask({ url: 'wss://example.com/feed', transport });
 * ```
 */
export interface WebSocketTaskTransport {
  /** The API that carries the connections: `WebSocketStream`, or the classic `WebSocket` (`ws` on Node) it fell back to. */
  readonly api: 'WebSocketStream' | 'WebSocket';
}

/** The transports behind the values the factories made, created when a task first needs one. */
const transports = new WeakMap<WebSocketTaskTransport, () => Transport>();

/** Makes the public value for a transport; `create` runs when a task is created with it. */
export function taskTransport(api: WebSocketTaskTransport['api'], create: () => Transport): WebSocketTaskTransport {
  const value: WebSocketTaskTransport = Object.freeze({ api });
  transports.set(value, create);
  return value;
}

/** The transport behind `value`; `ERR_INVALID_CONFIG` when a factory of this package did not make it. */
export function transportOf(value: unknown): Transport {
  const create = typeof value === 'object' && value !== null ? transports.get(value as WebSocketTaskTransport) : undefined;
  if (create === undefined) {
    throw new WebSocketTaskError(
      'ERR_INVALID_CONFIG',
      'transport must be a value made by a transport factory of rxjs-websocket-task, such as webSocketStream().',
    );
  }
  return create();
}

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

/** A factory's value: the public face and the transport behind it are one object. */
export type TaskTransport = WebSocketTaskTransport & Transport;

/** The transport behind a config's `transport`; `ERR_INVALID_CONFIG` when no factory of this package made it. */
export function transportOf(value: WebSocketTaskTransport): Transport {
  if (typeof (value as Partial<TaskTransport>).connect !== 'function') {
    throw new WebSocketTaskError('ERR_INVALID_CONFIG', 'transport must come from a factory such as webSocketStream().');
  }
  return value as TaskTransport;
}

import { defaultTransport } from './platform';
import type { WebSocketTaskTransport, TaskTransport } from './websocket-task-transport';
import type { WebSocketStreamConstructorLike } from './transport/websocket-stream-like';
import { webSocketStreamTransport } from './transport/websocket-stream-transport';

/**
 * A transport over `WebSocketStream`, the streams-based WebSocket API, for real inbound
 * backpressure where the classic `WebSocket` has none: while a task is paused
 * (`pauseInbound()`, or the {@link processInbound} operator), the reader stops pulling, the
 * browser stops reading the socket, and TCP flow control holds the server, instead of every
 * message piling up in the page.
 *
 * Opt-in: a program that never imports it does not ship it, and `WebSocketStream` is not yet
 * a finished standard. Without an argument it takes the platform's global `WebSocketStream`
 * (Chromium); where there is none (Firefox, Safari, Node) it falls back to the task's default
 * transport (the classic `WebSocket`; `ws` on Node), and `api` says which one it took. On
 * Node pass undici's: `webSocketStream(WebSocketStream)` (it pauses delivery, but undici
 * applies no backpressure yet). Same endings and close codes as the classic `WebSocket` (the
 * browser's close-code rules, no ping); see `docs/backpressure.md`.
 *
 * @example
 * ```ts
 * import { fromWebSocketTask, webSocketStream } from 'rxjs-websocket-task';
 *
 * const task = fromWebSocketTask({ url: 'wss://example.com/feed', transport: webSocketStream() });
 * task.subscribe((message) => console.log(message));
 * task.pauseInbound(); // true on WebSocketStream: the server is held by TCP flow control
 * task.resumeInbound();
 * ```
 * @param WebSocketStreamCtor the `WebSocketStream` constructor; default: the global one, if any
 * @return a transport to pass as the config's `transport`
 */
export function webSocketStream(
  WebSocketStreamCtor: WebSocketStreamConstructorLike | undefined = (globalThis as { WebSocketStream?: WebSocketStreamConstructorLike })
    .WebSocketStream,
): WebSocketTaskTransport {
  const transport: TaskTransport =
    WebSocketStreamCtor === undefined
      ? { ...defaultTransport(), api: 'WebSocket' }
      : { ...webSocketStreamTransport(WebSocketStreamCtor), api: 'WebSocketStream' };
  return transport;
}

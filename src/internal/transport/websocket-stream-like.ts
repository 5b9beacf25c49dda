/**
 * What a `WebSocketStream` resolves `opened` with: the subprotocol and extensions the server
 * chose, and the two streams of the connection.
 *
 * @example
 * ```ts
 * import type { WebSocketStreamOpenInfo } from 'rxjs-websocket-task';
 *
 * const describe = ({ protocol, extensions }: WebSocketStreamOpenInfo) => `${protocol} ${extensions}`;
 * ```
 */
export interface WebSocketStreamOpenInfo {
  readonly protocol: string;
  readonly extensions: string;
  /** Inbound messages: text as `string`, binary as bytes (`Uint8Array` or `ArrayBuffer`). */
  readonly readable: { getReader(): WebSocketStreamReader };
  /** Outbound messages: `string` for text, bytes for binary. */
  readonly writable: { getWriter(): WebSocketStreamWriter };
}

/**
 * The reader of a `WebSocketStream`'s readable side, as this library uses it.
 *
 * @example
 * ```ts
 * import type { WebSocketStreamReader } from 'rxjs-websocket-task';
 *
 * async function first(reader: WebSocketStreamReader): Promise<unknown> {
 *   const { value } = await reader.read();
 *   return value;
 * }
 * ```
 */
export interface WebSocketStreamReader {
  read(): Promise<{ readonly done: boolean; readonly value?: unknown }>;
}

/**
 * The writer of a `WebSocketStream`'s writable side, as this library uses it.
 *
 * @example
 * ```ts
 * import type { WebSocketStreamWriter } from 'rxjs-websocket-task';
 *
 * const hello = (writer: WebSocketStreamWriter) => writer.write('hello');
 * ```
 */
export interface WebSocketStreamWriter {
  write(chunk: string | Uint8Array): Promise<void>;
}

/**
 * How a `WebSocketStream` closed cleanly (its `closed` promise), or what its
 * `WebSocketError` carries (`closeCode` is `null` when the connection never opened).
 *
 * @example
 * ```ts
 * import type { WebSocketStreamCloseInfo } from 'rxjs-websocket-task';
 *
 * const normal: WebSocketStreamCloseInfo = { closeCode: 1000, reason: 'done' };
 * ```
 */
export interface WebSocketStreamCloseInfo {
  readonly closeCode?: number | null;
  readonly reason?: string;
}

/**
 * A `WebSocketStream` (WHATWG WebSockets, the streams-based interface): Chromium's global,
 * or undici's on Node. Only what this library uses.
 *
 * @example
 * ```ts
 * import type { WebSocketStreamLike } from 'rxjs-websocket-task';
 *
 * async function protocolOf(stream: WebSocketStreamLike): Promise<string> {
 *   return (await stream.opened).protocol;
 * }
 * ```
 */
export interface WebSocketStreamLike {
  readonly opened: Promise<WebSocketStreamOpenInfo>;
  /** Resolves on a clean close; rejects with a `WebSocketError` (its `closeCode`, `reason`) otherwise. */
  readonly closed: Promise<WebSocketStreamCloseInfo>;
  close(closeInfo?: { closeCode?: number; reason?: string }): void;
}

/**
 * A `WebSocketStream` constructor: `globalThis.WebSocketStream` in Chromium, or undici's
 * (`import { WebSocketStream } from 'undici'`) on Node. Pass it to {@link webSocketStream}.
 *
 * @example
 * ```ts
 * import { WebSocketStream } from 'undici';
 * import { webSocketStream, type WebSocketStreamConstructorLike } from 'rxjs-websocket-task';
 *
 * const ctor: WebSocketStreamConstructorLike = WebSocketStream;
 * const transport = webSocketStream(ctor);
 * ```
 */
export type WebSocketStreamConstructorLike = new (
  url: string,
  options?: { protocols?: string[]; signal?: AbortSignal },
) => WebSocketStreamLike;

/** A message as it arrives or leaves: text as `string`, binary as `Uint8Array` (Apple's `.string` / `.data`). */
export type WebSocketMessage = string | Uint8Array;

/**
 * How values become messages and back. `decode` may throw: the connection then closes with
 * `invalidFramePayloadData` (1007). `encode` may throw: the connection closes with
 * `internalServerError` (1011). `accepts` names the inbound kinds the codec understands;
 * a message of another kind closes the connection with `unsupportedData` (1003).
 *
 * @example
 * ```ts
 * import { fromWebSocketTask, type WebSocketCodec } from 'rxjs-websocket-task';
 *
 * const upper: WebSocketCodec<string> = {
 *   accepts: 'text',
 *   encode: (value) => value.toUpperCase(),
 *   decode: (data) => String(data),
 * };
 * const task = fromWebSocketTask({ url: 'wss://example.com', codec: upper });
 * ```
 */
export interface WebSocketCodec<T> {
  /** Inbound message kinds this codec understands; default `'any'`. */
  readonly accepts?: 'text' | 'binary' | 'any';
  encode(value: T): WebSocketMessage;
  decode(data: WebSocketMessage): T;
}

/**
 * The default codec: text arrives as `string`, binary as `Uint8Array` (on Node, a `Buffer`,
 * which is one); values are sent as they are.
 *
 * @example
 * ```ts
 * import { fromWebSocketTask, rawCodec } from 'rxjs-websocket-task';
 * const task = fromWebSocketTask({ url: 'wss://example.com', codec: rawCodec });
 * task.next(new Uint8Array([1, 2, 3])); // a binary message
 * ```
 */
export const rawCodec: WebSocketCodec<WebSocketMessage> = Object.freeze({
  accepts: 'any',
  encode: (value: WebSocketMessage) => value,
  decode: (data: WebSocketMessage) => data,
});

/**
 * A JSON codec: values are sent as JSON text; inbound text is parsed. Binary messages are
 * refused with `unsupportedData` (1003), unparsable text with `invalidFramePayloadData` (1007).
 * Without a reviver every call returns the same frozen codec, so that tasks using it share
 * one resolved config (a server with thousands of connections keeps one, not thousands).
 *
 * @param reviver passed to `JSON.parse`
 * @example
 * ```ts
 * import { fromWebSocketTask, jsonCodec } from 'rxjs-websocket-task';
 *
 * interface Tick { symbol: string; price: number }
 * const ticks = fromWebSocketTask({ url: 'wss://example.com/ticks', codec: jsonCodec<Tick>() });
 * ticks.subscribe((tick) => console.log(tick.price));
 * ```
 */
export function jsonCodec<T = unknown>(reviver?: (key: string, value: unknown) => unknown): WebSocketCodec<T> {
  if (reviver === undefined) return (plainJson ??= Object.freeze(createJsonCodec<unknown>())) as WebSocketCodec<T>;
  return createJsonCodec<T>(reviver);
}

/** `jsonCodec()` without a reviver: one frozen codec, so tasks that use it can share their resolved config. */
let plainJson: WebSocketCodec<unknown> | undefined;

function createJsonCodec<T>(reviver?: (key: string, value: unknown) => unknown): WebSocketCodec<T> {
  return {
    accepts: 'text',
    encode: (value: T) => {
      const text = JSON.stringify(value);
      if (text === undefined) throw new TypeError(`JSON cannot represent ${typeof value} values`);
      return text;
    },
    decode: (data: WebSocketMessage) => JSON.parse(data as string, reviver) as T,
  };
}

/**
 * The shape of a WebSocket this library can wrap or construct: the WHATWG `WebSocket` of
 * browsers and of Node 22+, undici's, and `ws`'s all fit it.
 */
export interface WebSocketLike {
  readonly readyState: number;
  readonly protocol: string;
  readonly bufferedAmount: number;
  binaryType: string;
  send(data: string): void;
  close(code?: number, reason?: string): void;
}

/**
 * A WebSocket constructor, as `rxjs/webSocket`'s `WebSocketCtor` option takes it: the
 * global `WebSocket`, undici's, `ws`'s, or any WHATWG-compatible one.
 */
export type WebSocketConstructorLike = new (url: string, protocols?: string | string[]) => WebSocketLike;

/** The WHATWG readyState values, named. */
export const ReadyState = { connecting: 0, open: 1, closing: 2, closed: 3 } as const;

/** Whether a socket or constructor is `ws`'s: it has the EventEmitter `on` and a protocol `ping`. */
export function isWsSocket(socket: object): boolean {
  const candidate = socket as { on?: unknown; ping?: unknown };
  return typeof candidate.on === 'function' && typeof candidate.ping === 'function';
}

/** Whether a constructor builds `ws` sockets. */
export function isWsConstructor(ctor: WebSocketConstructorLike): boolean {
  return isWsSocket(ctor.prototype as object);
}

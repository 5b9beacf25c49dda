// Node's platform: `ws` by default. The browser build replaces this module with
// platform.browser.ts (see rollup.config.js), so that it never references `ws`.
import WebSocket from 'ws';
import type { Transport, TransportListener, TransportSocket } from './transport/transport';
import { whatwgTransport } from './transport/whatwg-transport';
import { adaptWhatwgSocket } from './transport/whatwg-socket-adapter';
import { isWsConstructor, isWsSocket, type WebSocketConstructorLike, type WebSocketLike } from './transport/websocket-like';
import { adaptAcceptedWsSocket } from './transport/ws-socket-adapter';
import { wsTransport } from './transport/ws-transport';


let wsDefault: Transport | undefined;

/** The transport used when the config names no `WebSocketCtor`: `ws` (one, shared by every task). */
export function defaultTransport(): Transport {
  return (wsDefault ??= wsTransport(WebSocket));
}

/** The transport for a user's constructor: `ws`'s own mapping when it is `ws`, the WHATWG one otherwise. */
export function transportForConstructor(WebSocketCtor: WebSocketConstructorLike): Transport {
  return isWsConstructor(WebSocketCtor)
    ? wsTransport(WebSocketCtor as unknown as typeof WebSocket)
    : whatwgTransport(WebSocketCtor);
}

/** Drives an existing socket, `ws` or WHATWG. */
export function adaptExistingSocket(
  socket: WebSocketLike,
  listener: TransportListener,
  maximumMessageSize: number,
): TransportSocket {
  return isWsSocket(socket)
    ? adaptAcceptedWsSocket(socket as unknown as WebSocket, listener, maximumMessageSize)
    : adaptWhatwgSocket(socket, listener, maximumMessageSize);
}

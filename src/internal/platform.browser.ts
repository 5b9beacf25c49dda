// The browser's platform: the global WebSocket, WHATWG rules. Replaces platform.ts in the
// browser build; it must import nothing from Node or `ws`.
import type { Transport, TransportListener, TransportSocket } from './transport/transport';
import { whatwgTransport } from './transport/whatwg-transport';
import { adaptWhatwgSocket } from './transport/whatwg-socket-adapter';
import type { WebSocketConstructorLike, WebSocketLike } from './transport/websocket-like';
import { WebSocketTaskError } from './websocket-task-error';


/** The transport used when the config names no `WebSocketCtor`: the global `WebSocket`. */
export function defaultTransport(): Transport {
  const GlobalWebSocket = (globalThis as { WebSocket?: WebSocketConstructorLike }).WebSocket;
  if (GlobalWebSocket === undefined) {
    throw new WebSocketTaskError('ERR_INVALID_CONFIG', 'This platform has no global WebSocket: pass WebSocketCtor.');
  }
  return whatwgTransport(GlobalWebSocket);
}

/** The transport for a user's constructor. */
export function transportForConstructor(WebSocketCtor: WebSocketConstructorLike): Transport {
  return whatwgTransport(WebSocketCtor);
}

/** Drives an existing WHATWG socket. */
export function adaptExistingSocket(
  socket: WebSocketLike,
  listener: TransportListener,
  maximumMessageSize: number,
): TransportSocket {
  return adaptWhatwgSocket(socket, listener, maximumMessageSize);
}

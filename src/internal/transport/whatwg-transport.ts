import { failedSocket } from './failed-socket';
import type { Transport, TransportSocket } from './transport';
import type { WebSocketConstructorLike } from './websocket-like';
import { adaptWhatwgSocket } from './whatwg-socket-adapter';

/** A transport that opens connections with a WHATWG-compatible WebSocket constructor. */
export function whatwgTransport(WebSocketCtor: WebSocketConstructorLike): Transport {
  return {
    closeCodeRules: 'whatwg',
    connect(request, listener): TransportSocket {
      try {
        const socket = new WebSocketCtor(request.url, [...request.protocols]);
        return adaptWhatwgSocket(socket, listener, request.maximumMessageSize);
      } catch (error) {
        return failedSocket('whatwg', error, listener);
      }
    },
  };
}

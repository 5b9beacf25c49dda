import { WebSocketTaskError } from '../websocket-task-error';
import { failedSocket } from './failed-socket';
import type { Transport, TransportSocket } from './transport';
import { adaptWebSocketStream } from './websocket-stream-adapter';
import type { WebSocketStreamConstructorLike } from './websocket-stream-like';

/** A transport that opens connections with a `WebSocketStream` constructor (WHATWG rules). */
export function webSocketStreamTransport(WebSocketStreamCtor: WebSocketStreamConstructorLike): Transport {
  return {
    closeCodeRules: 'whatwg',
    connect(request, listener): TransportSocket {
      try {
        // The signal is how an opening handshake is aborted (the last subscriber left, openTimeout).
        const opening = new AbortController();
        const stream = new WebSocketStreamCtor(request.url, { protocols: [...request.protocols], signal: opening.signal });
        return adaptWebSocketStream(stream, () => opening.abort(), listener, request.maximumMessageSize);
      } catch (error) {
        return failedSocket('whatwg', error, listener);
      }
    },
    checkConfig({ node }) {
      const option = node && Object.keys(node)[0];
      if (option !== undefined) {
        throw new WebSocketTaskError(
          'ERR_INVALID_CONFIG',
          `WebSocketStream takes no Node socket options (headers, TLS, …): node.${option} would be ignored. Leave node out, or use the default transport (ws) on Node.`,
        );
      }
    },
  };
}

import type WebSocket from 'ws';
import type { Transport, TransportRequest, TransportSocket } from './transport';
import { failedSocket } from './failed-socket';
import { adaptWsSocket } from './ws-socket-adapter';

type WsConstructor = new (url: string, protocols: string[], options: WebSocket.ClientOptions) => WebSocket;

/** A transport that opens connections with the `ws` client, enforcing the size limit before buffering (`maxPayload`). */
export function wsTransport(WsCtor: WsConstructor): Transport {
  return {
    closeCodeRules: 'rfc6455',
    connect(request, listener): TransportSocket {
      try {
        const socket = new WsCtor(request.url, [...request.protocols], wsClientOptions(request));
        return adaptWsSocket(socket, listener, request.maximumMessageSize);
      } catch (error) {
        return failedSocket('rfc6455', error, listener);
      }
    },
  };
}

function wsClientOptions({ maximumMessageSize, node }: TransportRequest): WebSocket.ClientOptions {
  return {
    perMessageDeflate: node.perMessageDeflate ?? false,
    followRedirects: node.followRedirects ?? false,
    // A headers factory was resolved into the request before the transport is asked.
    ...(node.headers && { headers: { ...(node.headers as Readonly<Record<string, string>>) } }),
    ...(node.origin !== undefined && { origin: node.origin }),
    ...(node.handshakeTimeout !== undefined && { handshakeTimeout: node.handshakeTimeout }),
    ...(node.tls as WebSocket.ClientOptions),
    ...(node.ws as WebSocket.ClientOptions),
    maxPayload: maximumMessageSize,
  };
}

import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Acceptor, AcceptorListener, ServerAddress } from './acceptor';

/**
 * An existing `ws` server: this library takes the connections it accepts. The `ws` server
 * keeps its own upgrade handling (`verifyClient`, `handleProtocols`, `maxPayload`) and
 * keeps accepting while nobody subscribes, so its connections are listened to from the
 * first start until the shutdown closes it (the server refuses those it does not take).
 */
export function adoptAcceptor(webSocketServer: WebSocketServer): Acceptor {
  let detach: (() => void) | null = null;
  const address = (): ServerAddress | null => {
    if (webSocketServer.options.noServer) return null;
    return webSocketServer.address() as ServerAddress | null;
  };

  return {
    start(listener: AcceptorListener) {
      detach?.();
      const onConnection = (socket: WebSocket, incoming: IncomingMessage) => listener.connection(socket, incoming);
      const onError = (error: Error) => listener.error(error);
      const onListening = () => listener.listening(address());
      webSocketServer.on('connection', onConnection);
      webSocketServer.on('error', onError);
      if (address() !== null) queueMicrotask(onListening);
      else webSocketServer.once('listening', onListening);
      detach = () => {
        webSocketServer.off('connection', onConnection);
        webSocketServer.off('error', onError);
        webSocketServer.off('listening', onListening);
      };
    },
    stop() {},
    beginShutdown() {},
    close() {
      return new Promise<void>((resolve) =>
        webSocketServer.close(() => {
          detach?.();
          detach = null;
          resolve();
        }),
      );
    },
    address,
    hasOtherUpgradeListeners: () => false,
  };
}

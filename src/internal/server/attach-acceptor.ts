import type { IncomingMessage, Server as HttpServer } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import type { Acceptor, AcceptorListener, ServerAddress } from './acceptor';
import { countTaskListener, hasForeignUpgradeListeners } from './upgrade-listeners';

/**
 * An existing HTTP or HTTPS server: this library takes its upgrade requests while
 * started, and leaves the server itself (listening, plain HTTP, other `upgrade`
 * listeners) to its owner.
 */
export function attachAcceptor(server: HttpServer | HttpsServer): Acceptor {
  let detach: (() => void) | null = null;
  const address = (): ServerAddress | null => (server.listening ? (server.address() as ServerAddress | null) : null);

  const stop = (): void => {
    detach?.();
    detach = null;
  };

  return {
    start(listener: AcceptorListener) {
      const onUpgrade = (incoming: IncomingMessage, socket: Duplex, head: Buffer) => listener.upgrade(incoming, socket, head);
      const onListening = () => listener.listening(address());
      server.on('upgrade', onUpgrade);
      countTaskListener(server, 1);
      if (server.listening) queueMicrotask(onListening);
      else server.once('listening', onListening);
      detach = () => {
        server.off('upgrade', onUpgrade);
        countTaskListener(server, -1);
        server.off('listening', onListening);
      };
    },
    stop,
    beginShutdown() {},
    async close() {
      stop();
    },
    address,
    // Other task servers attached here are not "other": they take their paths or leave them.
    hasOtherUpgradeListeners: () => hasForeignUpgradeListeners(server),
  };
}

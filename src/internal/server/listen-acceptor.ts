import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { Acceptor, AcceptorListener, ServerAddress } from './acceptor';

/** The listen options of a server this library creates. */
export interface ListenOptions {
  readonly port: number;
  readonly host: string | undefined;
  readonly backlog: number | undefined;
}

/**
 * An HTTP server this library creates and listens with: plain requests get
 * `426 Upgrade Required`, upgrade requests go to the WebSocket server. A new HTTP server
 * per start, so that a server can listen again after its last subscriber left.
 */
export function listenAcceptor({ port, host, backlog }: ListenOptions): Acceptor {
  let current: Server | null = null;
  /** Servers that stopped listening and wait for their last connections to end. */
  const closing = new Map<Server, Promise<void>>();

  const stop = (): void => {
    const server = current;
    if (server === null) return;
    current = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    closing.set(server, closed);
    void closed.then(() => closing.delete(server));
    server.closeIdleConnections();
  };

  return {
    start(listener: AcceptorListener) {
      const server = createServer((_request, response) => {
        const body = STATUS_CODES[426] ?? 'Upgrade Required';
        response.writeHead(426, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body) }).end(body);
      });
      current = server;
      server.on('upgrade', (incoming, socket, head) => listener.upgrade(incoming, socket, head));
      server.on('error', (error) => {
        if (current === server) listener.error(error);
      });
      server.listen({ port, host, backlog }, () => {
        if (current === server) listener.listening(server.address() as ServerAddress | null);
      });
    },
    stop,
    beginShutdown: stop,
    async close() {
      stop();
      for (const server of closing.keys()) server.closeAllConnections();
      await Promise.all(closing.values());
    },
    address: () => (current?.listening ? (current.address() as ServerAddress | null) : null),
    hasOtherUpgradeListeners: () => false,
  };
}

import { createServer, STATUS_CODES, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { SchedulerLike } from 'rxjs';
import type { Acceptor, AcceptorListener, ServerAddress } from './acceptor';
import { HandshakeDeadlines } from './handshake-deadlines';
import { writeRejection } from './upgrade-verdict';

/** The listen options of a server this library creates. */
export interface ListenOptions {
  readonly port: number;
  readonly host: string | undefined;
  readonly backlog: number | undefined;
  /** Milliseconds a TCP connection has to complete its request; `Infinity`: no limit. */
  readonly handshakeTimeout: number;
  /** Where the handshake deadlines run. */
  readonly scheduler: SchedulerLike;
}

/**
 * An HTTP server this library creates and listens with: plain requests get
 * `426 Upgrade Required` (and the connection is closed), upgrade requests go to the
 * WebSocket server. A TCP connection whose request is not complete within
 * `handshakeTimeout` gets 408 and is closed; Node's own `headersTimeout` and
 * `requestTimeout` are set to it too, a second line that does not depend on the scheduler.
 * A new HTTP server per start, so that a server can listen again after its last subscriber
 * left.
 */
export function listenAcceptor({ port, host, backlog, handshakeTimeout, scheduler }: ListenOptions): Acceptor {
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
      const deadlines = new HandshakeDeadlines(handshakeTimeout, scheduler, (socket) => {
        writeRejection(socket, { status: 408 });
        listener.handshakeTimedOut(socket.remoteAddress);
      });
      const nodeTimeout = Math.ceil(handshakeTimeout);
      const timeouts = Number.isFinite(nodeTimeout) ? { headersTimeout: nodeTimeout, requestTimeout: nodeTimeout } : {};
      const server = createServer(timeouts, (request, response) => {
        deadlines.settle(request.socket);
        const body = STATUS_CODES[426] ?? 'Upgrade Required';
        response
          .writeHead(426, { 'Content-Type': 'text/plain', 'Content-Length': Buffer.byteLength(body), Connection: 'close' })
          .end(body);
      });
      current = server;
      server.on('connection', (socket: Socket) => deadlines.watch(socket));
      server.on('upgrade', (incoming, socket, head) => {
        deadlines.settle(socket as Socket);
        listener.upgrade(incoming, socket, head);
      });
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

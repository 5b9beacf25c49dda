// The demo's peer: a `ws` server on 127.0.0.1, port 0 (no network). What it does with a
// connection depends on the path the client asks for.
import type { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

/** How the server closes one connection, as it saw it. */
export interface ServerSideClose {
  readonly code: number;
  readonly reason: string;
}

/** Per path: what the server does with a new connection. */
const behaviours: Record<string, (socket: WebSocket) => void> = {
  /** Echoes every message back, with `echo: true` added. */
  '/echo': (socket) => {
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as Record<string, unknown>;
      socket.send(JSON.stringify({ ...message, echo: true }));
    });
  },
  /** Says goodbye and closes with an application code (4001). */
  '/app-close': (socket) => {
    socket.send('your session expires now');
    socket.close(4001, 'session expired');
  },
  /** Sends one message, then drops the TCP connection without a Close frame. */
  '/drop': (socket) => {
    socket.send('about to vanish');
    setTimeout(() => socket.terminate(), 20);
  },
  /** Sends a 4 KiB message: more than the demo client accepts. */
  '/too-big': (socket) => {
    socket.send('x'.repeat(4096));
  },
};

export interface DemoServer {
  readonly url: string;
  /** Resolves with how the server saw the (one) connection on `path` close. */
  closeSeenOn(path: string): Promise<ServerSideClose>;
  close(): Promise<void>;
}

export async function startDemoServer(): Promise<DemoServer> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  const closes = new Map<string, { promise: Promise<ServerSideClose>; resolve: (close: ServerSideClose) => void }>();
  const closeOf = (path: string) => {
    let entry = closes.get(path);
    if (entry === undefined) {
      let resolve!: (close: ServerSideClose) => void;
      const promise = new Promise<ServerSideClose>((r) => (resolve = r));
      entry = { promise, resolve };
      closes.set(path, entry);
    }
    return entry;
  };

  server.on('connection', (socket, request) => {
    const path = request.url ?? '/';
    socket.on('close', (code, reason) => closeOf(path).resolve({ code, reason: reason.toString() }));
    const behave = behaviours[path];
    if (behave) behave(socket);
    else socket.close(4004, `no such demo path: ${path}`);
  });

  return {
    url: `ws://127.0.0.1:${port}`,
    closeSeenOn: (path) => closeOf(path).promise,
    close: () =>
      new Promise<void>((resolve, reject) => {
        for (const client of server.clients) client.terminate();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

/**
 * A well-behaved loopback WebSocket peer built on the `ws` package, recording
 * everything each accepted connection receives.
 */
import { createServer, STATUS_CODES, type IncomingMessage, type Server } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocketServer, type RawData, type ServerOptions, type WebSocket } from 'ws';
import { AsyncQueue } from './async-queue.js';

/** One message received by the server side. */
export interface PeerMessage {
  data: string | Buffer;
  isBinary: boolean;
}

/** The server side of one accepted WebSocket connection. */
export interface PeerConnection {
  socket: WebSocket;
  request: IncomingMessage;
  /** Every message received since the connection was accepted (history). */
  messages: PeerMessage[];
  /** Next not-yet-consumed message; rejects if the connection closes first. */
  nextMessage(): Promise<PeerMessage>;
  /** The close code and reason the server side observed. */
  closed: Promise<{ code: number; reason: string }>;
  errors: Error[];
}

/** Options for the `ws` server; host/port/server are chosen by the fixture. */
export type WsServerOptions = Omit<ServerOptions, 'host' | 'port' | 'server' | 'noServer'> & {
  onConnection?(conn: PeerConnection): void;
};

/** A running loopback `ws` server. */
export interface WsTestServer {
  /** ws://127.0.0.1:PORT/ (wss:// for the TLS fixture) */
  url: string;
  port: number;
  wss: WebSocketServer;
  connections: PeerConnection[];
  /** Next accepted connection not yet handed out; rejects once the server closes. */
  nextConnection(): Promise<PeerConnection>;
  /** Terminates all clients, then closes the servers. */
  close(): Promise<void>;
}

function toPeerData(data: RawData, isBinary: boolean): string | Buffer {
  const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
  return isBinary ? buf : buf.toString('utf8');
}

function trackPeer(socket: WebSocket, request: IncomingMessage): PeerConnection {
  const messages: PeerMessage[] = [];
  const errors: Error[] = [];
  const queue = new AsyncQueue<PeerMessage>('peer connection');
  socket.on('message', (data, isBinary) => {
    const message = { data: toPeerData(data, isBinary), isBinary };
    messages.push(message);
    queue.push(message);
  });
  socket.on('error', (err) => errors.push(err));
  const closed = new Promise<{ code: number; reason: string }>((resolve) => {
    socket.once('close', (code, reason) => {
      queue.end();
      resolve({ code, reason: reason.toString('utf8') });
    });
  });
  return { socket, request, messages, errors, closed, nextMessage: () => queue.next() };
}

/**
 * Wraps an already-listening http(s) server with a `ws` server and connection
 * tracking. Used by `startWsServer` and the TLS fixture.
 */
export function attachWsServer(server: Server | HttpsServer, scheme: 'ws' | 'wss', options: WsServerOptions = {}): WsTestServer {
  const { onConnection, ...wsOptions } = options;
  const wss = new WebSocketServer({ ...wsOptions, server });
  const connections: PeerConnection[] = [];
  const queue = new AsyncQueue<PeerConnection>('ws test server');
  const sockets = new Set<Socket>();
  const connectionEvent = scheme === 'wss' ? 'secureConnection' : 'connection';
  server.on(connectionEvent, (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });

  wss.on('connection', (socket, request) => {
    const conn = trackPeer(socket, request);
    connections.push(conn);
    queue.push(conn);
    onConnection?.(conn);
  });

  const { port } = server.address() as AddressInfo;
  return {
    url: `${scheme}://127.0.0.1:${port}/`,
    port,
    wss,
    connections,
    nextConnection: () => queue.next(),
    close: async () => {
      queue.end();
      for (const conn of connections) conn.socket.terminate();
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Listens on 127.0.0.1:0 and resolves once listening. */
export async function listenOnLoopback<S extends { listen(port: number, host: string, cb: () => void): unknown }>(
  server: S,
): Promise<S> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Starts a `ws` server on 127.0.0.1 with an ephemeral port. */
export async function startWsServer(options: WsServerOptions = {}): Promise<WsTestServer> {
  const server = await listenOnLoopback(createServer((_req, res) => res.writeHead(426).end()));
  return attachWsServer(server, 'ws', options);
}

/** Extra response details for `startRejectingServer`. */
export interface RejectOptions {
  headers?: Record<string, string>;
  body?: string;
}

/** Starts an HTTP server that answers every (upgrade) request with `status` and closes. */
export async function startRejectingServer(
  status: number,
  options: RejectOptions = {},
): Promise<{ url: string; port: number; close(): Promise<void> }> {
  const body = options.body ?? '';
  const headers = { ...options.headers, Connection: 'close', 'Content-Length': String(Buffer.byteLength(body)) };
  const sockets = new Set<Socket>();
  const server = createServer((_req, res) => res.writeHead(status, headers).end(body));
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (_req: IncomingMessage, socket: Socket) => {
    const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
    socket.end([`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Rejected'}`, ...lines, '', body].join('\r\n'));
  });
  await listenOnLoopback(server);
  const { port } = server.address() as AddressInfo;
  return {
    url: `ws://127.0.0.1:${port}/`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Returns a loopback port that nothing is listening on (connecting gives ECONNREFUSED). */
export async function unusedPort(): Promise<number> {
  const server = await listenOnLoopback(createServer());
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

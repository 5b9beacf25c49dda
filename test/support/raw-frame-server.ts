/**
 * A loopback TCP server that performs a minimal RFC 6455 handshake and then
 * lets a test write arbitrary (including malformed) frames to a client and
 * inspect what the client sends back. Never negotiates extensions.
 */
import { createHash } from 'node:crypto';
import { createServer, type AddressInfo, type Socket } from 'node:net';
import { AsyncQueue } from './async-queue.js';
import {
  encodeClosePayload,
  encodeFrame,
  FrameDecoder,
  Opcode,
  type FrameSpec,
  type ReceivedFrame,
} from './frame-codec.js';

export { encodeClosePayload, encodeFrame, Opcode, type FrameSpec, type ReceivedFrame };

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** The client's HTTP upgrade request (header names lower-cased). */
export interface RawUpgradeRequest {
  path: string;
  headers: Record<string, string>;
}

/** One upgraded client connection, driven byte-by-byte by the test. */
export interface RawConnection {
  request: RawUpgradeRequest;
  /** Every frame the client sent, in order (history; not consumed by nextFrame). */
  received: ReceivedFrame[];
  /** Socket errors seen (e.g. ECONNRESET); recorded so they never crash the test run. */
  errors: Error[];
  /** Resolves when the TCP socket has closed. */
  ended: Promise<void>;
  sendFrame(frame: FrameSpec): void;
  /** Several frames in ONE write (one read for the peer on loopback), e.g. a message and a Close frame. */
  sendFrames(frames: readonly FrameSpec[]): void;
  write(bytes: Uint8Array): void;
  sendText(text: string): void;
  sendBinary(bytes: Uint8Array): void;
  /** Without a code the close frame has an empty payload. */
  sendClose(code?: number, reason?: string): void;
  sendPing(payload?: Uint8Array | string): void;
  /** Next not-yet-consumed frame matching `predicate`; rejects if the socket closes first. */
  nextFrame(predicate?: (frame: ReceivedFrame) => boolean): Promise<ReceivedFrame>;
  /** Next not-yet-consumed close frame (opcode 8). */
  closeFrame(): Promise<ReceivedFrame>;
  /** TCP RST without a close frame. */
  reset(): void;
  /** Half-close (FIN) and destroy once flushed. */
  end(): void;
  destroy(): void;
}

/** A running raw frame server. */
export interface RawFrameServer {
  /** ws://127.0.0.1:PORT/ */
  url: string;
  port: number;
  connections: RawConnection[];
  /** Destroys every socket and closes the listener. */
  close(): Promise<void>;
}

function parseRequest(head: string): RawUpgradeRequest {
  const [requestLine = '', ...lines] = head.split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { path: requestLine.split(' ')[1] ?? '/', headers };
}

function handshakeResponse(request: RawUpgradeRequest): string {
  const key = request.headers['sec-websocket-key'] ?? '';
  const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
  const protocol = request.headers['sec-websocket-protocol']?.split(',')[0]?.trim();
  return [
    'HTTP/1.1 101 Switching Protocols',
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Accept: ${accept}`,
    ...(protocol ? [`Sec-WebSocket-Protocol: ${protocol}`] : []),
    '',
    '',
  ].join('\r\n');
}

/** How a raw connection frames what it sends. */
export interface RawConnectionOptions {
  /** Mask every frame sent (what a client must do); default false (a server's frames). */
  mask?: boolean;
}

/**
 * Builds a raw connection over an upgraded socket; the caller feeds it the socket's data.
 * Used by the raw frame server, and with `mask: true` by the raw frame client.
 */
export function createRawConnection(
  socket: Socket,
  request: RawUpgradeRequest,
  options: RawConnectionOptions = {},
): RawConnection & { feed(chunk: Buffer): void } {
  const decoder = new FrameDecoder();
  const queue = new AsyncQueue<ReceivedFrame>('raw connection');
  const received: ReceivedFrame[] = [];
  const errors: Error[] = [];
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.on('error', (err) => errors.push(err));
  void ended.then(() => queue.end());

  const write = (bytes: Uint8Array): void => {
    if (!socket.destroyed) socket.write(bytes);
  };
  const encode = (frame: FrameSpec): Buffer => encodeFrame(options.mask ? { mask: true, ...frame } : frame);
  const sendFrame = (frame: FrameSpec): void => write(encode(frame));

  return {
    request,
    received,
    errors,
    ended,
    feed(chunk) {
      for (const frame of decoder.push(chunk)) {
        received.push(frame);
        queue.push(frame);
      }
    },
    sendFrame,
    sendFrames: (frames) => write(Buffer.concat(frames.map(encode))),
    write,
    sendText: (text) => sendFrame({ opcode: Opcode.Text, payload: text }),
    sendBinary: (bytes) => sendFrame({ opcode: Opcode.Binary, payload: bytes }),
    sendClose: (code, reason) => sendFrame({ opcode: Opcode.Close, payload: encodeClosePayload(code, reason) }),
    sendPing: (payload) => sendFrame({ opcode: Opcode.Ping, payload }),
    nextFrame: (predicate) => queue.next(predicate),
    closeFrame: () => queue.next((f) => f.opcode === Opcode.Close),
    reset: () => void socket.resetAndDestroy(),
    end: () => void socket.end(() => socket.destroy()),
    destroy: () => void socket.destroy(),
  };
}

/**
 * Starts a raw frame server on 127.0.0.1:0. `onConnection` runs right after the
 * 101 response is written; if it throws, the socket is destroyed and the error
 * is rethrown as an unhandled rejection so mocha reports it.
 */
export async function startRawFrameServer(
  onConnection: (conn: RawConnection) => void | Promise<void>,
): Promise<RawFrameServer> {
  const connections: RawConnection[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
    socket.on('error', () => undefined); // pre-upgrade errors; the connection records later ones
    let head = Buffer.alloc(0);

    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onData);
      const request = parseRequest(head.subarray(0, end).toString('latin1'));
      const conn = createRawConnection(socket, request);
      socket.on('data', (data: Buffer) => conn.feed(data));
      socket.write(handshakeResponse(request));
      connections.push(conn);
      conn.feed(head.subarray(end + 4));
      Promise.resolve()
        .then(() => onConnection(conn))
        .catch((err: unknown) => {
          socket.destroy();
          throw err;
        });
    };
    socket.on('data', onData);
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `ws://127.0.0.1:${port}/`,
    port,
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

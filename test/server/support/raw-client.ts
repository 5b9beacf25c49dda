/**
 * A loopback WebSocket client that speaks RFC 6455 byte by byte, so that tests can send a
 * server frames a real client never would (unmasked, reserved bits, invalid UTF-8) and see
 * exactly which Close frame comes back.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { AsyncQueue } from '../../support/async-queue';
import { encodeClosePayload, encodeFrame, FrameDecoder, Opcode, type FrameSpec, type ReceivedFrame } from '../../support/frame-codec';

export { Opcode };

/** A raw client connection after a successful (101) handshake. */
export interface RawClient {
  /** The HTTP status line and headers of the response. */
  readonly response: string;
  readonly received: ReceivedFrame[];
  /** Resolves when the TCP connection closed. */
  readonly ended: Promise<void>;
  /** Sends a frame, masked unless `mask: false` is given. */
  sendFrame(frame: FrameSpec): void;
  sendText(text: string): void;
  sendClose(code?: number, reason?: string): void;
  /** The next Close frame from the server; rejects if TCP closes first. */
  closeFrame(): Promise<ReceivedFrame>;
  /** Stops reading (the server's writes pile up in its buffers). */
  pause(): void;
  /** Drops TCP without a Close frame. */
  destroy(): void;
}

/** Connects to `url` (ws://127.0.0.1:PORT/path) and completes the handshake; rejects with the status line otherwise. */
export function connectRawClient(url: string, headers: Record<string, string> = {}): Promise<RawClient> {
  const { hostname, port, pathname, search } = new URL(url);
  const socket: Socket = connect(Number(port), hostname);
  const decoder = new FrameDecoder();
  const frames = new AsyncQueue<ReceivedFrame>('raw client');
  const received: ReceivedFrame[] = [];
  socket.on('error', () => undefined);
  const ended = new Promise<void>((resolve) => socket.once('close', () => {
    frames.end();
    resolve();
  }));
  const lines = [
    `GET ${pathname}${search} HTTP/1.1`,
    `Host: ${hostname}:${port}`,
    'Upgrade: websocket',
    'Connection: Upgrade',
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}`,
    'Sec-WebSocket-Version: 13',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ];
  socket.write(`${lines.join('\r\n')}\r\n\r\n`);
  return new Promise<RawClient>((resolve, reject) => {
    let head = Buffer.alloc(0);
    const onHead = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      socket.off('data', onHead);
      const response = head.subarray(0, end).toString('latin1');
      if (!response.startsWith('HTTP/1.1 101')) {
        socket.destroy();
        reject(new Error(response.split('\r\n')[0]));
        return;
      }
      const onData = (data: Buffer) => {
        for (const frame of decoder.push(data)) {
          received.push(frame);
          frames.push(frame);
        }
      };
      socket.on('data', onData);
      const rest = head.subarray(end + 4);
      if (rest.length > 0) onData(rest);
      const send = (frame: FrameSpec) => socket.write(encodeFrame({ mask: true, ...frame }));
      resolve({
        response,
        received,
        ended,
        sendFrame: send,
        sendText: (text) => send({ opcode: Opcode.Text, payload: text }),
        sendClose: (code, reason) => send({ opcode: Opcode.Close, payload: encodeClosePayload(code, reason) }),
        closeFrame: () => frames.next((frame) => frame.opcode === Opcode.Close),
        pause: () => socket.pause(),
        destroy: () => socket.resetAndDestroy(),
      });
    };
    socket.on('data', onHead);
    socket.once('close', () => reject(new Error('closed before the handshake completed')));
  });
}

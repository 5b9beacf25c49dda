/**
 * Just enough RFC 6455 for the benchmark's own peers (bench/peer.ts, bench/swarm.ts): the
 * opening handshake, frame headers, and an incremental frame reader that can skip payloads.
 * Hand-written so that the peer costs far less per message than the client under test, which
 * is then the bottleneck of every throughput cell.
 */
import { createHash, randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** RFC 6455 opcodes the peers use. */
export const Opcode = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;

/** The `Sec-WebSocket-Accept` value for a `Sec-WebSocket-Key` (RFC 6455 §4.2.2 step 5.4). */
export function acceptKey(key: string): string {
  return createHash('sha1').update(key + GUID).digest('base64');
}

/** The server's 101 response (no subprotocol, no extension: every client gets plain frames). */
export function upgradeResponse(key: string): string {
  return (
    'HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n\r\n`
  );
}

/** A client's upgrade request, for the swarm's hand-made clients. */
export function upgradeRequest(host: string, port: number, path: string): string {
  return (
    `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`
  );
}

/** Bytes of the header of an unmasked frame with a payload of `length` bytes. */
export function headerLength(length: number): number {
  return length < 126 ? 2 : length < 65536 ? 4 : 10;
}

/** Writes an unmasked FIN frame header at `offset`; returns the offset of the payload. */
export function writeHeader(target: Buffer, offset: number, opcode: number, length: number): number {
  target[offset] = 0x80 | opcode;
  if (length < 126) {
    target[offset + 1] = length;
    return offset + 2;
  }
  if (length < 65536) {
    target[offset + 1] = 126;
    target.writeUInt16BE(length, offset + 2);
    return offset + 4;
  }
  target[offset + 1] = 127;
  target.writeUInt32BE(0, offset + 2);
  target.writeUInt32BE(length, offset + 6);
  return offset + 10;
}

/** One unmasked FIN frame (server to client). */
export function frame(opcode: number, payload: Buffer): Buffer {
  const out = Buffer.allocUnsafe(headerLength(payload.length) + payload.length);
  payload.copy(out, writeHeader(out, 0, opcode, payload.length));
  return out;
}

/** `count` copies of the same unmasked frame, back to back, for the push peer. */
export function frameRun(opcode: number, payload: Buffer, count: number): Buffer {
  const one = frame(opcode, payload);
  const out = Buffer.allocUnsafe(one.length * count);
  for (let i = 0; i < count; i++) one.copy(out, i * one.length);
  return out;
}

/** Called for each complete frame; `payload` is unmasked, or `null` when the reader skips data payloads. */
export type FrameHandler = (opcode: number, fin: boolean, payload: Buffer | null) => void;

/**
 * Reads frames from a byte stream chunk by chunk. With `keepPayloads = false` it only walks
 * the headers and skips data payloads (no copy, no unmasking): the cheapest possible sink.
 * Control frames (close, ping) always come with their payload.
 */
export class FrameReader {
  readonly #header = Buffer.alloc(14);
  #have = 0;
  #need = 2;
  #remaining = -1;
  #opcode = 0;
  #fin = false;
  #masked = false;
  #maskAt = 0;
  #parts: Buffer[] = [];

  constructor(
    private readonly keepPayloads: boolean,
    private readonly onFrame: FrameHandler,
  ) {}

  push(chunk: Buffer): void {
    const end = chunk.length;
    let i = 0;
    while (i < end) {
      if (this.#remaining < 0) {
        while (this.#have < this.#need && i < end) this.#header[this.#have++] = chunk[i++];
        if (this.#have < this.#need) return;
        if (this.#need === 2) {
          const length7 = this.#header[1] & 0x7f;
          this.#masked = (this.#header[1] & 0x80) !== 0;
          this.#need = 2 + (length7 === 126 ? 2 : length7 === 127 ? 8 : 0) + (this.#masked ? 4 : 0);
          if (this.#need > 2) continue;
        }
        this.#startPayload();
        if (this.#remaining === 0) this.#finish();
        continue;
      }
      const take = Math.min(this.#remaining, end - i);
      if (this.keepPayloads || this.#opcode >= Opcode.close) this.#parts.push(chunk.subarray(i, i + take));
      i += take;
      this.#remaining -= take;
      if (this.#remaining === 0) this.#finish();
    }
  }

  #startPayload(): void {
    const h = this.#header;
    this.#opcode = h[0] & 0x0f;
    this.#fin = (h[0] & 0x80) !== 0;
    const length7 = h[1] & 0x7f;
    this.#remaining = length7 === 126 ? h.readUInt16BE(2) : length7 === 127 ? h.readUInt32BE(6) : length7;
    this.#maskAt = this.#need - 4;
    this.#have = 0;
    this.#need = 2;
  }

  #finish(): void {
    let payload: Buffer | null = null;
    if (this.keepPayloads || this.#opcode >= Opcode.close) {
      // The chunks are ours alone: unmasking in place is safe.
      payload = this.#parts.length === 1 ? this.#parts[0]! : Buffer.concat(this.#parts);
      this.#parts = [];
      if (this.#masked) {
        const h = this.#header;
        const at = this.#maskAt;
        for (let j = 0; j < payload.length; j++) payload[j]! ^= h[at + (j & 3)]!;
      }
    }
    this.#remaining = -1;
    this.onFrame(this.#opcode, this.#fin, payload);
  }
}

/** A text payload of exactly `size` bytes that is also valid JSON (`{"p":"xxx…"}`), so every codec can take it. */
export function jsonPayload(size: number): string {
  if (size < 8) throw new RangeError('message size must be at least 8 bytes');
  return `{"p":"${'x'.repeat(size - 8)}"}`;
}

/**
 * A bare client socket to 127.0.0.1:`port` (the benches' cheap clients): sends the opening
 * handshake and, once the server answers 101, feeds every byte after it to `reader`. The
 * socket is returned at once; `opened` settles with the handshake.
 */
export function openFrameSocket(port: number, reader: FrameReader): { readonly socket: Socket; readonly opened: Promise<void> } {
  const socket = connect({ host: '127.0.0.1', port, noDelay: true });
  const opened = new Promise<void>((resolve, reject) => {
    let head = '';
    const onHandshake = (chunk: Buffer): void => {
      head += chunk.toString('latin1');
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!head.startsWith('HTTP/1.1 101')) {
        reject(new Error(`handshake refused: ${head.slice(0, 40)}`));
        return;
      }
      socket.off('data', onHandshake);
      socket.on('data', (data: Buffer) => reader.push(data));
      const rest = Buffer.from(head.slice(end + 4), 'latin1');
      if (rest.length > 0) reader.push(rest);
      resolve();
    };
    socket.on('data', onHandshake);
    socket.once('error', reject);
    socket.on('error', () => undefined);
    socket.write(upgradeRequest('127.0.0.1', port, '/'));
  });
  return { socket, opened };
}

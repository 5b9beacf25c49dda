/**
 * Byte-exact RFC 6455 frame encoding and incremental decoding, for tests that
 * need to put malformed or unusual frames on the wire.
 */
import { randomBytes } from 'node:crypto';

/** RFC 6455 opcodes (0x3-0x7 and 0xB-0xF are reserved). */
export const Opcode = {
  Continuation: 0x0,
  Text: 0x1,
  Binary: 0x2,
  Close: 0x8,
  Ping: 0x9,
  Pong: 0xa,
} as const;

/** Description of one frame to encode; every header bit is controllable. */
export interface FrameSpec {
  opcode: number;
  payload?: Uint8Array | string | undefined;
  /** Defaults to true. */
  fin?: boolean;
  rsv1?: boolean;
  rsv2?: boolean;
  rsv3?: boolean;
  /** Mask the payload (what clients must do; a protocol violation from a server). */
  mask?: boolean;
}

/** A frame decoded from the wire (payload already unmasked). */
export interface ReceivedFrame {
  fin: boolean;
  rsv1: boolean;
  rsv2: boolean;
  rsv3: boolean;
  opcode: number;
  masked: boolean;
  payload: Buffer;
  /** Status code of a close frame whose payload has at least 2 bytes. */
  closeCode?: number;
  /** UTF-8 reason of a close frame with a status code. */
  closeReason?: string;
}

function toBuffer(payload: Uint8Array | string | undefined): Buffer {
  if (payload === undefined) return Buffer.alloc(0);
  return typeof payload === 'string' ? Buffer.from(payload, 'utf8') : Buffer.from(payload);
}

/** Encodes one frame to bytes, choosing the 7-bit, 16-bit or 64-bit length form. */
export function encodeFrame(spec: FrameSpec): Buffer {
  const payload = toBuffer(spec.payload);
  const length = payload.length;
  const lengthBytes = length < 126 ? 0 : length <= 0xffff ? 2 : 8;
  const header = Buffer.alloc(2 + lengthBytes + (spec.mask ? 4 : 0));

  header[0] =
    (spec.fin === false ? 0 : 0x80) |
    (spec.rsv1 ? 0x40 : 0) |
    (spec.rsv2 ? 0x20 : 0) |
    (spec.rsv3 ? 0x10 : 0) |
    (spec.opcode & 0x0f);
  header[1] = (spec.mask ? 0x80 : 0) | (lengthBytes === 0 ? length : lengthBytes === 2 ? 126 : 127);
  if (lengthBytes === 2) header.writeUInt16BE(length, 2);
  if (lengthBytes === 8) header.writeBigUInt64BE(BigInt(length), 2);

  if (!spec.mask) return Buffer.concat([header, payload]);
  const key = randomBytes(4);
  key.copy(header, 2 + lengthBytes);
  const masked = Buffer.alloc(length);
  for (let i = 0; i < length; i++) masked[i] = (payload[i] ?? 0) ^ (key[i % 4] ?? 0);
  return Buffer.concat([header, masked]);
}

/** Builds a close-frame payload: empty without a code, else code + UTF-8 reason. */
export function encodeClosePayload(code?: number, reason = ''): Buffer {
  if (code === undefined) return Buffer.alloc(0);
  const buf = Buffer.alloc(2);
  buf.writeUInt16BE(code, 0);
  return Buffer.concat([buf, Buffer.from(reason, 'utf8')]);
}

/** Incremental decoder: feed arbitrary chunks, get back every complete frame. */
export class FrameDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  /** Appends a chunk and returns the frames it completed (possibly none). */
  push(chunk: Uint8Array): ReceivedFrame[] {
    this.buffered = Buffer.concat([this.buffered, chunk]);
    const frames: ReceivedFrame[] = [];
    for (let frame = this.next(); frame; frame = this.next()) frames.push(frame);
    return frames;
  }

  private next(): ReceivedFrame | undefined {
    const buf = this.buffered;
    if (buf.length < 2) return undefined;
    const b0 = buf[0] ?? 0;
    const b1 = buf[1] ?? 0;
    const masked = (b1 & 0x80) !== 0;
    let length = b1 & 0x7f;
    let offset = 2;
    if (length === 126) {
      if (buf.length < 4) return undefined;
      length = buf.readUInt16BE(2);
      offset = 4;
    } else if (length === 127) {
      if (buf.length < 10) return undefined;
      length = Number(buf.readBigUInt64BE(2));
      offset = 10;
    }
    const keyOffset = offset;
    if (masked) offset += 4;
    if (buf.length < offset + length) return undefined;

    const payload = Buffer.from(buf.subarray(offset, offset + length));
    if (masked) {
      for (let i = 0; i < length; i++) payload[i] = (payload[i] ?? 0) ^ (buf[keyOffset + (i % 4)] ?? 0);
    }
    this.buffered = buf.subarray(offset + length);

    const frame: ReceivedFrame = {
      fin: (b0 & 0x80) !== 0,
      rsv1: (b0 & 0x40) !== 0,
      rsv2: (b0 & 0x20) !== 0,
      rsv3: (b0 & 0x10) !== 0,
      opcode: b0 & 0x0f,
      masked,
      payload,
    };
    if (frame.opcode === Opcode.Close && payload.length >= 2) {
      frame.closeCode = payload.readUInt16BE(0);
      frame.closeReason = payload.subarray(2).toString('utf8');
    }
    return frame;
  }
}

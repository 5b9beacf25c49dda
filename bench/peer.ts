/**
 * The benchmark's server, run as a child process (`node --import tsx bench/peer.ts`): a
 * hand-written RFC 6455 peer on 127.0.0.1 whose cost per message is a small fraction of any
 * client's, so the client under test is the bottleneck. It sends `{ port }` over IPC once
 * listening. What a connection does is chosen by its path:
 *
 * - `/push?n=N&size=S`: after the first message from the client, writes N pre-built text
 *   frames of S bytes, back to back, honouring the socket's backpressure.
 * - `/sink?ack=K`: counts the client's messages without unmasking them, and answers every
 *   K-th with a one-byte text frame `1` (an ack, valid JSON too).
 * - `/echo`: sends every message back.
 * - `/idle`: nothing (the memory cells).
 *
 * Close frames are answered and the TCP connection ended, as a server does.
 */
import { createServer } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { FrameReader, Opcode, frame, frameRun, headerLength, jsonPayload, upgradeResponse, writeHeader } from './frames.js';

const ACK = frame(Opcode.text, Buffer.from('1'));
const FRAMES_PER_WRITE_BYTES = 256 * 1024;

const server = createServer((_request, response) => {
  response.writeHead(426).end();
});
server.on('upgrade', (request, socket: Socket, head: Buffer) => {
  const key = request.headers['sec-websocket-key'];
  if (typeof key !== 'string') {
    socket.destroy();
    return;
  }
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  socket.write(upgradeResponse(key));
  const url = new URL(request.url ?? '/', 'http://peer');
  serve(socket, url);
  if (head.length > 0) socket.emit('data', head);
});
server.listen({ host: '127.0.0.1', port: 0, backlog: 4096 }, () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('disconnect', () => process.exit(0));
// The orchestrator reads the peer's CPU time around trials, to show the peer is not the bottleneck.
process.on('message', (message: { id: number }) => process.send?.({ id: message.id, result: process.cpuUsage() }));

function serve(socket: Socket, url: URL): void {
  const mode = url.pathname.slice(1);
  let closed = false;
  const onControl = (opcode: number, payload: Buffer | null): boolean => {
    if (opcode === Opcode.close) {
      if (!closed) {
        closed = true;
        socket.end(frame(Opcode.close, (payload ?? Buffer.alloc(0)).subarray(0, 2)));
      }
      return true;
    }
    if (opcode === Opcode.ping) {
      socket.write(frame(Opcode.pong, payload ?? Buffer.alloc(0)));
      return true;
    }
    return opcode >= Opcode.close;
  };

  if (mode === 'push') {
    const total = Number(url.searchParams.get('n'));
    const size = Number(url.searchParams.get('size'));
    const frameBytes = headerLength(size) + size;
    const perWrite = Math.max(1, Math.floor(FRAMES_PER_WRITE_BYTES / frameBytes));
    const run = frameRun(Opcode.text, Buffer.from(jsonPayload(size)), Math.min(perWrite, total));
    let left = total;
    let started = false;
    const pump = (): void => {
      while (left > 0 && !closed && !socket.destroyed) {
        const count = Math.min(left, perWrite);
        left -= count;
        const ok = socket.write(count === perWrite ? run : run.subarray(0, count * frameBytes));
        if (!ok) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    const reader = new FrameReader(true, (opcode, _fin, payload) => {
      if (onControl(opcode, payload) || started) return;
      started = true;
      pump();
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    return;
  }

  if (mode === 'sink') {
    const ackEvery = Number(url.searchParams.get('ack')) || 1;
    let count = 0;
    // Data payloads are skipped, not unmasked.
    const reader = new FrameReader(false, (opcode, fin, payload) => {
      if (onControl(opcode, payload)) return;
      if (fin && ++count % ackEvery === 0) acks++;
    });
    let acks = 0;
    socket.on('data', (chunk: Buffer) => {
      reader.push(chunk);
      if (acks === 0 || closed) return;
      socket.write(acks === 1 ? ACK : Buffer.concat(Array.from({ length: acks }, () => ACK)));
      acks = 0;
    });
    return;
  }

  if (mode === 'echo') {
    const reader = new FrameReader(true, (opcode, _fin, payload) => {
      if (onControl(opcode, payload) || payload === null) return;
      const out = Buffer.allocUnsafe(headerLength(payload.length) + payload.length);
      payload.copy(out, writeHeader(out, 0, opcode, payload.length));
      socket.write(out);
    });
    socket.on('data', (chunk: Buffer) => reader.push(chunk));
    return;
  }

  const reader = new FrameReader(true, (opcode, _fin, payload) => void onControl(opcode, payload));
  socket.on('data', (chunk: Buffer) => reader.push(chunk));
}

/**
 * The load of the server-side cells (`node --import tsx bench/swarm.ts PORT COUNT`): COUNT
 * hand-made WebSocket clients in one process, each a bare TCP socket that does the opening
 * handshake and then only counts frames, so that thousands cost little. Reports
 * `{ connected }` over IPC once all are open; answers `{ expect: N }` once N frames in all
 * have arrived, with the monotonic time of the last one.
 */
import { connect, type Socket } from 'node:net';
import { FrameReader, upgradeRequest } from './frames.js';

const port = Number(process.argv[2]);
const count = Number(process.argv[3]);
const CONCURRENCY = 200;
const TIME_LIMIT_MS = 120_000;

const sockets: Socket[] = [];
let received = 0;
let lastAt = 0n;
let waiting: { total: number; id: number } | undefined;

function onFrame(): void {
  received++;
  lastAt = process.hrtime.bigint();
  answer();
}

function answer(): void {
  if (waiting !== undefined && received >= waiting.total) {
    process.send?.({ id: waiting.id, result: { received, lastAt: lastAt.toString() } });
    waiting = undefined;
  }
}

function open(): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    sockets.push(socket);
    let head = '';
    const reader = new FrameReader(false, onFrame);
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
}

const timer = setTimeout(() => process.exit(1), TIME_LIMIT_MS);
timer.unref();
process.on('disconnect', () => process.exit(0));
process.on('message', (message: { id: number; request: { expect: number } }) => {
  waiting = { total: message.request.expect, id: message.id };
  answer();
});

let next = 0;
const workers = Array.from({ length: CONCURRENCY }, async () => {
  while (next < count) {
    next++;
    await open();
  }
});
try {
  await Promise.all(workers);
  process.send?.({ connected: sockets.length });
} catch (error) {
  process.send?.({ error: String(error) });
}

/**
 * The load of the server-side cells (`node --import tsx bench/swarm.ts PORT COUNT`): COUNT
 * hand-made WebSocket clients in one process, each a bare TCP socket that does the opening
 * handshake and then only counts frames, so that thousands cost little. Reports
 * `{ connected }` over IPC once all are open; answers `{ expect: N }` once N frames in all
 * have arrived, with the monotonic time of the last one.
 */
import type { Socket } from 'node:net';
import { FrameReader, openFrameSocket } from './frames.js';

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
  const { socket, opened } = openFrameSocket(port, new FrameReader(false, onFrame));
  sockets.push(socket);
  return opened;
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

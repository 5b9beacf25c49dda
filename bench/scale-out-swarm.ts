/**
 * The clients of the scale-out fan-out cells (`bench/scale-out-swarm.ts PORT COUNT`): COUNT
 * hand-made WebSocket clients in one process (bare TCP sockets, as in bench/swarm.ts, so that
 * thousands cost little) that also check what they receive. Every message of a run carries a
 * sequence number (`{"s":N,…}`, numbered from 0 per variant); each connection must receive
 * 0, 1, 2, … exactly once and in order. Anything else is counted, never hidden. Warm-up
 * messages (`{"w":…}`, sent until every broker subscription is live) are skipped.
 *
 * IPC: sends `{ connected }` once all are open (or `{ error }`); answers
 * `{ kind: 'wait', total, timeoutMs }` once `total` frames in all have arrived (or the time is
 * up) with `{ received, lastAt, anomalies, minPerConnection }`, `lastAt` being the monotonic
 * time (`process.hrtime.bigint()`, one clock for every process of the machine) of the frame
 * that completed the total.
 */
import type { Socket } from 'node:net';
import { FrameReader, Opcode, openFrameSocket } from './frames.js';

const port = Number(process.argv[2]);
const count = Number(process.argv[3]);
const CONCURRENCY = 200;
const WARM_UP = -2;

/** What the swarm tells the runner about the frames so far. */
export interface SwarmStatus {
  /** Data frames received, all connections together. */
  readonly received: number;
  /** Monotonic time of the last counted frame, as a decimal string of nanoseconds. */
  readonly lastAt: string;
  /** Frames whose sequence number was not the next one expected on their connection (gap, duplicate, reorder). */
  readonly anomalies: number;
  /** Frames that were not a numbered message (`{"s":N,…}`). */
  readonly unreadable: number;
  /** The fewest frames any one connection received. */
  readonly minPerConnection: number;
  /** Whether `total` was reached (false: the wait timed out). */
  readonly complete: boolean;
}

const sockets: Socket[] = [];
const expected = new Int32Array(count);
const perConnection = new Int32Array(count);
let received = 0;
let anomalies = 0;
let unreadable = 0;
let lastAt = 0n;
let waiting: { total: number; id: number; timer: NodeJS.Timeout } | undefined;

/** The sequence number of `{"s":N,…}`; -2 for a warm-up message (`{"w":…}`); -1 for anything else. */
function sequenceOf(payload: Buffer): number {
  if (payload.length >= 3 && payload[0] === 0x7b && payload[2] === 0x77) return WARM_UP;
  if (payload.length < 6 || payload[0] !== 0x7b || payload[2] !== 0x73) return -1;
  let n = 0;
  for (let i = 5; i < payload.length; i++) {
    const c = payload[i]!;
    if (c === 0x2c || c === 0x7d) return n;
    if (c < 0x30 || c > 0x39) return -1;
    n = n * 10 + (c - 0x30);
  }
  return -1;
}

function onFrame(connection: number, opcode: number, payload: Buffer | null): void {
  if (opcode !== Opcode.text && opcode !== Opcode.binary) return;
  const sequence = payload === null ? -1 : sequenceOf(payload);
  // Warm-up messages prove that the broker subscriptions are live; they are not counted.
  if (sequence === WARM_UP) return;
  received++;
  perConnection[connection] = perConnection[connection]! + 1;
  lastAt = process.hrtime.bigint();
  if (sequence < 0) unreadable++;
  else {
    if (sequence !== expected[connection]) anomalies++;
    expected[connection] = sequence + 1;
  }
  if (waiting !== undefined && received >= waiting.total) answer(true);
}

function status(complete: boolean): SwarmStatus {
  let min = Number.POSITIVE_INFINITY;
  for (let i = 0; i < count; i++) min = Math.min(min, perConnection[i]!);
  return { received, lastAt: lastAt.toString(), anomalies, unreadable, minPerConnection: count === 0 ? 0 : min, complete };
}

function answer(complete: boolean): void {
  if (waiting === undefined) return;
  clearTimeout(waiting.timer);
  process.send?.({ id: waiting.id, result: status(complete) });
  waiting = undefined;
}

function open(connection: number): Promise<void> {
  const { socket, opened } = openFrameSocket(port, new FrameReader(true, (opcode, _fin, payload) => onFrame(connection, opcode, payload)));
  sockets.push(socket);
  return opened;
}

process.on('disconnect', () => process.exit(0));
process.on('message', (message: { id: number; request: { kind: 'wait'; total: number; timeoutMs: number } }) => {
  const { id, request } = message;
  answer(false);
  waiting = { id, total: request.total, timer: setTimeout(() => answer(false), request.timeoutMs) };
  if (received >= request.total) answer(true);
});

let next = 0;
const workers = Array.from({ length: CONCURRENCY }, async () => {
  while (next < count) await open(next++);
});
try {
  await Promise.all(workers);
  process.send?.({ connected: sockets.length });
} catch (error) {
  process.send?.({ error: String(error) });
}

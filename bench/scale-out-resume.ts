/**
 * The Redis Streams resume cell of the scale-out benchmark: a real client
 * (`fromWebSocketTask` with `reconnect`, its URL a function that carries `?after=<offset of
 * the last message it saw>`) against bench/scale-out-resume-server.ts. The client receives a
 * few live messages, then the server sends it away (1013) and refuses it while `missed`
 * messages are published; then lets it back. The client must receive exactly the missed
 * messages, in order, then live ones, none twice. Times the catch-up from the reconnect's
 * `open` to the last missed message.
 */
import { fromWebSocketTask } from '../src/index.js';
import { Child } from './children.js';
import type { BenchBroker } from './scale-out-broker.js';

export interface ResumeSample {
  /** Messages published while the client was away. */
  readonly missed: number;
  /** Messages the client received in all (live before, missed, live after). */
  readonly received: number;
  /** Messages it should have received. */
  readonly expected: number;
  /** Whether the sequence numbers were exactly 0, 1, 2, … (none missing, none twice, in order). */
  readonly exact: boolean;
  readonly duplicates: number;
  readonly missing: number;
  /** From the reconnect's `open` to the last missed message, milliseconds. */
  readonly catchUpMs: number;
  /** Missed messages per second during the catch-up. */
  readonly catchUpPerSecond: number;
  /** Connections the client opened (2 when all went as planned). */
  readonly connections: number;
}

const LIVE = 10;
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const now = (): number => Number(process.hrtime.bigint()) / 1e6;

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`resume: ${what} within ${ms} ms`);
    await sleep(5);
  }
}

/** Runs the cell once with `missed` messages published while the client is away. */
export async function measureResume(broker: BenchBroker, missed: number): Promise<ResumeSample> {
  const channel = `resume-${missed}-${process.pid}`;
  const server = new Child('./scale-out-resume-server.ts', { args: [broker.url, channel] });
  const sequences: number[] = [];
  const opens: number[] = [];
  let lastOffset: string | undefined;
  let warm = false;
  const task = fromWebSocketTask<string>({
    url: () => `ws://127.0.0.1:${port}/${lastOffset === undefined ? '' : `?after=${encodeURIComponent(lastOffset)}`}`,
    reconnect: { initialDelay: 20, maxDelay: 100 },
    maximumMessageSize: 1 << 20,
  });
  let port = 0;
  try {
    const ready = await server.ready;
    if (typeof ready['error'] === 'string') throw new Error(ready['error']);
    port = Number(ready['port']);
    task.lifecycle.subscribe((event) => event.type === 'open' && opens.push(now()));
    task.subscribe({
      next: (text) => {
        const { o, d } = JSON.parse(text) as { o: string; d: string };
        lastOffset = o;
        const message = JSON.parse(d) as { s?: number };
        if (message.s === undefined) warm = true;
        else sequences.push(message.s);
      },
      error: () => undefined,
    });
    // Until the first connection's bus subscription is live (warm-up messages are not numbered).
    for (let attempt = 0; !warm; attempt++) {
      if (attempt > 200) throw new Error('resume: the client never received a warm-up message');
      await server.request({ kind: 'publish-warm-up' }, 10_000);
      await sleep(50);
    }
    await server.request({ kind: 'publish', from: 0, count: LIVE }, 30_000);
    await until(() => sequences.length >= LIVE, 10_000, `${LIVE} live messages not received`);
    await server.request({ kind: 'away' }, 5000);
    await until(() => task.state !== 'open', 10_000, 'the client did not leave');
    const published = await server.request<{ resolved: number; rejected: number }>({ kind: 'publish', from: LIVE, count: missed }, 120_000);
    if (published.rejected > 0) throw new Error(`resume: ${published.rejected} publishes rejected`);
    const opensBefore = opens.length;
    await server.request({ kind: 'back' }, 5000);
    await until(() => sequences.length >= LIVE + missed, 120_000, 'the missed messages did not all arrive');
    const caughtUpAt = now();
    await server.request({ kind: 'publish', from: LIVE + missed, count: LIVE }, 30_000);
    await until(() => sequences.length >= 2 * LIVE + missed, 10_000, 'live messages after the catch-up not received');
    await sleep(200); // anything sent twice would show now
    const expected = 2 * LIVE + missed;
    const seen = new Set(sequences);
    const reopenedAt = opens[opensBefore] ?? Number.NaN;
    const catchUpMs = caughtUpAt - reopenedAt;
    return {
      missed,
      received: sequences.length,
      expected,
      exact: sequences.length === expected && sequences.every((sequence, i) => sequence === i),
      duplicates: sequences.length - seen.size,
      missing: Array.from({ length: expected }, (_, i) => i).filter((i) => !seen.has(i)).length,
      catchUpMs,
      catchUpPerSecond: (missed / catchUpMs) * 1000,
      connections: opens.length,
    };
  } finally {
    task.complete();
    await server.kill();
  }
}

/**
 * A first measurement of the Redis buses (not wired into `npm run bench` yet: the lead owns the
 * bus figures in docs/scale-out.md). Starts its own redis-server (no persistence) per run, two
 * buses as two processes would use them (A publishes, B subscribes), and prints:
 * - the round trip of one 256-byte message, publish on A until it arrives on B (p50, p99 of 2,000);
 * - the rate of 20,000 messages published in batches of 500 (each batch awaited), until B has all.
 *
 *   node --import tsx bench/bus-redis.ts [rounds]
 */
import { performance } from 'node:perf_hooks';
import { redisBus } from '../src/bus/redis.js';
import { redisStreamsBus } from '../src/bus/redis-streams.js';
import type { MessageBus } from '../src/server/index.js';
import { startRedisBroker } from '../test/support/redis-broker.js';

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
};

async function measure(name: string, open: (url: string) => MessageBus): Promise<void> {
  const broker = await startRedisBroker();
  const a = open(broker.url);
  const b = open(broker.url);
  let onMessage: (() => void) | undefined;
  let received = 0;
  b.messages('bench').subscribe({
    next: () => {
      received++;
      onMessage?.();
    },
    error: (error: unknown) => {
      console.error(`${name}: ${String(error)}`);
      process.exit(1);
    },
  });
  while (received === 0) {
    await a.publish('bench', 'warm-up');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  const payload = 'x'.repeat(256);
  const roundTrips: number[] = [];
  for (let i = 0; i < 2000; i++) {
    const arrived = new Promise<void>((resolve) => (onMessage = resolve));
    const start = performance.now();
    await a.publish('bench', payload);
    await arrived;
    roundTrips.push(performance.now() - start);
  }
  const total = 20_000;
  received = 0;
  const all = new Promise<void>((resolve) => (onMessage = () => received >= total && resolve()));
  const start = performance.now();
  for (let sent = 0; sent < total; sent += 500) await Promise.all(Array.from({ length: 500 }, () => a.publish('bench', payload)));
  await all;
  const seconds = (performance.now() - start) / 1000;
  console.log(
    `${name}: round trip p50 ${percentile(roundTrips, 0.5).toFixed(3)} ms, p99 ${percentile(roundTrips, 0.99).toFixed(3)} ms; ` +
      `${Math.round(total / seconds)} messages/s (256 B, batches of 500)`,
  );
  await Promise.all([a.close(), b.close()]);
  await broker.dispose();
}

const rounds = Number(process.argv[2] ?? 3);
for (let round = 0; round < rounds; round++) {
  await measure('redisBus', (url) => redisBus({ connection: url }));
  await measure('redisStreamsBus', (url) => redisStreamsBus({ connection: url }));
}

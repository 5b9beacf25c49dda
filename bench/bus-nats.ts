/**
 * A first measurement of the NATS bus (not wired into `npm run bench`: the lead owns the bus
 * figures in docs/scale-out.md). Starts its own nats-server per run, two buses as two
 * processes would use them (A publishes, B subscribes), and prints, in the shape of
 * bench/bus-redis.ts so the figures compare:
 * - the round trip of one 256-byte message, publish on A until it arrives on B (p50, p99 of 2,000);
 * - the rate of 20,000 messages published in batches of 500 (each batch awaited), until B has all;
 * - for the same batches, how many flush round trips confirmed them (coalescing), against one
 *   flush per publish done by hand on a raw connection.
 *
 *   node --import tsx bench/bus-nats.ts [rounds]
 */
import { connect } from '@nats-io/transport-node';
import { performance } from 'node:perf_hooks';
import { natsBus } from '../src/bus/nats.js';
import { startNatsBroker } from '../test/support/nats-broker.js';

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
};

async function measure(): Promise<void> {
  const broker = await startNatsBroker();
  // The bus's own connection, wrapped to count flushes: shared with the bus, never closed by it.
  const publisherConnection = await connect({ servers: broker.url });
  let flushes = 0;
  const flush = publisherConnection.flush.bind(publisherConnection);
  publisherConnection.flush = () => {
    flushes++;
    return flush();
  };
  const a = natsBus({ connection: publisherConnection });
  const b = natsBus({ servers: broker.url });
  let onMessage: (() => void) | undefined;
  let received = 0;
  b.messages('bench').subscribe({
    next: () => {
      received++;
      onMessage?.();
    },
    error: (error: unknown) => {
      console.error(String(error));
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
  flushes = 0;
  let all = new Promise<void>((resolve) => (onMessage = () => received >= total && resolve()));
  let start = performance.now();
  for (let sent = 0; sent < total; sent += 500) await Promise.all(Array.from({ length: 500 }, () => a.publish('bench', payload)));
  await all;
  const busRate = total / ((performance.now() - start) / 1000);
  const busFlushes = flushes;

  // By hand: one flush per publish, the naive way to know the server took each message.
  received = 0;
  all = new Promise<void>((resolve) => (onMessage = () => received >= total && resolve()));
  start = performance.now();
  for (let sent = 0; sent < total; sent += 500) {
    await Promise.all(
      Array.from({ length: 500 }, () => {
        publisherConnection.publish('bench', payload);
        return flush();
      }),
    );
  }
  await all;
  const perPublishRate = total / ((performance.now() - start) / 1000);
  console.log(
    `natsBus: round trip p50 ${percentile(roundTrips, 0.5).toFixed(3)} ms, p99 ${percentile(roundTrips, 0.99).toFixed(3)} ms; ` +
      `${Math.round(busRate)} messages/s (256 B, batches of 500), confirmed by ${busFlushes} flushes; ` +
      `one flush per publish by hand: ${Math.round(perPublishRate)} messages/s`,
  );
  await Promise.all([a.close(), b.close()]);
  await publisherConnection.close();
  await broker.dispose();
}

const rounds = Number(process.argv[2] ?? 3);
for (let round = 0; round < rounds; round++) await measure();

/**
 * A first measurement of the Redis buses (not wired into `npm run bench` yet: the lead owns the
 * bus figures in docs/scale-out.md). Starts its own redis-server (no persistence) per run, two
 * buses as two processes would use them (A publishes, B subscribes; bench/bus-measure.ts), and prints:
 * - the round trip of one 256-byte message, publish on A until it arrives on B (p50, p99 of 2,000);
 * - the rate of 20,000 messages published in batches of 500 (each batch awaited), until B has all.
 *
 *   node --import tsx bench/bus-redis.ts [rounds]
 */
import { redisBus } from '../src/bus/redis.js';
import { redisStreamsBus } from '../src/bus/redis-streams.js';
import type { MessageBus } from '../src/server/index.js';
import { startRedisBroker } from '../test/support/redis-broker.js';
import { rateUnit, startBusMeasurement } from './bus-measure.js';

async function measure(name: string, open: (url: string) => MessageBus): Promise<void> {
  const broker = await startRedisBroker();
  const a = open(broker.url);
  const b = open(broker.url);
  const measurement = await startBusMeasurement(name, a, b);
  const roundTrip = await measurement.roundTrip();
  const rate = await measurement.rate();
  console.log(`${name}: ${roundTrip}; ${Math.round(rate)} ${rateUnit}`);
  await Promise.all([a.close(), b.close()]);
  await broker.dispose();
}

const rounds = Number(process.argv[2] ?? 3);
for (let round = 0; round < rounds; round++) {
  await measure('redisBus', (url) => redisBus({ connection: url }));
  await measure('redisStreamsBus', (url) => redisStreamsBus({ connection: url }));
}

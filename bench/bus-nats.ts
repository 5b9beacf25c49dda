/**
 * A first measurement of the NATS bus (not wired into `npm run bench`: the lead owns the bus
 * figures in docs/scale-out.md). Starts its own nats-server per run, two buses as two
 * processes would use them (A publishes, B subscribes), and prints, with bench/bus-redis.ts's
 * measurement (bench/bus-measure.ts) so the figures compare:
 * - the round trip of one 256-byte message, publish on A until it arrives on B (p50, p99 of 2,000);
 * - the rate of 20,000 messages published in batches of 500 (each batch awaited), until B has all;
 * - for the same batches, how many flush round trips confirmed them (coalescing), against one
 *   flush per publish done by hand on a raw connection.
 *
 *   node --import tsx bench/bus-nats.ts [rounds]
 */
import { connect } from '@nats-io/transport-node';
import { natsBus } from '../src/bus/nats.js';
import { startNatsBroker } from '../test/support/nats-broker.js';
import { rateUnit, startBusMeasurement } from './bus-measure.js';

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
  const measurement = await startBusMeasurement('natsBus', a, b);
  const roundTrip = await measurement.roundTrip();
  flushes = 0;
  const busRate = await measurement.rate();
  const busFlushes = flushes;
  // By hand: one flush per publish, the naive way to know the server took each message.
  const perPublishRate = await measurement.rate((subject, payload) => {
    publisherConnection.publish(subject, payload);
    return flush();
  });
  console.log(
    `natsBus: ${roundTrip}; ${Math.round(busRate)} ${rateUnit}, confirmed by ${busFlushes} flushes; ` +
      `one flush per publish by hand: ${Math.round(perPublishRate)} messages/s`,
  );
  await Promise.all([a.close(), b.close()]);
  await publisherConnection.close();
  await broker.dispose();
}

const rounds = Number(process.argv[2] ?? 3);
for (let round = 0; round < rounds; round++) await measure();

/**
 * The NATS bus as the bus contract (test/bus/bus-contract.ts) sees it: a real nats-server
 * per suite, and a bus per simulated server process, each with its own connection.
 */
import { natsBus } from '../../src/bus/nats';
import { startNatsBroker, type NatsTestBroker } from '../support/nats-broker';
import type { BusHarness } from './bus-contract';

/** Reconnect quickly in tests: the default waits 2 s between attempts. */
export const testConnectionOptions = { reconnectTimeWait: 100, reconnectJitter: 0 } as const;

/** The contract's largest message is 1 Mi characters of 1–4 UTF-8 bytes: above nats-server's default 1 MiB. */
export const testMaxPayload = 4 * 1024 * 1024;

const brokers = new Set<NatsTestBroker>();

/** Stops every broker the harness started and removes their directories (for after()). */
export async function disposeNatsBrokers(): Promise<void> {
  await Promise.all([...brokers].map((broker) => broker.dispose()));
  brokers.clear();
}

export const natsHarness = {
  name: 'nats (core)',
  delivery: 'at-most-once',
  /** The bus rejects a publish while its connection is down: see natsBus. */
  publishWhileDown: 'rejects',
  invalidChannels: ['a b', 'a\tb', '*', 'a.*', '>', 'a.>', 'a*', 'a..b', '.a', 'a.'],
  async startBroker(): Promise<NatsTestBroker> {
    const broker = await startNatsBroker({ maxPayload: testMaxPayload });
    brokers.add(broker);
    return broker;
  },
  createBus: (broker) => natsBus({ servers: broker.url, connectionOptions: testConnectionOptions }),
} satisfies BusHarness;

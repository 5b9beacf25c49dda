/**
 * The NATS bus as the bus contract (test/bus/bus-contract.ts) sees it: a real nats-server
 * per suite, and a bus per simulated server process, each with its own connection.
 */
import { natsBus } from '../../src/bus/nats';
import type { BusDelivery, MessageBus } from '../../src/server/index';
import { startNatsBroker, type NatsTestBroker } from '../support/nats-broker';

/** Reconnect quickly in tests: the default waits 2 s between attempts. */
export const testConnectionOptions = { reconnectTimeWait: 100, reconnectJitter: 0 } as const;

const brokers = new Set<NatsTestBroker>();

export const natsHarness = {
  name: 'nats (core)',
  delivery: 'at-most-once' as BusDelivery,
  /** The bus rejects a publish while its connection is down: see natsBus. */
  publishWhileDown: 'rejects' as 'rejects' | 'buffers',
  async startBroker(): Promise<NatsTestBroker> {
    const broker = await startNatsBroker();
    brokers.add(broker);
    return broker;
  },
  createBus(broker: { readonly url: string }): MessageBus {
    return natsBus({ servers: broker.url, connectionOptions: testConnectionOptions });
  },
  /** Stops every broker this harness started (for after()). */
  async stopBrokers(): Promise<void> {
    await Promise.all([...brokers].map((broker) => broker.dispose()));
    brokers.clear();
  },
};

import { redisStreamsBus } from '../../src/bus/redis-streams.js';
import { isRedisServerAvailable, startRedisBroker, type RedisBroker } from '../support/redis-broker.js';
import { runBusContract, type TestBroker } from './bus-contract.js';

const runnable = isRedisServerAvailable() || process.env['CI'] === 'true';

(runnable ? describe : describe.skip)('redisStreamsBus (Redis Streams on a real redis-server)', () => {
  const brokers = new Map<TestBroker, RedisBroker>();
  after(async () => {
    await Promise.all([...brokers.values()].map((broker) => broker.dispose()));
  });

  runBusContract({
    name: 'redis streams',
    delivery: 'resumable',
    publishWhileDown: 'rejects',
    async startBroker() {
      // Append-only, so that the restart row checks "nothing lost"; without persistence see redis-streams.test.ts.
      const broker = await startRedisBroker({ appendOnly: true });
      // A stream reader is a connection blocked in XREAD; Redis does not say on which keys, so
      // this counts readers over all channels (the contract's row 4 uses one channel at a time).
      const testBroker: TestBroker = { ...broker, subscriptions: () => broker.blockedStreamReaders() };
      brokers.set(testBroker, broker);
      return testBroker;
    },
    createBus: (broker) => redisStreamsBus({ connection: broker.url }),
    async dropHistory(broker, channel) {
      const redis = brokers.get(broker) as RedisBroker;
      await redis.command('DEL', `rxjs-websocket-task:bus:{${channel}}:stream`, `rxjs-websocket-task:bus:{${channel}}:meta`);
    },
  });
});

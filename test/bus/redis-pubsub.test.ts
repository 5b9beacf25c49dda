import { redisBus } from '../../src/bus/redis.js';
import { isRedisServerAvailable, startRedisBroker, type RedisBroker } from '../support/redis-broker.js';
import { runBusContract } from './bus-contract.js';

const runnable = isRedisServerAvailable() || process.env['CI'] === 'true';

(runnable ? describe : describe.skip)('redisBus (Redis pub/sub on a real redis-server)', () => {
  const brokers: RedisBroker[] = [];
  after(async () => {
    await Promise.all(brokers.map((broker) => broker.dispose()));
  });

  runBusContract({
    name: 'redis pub/sub',
    delivery: 'at-most-once',
    publishWhileDown: 'rejects',
    async startBroker() {
      const broker = await startRedisBroker();
      brokers.push(broker);
      return broker;
    },
    createBus: (broker) => redisBus({ connection: broker.url }),
  });
});

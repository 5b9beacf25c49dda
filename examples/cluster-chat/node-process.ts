// A chat process as the cluster runs it: `tsx examples/cluster-chat/node-process.ts <port> <redis-url>`.
// Prints "listening <port>" once it accepts connections; SIGTERM shuts it down with goingAway.
import { redisStreamsBus } from '../../src/bus/redis-streams';
import { startChatNode } from './chat-node';

const [port = '0', redisUrl = 'redis://127.0.0.1:6379'] = process.argv.slice(2);
const bus = redisStreamsBus({ connection: redisUrl, history: { maxLength: 10_000 } });
bus.events.subscribe((event) => {
  if (event.type !== 'up' && event.type !== 'closed') console.error(`bus: ${JSON.stringify(event)}`);
});
const node = await startChatNode({ port: Number(port), host: '127.0.0.1', bus });
console.log(`listening ${(node.server.address as { port: number }).port}`);

process.once('SIGTERM', async () => {
  await node.stop();
  await bus.close();
  process.exit(0);
});

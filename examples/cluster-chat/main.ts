// Runs the cluster-chat scenario and prints what every client saw:
// `npx tsx examples/cluster-chat/main.ts` (needs redis-server on the PATH: apt-get install redis-server).
import { runClusterChat } from './cluster';

const report = await runClusterChat({ log: (line) => console.log(line) });
console.log(`${report.sent} messages sent by clients, ${report.published} published, ${report.lostInFlight} lost in flight to the killed process`);
for (const [index, client] of report.clients.entries()) {
  console.log(
    `client ${index} (started on process ${client.home}): ${client.received} received over ${client.connections} connections, ${client.lost} of its own lost, ${client.exact ? 'exactly the channel, in order' : 'NOT the channel'}`,
  );
}
process.exitCode = report.clients.every((client) => client.exact) ? 0 : 1;

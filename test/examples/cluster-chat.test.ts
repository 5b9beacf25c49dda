// The cluster-chat example, run for real: one redis-server, three chat processes, clients
// spread over them, one process killed (SIGKILL) and restarted mid-stream.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { runClusterChat, type ClusterChatReport } from '../../examples/cluster-chat/cluster';

function hasRedisServer(): boolean {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('example: cluster chat (redis-server, three processes, one killed mid-stream)', function () {
  this.timeout(90_000);
  let report: ClusterChatReport;

  before(async function () {
    // Under CI a missing broker is a failure, not a skip (.ci/run installs it).
    if (!hasRedisServer() && process.env['CI'] !== 'true') this.skip();
    report = await runClusterChat({ processes: 3, clients: 6, messagesPerClient: 60, every: 15 });
    console.log(`      ${JSON.stringify(report)}`);
  });

  it('gives every client exactly the channel: every message, in order, none twice, across the kill', () => {
    expect(report.published).to.be.greaterThan(0);
    for (const client of report.clients) {
      expect(client.received, `client starting on process ${client.home}`).to.equal(report.published);
      expect(client.exact, `client starting on process ${client.home}`).to.equal(true);
    }
  });

  it('made the clients of the killed process reconnect elsewhere and resume', () => {
    const ofKilled = report.clients.filter((client) => client.home === report.killed);
    expect(ofKilled).to.not.be.empty;
    for (const client of ofKilled) expect(client.connections).to.be.greaterThan(1);
  });

  it('loses only what clients of the killed process wrote to it before it could publish', () => {
    expect(report.lostInFlight).to.equal(report.clients.reduce((sum, client) => sum + client.lost, 0));
    for (const client of report.clients.filter((client) => client.home !== report.killed)) {
      expect(client.lost, `client starting on live process ${client.home}`).to.equal(0);
    }
  });
});

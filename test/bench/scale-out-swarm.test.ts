// The scale-out swarm is what says "every connection received every message once, in order":
// this checks that it does see a gap, a duplicate and a message that is not numbered, against
// a real ws server on a free loopback port that sends them on purpose.
import { expect } from 'chai';
import type { AddressInfo } from 'node:net';
import { WebSocketServer } from 'ws';
import { Child } from '../../bench/children';
import type { SwarmStatus } from '../../bench/scale-out-swarm';

describe('bench: scale-out swarm', function () {
  this.timeout(30_000);
  let server: WebSocketServer;
  let swarm: Child | undefined;

  beforeEach(async () => {
    server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
    await new Promise<void>((resolve) => server.once('listening', resolve));
  });
  afterEach(async () => {
    await swarm?.kill();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  async function swarmOf(connections: number): Promise<Child> {
    swarm = new Child('./scale-out-swarm.ts', { args: [String((server.address() as AddressInfo).port), String(connections)] });
    expect(await swarm.ready).to.deep.equal({ connected: connections });
    return swarm;
  }

  it('counts 0, 1, 2 … on each connection as in sequence, and skips warm-up messages', async () => {
    server.on('connection', (socket) => ['{"w":1}', '{"s":0,"p":"x"}', '{"s":1}', '{"s":2,"p":"xyz"}'].forEach((m) => socket.send(m)));
    const status = await (await swarmOf(3)).request<SwarmStatus>({ kind: 'wait', total: 9, timeoutMs: 10_000 }, 15_000);
    expect(status).to.include({ received: 9, anomalies: 0, unreadable: 0, minPerConnection: 3, complete: true });
  });

  it('counts a duplicate, a gap and an unnumbered message, per connection', async () => {
    server.on('connection', (socket) => ['{"s":0}', '{"s":1}', '{"s":1}', '{"s":3}', 'hello'].forEach((m) => socket.send(m)));
    const status = await (await swarmOf(2)).request<SwarmStatus>({ kind: 'wait', total: 10, timeoutMs: 10_000 }, 15_000);
    expect(status).to.include({ received: 10, anomalies: 4, unreadable: 2, complete: true });
  });

  it('answers with what it has when the total never comes', async () => {
    server.on('connection', (socket) => socket.send('{"s":0}'));
    const status = await (await swarmOf(2)).request<SwarmStatus>({ kind: 'wait', total: 4, timeoutMs: 300 }, 5000);
    expect(status).to.include({ received: 2, minPerConnection: 1, complete: false });
  });
});

// Fan-out that respects each connection's backpressure: a slow client (one that stopped
// reading) neither blocks the others nor makes the server buffer without bound.
import { expect } from 'chai';
import { of, Subject, type Subscription } from 'rxjs';
import WebSocket from 'ws';
import { CloseCode, WebSocketTaskError } from '../../src/index';
import { broadcast, fromWebSocketServer, type BroadcastEvent, type ServerConnection } from '../../src/server/index';
import { delay, startTaskServer, until, type TaskServerFixture } from './support/task-server';

interface CountingClient {
  readonly socket: WebSocket;
  received: number;
  readonly closed: Promise<{ code: number; reason: string }>;
}

async function countingClient(url: string): Promise<CountingClient> {
  const socket = new WebSocket(url);
  const client: CountingClient = {
    socket,
    received: 0,
    closed: new Promise((resolve) => socket.once('close', (code, reason) => resolve({ code, reason: String(reason) }))),
  };
  socket.on('message', () => client.received++);
  socket.on('error', () => undefined);
  await new Promise((resolve) => socket.once('open', resolve));
  return client;
}

describe('broadcast', () => {
  let fixture: TaskServerFixture<any>;
  let subscription: Subscription | undefined;
  const clients: CountingClient[] = [];
  afterEach(async () => {
    subscription?.unsubscribe();
    for (const client of clients.splice(0)) client.socket.terminate();
    await fixture?.close();
  });

  async function join(path = '/'): Promise<CountingClient> {
    const client = await countingClient(`${fixture.url}${path}`);
    clients.push(client);
    return client;
  }

  it('sends every value to every open member and reports joins and leaves', async () => {
    fixture = await startTaskServer();
    const values = new Subject<string>();
    const events: BroadcastEvent<unknown, ServerConnection>[] = [];
    subscription = fixture.server.pipe(broadcast(values)).subscribe((event) => events.push(event));
    const [a, b] = [await join(), await join()];
    await until(() => events.filter((event) => event.type === 'joined').length === 2, 'two members');
    values.next('one');
    values.next('two');
    await until(() => a.received === 2 && b.received === 2, 'both values at both clients');
    a.socket.close(CloseCode.goingAway);
    await until(() => events.some((event) => event.type === 'left'), 'a member to leave');
    expect(events.find((event) => event.type === 'left')).to.deep.include({ closeCode: CloseCode.goingAway, members: 1 });
    values.next('three');
    await until(() => b.received === 3, 'the third value');
    expect(a.received).to.equal(2);
  });

  it('completes when the values complete and releases its members, which then close with normalClosure', async () => {
    fixture = await startTaskServer();
    const values = new Subject<string>();
    let completed = false;
    subscription = fixture.server.pipe(broadcast(values)).subscribe({ complete: () => (completed = true) });
    const client = await join();
    await until(() => fixture.server.connections.some((connection) => connection.task.observed), 'the member to be claimed');
    values.complete();
    expect(completed).to.equal(true);
    expect((await client.closed).code).to.equal(CloseCode.normalClosure);
  });

  it("type-checks the values against the members' message type", () => {
    const server = fromWebSocketServer<string>({ port: 0 });
    expect(() => server.pipe(broadcast(of('text')))).not.to.throw();
    fromWebSocketServer({ port: 0 }).pipe(broadcast(of('text as a WebSocketMessage')));
    // @ts-expect-error a number cannot be sent to tasks of strings
    server.pipe(broadcast(of(42)));
  });

  it('refuses a slow-member close code that may not be sent, synchronously', () => {
    expect(() => broadcast(new Subject(), { onSlow: { closeCode: CloseCode.abnormalClosure } })).to.throw(WebSocketTaskError, /1006/);
    expect(() => broadcast(new Subject(), { maxBufferedBytes: 0 })).to.throw(WebSocketTaskError, /maxBufferedBytes/);
  });

  describe('with one deliberately slow client (its socket paused) among fast ones', () => {
    const messageBytes = 16 * 1024;
    const maxBufferedBytes = 256 * 1024;
    const count = 2000; // 32 MiB per client: far beyond what the kernel's socket buffers absorb
    const payload = 'x'.repeat(messageBytes);

    /** Sends `count` values, yielding to the event loop every 8, and samples the slow member's bytes waiting. */
    async function pump(values: Subject<string>, slow: () => ServerConnection | undefined): Promise<number> {
      let maxSeen = 0;
      for (let i = 0; i < count; i++) {
        values.next(payload);
        maxSeen = Math.max(maxSeen, slow()?.task.bufferedAmount ?? 0);
        if (i % 8 === 7) await delay(1);
      }
      return maxSeen;
    }

    it("drops values for it: its server-side buffer stays bounded and the others receive every value", async function () {
      this.timeout(60_000);
      fixture = await startTaskServer();
      const values = new Subject<string>();
      const events: BroadcastEvent<string, ServerConnection<string>>[] = [];
      subscription = fixture.server.pipe(broadcast(values, { maxBufferedBytes })).subscribe((event) => events.push(event));
      const fast = [await join('/fast'), await join('/fast'), await join('/fast')];
      const slowClient = await join('/slow');
      slowClient.socket.pause();
      await until(() => events.filter((event) => event.type === 'joined').length === 4, 'four members');
      const slow = () => fixture.server.connections.find((connection) => connection.request.path === '/slow');
      const heapBefore = process.memoryUsage().heapUsed;
      const maxSeen = await pump(values, slow);
      await until(() => fast.every((client) => client.received === count), 'every value at every fast client', 30_000);
      const dropped = events.filter((event) => event.type === 'dropped');
      const droppedFast = dropped.filter((event) => event.member.request.path !== '/slow').length;
      const sentToSlow = count - (dropped.length - droppedFast);
      console.log(
        `      fan-out of ${count} × ${messageBytes / 1024} KiB: fast clients received ${fast.map((c) => c.received).join('/')}; ` +
          `slow client: ${sentToSlow} sent, ${dropped.length - droppedFast} dropped, server-side max ${Math.round(maxSeen / 1024)} KiB buffered ` +
          `(limit ${maxBufferedBytes / 1024} KiB); heap change ${Math.round((process.memoryUsage().heapUsed - heapBefore) / 1048576)} MiB`,
      );
      expect(droppedFast).to.equal(0, 'no fast client met the policy');
      expect(dropped.length).to.be.greaterThan(count / 2, 'the policy fired for the slow client');
      expect(maxSeen).to.be.lessThan(maxBufferedBytes + messageBytes + 64, 'the slow member never buffers more than the limit and one message');
      expect(slow()?.task.state).to.equal('open', "'drop' keeps the slow client connected");
      slowClient.socket.resume();
      await until(() => slowClient.received === sentToSlow, 'the slow client to read what was sent to it', 30_000);
    });

    it('closes it with the code the user picks; once it reads again it receives that code', async function () {
      this.timeout(60_000);
      fixture = await startTaskServer();
      const values = new Subject<string>();
      const events: BroadcastEvent<string, ServerConnection<string>>[] = [];
      const onSlow = { closeCode: CloseCode.tryAgainLater, reason: 'too slow' } as const;
      subscription = fixture.server.pipe(broadcast(values, { maxBufferedBytes, onSlow })).subscribe((event) => {
        events.push(event);
        if (event.type === 'closedSlow') slowClient.socket.resume();
      });
      const fast = [await join('/fast'), await join('/fast')];
      const slowClient = await join('/slow');
      slowClient.socket.pause();
      await until(() => events.filter((event) => event.type === 'joined').length === 3, 'three members');
      const slow = () => fixture.server.connections.find((connection) => connection.request.path === '/slow');
      const maxSeen = await pump(values, slow);
      await until(() => fast.every((client) => client.received === count), 'every value at every fast client', 30_000);
      const closedSlow = events.filter((event) => event.type === 'closedSlow');
      expect(closedSlow).to.have.length(1);
      expect(closedSlow[0]).to.deep.include({ closeCode: CloseCode.tryAgainLater });
      expect(closedSlow[0]?.member.request.path).to.equal('/slow');
      expect(maxSeen).to.be.lessThan(maxBufferedBytes + messageBytes + 64);
      expect(await slowClient.closed).to.deep.equal({ code: CloseCode.tryAgainLater, reason: 'too slow' });
      await until(() => events.some((event) => event.type === 'left'), 'the slow member to leave');
      expect(events.find((event) => event.type === 'left')).to.deep.include({ closeCode: CloseCode.tryAgainLater, members: 2 });
    });
  });
});

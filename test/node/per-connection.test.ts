// What changes between connections, against real loopback servers: url, protocols and
// headers computed before every connection, task.url, task.reconnect() and openTimeout.
import { expect } from 'chai';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { filter, firstValueFrom, of } from 'rxjs';
import { CloseCode, fromWebSocketTask, type WebSocketTaskEvent } from '../../src/index';
import { observeTask, taskError } from '../support/observe-task';
import { startWsServer, type WsTestServer } from '../support/ws-test-server';

describe('per-connection options, reconnect() and openTimeout (Node, ws)', () => {
  let server: WsTestServer;
  beforeEach(async () => {
    server = await startWsServer();
  });
  afterEach(async () => {
    await server.close();
  });

  it('calls an async url factory before every connection, reconnects included; task.url reads the current one', async () => {
    let calls = 0;
    const task = fromWebSocketTask({
      url: async () => `${server.url}?token=${++calls}`,
      reconnect: { initialDelay: 1, random: () => 0 },
    });
    expect(task.url).to.equal('', 'no connection yet');
    const run = observeTask(task);
    const first = await server.nextConnection();
    expect(first.request.url).to.equal('/?token=1');
    expect(task.url).to.equal(`${server.url}?token=1`);
    first.socket.terminate();
    const second = await server.nextConnection();
    expect(second.request.url).to.equal('/?token=2');
    expect(task.url).to.equal(`${server.url}?token=2`);
    second.socket.send('after the reconnect');
    await firstValueFrom(task);
    expect(run.values).to.deep.equal(['after the reconnect']);
    task.complete();
  });

  it('takes protocols and node.headers from factories (an Observable and a function) per connection', async () => {
    let n = 0;
    const task = fromWebSocketTask({
      url: server.url,
      protocols: () => of(['feed.v2']),
      node: { headers: () => ({ authorization: `Bearer t${++n}` }) },
    });
    observeTask(task);
    const peer = await server.nextConnection();
    expect(peer.request.headers.authorization).to.equal('Bearer t1');
    expect(peer.socket.protocol).to.equal('feed.v2');
    task.complete();
  });

  it('fails the connection with ERR_CONNECTION_FAILED (1006) when the url factory throws, and reconnect calls it again', async () => {
    let calls = 0;
    const closed: Array<Extract<WebSocketTaskEvent, { type: 'closed' }>> = [];
    const task = fromWebSocketTask({
      url: () => {
        if (++calls === 1) throw new Error('token service down');
        return server.url;
      },
      reconnect: { initialDelay: 1, random: () => 0 },
    });
    task.lifecycle.pipe(filter((e): e is Extract<WebSocketTaskEvent, { type: 'closed' }> => e.type === 'closed')).subscribe((e) => closed.push(e));
    observeTask(task);
    await server.nextConnection();
    expect(calls).to.equal(2);
    expect(closed).to.have.length(1);
    const error = closed[0]!.error!;
    expect(error.code).to.equal('ERR_CONNECTION_FAILED');
    expect(error.closeCode).to.equal(CloseCode.abnormalClosure);
    expect(error.message).to.equal('A per-connection option (url, protocols or node.headers) failed: token service down');
    expect((error.cause as Error).message).to.equal('token service down');
    task.complete();
  });

  it('fails with the same error for a factory URL that is not ws: or wss:, naming it', async () => {
    const task = fromWebSocketTask({ url: () => 'ftp://127.0.0.1/' });
    const error = await taskError(observeTask(task));
    expect(error.code).to.equal('ERR_CONNECTION_FAILED');
    expect(error.message).to.contain('The URL scheme must be ws:, wss:, http: or https:, not ftp:');
  });

  it('reconnect() closes the open connection with goingAway "reconnect" and opens a new one; subscribers see one stream', async () => {
    const task = fromWebSocketTask(server.url);
    const run = observeTask(task);
    const first = await server.nextConnection();
    first.socket.send('one');
    await firstValueFrom(task);
    task.next('before');
    expect(task.reconnect()).to.equal(true);
    task.next('after');
    const second = await server.nextConnection();
    expect(await first.closed).to.deep.equal({ code: CloseCode.goingAway, reason: 'reconnect' });
    expect(String((await first.nextMessage()).data)).to.equal('before');
    expect(String((await second.nextMessage()).data)).to.equal('after');
    second.socket.send('two');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(run.values).to.deep.equal(['one', 'two']);
    const ended = await Promise.race([run.end.then(() => true), new Promise((resolve) => setTimeout(() => resolve(false), 20))]);
    expect(ended).to.equal(false, 'the subscriber neither completed nor errored');
    expect(task.closeCode).to.equal(CloseCode.invalid);
    task.complete();
  });

  it('reconnect() ends a reconnect wait at once', async () => {
    const task = fromWebSocketTask({ url: server.url, reconnect: { initialDelay: 60_000, maxDelay: 60_000, random: () => 1 } });
    observeTask(task);
    (await server.nextConnection()).socket.terminate();
    await firstValueFrom(task.lifecycle.pipe(filter((e) => e.type === 'reconnecting')));
    expect(task.state).to.equal('reconnecting');
    expect(task.reconnect()).to.equal(true);
    await server.nextConnection();
    task.complete();
  });

  it('reconnectWhenOnline ends a reconnect wait when the online event fires, and stops listening when the task ends', async () => {
    // Node has no window: an EventTarget stands in for it, as the browser's `online` event source.
    const window = new EventTarget();
    const global = globalThis as { addEventListener?: unknown; removeEventListener?: unknown };
    global.addEventListener = window.addEventListener.bind(window);
    global.removeEventListener = window.removeEventListener.bind(window);
    try {
      const task = fromWebSocketTask({
        url: server.url,
        reconnect: { initialDelay: 60_000, maxDelay: 60_000, random: () => 1 },
        reconnectWhenOnline: true,
      });
      const run = observeTask(task);
      const first = await server.nextConnection();
      window.dispatchEvent(new Event('online'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(server.connections).to.have.length(1, 'an open connection is left alone');
      first.socket.terminate();
      await firstValueFrom(task.lifecycle.pipe(filter((e) => e.type === 'reconnecting')));
      window.dispatchEvent(new Event('online'));
      await server.nextConnection();
      task.complete();
      await run.end;
      window.dispatchEvent(new Event('online'));
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(server.connections).to.have.length(2, 'no listener is left after the end');
    } finally {
      delete global.addEventListener;
      delete global.removeEventListener;
    }
  });

  it('reconnect() returns false and does nothing without a subscriber, or for a wrapped socket', async () => {
    const idle = fromWebSocketTask(server.url);
    expect(idle.reconnect()).to.equal(false);
    const client = fromWebSocketTask(server.url);
    observeTask(client);
    const accepted = await server.nextConnection();
    const wrapped = fromWebSocketTask(accepted.socket);
    observeTask(wrapped);
    expect(wrapped.reconnect()).to.equal(false);
    expect(server.connections).to.have.length(1);
    client.complete();
  });

  describe('openTimeout', () => {
    let silent: Server;
    const sockets = new Set<Socket>();
    before(async () => {
      // Accepts TCP and never answers the upgrade.
      silent = createServer((socket) => {
        sockets.add(socket);
        socket.on('error', () => undefined);
      });
      await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    });
    after(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => silent.close(resolve));
    });

    it('drops a connection that does not open in time: ERR_OPEN_TIMEOUT, abnormalClosure (1006)', async () => {
      const { port } = silent.address() as AddressInfo;
      const started = performance.now();
      const task = fromWebSocketTask({ url: `ws://127.0.0.1:${port}/`, openTimeout: 100 });
      const error = await taskError(observeTask(task));
      const elapsed = performance.now() - started;
      expect(error.code).to.equal('ERR_OPEN_TIMEOUT');
      expect(error.closeCode).to.equal(CloseCode.abnormalClosure);
      expect(error.message).to.equal('The connection did not open within openTimeout (100 ms): it was dropped.');
      expect(elapsed).to.be.at.least(90);
      expect(task.closeCode).to.equal(CloseCode.abnormalClosure);
    });

    it('refuses an openTimeout that is not a positive number', () => {
      expect(() => fromWebSocketTask({ url: server.url, openTimeout: 0 })).to.throw('openTimeout must be a positive number, not 0.');
    });
  });
});

// The task's behaviour as a Subject, against real `ws` servers on loopback.
import { expect } from 'chai';
import { filter, firstValueFrom, ObjectUnsubscribedError, retry, Subject, take, toArray } from 'rxjs';
import { WebSocketServer } from 'ws';
import {
  CloseCode,
  fromWebSocketTask,
  jsonCodec,
  WebSocketTaskError,
  type WebSocketTaskConfig,
  type WebSocketTaskEvent,
} from '../../src/index';
import { observeTask, taskCompletion, taskError } from '../support/observe-task';
import { startWsServer, unusedPort, type WsTestServer } from '../support/ws-test-server';
import { thrown } from '../support/thrown';


describe('WebSocketTask (Node, ws)', () => {
  let server: WsTestServer;
  beforeEach(async () => {
    server = await startWsServer();
  });
  afterEach(async () => {
    await server.close();
  });

  /** A task on `server`, subscribed and open, with what its subscriber sees and the server's side. */
  async function openTask() {
    const task = fromWebSocketTask(server.url);
    const run = observeTask(task);
    const peer = await server.nextConnection();
    await run.closeCodeAtOpen;
    return { task, run, peer };
  }

  describe('as a Subject', () => {
    it('is an instance of RxJS Subject', () => {
      expect(fromWebSocketTask(server.url)).to.be.instanceOf(Subject);
    });

    it('does not connect before the first subscription', async () => {
      const task = fromWebSocketTask(server.url);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(server.connections).to.have.length(0);
      expect(task.state).to.equal('idle');
      expect(task.closeCode).to.equal(CloseCode.invalid);
    });

    it('shares one connection between subscribers', async () => {
      const task = fromWebSocketTask(server.url);
      const first = observeTask(task);
      const second = observeTask(task);
      const peer = await server.nextConnection();
      await first.closeCodeAtOpen;
      peer.socket.send('to both');
      peer.socket.close(1000);
      await Promise.all([taskCompletion(first), taskCompletion(second)]);
      expect(first.values).to.deep.equal(['to both']);
      expect(second.values).to.deep.equal(['to both']);
      expect(server.connections).to.have.length(1);
    });

    it('closes with normalClosure when the last subscriber unsubscribes', async () => {
      const task = fromWebSocketTask(server.url);
      const first = observeTask(task);
      const second = observeTask(task);
      const peer = await server.nextConnection();
      await first.closeCodeAtOpen;
      first.subscription.unsubscribe();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(task.state).to.equal('open', 'one subscriber remains');
      second.subscription.unsubscribe();
      expect((await peer.closed).code).to.equal(CloseCode.normalClosure);
    });

    it('opens a new connection for a subscription after the end, with closeCode invalid again while open', async () => {
      const task = fromWebSocketTask(server.url);
      const first = observeTask(task);
      (await server.nextConnection()).socket.close(4000, 'first');
      expect((await taskError(first)).closeCode).to.equal(4000);
      expect(task.closeCode).to.equal(4000);
      const second = observeTask(task);
      const peer = await server.nextConnection();
      expect(await second.closeCodeAtOpen).to.equal(CloseCode.invalid);
      peer.socket.send('again');
      peer.socket.close(1000);
      await taskCompletion(second);
      expect(second.values).to.deep.equal(['again']);
    });

    it('reconnects with retry after a close code error', async () => {
      const task = fromWebSocketTask(server.url);
      const received = firstValueFrom(task.pipe(retry(1), take(1), toArray()));
      (await server.nextConnection()).socket.close(CloseCode.serviceRestart, 'restart');
      (await server.nextConnection()).socket.send('after retry');
      expect(await received).to.deep.equal(['after retry']);
    });

    it('ends every subscription and closes with normalClosure on task.unsubscribe(), then refuses use', async () => {
      const { task, run, peer } = await openTask();
      task.unsubscribe();
      expect(run.subscription.closed).to.equal(true);
      expect((await peer.closed).code).to.equal(CloseCode.normalClosure);
      expect(() => task.next('late')).to.throw(ObjectUnsubscribedError);
    });
  });

  describe('sending', () => {
    it('sends 1,000 values queued before open, in order', async () => {
      const task = fromWebSocketTask(server.url);
      for (let i = 0; i < 1000; i++) task.next(`m${i}`);
      expect(task.queuedMessages).to.equal(1000);
      const run = observeTask(task);
      const peer = await server.nextConnection();
      while (peer.messages.length < 1000) await new Promise((resolve) => setTimeout(resolve, 5));
      expect(peer.messages.map((m) => String(m.data))).to.deep.equal(Array.from({ length: 1000 }, (_, i) => `m${i}`));
      expect(task.queuedMessages).to.equal(0);
      task.complete();
      await taskCompletion(run);
    });

    it('writes the messages of one tick together, in order, before a close of the same tick', async () => {
      const { task, run, peer } = await openTask();
      const bytes = new Uint8Array([1, 2, 3, 4]);
      for (let i = 0; i < 100; i++) task.next(`m${i}`);
      task.next(bytes);
      expect(task.bufferedAmount).to.be.above(0, 'the batch counts as buffered until written');
      task.cancel(4000, 'after the batch');
      await taskCompletion(run);
      expect(await peer.closed).to.deep.equal({ code: 4000, reason: 'after the batch' });
      expect(peer.messages.slice(0, 100).map((m) => String(m.data))).to.deep.equal(Array.from({ length: 100 }, (_, i) => `m${i}`));
      expect([...(peer.messages[100]!.data as Buffer)]).to.deep.equal([1, 2, 3, 4]);
      expect([...bytes]).to.deep.equal([1, 2, 3, 4], 'masking never changes the caller\'s bytes');
    });

    it('sends text as text frames and bytes as binary frames', async () => {
      const task = fromWebSocketTask(server.url);
      const run = observeTask(task);
      task.next('text');
      task.next(new Uint8Array([1, 2, 3]));
      const peer = await server.nextConnection();
      const text = await peer.nextMessage();
      const binary = await peer.nextMessage();
      expect(text.isBinary).to.equal(false);
      expect(binary.isBinary).to.equal(true);
      expect([...(binary.data as Buffer)]).to.deep.equal([1, 2, 3]);
      peer.socket.send(Buffer.from([9, 8]));
      task.complete();
      await taskCompletion(run);
      expect(run.values[0]).to.be.instanceOf(Uint8Array);
      expect([...(run.values[0] as Uint8Array)]).to.deep.equal([9, 8]);
    });

    it('sends and receives JSON with jsonCodec', async () => {
      const task = fromWebSocketTask({ url: server.url, codec: jsonCodec<{ n: number }>() });
      const run = observeTask(task);
      task.next({ n: 1 });
      const peer = await server.nextConnection();
      expect(String((await peer.nextMessage()).data)).to.equal('{"n":1}');
      peer.socket.send('{"n":2}');
      peer.socket.close(1000);
      await taskCompletion(run);
      expect(run.values).to.deep.equal([{ n: 2 }]);
    });

    it('refuses a value beyond maxQueuedMessages with ERR_QUEUE_OVERFLOW and keeps the ones it took', async () => {
      const task = fromWebSocketTask({ url: server.url, maxQueuedMessages: 3 });
      task.next('a');
      task.next('b');
      task.next('c');
      const error = thrown(() => task.next('d'));
      expect(error.code).to.equal('ERR_QUEUE_OVERFLOW');
      expect(error.undelivered).to.deep.equal(['d']);
      const run = observeTask(task);
      const peer = await server.nextConnection();
      for (let i = 0; i < 3; i++) await peer.nextMessage();
      expect(peer.messages.map((m) => String(m.data))).to.deep.equal(['a', 'b', 'c']);
      task.complete();
      await taskCompletion(run);
    });

    it('refuses a value beyond maxQueuedBytes with ERR_QUEUE_OVERFLOW', () => {
      const task = fromWebSocketTask({ url: server.url, maxQueuedBytes: 10 });
      task.next('12345');
      const error = thrown(() => task.next('€€')); // 6 bytes: 11 in all
      expect(error.code).to.equal('ERR_QUEUE_OVERFLOW');
      expect(error.message).to.contain('10 bytes');
      expect(error.undelivered).to.deep.equal(['€€']);
      expect(task.queuedMessages).to.equal(1);
      expect(task.bufferedAmount).to.equal(5);
    });

    it('reports values queued when the connection fails as undelivered, and keeps them for the next connection', async () => {
      const port = await unusedPort();
      const task = fromWebSocketTask(`ws://127.0.0.1:${port}/`);
      task.next('one');
      task.next('two');
      const error = await taskError(observeTask(task));
      expect(error.code).to.equal('ERR_CONNECTION_FAILED');
      expect(error.undelivered).to.deep.equal(['one', 'two']);
      expect(task.queuedMessages).to.equal(2);
    });

    it('removes undelivered values at the end with replayQueue: false', async () => {
      const port = await unusedPort();
      const task = fromWebSocketTask({ url: `ws://127.0.0.1:${port}/`, replayQueue: false });
      task.next('one');
      const error = await taskError(observeTask(task));
      expect(error.undelivered).to.deep.equal(['one']);
      expect(task.queuedMessages).to.equal(0);
    });

    it('throws ERR_SERIALIZE from next() when a value cannot be encoded and no connection exists', () => {
      const task = fromWebSocketTask(server.url);
      const error = thrown(() => task.next({ not: 'bytes' } as never));
      expect(error.code).to.equal('ERR_SERIALIZE');
      expect(error.message).to.contain('jsonCodec');
      expect(error.undelivered).to.deep.equal([{ not: 'bytes' }]);
      expect(task.queuedMessages).to.equal(0);
    });

    it('keeps values sent while closing for the next connection, instead of dropping them', async () => {
      const task = fromWebSocketTask(server.url);
      const events: WebSocketTaskEvent[] = [];
      task.lifecycle.subscribe((event) => events.push(event));
      const run = observeTask(task);
      await server.nextConnection();
      await run.closeCodeAtOpen;
      task.complete();
      task.next('while closing');
      await taskCompletion(run);
      const closed = events.find((event) => event.type === 'closed');
      // The closing connection was never given it: its Close frame was already decided.
      expect(closed).to.deep.include({ type: 'closed', closeCode: 1000, undelivered: [], sent: 0 });
      expect(task.queuedMessages).to.equal(1, 'kept for the next connection');
      const next = observeTask(task);
      const peer = await server.nextConnection();
      expect(String((await peer.nextMessage()).data)).to.equal('while closing');
      task.complete();
      await taskCompletion(next);
    });
  });

  describe('closing from this side', () => {
    it('complete() sends normalClosure: the peer receives 1000, not 1005', async () => {
      const { task, run, peer } = await openTask();
      task.complete();
      await taskCompletion(run);
      expect(await peer.closed).to.deep.equal({ code: 1000, reason: '' });
      expect(task.closeCode).to.equal(CloseCode.normalClosure);
    });

    it('complete() while connecting sends the queued values first, then 1000', async () => {
      const task = fromWebSocketTask(server.url);
      const run = observeTask(task);
      task.next('first');
      task.complete();
      const peer = await server.nextConnection();
      expect(String((await peer.nextMessage()).data)).to.equal('first');
      expect((await peer.closed).code).to.equal(1000);
      await taskCompletion(run);
    });

    it('cancel(code, reason) sends that code and reason; subscribers complete', async () => {
      const { task, run, peer } = await openTask();
      task.cancel(CloseCode.goingAway, 'bye 👋');
      await taskCompletion(run);
      expect(await peer.closed).to.deep.equal({ code: 1001, reason: 'bye 👋' });
      expect(task.closeCode).to.equal(CloseCode.goingAway);
      expect(task.closeReason).to.equal('bye 👋');
    });

    it('cancel with a code that may not be sent throws synchronously and leaves the connection unharmed', async () => {
      const { task, run, peer } = await openTask();
      for (const code of [0, 999, 1004, 1005, 1006, 1015, 2999, 5000]) {
        const error = thrown(() => task.cancel(code));
        expect(error.code).to.equal('ERR_INVALID_CLOSE_CODE');
        expect(error.message).to.contain(String(code));
      }
      const long = thrown(() => task.cancel(4000, 'é'.repeat(62)));
      expect(long.code).to.equal('ERR_CLOSE_REASON_TOO_LONG');
      expect(long.message).to.contain('124 bytes');
      task.next('still open');
      expect(String((await peer.nextMessage()).data)).to.equal('still open');
      expect(task.state).to.equal('open');
      task.cancel(4000, 'é'.repeat(61) + 'x');
      expect((await peer.closed).reason).to.have.length(62);
      await taskCompletion(run);
    });

    it('error(e) closes with e.code and e.reason (the rxjs/webSocket shape); subscribers error with the cause', async () => {
      const { task, run, peer } = await openTask();
      const cause = { code: 4002, reason: 'app failure' };
      task.error(cause);
      const error = await taskError(run);
      expect(error.code).to.equal('ERR_TASK_ERRORED');
      expect(error.cause).to.equal(cause);
      expect(error.closeCode).to.equal(4002);
      expect(await peer.closed).to.deep.equal({ code: 4002, reason: 'app failure' });
    });

    it('error(e) without a code closes with internalServerError (1011)', async () => {
      const { task, run, peer } = await openTask();
      task.error(new Error('boom'));
      expect((await taskError(run)).closeCode).to.equal(CloseCode.internalServerError);
      expect((await peer.closed).code).to.equal(CloseCode.internalServerError);
    });

    it('error(e) with a code that may not be sent throws synchronously', async () => {
      const { task, run } = await openTask();
      expect(thrown(() => task.error({ closeCode: 1006 })).code).to.equal('ERR_INVALID_CLOSE_CODE');
      expect(task.state).to.equal('open');
      task.complete();
      await taskCompletion(run);
    });

    it('closing a connecting socket by unsubscribing crashes nothing and leaves no error unhandled', async () => {
      const unhandled: unknown[] = [];
      const record = (error: unknown) => unhandled.push(error);
      process.on('uncaughtException', record);
      try {
        for (let i = 0; i < 20; i++) fromWebSocketTask(server.url).subscribe().unsubscribe();
        await new Promise((resolve) => setTimeout(resolve, 100));
      } finally {
        process.off('uncaughtException', record);
      }
      expect(unhandled).to.deep.equal([]);
    });
  });

  describe('ping and lifecycle', () => {
    it('sendPing reports the round-trip time of a protocol ping', async () => {
      const { task, run } = await openTask();
      const roundTrip = await firstValueFrom(task.sendPing());
      expect(roundTrip).to.be.a('number').and.at.least(0).and.below(5000);
      task.complete();
      await taskCompletion(run);
    });

    it('sendPing fails with ERR_NOT_OPEN without a connection', async () => {
      const task = fromWebSocketTask(server.url);
      const error = await firstValueFrom(task.sendPing()).catch((e: unknown) => e);
      expect(error).to.be.instanceOf(WebSocketTaskError);
      expect((error as WebSocketTaskError).code).to.equal('ERR_NOT_OPEN');
    });

    it('sendPing fails with ERR_PING_TIMEOUT when no pong comes in time', async () => {
      const silent = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
      await new Promise((resolve) => silent.once('listening', resolve));
      const { port } = silent.address() as { port: number };
      try {
        const task = fromWebSocketTask({ url: `ws://127.0.0.1:${port}/`, pingTimeout: 50 });
        const run = observeTask(task);
        await run.closeCodeAtOpen;
        const error = await firstValueFrom(task.sendPing()).catch((e: unknown) => e);
        expect((error as WebSocketTaskError).code).to.equal('ERR_PING_TIMEOUT');
        expect(task.state).to.equal('open', 'a late pong does not close the connection');
        task.complete();
        await taskCompletion(run);
      } finally {
        for (const client of silent.clients) client.terminate();
        await new Promise((resolve) => silent.close(resolve));
      }
    });

    it('keeps closeCode invalid when the last unsubscribe aborts the opening handshake', async () => {
      const task = fromWebSocketTask(server.url);
      const events: WebSocketTaskEvent[] = [];
      task.lifecycle.subscribe((event) => events.push(event));
      const closed = firstValueFrom(task.lifecycle.pipe(filter((event) => event.type === 'closed')));
      task.subscribe().unsubscribe();
      await closed;
      expect(task.state).to.equal('closed');
      expect(task.closeCode).to.equal(CloseCode.invalid);
      expect(task.closeReason).to.equal('');
      expect(events.map((event) => event.type)).to.deep.equal(['connecting', 'closed']);
      expect(events[1]).to.deep.include({ type: 'closed', closeCode: CloseCode.invalid, wasClean: false, sent: 0 });
    });

    it('emits connecting, open, closing and closed on the lifecycle stream', async () => {
      const task = fromWebSocketTask(server.url);
      const events: WebSocketTaskEvent[] = [];
      task.lifecycle.subscribe((event) => events.push(event));
      const run = observeTask(task);
      await server.nextConnection();
      await run.closeCodeAtOpen;
      task.cancel(4100, 'done');
      await taskCompletion(run);
      expect(events.map((event) => event.type)).to.deep.equal(['connecting', 'open', 'closing', 'closed']);
      expect(events[2]).to.deep.equal({ type: 'closing', closeCode: 4100, closeReason: 'done' });
      expect(events[3]).to.deep.include({ type: 'closed', closeCode: 4100, closeReason: 'done', wasClean: true });
    });
  });

  describe('configuration', () => {
    for (const [url, why] of [
      ['not a url', 'Not a valid URL'],
      ['ftp://127.0.0.1/', 'ws:, wss:, http: or https:'],
      ['ws://127.0.0.1/#frag', 'fragment'],
    ] as const) {
      it(`refuses "${url}" with ERR_INVALID_CONFIG`, () => {
        const error = thrown(() => fromWebSocketTask(url));
        expect(error.code).to.equal('ERR_INVALID_CONFIG');
        expect(error.message).to.contain(why);
      });
    }

    it('takes http: as ws:', async () => {
      const task = fromWebSocketTask(server.url.replace('ws:', 'http:'));
      const run = observeTask(task);
      expect(await run.closeCodeAtOpen).to.equal(CloseCode.invalid);
      task.complete();
      await taskCompletion(run);
    });

    it('refuses a non-positive maximumMessageSize and codec together with a serializer', () => {
      expect(thrown(() => fromWebSocketTask({ url: server.url, maximumMessageSize: 0 })).code).to.equal('ERR_INVALID_CONFIG');
      const both = thrown(() => fromWebSocketTask({ url: server.url, codec: jsonCodec(), serializer: String }));
      expect(both.message).to.contain('either codec or serializer');
    });

    it('offers subprotocols and reports the one chosen', async () => {
      const task = fromWebSocketTask({ url: server.url, protocols: ['chat.v2', 'chat.v1'] });
      const run = observeTask(task);
      await run.closeCodeAtOpen;
      expect(task.protocol).to.equal('chat.v2');
      task.complete();
      await taskCompletion(run);
    });

    it("offers rxjs/webSocket's protocol as protocols (plain JavaScript)", async () => {
      const task = fromWebSocketTask({ url: server.url, protocol: ['chat.v2', 'chat.v1'] } as unknown as WebSocketTaskConfig);
      const run = observeTask(task);
      await run.closeCodeAtOpen;
      expect(task.protocol).to.equal('chat.v2');
      task.complete();
      await taskCompletion(run);
    });
  });

  describe('wrapping an existing socket', () => {
    it('wraps a socket a ws server accepted: messages, close code from the client, no message lost before subscribe', async () => {
      const client = fromWebSocketTask(server.url);
      const clientRun = observeTask(client);
      client.next('early');
      const peer = await server.nextConnection();
      const serverTask = fromWebSocketTask(peer.socket);
      await clientRun.closeCodeAtOpen;
      await new Promise((resolve) => setTimeout(resolve, 20));
      const serverRun = observeTask(serverTask);
      client.next('late');
      await new Promise((resolve) => setTimeout(resolve, 20));
      client.cancel(4003, 'client leaves');
      const error = await taskError(serverRun);
      expect(serverRun.values.map(String)).to.deep.equal(['early', 'late']);
      expect(error.code).to.equal('ERR_CLOSED_BY_PEER');
      expect(error.closeCode).to.equal(4003);
      expect(serverTask.closeCode).to.equal(4003);
      await taskCompletion(clientRun);
      const afterEnd = await taskError(observeTask(serverTask));
      expect(afterEnd).to.equal(error, 'a later subscriber learns the same end');
    });

    it('reports a value sent between two closes of a wrapped socket undelivered, and refuses one after the end', async () => {
      const peerSide = fromWebSocketTask(server.url);
      const peerRun = observeTask(peerSide);
      const accepted = await server.nextConnection();
      const task = fromWebSocketTask(accepted.socket);
      const events: WebSocketTaskEvent[] = [];
      task.lifecycle.subscribe((event) => events.push(event));
      const run = observeTask(task);
      await peerRun.closeCodeAtOpen;
      task.cancel(4000, 'bye');
      task.next('between the closes');
      task.complete();
      await taskCompletion(run);
      await taskError(peerRun);
      const closed = events.find((event) => event.type === 'closed');
      expect(closed).to.deep.include({ closeCode: 4000, undelivered: ['between the closes'] });
      const refused = thrown(() => task.next('after the end'));
      expect(refused.code).to.equal('ERR_NOT_OPEN');
      expect(refused.undelivered).to.deep.equal(['after the end']);
    });

    it("enforces maximumMessageSize on a socket a ws server accepted, though the server's maxPayload is larger: 1009", async () => {
      const client = fromWebSocketTask(server.url);
      const clientRun = observeTask(client);
      const accepted = await server.nextConnection();
      const task = fromWebSocketTask({ socket: accepted.socket, maximumMessageSize: 10 });
      const run = observeTask(task);
      await clientRun.closeCodeAtOpen;
      client.next('0123456789');
      client.next('0123456789+');
      const error = await taskError(run);
      expect(error.code).to.equal('ERR_MESSAGE_TOO_BIG');
      expect(error.closeCode).to.equal(CloseCode.messageTooBig);
      expect(run.values.map(String)).to.deep.equal(['0123456789'], 'the message at the limit still arrives');
      const clientError = await taskError(clientRun);
      expect([clientError.closeCode, clientError.closeReason]).to.deep.equal([CloseCode.messageTooBig, 'message too big']);
    });

    it('refuses a closed socket with ERR_INVALID_CONFIG', async () => {
      const task = fromWebSocketTask(server.url);
      const run = observeTask(task);
      const peer = await server.nextConnection();
      task.complete();
      await taskCompletion(run);
      await peer.closed;
      expect(thrown(() => fromWebSocketTask(peer.socket)).code).to.equal('ERR_INVALID_CONFIG');
    });
  });
});

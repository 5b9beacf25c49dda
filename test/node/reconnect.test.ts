// Reconnect, heartbeat, multiplex and backpressure against real loopback servers.
import { expect } from 'chai';
import { filter, firstValueFrom, lastValueFrom, take, toArray } from 'rxjs';
import { WebSocketServer } from 'ws';
import { WebSocket as UndiciWebSocket } from 'undici';
import {
  CloseCode,
  fromWebSocketTask,
  jsonCodec,
  type WebSocketConstructorLike,
  type WebSocketTaskEvent,
} from '../../src/index';
import { observeTask, taskCompletion, taskError } from '../support/observe-task';
import { startRejectingServer, startWsServer, unusedPort, type WsTestServer } from '../support/ws-test-server';

const immediate = { initialDelay: 1, random: () => 0, serviceRestartDelay: { min: 1, max: 1 } } as const;

function events(task: { lifecycle: import('rxjs').Observable<WebSocketTaskEvent> }): WebSocketTaskEvent[] {
  const seen: WebSocketTaskEvent[] = [];
  task.lifecycle.subscribe((event) => seen.push(event));
  return seen;
}

describe('reconnect (Node, ws)', () => {
  let server: WsTestServer;
  beforeEach(async () => {
    server = await startWsServer();
  });
  afterEach(async () => {
    await server.close();
  });

  for (const code of [CloseCode.goingAway, CloseCode.internalServerError, CloseCode.serviceRestart, CloseCode.tryAgainLater, CloseCode.badGateway]) {
    it(`reconnects transparently after the peer closes with ${code}`, async () => {
      const task = fromWebSocketTask({ url: server.url, reconnect: immediate });
      const seen = events(task);
      const run = observeTask(task);
      const first = await server.nextConnection();
      first.socket.send('one');
      first.socket.close(code, 'bye');
      const second = await server.nextConnection();
      second.socket.send('two');
      second.socket.close(1000);
      await taskCompletion(run);
      expect(run.values).to.deep.equal(['one', 'two']);
      const reconnecting = seen.find((event) => event.type === 'reconnecting');
      expect(reconnecting).to.deep.include({ type: 'reconnecting', attempt: 1 });
      expect((reconnecting as { error: { closeCode: number } }).error.closeCode).to.equal(code);
    });
  }

  it('reconnects after a dropped connection (1006)', async () => {
    const task = fromWebSocketTask({ url: server.url, reconnect: immediate });
    const run = observeTask(task);
    (await server.nextConnection()).socket.terminate();
    const second = await server.nextConnection();
    second.socket.close(1000);
    await taskCompletion(run);
  });

  for (const code of [CloseCode.protocolError, CloseCode.unsupportedData, CloseCode.invalidFramePayloadData, CloseCode.policyViolation, CloseCode.messageTooBig, CloseCode.mandatoryExtensionMissing, 4000]) {
    it(`does not reconnect after the peer closes with ${code}`, async () => {
      const task = fromWebSocketTask({ url: server.url, reconnect: immediate });
      const run = observeTask(task);
      (await server.nextConnection()).socket.close(code);
      expect((await taskError(run)).closeCode).to.equal(code);
      await new Promise((resolve) => setTimeout(resolve, 30));
      expect(server.connections).to.have.length(1);
      expect(task.state).to.equal('closed');
    });
  }

  it('does not reconnect after normalClosure: subscribers complete', async () => {
    const task = fromWebSocketTask({ url: server.url, reconnect: immediate });
    const run = observeTask(task);
    (await server.nextConnection()).socket.close(1000);
    await taskCompletion(run);
    expect(server.connections).to.have.length(1);
  });

  it('does not reconnect after HTTP 403, but does after 503', async () => {
    const forbidden = await startRejectingServer(403);
    const unavailable = await startRejectingServer(503);
    try {
      const once = fromWebSocketTask({ url: forbidden.url, reconnect: immediate });
      const seenOnce = events(once);
      expect((await taskError(observeTask(once))).httpStatus).to.equal(403);
      expect(seenOnce.filter((e) => e.type === 'reconnecting')).to.have.length(0);
      const retried = fromWebSocketTask({ url: unavailable.url, reconnect: { ...immediate, maxAttempts: 2 } });
      const seenRetried = events(retried);
      expect((await taskError(observeTask(retried))).httpStatus).to.equal(503);
      expect(seenRetried.filter((e) => e.type === 'reconnecting')).to.have.length(2);
    } finally {
      await forbidden.close();
      await unavailable.close();
    }
  });

  it('shows each attempt with its number and delay, and gives up after maxAttempts', async () => {
    const port = await unusedPort();
    const task = fromWebSocketTask({
      url: `ws://127.0.0.1:${port}/`,
      reconnect: { maxAttempts: 3, initialDelay: 8, random: () => 0.5 },
    });
    const seen = events(task);
    const error = await taskError(observeTask(task));
    expect(error.code).to.equal('ERR_CONNECTION_FAILED');
    const attempts = seen.filter((e) => e.type === 'reconnecting').map((e) => e.type === 'reconnecting' && [e.attempt, e.delay]);
    expect(attempts).to.deep.equal([[1, 4], [2, 8], [3, 16]]);
    expect(seen.filter((e) => e.type === 'connecting')).to.have.length(4);
    expect(task.closeCode).to.equal(CloseCode.abnormalClosure);
  });

  it('sends values queued while reconnecting on the next connection, in order', async () => {
    const task = fromWebSocketTask({ url: server.url, reconnect: { ...immediate, initialDelay: 50, random: () => 1 } });
    const run = observeTask(task);
    const first = await server.nextConnection();
    await firstValueFrom(task.lifecycle.pipe(filter((e) => e.type === 'open')));
    first.socket.terminate();
    await firstValueFrom(task.lifecycle.pipe(filter((e) => e.type === 'reconnecting')));
    expect(task.state).to.equal('reconnecting');
    expect(task.closeCode).to.equal(CloseCode.abnormalClosure);
    task.next('a');
    task.next('b');
    const second = await server.nextConnection();
    expect([String((await second.nextMessage()).data), String((await second.nextMessage()).data)]).to.deep.equal(['a', 'b']);
    task.complete();
    await taskCompletion(run);
  });

  it('stops waiting to reconnect when the last subscriber leaves, or on complete()', async () => {
    const task = fromWebSocketTask({ url: server.url, reconnect: { ...immediate, initialDelay: 10_000, random: () => 1 } });
    const run = observeTask(task);
    (await server.nextConnection()).socket.close(CloseCode.tryAgainLater);
    await firstValueFrom(task.lifecycle.pipe(filter((e) => e.type === 'reconnecting')));
    task.complete();
    await taskCompletion(run);
    expect(task.state).to.equal('closed');
    const again = observeTask(task);
    (await server.nextConnection()).socket.close(CloseCode.tryAgainLater);
    await firstValueFrom(task.lifecycle.pipe(filter((e) => e.type === 'reconnecting')));
    again.subscription.unsubscribe();
    expect(task.state).to.equal('closed');
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(server.connections).to.have.length(2);
  });
});

describe('heartbeat', () => {
  // The timing (first ping after one interval, the drop at interval + timeout, no second
  // application-level ping while one awaits its pong) is checked in virtual time, in
  // test/internal/heartbeat.test.ts and test/testing/virtual-time.test.ts. Here: what only a
  // real socket shows, with short timers and no fixed waits.

  it('ends the task with ERR_HEARTBEAT_TIMEOUT, abnormalClosure (1006), when a real ws server stops answering pings', async () => {
    const silent = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
    await new Promise((resolve) => silent.once('listening', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const task = fromWebSocketTask({ url: `ws://127.0.0.1:${port}/`, heartbeat: { interval: 10, timeout: 20 } });
      const run = observeTask(task);
      const error = await taskError(run);
      expect(error.code).to.equal('ERR_HEARTBEAT_TIMEOUT');
      expect(error.closeCode).to.equal(CloseCode.abnormalClosure);
      expect(error.wasClean).to.equal(false);
      expect(error.message).to.equal('No pong within the heartbeat timeout (20 ms): the connection was dropped.');
      expect(task.closeCode).to.equal(CloseCode.abnormalClosure);
    } finally {
      for (const client of silent.clients) client.terminate();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it("keeps a connection whose peer answers pings: ws's pongs reach the heartbeat", async () => {
    const server = await startWsServer();
    try {
      // Without its pong, the first ping (at 5 ms) would drop the connection at 55 ms, before the 15th ping.
      const task = fromWebSocketTask({ url: server.url, heartbeat: { interval: 5, timeout: 50 } });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      const answered = new Promise<string>((resolve) => {
        let pings = 0;
        peer.socket.on('ping', () => ++pings === 15 && resolve('15 pings answered'));
      });
      expect(await Promise.race([answered, run.end.then(({ kind }) => `the task ended (${kind})`)])).to.equal('15 pings answered');
      expect(task.state).to.equal('open');
      task.complete();
      await taskCompletion(run);
    } finally {
      await server.close();
    }
  });

  it('uses application-level ping messages on WHATWG sockets and hides the pongs', async () => {
    let answering = true;
    let pings = 0;
    let fivePings!: (outcome: string) => void;
    const answered = new Promise<string>((resolve) => (fivePings = resolve));
    const server = await startWsServer({
      onConnection: (peer) =>
        peer.socket.on('message', (data) => {
          if (String(data) !== '{"type":"ping"}') return;
          if (++pings === 5) fivePings('5 pings answered');
          if (answering) peer.socket.send('{"type":"pong"}');
        }),
    });
    try {
      type Msg = { type: string };
      const task = fromWebSocketTask<Msg>({
        url: server.url,
        WebSocketCtor: UndiciWebSocket as unknown as WebSocketConstructorLike,
        codec: jsonCodec<Msg>(),
        // One ping awaits its pong at a time: a fifth ping means four pongs were recognized.
        heartbeat: { interval: 10, timeout: 30, message: () => ({ type: 'ping' }), isPong: (m) => m.type === 'pong' },
      });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      expect(await Promise.race([answered, run.end.then(({ kind }) => `the task ended (${kind})`)])).to.equal('5 pings answered');
      expect(task.state).to.equal('open');
      peer.socket.send('{"type":"data"}');
      answering = false;
      const error = await taskError(run);
      expect(error.code).to.equal('ERR_HEARTBEAT_TIMEOUT');
      expect(error.closeCode).to.equal(CloseCode.abnormalClosure);
      expect(run.values).to.deep.equal([{ type: 'data' }], 'pongs are not delivered');
    } finally {
      await server.close();
    }
  });

  it('reconnects after a heartbeat timeout', async () => {
    const silent = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: false });
    await new Promise((resolve) => silent.once('listening', resolve));
    const { port } = silent.address() as { port: number };
    try {
      const task = fromWebSocketTask({
        url: `ws://127.0.0.1:${port}/`,
        heartbeat: { interval: 20, timeout: 20 },
        reconnect: immediate,
      });
      const reconnects = firstValueFrom(task.lifecycle.pipe(filter((e) => e.type === 'reconnecting'), take(2), toArray()));
      const run = observeTask(task);
      const [first] = await reconnects;
      expect(first).to.deep.include({ type: 'reconnecting', attempt: 1 });
      run.subscription.unsubscribe();
    } finally {
      for (const client of silent.clients) client.terminate();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});

describe('multiplex', () => {
  it('sends the subscribe message once for the first subscriber and unsubscribe once after the last, and again after a reconnect', async () => {
    const server = await startWsServer();
    try {
      type Msg = { sub?: string; unsub?: string; ch?: string; n?: number };
      const task = fromWebSocketTask<Msg>({ url: server.url, codec: jsonCodec<Msg>(), reconnect: immediate });
      const btc = task.multiplex(() => ({ sub: 'btc' }), () => ({ unsub: 'btc' }), (m) => m.ch === 'btc');
      const a: Msg[] = [];
      const b: Msg[] = [];
      const first = btc.subscribe((m) => a.push(m));
      const second = btc.subscribe((m) => b.push(m));
      const peer = await server.nextConnection();
      expect(String((await peer.nextMessage()).data)).to.equal('{"sub":"btc"}');
      peer.socket.send('{"ch":"btc","n":1}');
      peer.socket.send('{"ch":"eth","n":2}');
      peer.socket.close(CloseCode.goingAway);
      const again = await server.nextConnection();
      expect(String((await again.nextMessage()).data)).to.equal('{"sub":"btc"}');
      again.socket.send('{"ch":"btc","n":3}');
      await new Promise((resolve) => setTimeout(resolve, 30));
      first.unsubscribe();
      second.unsubscribe();
      expect(String((await again.nextMessage()).data)).to.equal('{"unsub":"btc"}');
      expect((await again.closed).code).to.equal(1000);
      expect(a.map((m) => m.n)).to.deep.equal([1, 3]);
      expect(b.map((m) => m.n)).to.deep.equal([1, 3]);
      expect(peer.messages).to.have.length(1);
      expect(again.messages).to.have.length(2);
    } finally {
      await server.close();
    }
  });
});

describe('backpressure', () => {
  it('drained() waits until bufferedAmount falls to the high-water mark', async () => {
    const server = await startWsServer();
    try {
      const task = fromWebSocketTask(server.url);
      const run = observeTask(task);
      await run.closeCodeAtOpen;
      const chunk = new Uint8Array(1 << 20);
      for (let i = 0; i < 16; i++) task.next(chunk);
      const before = task.bufferedAmount;
      await lastValueFrom(task.drained(0, 1));
      expect(before).to.be.above(0, 'writes were buffered');
      expect(task.bufferedAmount).to.equal(0);
      task.complete();
      await taskCompletion(run);
    } finally {
      await server.close();
    }
  });

  it('pauseInbound() stops delivery until resumeInbound()', async () => {
    const server = await startWsServer();
    try {
      const task = fromWebSocketTask(server.url);
      const run = observeTask(task);
      const peer = await server.nextConnection();
      await run.closeCodeAtOpen;
      expect(task.pauseInbound()).to.equal(true);
      peer.socket.send('while paused');
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(run.values).to.deep.equal([]);
      task.resumeInbound();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(run.values).to.deep.equal(['while paused']);
      task.complete();
      await taskCompletion(run);
    } finally {
      await server.close();
    }
  });
});

describe('closing while inbound is paused', () => {
  for (const close of ['complete()', 'cancel(4001)'] as const) {
    it(`${close} after pauseInbound(), with data backed up: reads on, so the peer's Close reply is read and the close is clean (not ended unclean by closeTimeout)`, async () => {
      const server = await startWsServer({
        onConnection: ({ socket }) => {
          for (let i = 0; i < 200; i++) socket.send('x'.repeat(16 * 1024));
        },
      });
      try {
        const task = fromWebSocketTask<string>({ url: server.url, closeTimeout: 5_000 });
        const closed = firstValueFrom(task.lifecycle.pipe(filter((event) => event.type === 'closed')));
        let received = 0;
        task.subscribe({
          next: () => {
            if (++received === 1) task.pauseInbound();
          },
          error: () => undefined,
        });
        const peer = await server.nextConnection();
        await new Promise((resolve) => setTimeout(resolve, 200));
        expect(received, 'delivery stopped at the pause').to.be.below(200);
        if (close === 'complete()') task.complete();
        else task.cancel(4001, 'done');
        const event = await closed;
        // A Close reply left unread behind the data would end the handshake at closeTimeout: wasClean false.
        expect(event.type === 'closed' && [event.closeCode, event.wasClean]).to.deep.equal([close === 'complete()' ? 1000 : 4001, true]);
        expect((await peer.closed).code).to.equal(close === 'complete()' ? 1000 : 4001);
      } finally {
        await server.close();
      }
    });
  }
});

describe('heartbeat configuration', () => {
  const WebSocketCtor = UndiciWebSocket as unknown as WebSocketConstructorLike;
  it('refuses a protocol-ping heartbeat on a WHATWG socket, which cannot ping', () => {
    expect(() => fromWebSocketTask({ url: 'ws://127.0.0.1:1/', WebSocketCtor, heartbeat: { interval: 10, timeout: 10 } }))
      .to.throw(/no ping API: give heartbeat.message/)
      .with.property('code', 'ERR_INVALID_CONFIG');
  });

  it('refuses non-positive timings and a message without isPong', () => {
    expect(() => fromWebSocketTask({ url: 'ws://127.0.0.1:1/', heartbeat: { interval: 0, timeout: 10 } })).to.throw(/heartbeat.interval/);
    expect(() =>
      fromWebSocketTask({ url: 'ws://127.0.0.1:1/', heartbeat: { interval: 10, timeout: 10, message: () => 'ping' } }),
    ).to.throw(/go together/);
  });
});

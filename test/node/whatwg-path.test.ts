// The WHATWG transports, the ones browsers take, run in Node through undici against real
// loopback `ws` servers: the classic WebSocket passed as WebSocketCtor, and WebSocketStream
// through `webSocketStream()`. Each must pass the SPEC rows a WHATWG socket can observe; the
// platform hides the rest behind 1006, as documented in docs/close-codes.md. A scenario the two
// share is one test run on each transport below; what only one of them has stays with it (the
// classic socket at the end of this file, WebSocketStream in websocket-stream.test.ts).
import { expect } from 'chai';
import { filter, firstValueFrom } from 'rxjs';
import { WebSocket as UndiciWebSocket } from 'undici';
import {
  CloseCode,
  fromWebSocketTask,
  jsonCodec,
  webSocketStream,
  WebSocketTask,
  WebSocketTaskError,
  type WebSocketConstructorLike,
  type WebSocketTaskConfig,
} from '../../src/index';
import { observeTask, taskCompletion, taskError } from '../support/observe-task';
import { thrown } from '../support/thrown';
import { UndiciWebSocketStream, undiciPackage } from '../support/undici-websocket-stream';
import { Opcode, startRawFrameServer, type RawFrameServer } from '../support/raw-frame-server';
import { startRejectingServer, startWsServer, unusedPort, type WsTestServer } from '../support/ws-test-server';

const WebSocketCtor = UndiciWebSocket as unknown as WebSocketConstructorLike;

type TaskConfig<T> = Omit<WebSocketTaskConfig<T>, 'WebSocketCtor' | 'transport'>;

function whatwgTask<T>(config: TaskConfig<T>): WebSocketTask<T> {
  return fromWebSocketTask<T>({ ...config, WebSocketCtor } as WebSocketTaskConfig<T>);
}

function streamTask<T>(config: TaskConfig<T>): WebSocketTask<T> {
  return fromWebSocketTask<T>({ ...config, transport: webSocketStream(UndiciWebSocketStream) });
}

/** The transports every scenario below runs on, by the title their tests carried before. */
const transports: ReadonlyArray<{ name: string; task: <T>(config: TaskConfig<T>) => WebSocketTask<T> }> = [
  { name: 'the WHATWG path (undici WebSocket as WebSocketCtor)', task: whatwgTask },
  { name: `the WebSocketStream transport (${undiciPackage}'s WebSocketStream)`, task: streamTask },
];

/** A fresh loopback server before each test, and it and whatever a test opened closed after. */
function withServer(): { server: () => WsTestServer; cleanups: Array<() => Promise<void>> } {
  let server: WsTestServer;
  const cleanups: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    server = await startWsServer();
  });
  afterEach(async () => {
    await server.close();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  return { server: () => server, cleanups };
}

for (const { name, task: openTask } of transports) {
  describe(name, () => {
    const { server: current, cleanups } = withServer();
    let server: WsTestServer;
    beforeEach(() => {
      server = current();
    });

    it('follows the browser close-code rule', () => {
      expect(openTask({ url: server.url }).closeCodeRules).to.equal('whatwg');
    });

    it('opens, receives text and binary, sends, and completes on the peer normalClosure; closeCode invalid while open', async () => {
      const task = openTask({ url: server.url, protocols: ['chat.v1'] });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      expect(await run.closeCodeAtOpen).to.equal(CloseCode.invalid);
      expect(task.protocol).to.equal('chat.v1');
      task.next('hello');
      task.next(new Uint8Array([9, 8]));
      expect(String((await peer.nextMessage()).data)).to.equal('hello');
      const binary = await peer.nextMessage();
      expect([binary.isBinary, [...(binary.data as Buffer)]]).to.deep.equal([true, [9, 8]]);
      peer.socket.send('hi');
      peer.socket.send(Buffer.from([1, 2, 3]));
      peer.socket.close(1000, 'done');
      await taskCompletion(run);
      expect(run.values).to.have.length(2);
      expect(run.values[0]).to.equal('hi');
      expect(run.values[1]).to.be.instanceOf(Uint8Array);
      expect([...(run.values[1] as Uint8Array)]).to.deep.equal([1, 2, 3]);
      expect([task.closeCode, task.closeReason]).to.deep.equal([CloseCode.normalClosure, 'done']);
    });

    it('receives binary messages as Uint8Array', async () => {
      const task = openTask({ url: server.url });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      peer.socket.send(Buffer.from([1, 2, 3]));
      peer.socket.close(1000);
      await taskCompletion(run);
      expect(run.values[0]).to.be.instanceOf(Uint8Array);
      expect([...(run.values[0] as Uint8Array)]).to.deep.equal([1, 2, 3]);
    });

    it('complete(): every value accepted before goes out, in order, before the Close frame (1000); each counted sent or, within the delivery window, in doubt', async () => {
      const task = openTask({ url: server.url });
      const run = observeTask(task);
      const closed = firstValueFrom(task.lifecycle.pipe(filter((event) => event.type === 'closed')));
      const peer = await server.nextConnection();
      await run.closeCodeAtOpen;
      const sent = Array.from({ length: 500 }, (_, i) => `m${i}`);
      for (const value of sent) task.next(value);
      task.complete();
      await taskCompletion(run);
      expect(await peer.closed).to.deep.equal({ code: 1000, reason: '' });
      expect(peer.messages.map((m) => String(m.data))).to.deep.equal(sent);
      const event = await closed;
      // A write resolves even where the platform dropped it (Chromium, in the Close race): values
      // written within the delivery window before the close are in doubt, never counted sent unseen.
      expect(event.type === 'closed' && [event.sent + event.inDoubt.length, event.undelivered.length]).to.deep.equal([500, 0]);
      expect(event.type === 'closed' && event.inDoubt).to.deep.equal(sent.slice(sent.length - (event.type === 'closed' ? event.inDoubt.length : 0)));
    });

    it('values sent before open wait, go out on open in order, and count as sent once written and a delivery window old; complete() makes the peer see 1000', async () => {
      const task = openTask({ url: server.url });
      const run = observeTask(task);
      const closed = firstValueFrom(task.lifecycle.pipe(filter((event) => event.type === 'closed')));
      task.next('a');
      task.next('b');
      const peer = await server.nextConnection();
      expect(String((await peer.nextMessage()).data)).to.equal('a');
      expect(String((await peer.nextMessage()).data)).to.equal('b');
      await new Promise((resolve) => setTimeout(resolve, 150)); // past the 100 ms delivery window
      task.complete();
      await taskCompletion(run);
      const event = await closed;
      expect(event.type === 'closed' && [event.sent, event.inDoubt.length]).to.deep.equal([2, 0]);
      expect((await peer.closed).code).to.equal(1000);
    });

    it('cancel(4001, reason): the peer receives the code and reason; subscribers complete', async () => {
      const task = openTask({ url: server.url });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      await run.closeCodeAtOpen;
      task.cancel(4001, 'leaving');
      await taskCompletion(run);
      expect(await peer.closed).to.deep.equal({ code: 4001, reason: 'leaving' });
      expect(task.closeCode).to.equal(4001);
    });

    it('errors with the peer code and reason (4001 "bye"), wasClean', async () => {
      const task = openTask({ url: server.url });
      const run = observeTask(task);
      (await server.nextConnection()).socket.close(4001, 'bye');
      const error = await taskError(run);
      expect(error.code).to.equal('ERR_CLOSED_BY_PEER');
      expect([error.closeCode, error.closeReason, error.wasClean]).to.deep.equal([4001, 'bye', true]);
      expect(task.closeCode).to.equal(4001);
    });

    it('errors with noStatusReceived (1005) when the peer closes without a code', async () => {
      const task = openTask({ url: server.url });
      const run = observeTask(task);
      (await server.nextConnection()).socket.close();
      const error = await taskError(run);
      expect(error.closeCode).to.equal(CloseCode.noStatusReceived);
    });

    it('errors with abnormalClosure (1006) and ERR_CONNECTION_LOST when the connection drops', async () => {
      const task = openTask({ url: server.url });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      await run.closeCodeAtOpen;
      peer.socket.terminate();
      const error = await taskError(run);
      expect([error.code, error.closeCode, error.wasClean]).to.deep.equal(['ERR_CONNECTION_LOST', CloseCode.abnormalClosure, false]);
      expect(task.closeCode).to.equal(CloseCode.abnormalClosure);
    });

    it('errors with abnormalClosure (1006) and ERR_CONNECTION_FAILED when refused', async () => {
      const task = openTask({ url: `ws://127.0.0.1:${await unusedPort()}/` });
      const error = await taskError(observeTask(task));
      expect([error.code, error.closeCode]).to.deep.equal(['ERR_CONNECTION_FAILED', CloseCode.abnormalClosure]);
      expect(task.closeCode).to.equal(CloseCode.abnormalClosure);
    });

    it('errors with abnormalClosure (1006) and ERR_CONNECTION_FAILED when the upgrade is rejected (the status is hidden)', async () => {
      const rejecting = await startRejectingServer(403);
      cleanups.push(() => rejecting.close());
      const error = await taskError(observeTask(openTask({ url: rejecting.url })));
      expect([error.code, error.closeCode]).to.deep.equal(['ERR_CONNECTION_FAILED', CloseCode.abnormalClosure]);
      expect(error.httpStatus).to.equal(undefined);
    });

    it('the last unsubscribe while connecting aborts the opening handshake: closeCode stays invalid', async () => {
      const task = openTask({ url: server.url });
      const closed = firstValueFrom(task.lifecycle.pipe(filter((event) => event.type === 'closed')));
      task.subscribe().unsubscribe();
      const event = await closed;
      expect(event.type === 'closed' && event.error).to.equal(undefined);
      expect(task.closeCode).to.equal(CloseCode.invalid);
    });

    it('errors with messageTooBig (1009) after receipt; the peer receives the substitute 4009', async () => {
      const task = openTask({ url: server.url, maximumMessageSize: 100 });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      peer.socket.send('x'.repeat(100));
      peer.socket.send('€'.repeat(34)); // 102 bytes, 34 UTF-16 units
      const error = await taskError(run);
      expect([error.code, error.closeCode]).to.deep.equal(['ERR_MESSAGE_TOO_BIG', CloseCode.messageTooBig]);
      expect(error.message).to.contain('102 bytes');
      expect(task.closeCode).to.equal(CloseCode.messageTooBig);
      expect(run.values).to.deep.equal(['x'.repeat(100)]);
      expect((await peer.closed).code).to.equal(4009);
    });

    it('errors with messageTooBig (1009) on an oversized binary message too', async () => {
      const task = openTask({ url: server.url, maximumMessageSize: 10 });
      const run = observeTask(task);
      (await server.nextConnection()).socket.send(Buffer.alloc(11));
      const error = await taskError(run);
      expect([error.code, error.closeCode]).to.deep.equal(['ERR_MESSAGE_TOO_BIG', CloseCode.messageTooBig]);
      expect(run.values).to.deep.equal([]);
    });

    it('refuses codes browsers may not send, saying so, and reasons over 123 bytes, before anything reaches the wire', async () => {
      const task = openTask({ url: server.url });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      await run.closeCodeAtOpen;
      for (const code of [1001, 1005, 1006, 1008, 1011, 2999]) {
        const error = thrown(() => task.cancel(code));
        expect(error).to.be.instanceOf(WebSocketTaskError);
        expect((error as WebSocketTaskError).code).to.equal('ERR_INVALID_CLOSE_CODE');
        expect((error as WebSocketTaskError).message).to.contain('only 1000 and 3000–4999');
      }
      expect((thrown(() => task.cancel(4000, 'x'.repeat(124))) as WebSocketTaskError).code).to.equal('ERR_CLOSE_REASON_TOO_LONG');
      task.cancel(4000, 'x'.repeat(123));
      await taskCompletion(run);
      expect(await peer.closed).to.deep.equal({ code: 4000, reason: 'x'.repeat(123) });
    });

    it('a throwing serializer fails the connection with internalServerError (1011, 4011 on the wire); the value is reported undelivered', async () => {
      const task = openTask<{ n: number }>({
        url: server.url,
        serializer: (value) => {
          if (value.n === 2) throw new Error('cannot encode 2');
          return String(value.n);
        },
      });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      await run.closeCodeAtOpen;
      task.next({ n: 1 });
      task.next({ n: 2 });
      const error = await taskError(run);
      expect([error.code, error.closeCode]).to.deep.equal(['ERR_SERIALIZE', CloseCode.internalServerError]);
      expect(error.undelivered).to.deep.equal([{ n: 2 }]);
      expect((await peer.closed).code).to.equal(4011);
    });

    it('error(e) with a code that may not be sent throws at once and sends nothing; the connection stays open', async () => {
      const task = openTask({ url: server.url });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      await run.closeCodeAtOpen;
      expect(thrown(() => task.error({ code: 1006 })).code).to.equal('ERR_INVALID_CLOSE_CODE');
      task.next('still open');
      expect(String((await peer.nextMessage()).data)).to.equal('still open');
      task.error({ code: 4002, reason: 'r' });
      const error = await taskError(run);
      expect(error.code).to.equal('ERR_TASK_ERRORED');
      expect(await peer.closed).to.deep.equal({ code: 4002, reason: 'r' });
    });

    it('a throwing deserializer errors with invalidFramePayloadData (1007); the peer receives 4007', async () => {
      const task = openTask({ url: server.url, codec: jsonCodec() });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      peer.socket.send('{oops');
      const error = await taskError(run);
      expect([error.code, error.closeCode]).to.deep.equal(['ERR_DESERIALIZE', CloseCode.invalidFramePayloadData]);
      expect((await peer.closed).code).to.equal(4007);
    });

    it('a binary message to a text-only codec errors with unsupportedData (1003); the peer receives 4003', async () => {
      const task = openTask({ url: server.url, codec: jsonCodec() });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      peer.socket.send(Buffer.from('{}'));
      const error = await taskError(run);
      expect([error.code, error.closeCode]).to.deep.equal(['ERR_UNSUPPORTED_DATA', CloseCode.unsupportedData]);
      expect((await peer.closed).code).to.equal(4003);
    });

    it('bufferedAmount counts the bytes of writes not yet done, and returns to 0', async () => {
      const task = openTask({ url: server.url });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      await run.closeCodeAtOpen;
      task.next('x'.repeat(1000));
      task.next('€'); // 3 bytes
      expect(task.bufferedAmount).to.equal(1003);
      await peer.nextMessage();
      await peer.nextMessage();
      await new Promise((resolve) => setImmediate(resolve));
      expect(task.bufferedAmount).to.equal(0);
      task.complete();
      await taskCompletion(run);
    });

    // The platform fails the connection by itself and hides why: 1006, ERR_CONNECTION_LOST
    // (undici's WebSocketStream reports it as an unclean 1005; the task maps it to 1006).
    describe('protocol failures, which the platform fails by itself and reports as 1006', () => {
      let raw: RawFrameServer;
      afterEach(async () => raw.close());

      it('invalid UTF-8 in a text frame: abnormalClosure (1006), ERR_CONNECTION_LOST; nothing delivered', async () => {
        raw = await startRawFrameServer((c) => c.sendFrame({ opcode: Opcode.Text, payload: new Uint8Array([0xff]) }));
        const run = observeTask(openTask({ url: raw.url }));
        const error = await taskError(run);
        expect([error.code, error.closeCode, error.wasClean]).to.deep.equal(['ERR_CONNECTION_LOST', CloseCode.abnormalClosure, false]);
        expect(run.values).to.deep.equal([]);
      });

      it('a reserved opcode: abnormalClosure (1006), ERR_CONNECTION_LOST; nothing delivered', async () => {
        raw = await startRawFrameServer((c) => c.sendFrame({ opcode: 0x3, payload: new Uint8Array([1]) }));
        const run = observeTask(openTask({ url: raw.url }));
        const error = await taskError(run);
        expect([error.code, error.closeCode, error.wasClean]).to.deep.equal(['ERR_CONNECTION_LOST', CloseCode.abnormalClosure, false]);
        expect(run.values).to.deep.equal([]);
      });
    });
  });
}

// What only the classic socket has.
describe('the WHATWG path (undici WebSocket as WebSocketCtor)', () => {
  const { server: current } = withServer();

  it('sendPing fails with ERR_PING_UNSUPPORTED: WHATWG sockets have no ping API', async () => {
    const task = whatwgTask({ url: current().url });
    const run = observeTask(task);
    await run.closeCodeAtOpen;
    const error = await firstValueFrom(task.sendPing()).catch((e: unknown) => e);
    expect((error as WebSocketTaskError).code).to.equal('ERR_PING_UNSUPPORTED');
    task.complete();
    await taskCompletion(run);
  });

  it('wraps an existing WHATWG socket', async () => {
    const server = current();
    const socket = new UndiciWebSocket(server.url);
    await new Promise((resolve) => socket.addEventListener('open', resolve));
    const peer = await server.nextConnection();
    const task = fromWebSocketTask(socket as unknown as WebSocketConstructorLike['prototype']);
    peer.socket.send('before subscribe');
    await new Promise((resolve) => setTimeout(resolve, 20));
    const run = observeTask(task);
    peer.socket.close(4002, 'server done');
    const error = await taskError(run);
    expect(run.values).to.deep.equal(['before subscribe']);
    expect(error.closeCode).to.equal(4002);
  });
});

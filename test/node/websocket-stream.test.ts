// The WebSocketStream transport (`webSocketStream()`), run in Node through undici's
// WebSocketStream against real loopback `ws` servers: the same task, endings and close codes
// as the classic WHATWG path, and an inbound side that pauses.
import { expect } from 'chai';
import { filter, firstValueFrom } from 'rxjs';
import { WebSocket as UndiciWebSocket } from 'undici';
import {
  CloseCode,
  fromWebSocketTask,
  jsonCodec,
  webSocketStream,
  WebSocketTaskError,
  type WebSocketConstructorLike,
  type WebSocketTaskConfig,
  type WebSocketTaskTransport,
} from '../../src/index';
import { observeTask, taskCompletion, taskError } from '../support/observe-task';
import { thrown } from '../support/thrown';
import { UndiciWebSocketStream as WebSocketStream, undiciPackage } from '../support/undici-websocket-stream';
import { Opcode, startRawFrameServer, type RawFrameServer } from '../support/raw-frame-server';
import { startRejectingServer, startWsServer, unusedPort, type WsTestServer } from '../support/ws-test-server';

function streamTask<T>(config: Omit<WebSocketTaskConfig<T>, 'transport'>) {
  return fromWebSocketTask<T>({ ...config, transport: webSocketStream(WebSocketStream) });
}

/** Resolves once `socket` has written everything it was given to the kernel. */
function flushed(socket: { send(data: string, cb: (error?: Error) => void): void }, marker: string): Promise<void> {
  return new Promise((resolve, reject) => socket.send(marker, (error) => (error ? reject(error) : resolve())));
}

describe(`the WebSocketStream transport (${undiciPackage}'s WebSocketStream)`, () => {
  let server: WsTestServer;
  const cleanups: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    server = await startWsServer();
  });
  afterEach(async () => {
    await server.close();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('says which API carries it, and follows the browser close-code rule', () => {
    const transport = webSocketStream(WebSocketStream);
    expect(transport.api).to.equal('WebSocketStream');
    expect(fromWebSocketTask({ url: server.url, transport }).closeCodeRules).to.equal('whatwg');
  });

  it('opens, receives text and binary, sends, and completes on the peer normalClosure', async () => {
    const task = streamTask({ url: server.url, protocols: ['chat.v1'] });
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
    expect(run.values[0]).to.equal('hi');
    expect(run.values[1]).to.be.instanceOf(Uint8Array);
    expect([...(run.values[1] as Uint8Array)]).to.deep.equal([1, 2, 3]);
    expect([task.closeCode, task.closeReason]).to.deep.equal([CloseCode.normalClosure, 'done']);
  });

  it('complete(): every value accepted before goes out, in order, before the Close frame (1000); each counted sent or, within the delivery window, in doubt', async () => {
    const task = streamTask({ url: server.url });
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

  it('values sent before open wait, go out on open in order, and count as sent once written and a delivery window old', async () => {
    const task = streamTask({ url: server.url });
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
  });

  it('cancel(4001, reason): the peer receives the code and reason; subscribers complete', async () => {
    const task = streamTask({ url: server.url });
    const run = observeTask(task);
    const peer = await server.nextConnection();
    await run.closeCodeAtOpen;
    task.cancel(4001, 'leaving');
    await taskCompletion(run);
    expect(await peer.closed).to.deep.equal({ code: 4001, reason: 'leaving' });
    expect(task.closeCode).to.equal(4001);
  });

  it('errors with the peer code and reason (4001 "bye"), wasClean', async () => {
    const task = streamTask({ url: server.url });
    const run = observeTask(task);
    (await server.nextConnection()).socket.close(4001, 'bye');
    const error = await taskError(run);
    expect(error.code).to.equal('ERR_CLOSED_BY_PEER');
    expect([error.closeCode, error.closeReason, error.wasClean]).to.deep.equal([4001, 'bye', true]);
  });

  it('errors with noStatusReceived (1005) when the peer closes without a code', async () => {
    const task = streamTask({ url: server.url });
    const run = observeTask(task);
    (await server.nextConnection()).socket.close();
    const error = await taskError(run);
    expect(error.closeCode).to.equal(CloseCode.noStatusReceived);
  });

  it('errors with abnormalClosure (1006) and ERR_CONNECTION_LOST when the connection drops', async () => {
    const task = streamTask({ url: server.url });
    const run = observeTask(task);
    const peer = await server.nextConnection();
    await run.closeCodeAtOpen;
    peer.socket.terminate();
    const error = await taskError(run);
    expect([error.code, error.closeCode, error.wasClean]).to.deep.equal(['ERR_CONNECTION_LOST', CloseCode.abnormalClosure, false]);
  });

  it('errors with abnormalClosure (1006) and ERR_CONNECTION_FAILED when refused', async () => {
    const task = streamTask({ url: `ws://127.0.0.1:${await unusedPort()}/` });
    const error = await taskError(observeTask(task));
    expect([error.code, error.closeCode]).to.deep.equal(['ERR_CONNECTION_FAILED', CloseCode.abnormalClosure]);
    expect(task.closeCode).to.equal(CloseCode.abnormalClosure);
  });

  it('errors with abnormalClosure (1006) and ERR_CONNECTION_FAILED when the upgrade is rejected (the status is hidden)', async () => {
    const rejecting = await startRejectingServer(403);
    cleanups.push(() => rejecting.close());
    const error = await taskError(observeTask(streamTask({ url: rejecting.url })));
    expect([error.code, error.closeCode]).to.deep.equal(['ERR_CONNECTION_FAILED', CloseCode.abnormalClosure]);
  });

  it('the last unsubscribe while connecting aborts the opening handshake: closeCode stays invalid', async () => {
    const task = streamTask({ url: server.url });
    const closed = firstValueFrom(task.lifecycle.pipe(filter((event) => event.type === 'closed')));
    task.subscribe().unsubscribe();
    const event = await closed;
    expect(event.type === 'closed' && event.error).to.equal(undefined);
    expect(task.closeCode).to.equal(CloseCode.invalid);
  });

  it('errors with messageTooBig (1009) after receipt; the peer receives the substitute 4009', async () => {
    const task = streamTask({ url: server.url, maximumMessageSize: 100 });
    const run = observeTask(task);
    const peer = await server.nextConnection();
    peer.socket.send('x'.repeat(100));
    peer.socket.send('€'.repeat(34)); // 102 bytes, 34 UTF-16 units
    const error = await taskError(run);
    expect([error.code, error.closeCode]).to.deep.equal(['ERR_MESSAGE_TOO_BIG', CloseCode.messageTooBig]);
    expect(error.message).to.contain('102 bytes');
    expect(run.values).to.deep.equal(['x'.repeat(100)]);
    expect((await peer.closed).code).to.equal(4009);
  });

  it('refuses codes browsers may not send, and reasons over 123 bytes, before anything reaches the wire', async () => {
    const task = streamTask({ url: server.url });
    const run = observeTask(task);
    const peer = await server.nextConnection();
    await run.closeCodeAtOpen;
    for (const code of [1001, 1005, 1006, 2999]) {
      const error = thrown(() => task.cancel(code));
      expect(error).to.be.instanceOf(WebSocketTaskError);
      expect((error as WebSocketTaskError).code).to.equal('ERR_INVALID_CLOSE_CODE');
    }
    expect((thrown(() => task.cancel(4000, 'x'.repeat(124))) as WebSocketTaskError).code).to.equal('ERR_CLOSE_REASON_TOO_LONG');
    task.cancel(4000, 'x'.repeat(123));
    await taskCompletion(run);
    expect(await peer.closed).to.deep.equal({ code: 4000, reason: 'x'.repeat(123) });
  });

  it('a throwing serializer fails the connection with internalServerError (1011, 4011 on the wire); the value is reported undelivered', async () => {
    const task = streamTask<{ n: number }>({
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
    const task = streamTask({ url: server.url });
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

  it('errors with messageTooBig (1009) on an oversized binary message too', async () => {
    const task = streamTask({ url: server.url, maximumMessageSize: 10 });
    const run = observeTask(task);
    (await server.nextConnection()).socket.send(Buffer.alloc(11));
    const error = await taskError(run);
    expect([error.code, error.closeCode]).to.deep.equal(['ERR_MESSAGE_TOO_BIG', CloseCode.messageTooBig]);
    expect(run.values).to.deep.equal([]);
  });

  it('a throwing deserializer errors with invalidFramePayloadData (1007); the peer receives 4007', async () => {
    const task = streamTask({ url: server.url, codec: jsonCodec() });
    const run = observeTask(task);
    const peer = await server.nextConnection();
    peer.socket.send('{oops');
    const error = await taskError(run);
    expect([error.code, error.closeCode]).to.deep.equal(['ERR_DESERIALIZE', CloseCode.invalidFramePayloadData]);
    expect((await peer.closed).code).to.equal(4007);
  });

  it('a binary message to a text-only codec errors with unsupportedData (1003); the peer receives 4003', async () => {
    const task = streamTask({ url: server.url, codec: jsonCodec() });
    const run = observeTask(task);
    const peer = await server.nextConnection();
    peer.socket.send(Buffer.from('{}'));
    const error = await taskError(run);
    expect([error.code, error.closeCode]).to.deep.equal(['ERR_UNSUPPORTED_DATA', CloseCode.unsupportedData]);
    expect((await peer.closed).code).to.equal(4003);
  });

  it('pauseInbound() stops delivery: nothing arrives while paused, then everything once, in order', async () => {
    const task = streamTask({ url: server.url });
    const run = observeTask(task);
    const peer = await server.nextConnection();
    await run.closeCodeAtOpen;
    expect(task.pauseInbound()).to.equal(true);
    const sent = Array.from({ length: 200 }, (_, i) => `m${i}`);
    for (const value of sent) peer.socket.send(value);
    // Everything has left the server, and a round trip later still nothing was delivered.
    await flushed(peer.socket, 'last');
    task.next('ping');
    await peer.nextMessage();
    expect(run.values).to.deep.equal([]);
    task.resumeInbound();
    peer.socket.close(1000);
    await taskCompletion(run);
    expect(run.values).to.deep.equal([...sent, 'last']);
  });

  it('a paused task learns of a clean end only after it resumes and reads what came before', async () => {
    const task = streamTask({ url: server.url });
    const run = observeTask(task);
    const peer = await server.nextConnection();
    await run.closeCodeAtOpen;
    task.pauseInbound();
    peer.socket.send('one');
    peer.socket.send('two');
    peer.socket.close(1000);
    await peer.closed;
    task.next('still open?');
    expect(run.values).to.deep.equal([]);
    task.resumeInbound();
    await taskCompletion(run);
    expect(run.values).to.deep.equal(['one', 'two']);
  });

  it('complete() while paused reads on, so the peer Close is seen and the close is clean', async () => {
    // Without reading on, the peer's Close would stay unread behind the data, and closeTimeout would drop the connection.
    const task = streamTask({ url: server.url, closeTimeout: 5_000 });
    const run = observeTask(task);
    const closed = firstValueFrom(task.lifecycle.pipe(filter((event) => event.type === 'closed')));
    const peer = await server.nextConnection();
    await run.closeCodeAtOpen;
    task.pauseInbound();
    peer.socket.send('unread');
    await flushed(peer.socket, 'unread too');
    task.complete();
    await taskCompletion(run);
    const event = await closed;
    expect(event.type === 'closed' && [event.closeCode, event.wasClean]).to.deep.equal([CloseCode.normalClosure, true]);
    // What reached the platform before complete() is delivered; what came after it the platform
    // discards (WHATWG: a message received when the ready state is not OPEN is dropped).
    expect(['unread', 'unread too'].slice(0, run.values.length)).to.deep.equal(run.values);
  });

  it('bufferedAmount counts the bytes of writes not yet done, and returns to 0', async () => {
    const task = streamTask({ url: server.url });
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

  describe('protocol failures, which the platform fails by itself', () => {
    let raw: RawFrameServer;
    afterEach(async () => raw.close());

    // The platform fails the connection by itself and hides why: 1006, ERR_CONNECTION_LOST, as
    // on the classic WHATWG path (undici's WebSocketStream reports it as an unclean 1005).
    it('invalid UTF-8 in a text frame: abnormalClosure (1006), ERR_CONNECTION_LOST; nothing delivered', async () => {
      raw = await startRawFrameServer((c) => c.sendFrame({ opcode: Opcode.Text, payload: new Uint8Array([0xff]) }));
      const run = observeTask(streamTask({ url: raw.url }));
      const error = await taskError(run);
      expect([error.code, error.closeCode, error.wasClean]).to.deep.equal(['ERR_CONNECTION_LOST', CloseCode.abnormalClosure, false]);
      expect(run.values).to.deep.equal([]);
    });

    it('a reserved opcode: abnormalClosure (1006), ERR_CONNECTION_LOST; nothing delivered', async () => {
      raw = await startRawFrameServer((c) => c.sendFrame({ opcode: 0x3, payload: new Uint8Array([1]) }));
      const run = observeTask(streamTask({ url: raw.url }));
      const error = await taskError(run);
      expect([error.code, error.closeCode, error.wasClean]).to.deep.equal(['ERR_CONNECTION_LOST', CloseCode.abnormalClosure, false]);
      expect(run.values).to.deep.equal([]);
    });
  });

  describe('config', () => {
    it('refuses transport together with WebSocketCtor', () => {
      const error = thrown(() =>
        fromWebSocketTask({
          url: server.url,
          transport: webSocketStream(WebSocketStream),
          WebSocketCtor: UndiciWebSocket as unknown as WebSocketConstructorLike,
        }),
      ) as WebSocketTaskError;
      expect(error.code).to.equal('ERR_INVALID_CONFIG');
      expect(error.message).to.equal('Pass either transport or WebSocketCtor, not both.');
    });

    it('refuses a transport no factory of this package made', () => {
      const forged = { api: 'WebSocketStream' } as WebSocketTaskTransport;
      const error = thrown(() => fromWebSocketTask({ url: server.url, transport: forged })) as WebSocketTaskError;
      expect(error.code).to.equal('ERR_INVALID_CONFIG');
      expect(error.message).to.contain('webSocketStream()');
    });

    it('refuses Node socket options on WebSocketStream, which cannot carry them', () => {
      const error = thrown(() =>
        fromWebSocketTask({ url: server.url, transport: webSocketStream(WebSocketStream), node: { headers: { a: 'b' } } }),
      ) as WebSocketTaskError;
      expect(error.code).to.equal('ERR_INVALID_CONFIG');
      expect(error.message).to.contain('node.headers');
    });

    it('refuses transport on a task around an existing socket', () => {
      const socket = { readyState: 1, protocol: '', bufferedAmount: 0, binaryType: '', send() {}, close() {} };
      const config = { socket, transport: webSocketStream(WebSocketStream) };
      const error = thrown(() => fromWebSocketTask(config as never)) as WebSocketTaskError;
      expect(error.code).to.equal('ERR_INVALID_CONFIG');
    });

    it('refuses a heartbeat without application-level pings: WebSocketStream has no ping API', () => {
      const error = thrown(() => streamTask({ url: server.url, heartbeat: { interval: 1000, timeout: 500 } })) as WebSocketTaskError;
      expect(error.code).to.equal('ERR_INVALID_CONFIG');
    });

    it('falls back to the default transport (ws on Node) where the platform has no WebSocketStream', async () => {
      expect((globalThis as { WebSocketStream?: unknown }).WebSocketStream).to.equal(undefined);
      const transport = webSocketStream();
      expect(transport.api).to.equal('WebSocket');
      const task = fromWebSocketTask({ url: server.url, transport });
      expect(task.closeCodeRules).to.equal('rfc6455');
      const run = observeTask(task);
      (await server.nextConnection()).socket.close(1000);
      await taskCompletion(run);
    });
  });
});

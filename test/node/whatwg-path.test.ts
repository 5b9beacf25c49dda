// The WHATWG code path, the one browsers take, run in Node through undici's WHATWG
// WebSocket passed as WebSocketCtor. It must pass the SPEC rows a WHATWG socket can observe;
// the platform hides the rest behind 1006, as documented in docs/close-codes.md.
import { expect } from 'chai';
import { firstValueFrom } from 'rxjs';
import { WebSocket as UndiciWebSocket } from 'undici';
import {
  CloseCode,
  fromWebSocketTask,
  jsonCodec,
  WebSocketTaskError,
  type WebSocketConstructorLike,
  type WebSocketTaskConfig,
} from '../../src/index';
import { observeTask, taskCompletion, taskError } from '../support/observe-task';
import { Opcode, startRawFrameServer, type RawFrameServer } from '../support/raw-frame-server';
import { startRejectingServer, startWsServer, unusedPort, type WsTestServer } from '../support/ws-test-server';

const WebSocketCtor = UndiciWebSocket as unknown as WebSocketConstructorLike;

function whatwgTask<T>(config: Omit<WebSocketTaskConfig<T>, 'WebSocketCtor'>) {
  return fromWebSocketTask<T>({ ...config, WebSocketCtor } as WebSocketTaskConfig<T>);
}

describe('the WHATWG path (undici WebSocket as WebSocketCtor)', () => {
  let server: WsTestServer;
  const cleanups: Array<() => Promise<void>> = [];
  beforeEach(async () => {
    server = await startWsServer();
  });
  afterEach(async () => {
    await server.close();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('follows the browser close-code rule', () => {
    expect(whatwgTask({ url: server.url }).closeCodeRules).to.equal('whatwg');
  });

  it('completes on the peer normalClosure; closeCode invalid while open', async () => {
    const task = whatwgTask({ url: server.url });
    const run = observeTask(task);
    const peer = await server.nextConnection();
    expect(await run.closeCodeAtOpen).to.equal(CloseCode.invalid);
    peer.socket.send('hi');
    peer.socket.close(1000, 'done');
    await taskCompletion(run);
    expect(run.values).to.deep.equal(['hi']);
    expect(task.closeCode).to.equal(CloseCode.normalClosure);
    expect(task.closeReason).to.equal('done');
  });

  it('errors with the peer code and reason (4001 "bye")', async () => {
    const task = whatwgTask({ url: server.url });
    const run = observeTask(task);
    (await server.nextConnection()).socket.close(4001, 'bye');
    const error = await taskError(run);
    expect(error.code).to.equal('ERR_CLOSED_BY_PEER');
    expect([error.closeCode, error.closeReason, error.wasClean]).to.deep.equal([4001, 'bye', true]);
    expect(task.closeCode).to.equal(4001);
  });

  it('receives binary messages as Uint8Array', async () => {
    const task = whatwgTask({ url: server.url });
    const run = observeTask(task);
    const peer = await server.nextConnection();
    peer.socket.send(Buffer.from([1, 2, 3]));
    peer.socket.close(1000);
    await taskCompletion(run);
    expect(run.values[0]).to.be.instanceOf(Uint8Array);
    expect([...(run.values[0] as Uint8Array)]).to.deep.equal([1, 2, 3]);
  });

  it('errors with abnormalClosure (1006) when the connection drops', async () => {
    const task = whatwgTask({ url: server.url });
    const run = observeTask(task);
    const peer = await server.nextConnection();
    await run.closeCodeAtOpen;
    peer.socket.terminate();
    const error = await taskError(run);
    expect(error.code).to.equal('ERR_CONNECTION_LOST');
    expect(error.closeCode).to.equal(CloseCode.abnormalClosure);
    expect(task.closeCode).to.equal(CloseCode.abnormalClosure);
  });

  it('errors with abnormalClosure (1006) when refused', async () => {
    const task = whatwgTask({ url: `ws://127.0.0.1:${await unusedPort()}/` });
    const error = await taskError(observeTask(task));
    expect(error.code).to.equal('ERR_CONNECTION_FAILED');
    expect(error.closeCode).to.equal(CloseCode.abnormalClosure);
  });

  it('errors with abnormalClosure (1006) when the upgrade is rejected (the status is hidden)', async () => {
    const rejecting = await startRejectingServer(403);
    cleanups.push(() => rejecting.close());
    const error = await taskError(observeTask(whatwgTask({ url: rejecting.url })));
    expect(error.closeCode).to.equal(CloseCode.abnormalClosure);
    expect(error.httpStatus).to.equal(undefined);
  });

  it('errors with messageTooBig (1009) after receipt; the peer receives the substitute 4009', async () => {
    const task = whatwgTask({ url: server.url, maximumMessageSize: 100 });
    const run = observeTask(task);
    const peer = await server.nextConnection();
    peer.socket.send('x'.repeat(100));
    peer.socket.send('€'.repeat(34)); // 102 bytes, 34 UTF-16 units
    const error = await taskError(run);
    expect(error.code).to.equal('ERR_MESSAGE_TOO_BIG');
    expect(error.closeCode).to.equal(CloseCode.messageTooBig);
    expect(error.message).to.contain('102 bytes');
    expect(task.closeCode).to.equal(CloseCode.messageTooBig);
    expect(run.values).to.deep.equal(['x'.repeat(100)]);
    expect((await peer.closed).code).to.equal(4009);
  });

  it('errors with invalidFramePayloadData (1007) when the deserializer throws; the peer receives 4007', async () => {
    const task = whatwgTask({ url: server.url, codec: jsonCodec() });
    const run = observeTask(task);
    const peer = await server.nextConnection();
    peer.socket.send('{oops');
    const error = await taskError(run);
    expect(error.code).to.equal('ERR_DESERIALIZE');
    expect(error.closeCode).to.equal(CloseCode.invalidFramePayloadData);
    expect((await peer.closed).code).to.equal(4007);
  });

  it('refuses codes browsers may not send, saying so, before the platform throws', async () => {
    const task = whatwgTask({ url: server.url });
    const run = observeTask(task);
    const peer = await server.nextConnection();
    await run.closeCodeAtOpen;
    for (const code of [1001, 1008, 1011, 2999]) {
      let error: unknown;
      try {
        task.cancel(code);
      } catch (e) {
        error = e;
      }
      expect(error).to.be.instanceOf(WebSocketTaskError);
      expect((error as WebSocketTaskError).code).to.equal('ERR_INVALID_CLOSE_CODE');
      expect((error as WebSocketTaskError).message).to.contain('only 1000 and 3000–4999');
    }
    task.cancel(4001, 'allowed');
    await taskCompletion(run);
    expect(await peer.closed).to.deep.equal({ code: 4001, reason: 'allowed' });
  });

  it('complete() makes the peer see 1000', async () => {
    const task = whatwgTask({ url: server.url });
    const run = observeTask(task);
    task.next('queued');
    const peer = await server.nextConnection();
    expect(String((await peer.nextMessage()).data)).to.equal('queued');
    task.complete();
    await taskCompletion(run);
    expect((await peer.closed).code).to.equal(1000);
  });

  it('sendPing fails with ERR_PING_UNSUPPORTED: WHATWG sockets have no ping API', async () => {
    const task = whatwgTask({ url: server.url });
    const run = observeTask(task);
    await run.closeCodeAtOpen;
    const error = await firstValueFrom(task.sendPing()).catch((e: unknown) => e);
    expect((error as WebSocketTaskError).code).to.equal('ERR_PING_UNSUPPORTED');
    task.complete();
    await taskCompletion(run);
  });

  describe('protocol failures, which the platform reports as 1006', () => {
    let raw: RawFrameServer;
    afterEach(async () => raw.close());
    it('reports invalid UTF-8 as abnormalClosure (1006): the platform fails the connection without telling why', async () => {
      raw = await startRawFrameServer((c) => c.sendFrame({ opcode: Opcode.Text, payload: new Uint8Array([0xff]) }));
      const error = await taskError(observeTask(whatwgTask({ url: raw.url })));
      expect(error.code).to.equal('ERR_CONNECTION_LOST');
      expect(error.closeCode).to.equal(CloseCode.abnormalClosure);
      expect(error.wasClean).to.equal(false);
    });
  });

  it('wraps an existing WHATWG socket', async () => {
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

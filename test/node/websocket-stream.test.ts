// What only the WebSocketStream transport (`webSocketStream()`) has, run in Node through
// undici's WebSocketStream against real loopback `ws` servers: an inbound side that pauses, and
// the config it refuses. The task, endings and close codes it shares with the classic WHATWG
// socket are tested on both, in whatwg-path.test.ts.
import { expect } from 'chai';
import { filter, firstValueFrom } from 'rxjs';
import { WebSocket as UndiciWebSocket } from 'undici';
import {
  CloseCode,
  fromWebSocketTask,
  webSocketStream,
  WebSocketTaskError,
  type WebSocketConstructorLike,
  type WebSocketTaskConfig,
  type WebSocketTaskTransport,
} from '../../src/index';
import { observeTask, taskCompletion } from '../support/observe-task';
import { thrown } from '../support/thrown';
import { UndiciWebSocketStream as WebSocketStream, undiciPackage } from '../support/undici-websocket-stream';
import { startWsServer, type WsTestServer } from '../support/ws-test-server';

function streamTask<T>(config: Omit<WebSocketTaskConfig<T>, 'transport'>) {
  return fromWebSocketTask<T>({ ...config, transport: webSocketStream(WebSocketStream) });
}

/** Resolves once `socket` has written everything it was given to the kernel. */
function flushed(socket: { send(data: string, cb: (error?: Error) => void): void }, marker: string): Promise<void> {
  return new Promise((resolve, reject) => socket.send(marker, (error) => (error ? reject(error) : resolve())));
}

describe(`the WebSocketStream transport (${undiciPackage}'s WebSocketStream)`, () => {
  let server: WsTestServer;
  beforeEach(async () => {
    server = await startWsServer();
  });
  afterEach(async () => server.close());

  it('says which API carries it: WebSocketStream', () => {
    expect(webSocketStream(WebSocketStream).api).to.equal('WebSocketStream');
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

// The WHATWG socket adapter, run in Node with undici's WebSocket against a real ws server on
// loopback: first the adapter alone, then the delivery window as a task reports it.
import { expect } from 'chai';
import { filter, firstValueFrom } from 'rxjs';
import { WebSocket as UndiciWebSocket } from 'undici';
import { CloseCode, fromWebSocketTask, type WebSocketConstructorLike, type WebSocketTaskEvent } from '../../../src/index';
import { adaptWhatwgSocket } from '../../../src/internal/transport/whatwg-socket-adapter';
import type { WebSocketLike } from '../../../src/internal/transport/websocket-like';
import { observeTask, taskError } from '../../support/observe-task';
import { RecordingListener } from '../../support/recording-listener';
import { startWsServer, type PeerConnection, type WsTestServer } from '../../support/ws-test-server';
import { delay } from '../../server/support/task-server';

const WebSocketCtor = UndiciWebSocket as unknown as WebSocketConstructorLike;

type ClosedEvent = Extract<WebSocketTaskEvent, { type: 'closed' }>;

describe('adaptWhatwgSocket (undici WebSocket)', () => {
  let server: WsTestServer;
  const sockets: UndiciWebSocket[] = [];
  beforeEach(async () => {
    server = await startWsServer();
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.close();
    await server.close();
  });

  /** An undici socket to the server, driven by an adapter that reports to a new recording listener. */
  function adapted(maximumMessageSize = 1024 * 1024) {
    const socket = new UndiciWebSocket(server.url);
    sockets.push(socket);
    const listener = new RecordingListener();
    return { listener, adapter: adaptWhatwgSocket(socket as unknown as WebSocketLike, listener, maximumMessageSize) };
  }

  it('follows the browser rules: WHATWG close codes, a 100 ms delivery window, no ping API', () => {
    const { adapter } = adapted();
    expect(adapter.closeCodeRules).to.equal('whatwg');
    expect(adapter.deliveryWindow).to.equal(100);
    expect(adapter.ping(new Uint8Array(4))).to.equal(false);
  });

  it('reads open from open until a close starts, and takes data only then', async () => {
    const { adapter, listener } = adapted();
    expect(adapter.isOpen).to.equal(false);
    expect(adapter.send('early')).to.equal(false);
    expect(await listener.opened).to.deep.equal({ protocol: '', extensions: '' });
    expect(adapter.isOpen).to.equal(true);
    expect(adapter.send('hello')).to.equal(true);
    const peer = await server.nextConnection();
    expect((await peer.nextMessage()).data).to.equal('hello');
    adapter.close(CloseCode.normalClosure, 'done');
    expect(adapter.isOpen).to.equal(false);
    expect(adapter.send('late')).to.equal(false);
    expect(await listener.ended).to.deep.equal({ code: 1000, reason: 'done', wasClean: true, failure: undefined });
    expect(peer.messages.map((message) => message.data)).to.deep.equal(['hello']);
  });

  it('delivers text as a string and binary as a Uint8Array', async () => {
    const { listener } = adapted();
    const peer = await server.nextConnection();
    peer.socket.send('text');
    peer.socket.send(Buffer.from([1, 2, 3]));
    expect(await listener.nextMessage()).to.equal('text');
    const bytes = await listener.nextMessage();
    expect(bytes).to.be.instanceOf(Uint8Array);
    expect([...(bytes as Uint8Array)]).to.deep.equal([1, 2, 3]);
  });

  it('reports a message over maximumMessageSize as messageTooBig (1009) after receipt, and delivers nothing more', async () => {
    const { listener } = adapted(10);
    const peer = await server.nextConnection();
    peer.socket.send('small');
    peer.socket.send('eleven byte');
    peer.socket.send('after');
    peer.socket.close(CloseCode.normalClosure);
    // The close event comes after every message event: all three messages were seen by then.
    await listener.ended;
    expect(listener.messages).to.deep.equal(['small']);
    expect(listener.failures).to.deep.equal([
      {
        code: 'ERR_MESSAGE_TOO_BIG',
        closeCode: CloseCode.messageTooBig,
        message: 'An inbound message of 11 bytes exceeds maximumMessageSize (10 bytes).',
        cause: undefined,
        closeReason: 'message too big',
      },
    ]);
  });

  it('ends unclean with ERR_CONNECTION_LOST (1006) when TCP drops without a Close frame', async () => {
    const { listener } = adapted();
    await listener.opened;
    (await server.nextConnection()).socket.terminate();
    const end = await listener.ended;
    expect(end).to.deep.include({ code: CloseCode.abnormalClosure, wasClean: false });
    expect(end.failure).to.deep.include({ code: 'ERR_CONNECTION_LOST', closeCode: CloseCode.abnormalClosure });
    expect(listener.endCalls).to.equal(1);
  });

  it('reports no failure for a drop it made itself: terminate closes, as a WHATWG socket cannot drop', async () => {
    const { adapter, listener } = adapted();
    await listener.opened;
    const peer = await server.nextConnection();
    adapter.terminate();
    expect((await listener.ended).failure).to.equal(undefined);
    expect((await peer.closed).code, 'a Close frame without a status').to.equal(CloseCode.noStatusReceived);
  });

  describe('the delivery window, as a task reports it', () => {
    /** A task on undici, its subscription, its `closed` event, and the server side once open. */
    async function openTask() {
      const task = fromWebSocketTask({ url: server.url, WebSocketCtor });
      const closed = firstValueFrom(task.lifecycle.pipe(filter((event): event is ClosedEvent => event.type === 'closed')));
      const run = observeTask(task);
      const peer: PeerConnection = await server.nextConnection();
      return { task, closed, run, peer };
    }

    /** Every value the task accepted is sent, undelivered or in doubt: exactly once. */
    function expectAccounted(event: ClosedEvent, accepted: number): void {
      expect(event.sent + event.undelivered.length + event.inDoubt.length, 'sent + undelivered + inDoubt').to.equal(accepted);
    }

    it('counts a value written 300 ms before the peer closes as sent, not in doubt', async () => {
      const { task, closed, run, peer } = await openTask();
      await run.closeCodeAtOpen;
      task.next('a');
      const written = performance.now();
      expect((await peer.nextMessage()).data).to.equal('a');
      await delay(300 - (performance.now() - written));
      peer.socket.close(4001, 'bye');
      const event = await closed;
      expect(event).to.deep.include({ closeCode: 4001, closeReason: 'bye', wasClean: true, sent: 1, undelivered: [], inDoubt: [] });
      expectAccounted(event, 1);
      expect((await taskError(run)).code).to.equal('ERR_CLOSED_BY_PEER');
    });

    it('reports values written within the window before the peer closed in doubt, never sent', async () => {
      const { task, closed, run, peer } = await openTask();
      // Accepted before open, written together on open; the peer closes as soon as it reads the first.
      task.next('q1');
      task.next('q2');
      peer.socket.once('message', () => peer.socket.close(4001, 'bye'));
      const event = await closed;
      expect(event).to.deep.include({ closeCode: 4001, sent: 0, undelivered: [], inDoubt: ['q1', 'q2'] });
      expectAccounted(event, 2);
      expect(peer.messages.map((message) => message.data), 'the server got them, which the task cannot know').to.deep.equal(['q1', 'q2']);
      await taskError(run);
    });
  });
});

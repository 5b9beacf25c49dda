// The ws socket adapter against real loopback servers: a `ws` server, and a raw frame server
// and client that show every frame on the wire. Corking is checked on the TCP stream itself
// (`writableCorked`, `writableLength`): on loopback the peer's reads cannot tell writes apart
// (a plain ws client's 100 frames of one tick arrive in one or two reads as well), so only the
// stream shows whether the frames of a tick leave together.
import { expect } from 'chai';
import { once } from 'node:events';
import type { IncomingMessage } from 'node:http';
import type { Socket } from 'node:net';
import { WebSocket } from 'ws';
import { CloseCode, fromWebSocketTask, type WebSocketConstructorLike } from '../../../src/index';
import { adaptWsSocket, gateInbound } from '../../../src/internal/transport/ws-socket-adapter';
import { AsyncQueue } from '../../support/async-queue';
import { observeTask, taskCompletion } from '../../support/observe-task';
import { connectRawFrameClient } from '../../support/raw-frame-client';
import { Opcode, startRawFrameServer, type RawConnection, type RawFrameServer, type ReceivedFrame } from '../../support/raw-frame-server';
import { RecordingListener } from '../../support/recording-listener';
import { startRejectingServer, startWsServer, type WsTestServer } from '../../support/ws-test-server';
import { delay, startTaskServer, type TaskServerFixture } from '../../server/support/task-server';

const MAX = 1024 * 1024;

/** Resolves once the current tick, its microtasks included, is over. */
const nextTick = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** The bytes of text frames with these payloads (all under 126 bytes): header, mask key if masked, payload. */
function textFrameBytes(payloads: readonly string[], masked: boolean): number {
  return payloads.reduce((sum, payload) => sum + 2 + (masked ? 4 : 0) + Buffer.byteLength(payload), 0);
}

/** The next `count` text frames, their payloads in order. */
async function texts(conn: RawConnection, count: number): Promise<string[]> {
  const payloads: string[] = [];
  while (payloads.length < count) payloads.push((await conn.nextFrame((frame) => frame.opcode === Opcode.Text)).payload.toString());
  return payloads;
}

/** `ws`'s WebSocket that keeps the TCP stream its 'upgrade' event hands out (ws's public API), as the adapter takes it. */
class StreamKeepingWebSocket extends WebSocket {
  static readonly streams: Socket[] = [];

  constructor(...args: ConstructorParameters<typeof WebSocket>) {
    super(...args);
    this.once('upgrade', (response: IncomingMessage) => StreamKeepingWebSocket.streams.push(response.socket as Socket));
  }
}

const messages = Array.from({ length: 100 }, (_, i) => `m${i}`);

describe('adaptWsSocket', () => {
  const sockets: WebSocket[] = [];
  afterEach(() => {
    for (const socket of sockets.splice(0)) socket.terminate();
  });

  /** A ws client to `url`, driven by an adapter that reports to a new recording listener. */
  function adapted(url: string, protocols: string[] = []) {
    const socket = new WebSocket(url, protocols);
    sockets.push(socket);
    const listener = new RecordingListener();
    return { socket, listener, adapter: adaptWsSocket(socket, listener, MAX) };
  }

  describe('with a ws server', () => {
    let server: WsTestServer;
    beforeEach(async () => {
      server = await startWsServer({ handleProtocols: (offered) => (offered.has('chat') ? 'chat' : false) });
    });
    afterEach(async () => {
      await server.close();
    });

    it('is an RFC 6455 socket whose writes are final: no delivery window', () => {
      const { adapter } = adapted(server.url);
      expect(adapter.closeCodeRules).to.equal('rfc6455');
      expect(adapter.deliveryWindow).to.equal(0);
    });

    it('reads open only once open, reports the protocol ws negotiated, and refuses data before', async () => {
      const { adapter, listener } = adapted(server.url, ['chat']);
      expect(adapter.isOpen).to.equal(false);
      expect(adapter.send('early')).to.equal(false);
      expect(await listener.opened).to.deep.equal({ protocol: 'chat', extensions: '' });
      expect(adapter.isOpen).to.equal(true);
      expect(adapter.send('hello')).to.equal(true);
      const peer = await server.nextConnection();
      expect((await peer.nextMessage()).data).to.equal('hello');
      expect(peer.messages.map((message) => message.data)).to.deep.equal(['hello']);
    });

    it('delivers text as a string and binary as bytes', async () => {
      const { listener } = adapted(server.url);
      const peer = await server.nextConnection();
      peer.socket.send('text');
      peer.socket.send(Buffer.from([1, 2, 3]));
      expect(await listener.nextMessage()).to.equal('text');
      const bytes = await listener.nextMessage();
      expect(bytes).to.be.instanceOf(Uint8Array);
      expect([...(bytes as Uint8Array)]).to.deep.equal([1, 2, 3]);
    });

    it("asks the socket's inbound gate before delivering each message, and reports its failure instead of the message", async () => {
      const socket = new WebSocket(server.url);
      sockets.push(socket);
      const sizes: number[] = [];
      const refusal = { code: 'ERR_RATE_LIMITED', closeCode: CloseCode.policyViolation, message: 'too much', closeReason: 'rate limit' } as const;
      gateInbound(socket, { admit: (size) => (sizes.push(size), sizes.length > 2 ? refusal : undefined) });
      const listener = new RecordingListener();
      adaptWsSocket(socket, listener, MAX);
      const peer = await server.nextConnection();
      for (const text of ['one', 'two', 'three', 'four']) peer.socket.send(text);
      while (listener.failures.length < 2) await delay(5);
      expect(listener.messages).to.deep.equal(['one', 'two']);
      expect(listener.failures).to.deep.equal([refusal, refusal]);
      expect(sizes).to.deep.equal([3, 3, 5, 4]);
    });

    it('sends a protocol ping and reports the pong with its payload', async () => {
      const { adapter, listener } = adapted(server.url);
      await listener.opened;
      const peer = await server.nextConnection();
      expect(adapter.ping(new Uint8Array([0, 0, 0, 7]))).to.equal(true);
      // The server reads the ping (and pongs) before this message, and sends its reply after the pong.
      adapter.send('after the ping');
      await peer.nextMessage();
      peer.socket.send('after the pong');
      expect(await listener.nextMessage()).to.equal('after the pong');
      expect(listener.pongs.map((payload) => [...payload])).to.deep.equal([[0, 0, 0, 7]]);
    });

    it('refuses data and pings once its close started', async () => {
      const { adapter, listener } = adapted(server.url);
      await listener.opened;
      adapter.close(CloseCode.normalClosure, 'done');
      expect(adapter.isOpen).to.equal(false);
      expect(adapter.send('late')).to.equal(false);
      expect(adapter.ping(new Uint8Array(4))).to.equal(false);
      expect(await listener.ended).to.deep.equal({ code: 1000, reason: 'done', wasClean: true, failure: undefined });
      expect((await server.connections[0]!.closed).code).to.equal(1000);
    });

    it("ends clean with the peer's code and reason: wasClean comes from ws's CloseEvent", async () => {
      const { listener } = adapted(server.url);
      (await server.nextConnection()).socket.close(4001, 'bye');
      expect(await listener.ended).to.deep.equal({ code: 4001, reason: 'bye', wasClean: true, failure: undefined });
      expect(listener.endCalls).to.equal(1);
    });

    it('ends unclean with ERR_CONNECTION_LOST (1006) when TCP drops without a Close frame', async () => {
      const { listener } = adapted(server.url);
      await listener.opened;
      (await server.nextConnection()).socket.terminate();
      const end = await listener.ended;
      expect(end).to.deep.include({ code: CloseCode.abnormalClosure, reason: '', wasClean: false });
      expect(end.failure).to.deep.include({
        code: 'ERR_CONNECTION_LOST',
        closeCode: CloseCode.abnormalClosure,
        message: 'The connection was lost: it ended without a Close frame.',
      });
      expect(listener.endCalls).to.equal(1);
    });

    it('reports no failure for a drop it made itself (terminate)', async () => {
      const { adapter, listener } = adapted(server.url);
      await listener.opened;
      adapter.terminate();
      expect(await listener.ended).to.deep.equal({ code: CloseCode.abnormalClosure, reason: '', wasClean: false, failure: undefined });
    });
  });

  it('reports a rejected upgrade with its HTTP status, and handles the error ws emits', async () => {
    const rejecting = await startRejectingServer(403);
    try {
      const { listener } = adapted(rejecting.url);
      const end = await listener.ended;
      expect(end).to.deep.include({ code: CloseCode.abnormalClosure, wasClean: false });
      expect(end.failure).to.deep.include({
        code: 'ERR_HANDSHAKE_REJECTED',
        closeCode: CloseCode.abnormalClosure,
        httpStatus: 403,
        message: 'The server rejected the WebSocket handshake with HTTP 403.',
      });
    } finally {
      await rejecting.close();
    }
  });

  describe('the frames of one tick leave in one write (a client task, a raw frame server)', () => {
    let raw: RawFrameServer;
    let connections: AsyncQueue<RawConnection>;
    beforeEach(async () => {
      StreamKeepingWebSocket.streams.length = 0;
      const queue = (connections = new AsyncQueue<RawConnection>('raw frame server connections'));
      raw = await startRawFrameServer((conn) => queue.push(conn));
    });
    afterEach(async () => {
      connections.end();
      await raw.close();
    });

    /** An open client task on a ws socket whose TCP stream the test can read, and its raw server side. */
    async function openTask() {
      const task = fromWebSocketTask({ url: raw.url, WebSocketCtor: StreamKeepingWebSocket as unknown as WebSocketConstructorLike });
      const run = observeTask(task);
      const conn = await connections.next();
      await run.closeCodeAtOpen;
      const stream = StreamKeepingWebSocket.streams[0]!;
      return { task, run, conn, stream };
    }

    it('writes the first frame of a tick at once, holds the other 99 of the loop in the corked stream, and writes them together when the tick ends', async () => {
      const { run, task, conn, stream } = await openTask();
      try {
        for (const message of messages) task.next(message);
        expect(stream.writableCorked, 'corked for the rest of the tick').to.equal(1);
        expect(stream.writableLength, 'frames 2 to 100 wait in the stream').to.equal(textFrameBytes(messages.slice(1), true));
        await nextTick();
        expect(stream.writableCorked).to.equal(0);
        expect(stream.writableLength, 'handed to the kernel').to.equal(0);
        expect(await texts(conn, 100)).to.deep.equal(messages);
      } finally {
        run.subscription.unsubscribe();
      }
    });

    it('writes a lone message at once, and corks again for the burst of a later tick', async () => {
      const { run, task, conn, stream } = await openTask();
      try {
        task.next('solo');
        expect([stream.writableCorked, stream.writableLength], 'nothing held for a single frame').to.deep.equal([0, 0]);
        expect(await texts(conn, 1)).to.deep.equal(['solo']);
        task.next('a');
        task.next('b');
        expect([stream.writableCorked, stream.writableLength], 'b waits').to.deep.equal([1, textFrameBytes(['b'], true)]);
        await nextTick();
        expect([stream.writableCorked, stream.writableLength]).to.deep.equal([0, 0]);
        expect(await texts(conn, 2)).to.deep.equal(['a', 'b']);
      } finally {
        run.subscription.unsubscribe();
      }
    });

    it('keeps the order when the Close frame follows in the same tick', async () => {
      const { run, task, conn } = await openTask();
      const letters = [...'abcdefghijklmnopqrstuvwxyz'];
      for (const letter of letters) task.next(letter);
      task.complete();
      const close = await conn.closeFrame();
      expect(close.closeCode).to.equal(CloseCode.normalClosure);
      const wire = conn.received.map((frame: ReceivedFrame) => (frame.opcode === Opcode.Close ? `close ${frame.closeCode}` : frame.payload.toString()));
      expect(wire).to.deep.equal([...letters, 'close 1000']);
      conn.sendClose(CloseCode.normalClosure);
      conn.end();
      await taskCompletion(run);
    });

    it('writes what the tick sent before it drops the connection (terminate)', async () => {
      const socket = new StreamKeepingWebSocket(raw.url);
      sockets.push(socket);
      const listener = new RecordingListener();
      const adapter = adaptWsSocket(socket, listener, MAX);
      const conn = await connections.next();
      await listener.opened;
      adapter.send('a');
      adapter.send('b');
      adapter.terminate();
      await conn.ended;
      expect(conn.received.map((frame) => [frame.opcode, frame.payload.toString()])).to.deep.equal([
        [Opcode.Text, 'a'],
        [Opcode.Text, 'b'],
      ]);
    });

    it('a plain ws client, for comparison, hands each frame to the kernel at once: nothing waits after the same loop', async () => {
      const socket = new StreamKeepingWebSocket(raw.url);
      sockets.push(socket);
      const conn = await connections.next();
      await once(socket, 'open');
      const stream = StreamKeepingWebSocket.streams[0]!;
      for (const message of messages) socket.send(message);
      expect(stream.writableCorked).to.equal(0);
      expect(stream.writableLength).to.equal(0);
      expect(await texts(conn, 100)).to.deep.equal(messages);
    });
  });

  describe("ws's public API: the TCP stream comes from the 'upgrade' event", () => {
    let server: WsTestServer;
    beforeEach(async () => {
      server = await startWsServer();
    });
    afterEach(async () => {
      await server.close();
    });

    it("hands out, as the 'upgrade' response's socket, the corkable stream ws writes its frames to", async () => {
      const client = new WebSocket(server.url);
      sockets.push(client);
      const [upgraded, opened] = [once(client, 'upgrade'), once(client, 'open')];
      const [response] = (await upgraded) as [IncomingMessage];
      await opened;
      const peer = await server.nextConnection();
      const stream = response.socket as Socket;
      expect(stream.cork).to.be.a('function');
      expect(stream.uncork).to.be.a('function');
      stream.cork();
      client.send('x');
      expect(stream.writableLength, 'the frame waits in this stream').to.equal(textFrameBytes(['x'], true));
      await delay(20);
      expect(peer.messages, 'nothing reaches the server while corked').to.deep.equal([]);
      stream.uncork();
      expect((await peer.nextMessage()).data).to.equal('x');
    });
  });

  describe('on the server side (fromWebSocketServer, a raw frame client)', () => {
    let fixture: TaskServerFixture<string | Uint8Array>;
    let client: RawConnection | undefined;
    beforeEach(async () => {
      fixture = await startTaskServer();
    });
    afterEach(async () => {
      client?.destroy();
      client = undefined;
      await fixture.close();
    });

    it("corks the upgrade request's stream too: after the first, the replies of one tick leave together", async () => {
      client = await connectRawFrameClient(fixture.url);
      const { task, request } = await fixture.nextConnection();
      const run = observeTask(task);
      const stream = request.incoming.socket;
      const replies = messages.map((message) => `re:${message}`);
      for (const reply of replies) task.next(reply);
      expect(stream.writableCorked, 'corked for the rest of the tick').to.equal(1);
      expect(stream.writableLength, 'replies 2 to 100 wait in the stream').to.equal(textFrameBytes(replies.slice(1), false));
      await nextTick();
      expect(stream.writableCorked).to.equal(0);
      expect(stream.writableLength).to.equal(0);
      expect(await texts(client, 100)).to.deep.equal(replies);
      run.subscription.unsubscribe();
    });
  });
});

// SPEC "How a connection ends": one test per row, on Node with `ws`, against real loopback
// servers. Each asserts complete or error, the error's class, code, closeCode and
// closeReason, task.closeCode while open and after, and what the peer received.
import { expect } from 'chai';
import { CloseCode, fromWebSocketTask, jsonCodec, WebSocketTaskError, type WebSocketCodec } from '../../src/index';
import { observeTask, taskCompletion, taskError } from '../support/observe-task';
import { thrown } from '../support/thrown';
import { Opcode, startRawFrameServer, type RawConnection, type RawFrameServer } from '../support/raw-frame-server';
import { startTlsGarbageServer, startTlsWsServer } from '../support/tls-fixture';
import { startRejectingServer, startWsServer, unusedPort, type WsTestServer } from '../support/ws-test-server';

describe('how a connection ends (Node, ws)', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
  async function wsServer(): Promise<WsTestServer> {
    const server = await startWsServer();
    cleanups.push(() => server.close());
    return server;
  }
  async function rawServer(script: (connection: RawConnection) => void | Promise<void>): Promise<RawFrameServer> {
    const server = await startRawFrameServer(script);
    cleanups.push(() => server.close());
    return server;
  }

  describe('peer closes with a code', () => {
    it('completes when the peer closes with normalClosure, closeCode reads invalid while open', async () => {
      const server = await wsServer();
      const task = fromWebSocketTask(server.url);
      const run = observeTask(task);
      const peer = await server.nextConnection();
      expect(await run.closeCodeAtOpen).to.equal(CloseCode.invalid);
      peer.socket.close(1000, 'done');
      await taskCompletion(run);
      expect(task.closeCode).to.equal(CloseCode.normalClosure);
      expect(task.closeReason).to.equal('done');
    });

    for (const [code, reason] of [
      [CloseCode.goingAway, 'restarting'],
      [CloseCode.tryAgainLater, 'busy'],
      [3000, 'registered'],
      [4001, 'bye'],
      [4999, ''],
    ] as const) {
      it(`errors with closeCode ${code} and its reason when the peer closes with ${code}`, async () => {
        const server = await wsServer();
        const task = fromWebSocketTask(server.url);
        const run = observeTask(task);
        const peer = await server.nextConnection();
        await run.closeCodeAtOpen;
        peer.socket.close(code, reason);
        const error = await taskError(run);
        expect(error).to.be.instanceOf(WebSocketTaskError);
        expect(error.code).to.equal('ERR_CLOSED_BY_PEER');
        expect(error.closeCode).to.equal(code);
        expect(error.closeReason).to.equal(reason);
        expect(error.wasClean).to.equal(true);
        expect(task.closeCode).to.equal(code);
        expect(task.closeReason).to.equal(reason);
        expect((await peer.closed).code).to.equal(code, 'the client echoes the code');
      });
    }

    it('errors with noStatusReceived (1005) on a Close frame without status, and answers with an empty Close', async () => {
      const server = await rawServer((connection) => connection.sendClose());
      const task = fromWebSocketTask(server.url);
      const run = observeTask(task);
      const error = await taskError(run);
      expect(error.code).to.equal('ERR_CLOSED_BY_PEER');
      expect(error.closeCode).to.equal(CloseCode.noStatusReceived);
      expect(error.closeReason).to.equal('');
      expect(task.closeCode).to.equal(CloseCode.noStatusReceived);
      const answer = await server.connections[0]!.closeFrame();
      expect(answer.payload.length).to.equal(0, 'empty Close frame back');
    });
  });

  describe('transport failures', () => {
    it('errors with abnormalClosure (1006) when the TCP connection drops without a Close frame', async () => {
      let drop!: () => void;
      const server = await rawServer((connection) => {
        drop = () => connection.reset();
      });
      const task = fromWebSocketTask(server.url);
      const run = observeTask(task);
      expect(await run.closeCodeAtOpen).to.equal(CloseCode.invalid);
      drop();
      const error = await taskError(run);
      expect(error.code).to.equal('ERR_CONNECTION_LOST');
      expect(error.closeCode).to.equal(CloseCode.abnormalClosure);
      expect(error.wasClean).to.equal(false);
      expect(task.closeCode).to.equal(CloseCode.abnormalClosure);
    });

    it('errors with abnormalClosure (1006) when the connection is refused', async () => {
      const port = await unusedPort();
      const task = fromWebSocketTask(`ws://127.0.0.1:${port}/`);
      const error = await taskError(observeTask(task));
      expect(error.code).to.equal('ERR_CONNECTION_FAILED');
      expect(error.closeCode).to.equal(CloseCode.abnormalClosure);
      expect((error.cause as NodeJS.ErrnoException).code).to.equal('ECONNREFUSED');
      expect(task.closeCode).to.equal(CloseCode.abnormalClosure);
    });

    it('errors with abnormalClosure (1006) when DNS lookup fails', async () => {
      const lookup = (hostname: string, _options: unknown, callback: (error: Error) => void) => {
        const error = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' });
        process.nextTick(callback, error);
      };
      const task = fromWebSocketTask({ url: 'ws://no-such-host.invalid/', node: { ws: { lookup } } });
      const error = await taskError(observeTask(task));
      expect(error.code).to.equal('ERR_CONNECTION_FAILED');
      expect(error.closeCode).to.equal(CloseCode.abnormalClosure);
      expect((error.cause as NodeJS.ErrnoException).code).to.equal('ENOTFOUND');
    });

    it('errors with abnormalClosure (1006) and the HTTP status when the upgrade is rejected with 403', async () => {
      const server = await startRejectingServer(403);
      cleanups.push(() => server.close());
      const task = fromWebSocketTask(server.url);
      const error = await taskError(observeTask(task));
      expect(error.code).to.equal('ERR_HANDSHAKE_REJECTED');
      expect(error.closeCode).to.equal(CloseCode.abnormalClosure);
      expect(error.httpStatus).to.equal(403);
      expect(error.message).to.contain('403');
      expect(task.closeCode).to.equal(CloseCode.abnormalClosure);
    });

    it('errors with tlsHandshakeFailure (1015) when the certificate is not trusted', async () => {
      const tls = await startTlsWsServer();
      cleanups.push(() => tls.close());
      const task = fromWebSocketTask(tls.url);
      const error = await taskError(observeTask(task));
      expect(error.code).to.equal('ERR_TLS_HANDSHAKE');
      expect(error.closeCode).to.equal(CloseCode.tlsHandshakeFailure);
      expect((error.cause as NodeJS.ErrnoException).code).to.equal('DEPTH_ZERO_SELF_SIGNED_CERT');
      expect(task.closeCode).to.equal(CloseCode.tlsHandshakeFailure);
    });

    it('connects over TLS when the certificate is trusted through node.tls.ca', async () => {
      const tls = await startTlsWsServer();
      cleanups.push(() => tls.close());
      const task = fromWebSocketTask({ url: tls.url, node: { tls: { ca: tls.ca } } });
      const run = observeTask(task);
      const peer = await tls.server.nextConnection();
      peer.socket.send('secure hello');
      expect(await run.closeCodeAtOpen).to.equal(CloseCode.invalid);
      task.complete();
      await taskCompletion(run);
      expect(run.values).to.deep.equal(['secure hello']);
      expect((await peer.closed).code).to.equal(CloseCode.normalClosure);
    });

    it('errors with tlsHandshakeFailure (1015) when the server does not speak TLS', async () => {
      const garbage = await startTlsGarbageServer('not-tls');
      cleanups.push(() => garbage.close());
      const task = fromWebSocketTask({ url: garbage.url, node: { tls: { ca: garbage.ca } } });
      const error = await taskError(observeTask(task));
      expect(error.code).to.equal('ERR_TLS_HANDSHAKE');
      expect(error.closeCode).to.equal(CloseCode.tlsHandshakeFailure);
    });
  });

  describe('inbound frames that break the protocol: the peer receives 1002', () => {
    const violations: Array<[string, (connection: RawConnection) => void]> = [
      ['reserved bits set', (c) => c.sendFrame({ opcode: Opcode.Text, payload: 'x', rsv2: true })],
      ['a reserved opcode', (c) => c.sendFrame({ opcode: 0x3, payload: 'x' })],
      ['a masked server frame', (c) => c.sendFrame({ opcode: Opcode.Text, payload: 'x', mask: true })],
      ['a Close frame with code 999', (c) => c.sendClose(999, 'bad')],
    ];
    for (const [what, send] of violations) {
      it(`errors with protocolError (1002) on ${what}`, async () => {
        const server = await rawServer(send);
        const task = fromWebSocketTask(server.url);
        const run = observeTask(task);
        const error = await taskError(run);
        expect(error.code).to.equal('ERR_PROTOCOL');
        expect(error.closeCode).to.equal(CloseCode.protocolError);
        expect(error.wasClean).to.equal(false);
        expect(task.closeCode).to.equal(CloseCode.protocolError);
        const closeFrame = await server.connections[0]!.closeFrame();
        expect(closeFrame.closeCode).to.equal(CloseCode.protocolError);
        // ws sends this Close itself, with no reason; the task reports what the peer received.
        expect(closeFrame.closeReason).to.equal('');
        expect(error.closeReason).to.equal('');
      });
    }
  });

  it('errors with invalidFramePayloadData (1007) on a text frame with invalid UTF-8; the peer receives 1007', async () => {
    const server = await rawServer((c) => c.sendFrame({ opcode: Opcode.Text, payload: new Uint8Array([0x68, 0xff, 0xfe]) }));
    const task = fromWebSocketTask(server.url);
    const error = await taskError(observeTask(task));
    expect(error.code).to.equal('ERR_INVALID_UTF8');
    expect(error.closeCode).to.equal(CloseCode.invalidFramePayloadData);
    expect(task.closeCode).to.equal(CloseCode.invalidFramePayloadData);
    const closeFrame = await server.connections[0]!.closeFrame();
    expect(closeFrame.closeCode).to.equal(CloseCode.invalidFramePayloadData);
    expect(closeFrame.closeReason).to.equal('');
    expect(error.closeReason).to.equal('');
  });

  it('delivers a message fragmented with a ping between its fragments, and answers the ping', async () => {
    const server = await rawServer((c) => {
      c.sendFrame({ opcode: Opcode.Text, payload: 'hello ', fin: false });
      c.sendPing('between');
      c.sendFrame({ opcode: Opcode.Continuation, payload: 'world', fin: true });
      c.sendClose(1000, 'ok');
    });
    const task = fromWebSocketTask(server.url);
    const run = observeTask(task);
    await taskCompletion(run);
    expect(run.values).to.deep.equal(['hello world']);
    const pong = await server.connections[0]!.nextFrame((f) => f.opcode === Opcode.Pong);
    expect(pong.payload.toString()).to.equal('between');
  });

  describe('messages larger than maximumMessageSize: the peer receives 1009', () => {
    it('errors with messageTooBig (1009) before buffering the message', async () => {
      const server = await wsServer();
      const task = fromWebSocketTask({ url: server.url, maximumMessageSize: 1024 });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      await run.closeCodeAtOpen;
      peer.socket.send('a'.repeat(1024));
      peer.socket.send('b'.repeat(1025));
      const error = await taskError(run);
      expect(error.code).to.equal('ERR_MESSAGE_TOO_BIG');
      expect(error.closeCode).to.equal(CloseCode.messageTooBig);
      expect(run.values).to.deep.equal(['a'.repeat(1024)], 'the message at the limit still arrives');
      expect(task.closeCode).to.equal(CloseCode.messageTooBig);
      const closed = await peer.closed;
      expect(closed.code).to.equal(CloseCode.messageTooBig);
      expect(closed.reason).to.equal('', 'ws sends this Close itself, with no reason');
      expect(error.closeReason).to.equal(closed.reason, 'the reason reported is the one the peer received');
    });

    it('uses 1,048,576 bytes as the default limit', async () => {
      const server = await wsServer();
      const task = fromWebSocketTask(server.url);
      const run = observeTask(task);
      const peer = await server.nextConnection();
      await run.closeCodeAtOpen;
      peer.socket.send(new Uint8Array(1_048_576));
      peer.socket.send(new Uint8Array(1_048_577));
      const error = await taskError(run);
      expect(error.closeCode).to.equal(CloseCode.messageTooBig);
      expect(run.values).to.have.length(1);
      expect((run.values[0] as Uint8Array).byteLength).to.equal(1_048_576);
    });
  });

  describe('codec failures', () => {
    it('errors with invalidFramePayloadData (1007) when the deserializer throws; the peer receives 1007', async () => {
      const server = await wsServer();
      const task = fromWebSocketTask({ url: server.url, codec: jsonCodec() });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      peer.socket.send('{"ok":true}');
      peer.socket.send('{not json');
      const error = await taskError(run);
      expect(error.code).to.equal('ERR_DESERIALIZE');
      expect(error.closeCode).to.equal(CloseCode.invalidFramePayloadData);
      expect(error.cause).to.be.instanceOf(SyntaxError);
      expect(run.values).to.deep.equal([{ ok: true }]);
      const closed = await peer.closed;
      expect(closed.code).to.equal(CloseCode.invalidFramePayloadData);
      expect(closed.reason).to.equal('message could not be decoded');
      expect(closed.reason).to.equal(error.closeReason);
    });

    it('errors with unsupportedData (1003) when a binary message reaches a text-only codec', async () => {
      const server = await wsServer();
      const task = fromWebSocketTask({ url: server.url, codec: jsonCodec() });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      peer.socket.send(new Uint8Array([1, 2]));
      const error = await taskError(run);
      expect(error.code).to.equal('ERR_UNSUPPORTED_DATA');
      expect(error.closeCode).to.equal(CloseCode.unsupportedData);
      expect(await peer.closed).to.deep.equal({ code: CloseCode.unsupportedData, reason: 'text messages only' });
      expect(error.closeReason).to.equal('text messages only');
    });

    it('errors with unsupportedData (1003) when a text message reaches a binary-only codec', async () => {
      const bytesOnly: WebSocketCodec<Uint8Array> = {
        accepts: 'binary',
        encode: (value) => value,
        decode: (data) => data as Uint8Array,
      };
      const server = await wsServer();
      const task = fromWebSocketTask({ url: server.url, codec: bytesOnly });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      peer.socket.send('text');
      const error = await taskError(run);
      expect(error.closeCode).to.equal(CloseCode.unsupportedData);
      expect((await peer.closed).code).to.equal(CloseCode.unsupportedData);
    });

    it('errors with internalServerError (1011) when the serializer throws; the value is reported undelivered', async () => {
      const server = await wsServer();
      const task = fromWebSocketTask<{ n: number }>({
        url: server.url,
        serializer: (value) => {
          if (value.n === 2) throw new RangeError('cannot encode 2');
          return JSON.stringify(value);
        },
      });
      const run = observeTask(task);
      const peer = await server.nextConnection();
      await run.closeCodeAtOpen;
      task.next({ n: 1 });
      task.next({ n: 2 });
      const error = await taskError(run);
      expect(error.code).to.equal('ERR_SERIALIZE');
      expect(error.closeCode).to.equal(CloseCode.internalServerError);
      expect(error.cause).to.be.instanceOf(RangeError);
      expect(error.undelivered).to.deep.equal([{ n: 2 }]);
      expect(String((await peer.nextMessage()).data)).to.equal('{"n":1}');
      expect((await peer.closed).code).to.equal(CloseCode.internalServerError);
    });

    it('reports next(undefined) like any value the raw codec cannot send: named, and 1 undelivered', async () => {
      const server = await wsServer();
      const task = fromWebSocketTask(server.url);
      const refused = thrown(() => task.next(undefined as never));
      expect(refused.code).to.equal('ERR_SERIALIZE');
      expect(refused.message).to.contain('not undefined;');
      expect(refused.undelivered).to.deep.equal([undefined]);
      const run = observeTask(task);
      const peer = await server.nextConnection();
      await run.closeCodeAtOpen;
      task.next(undefined as never);
      const error = await taskError(run);
      expect(error.code).to.equal('ERR_SERIALIZE');
      expect(error.undelivered).to.have.length(1);
      expect(error.undelivered[0]).to.equal(undefined);
      expect((await peer.closed).code).to.equal(CloseCode.internalServerError);
    });
  });
});

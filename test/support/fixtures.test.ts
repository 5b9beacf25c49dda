/**
 * Self-tests for the loopback fixtures, plus probes documenting exactly how a
 * plain `ws` client reacts to protocol violations and TLS failures.
 */
import { expect } from 'chai';
import { WebSocket, type ClientOptions } from 'ws';
import { Opcode, type FrameSpec } from './frame-codec.js';
import { encodeClosePayload, encodeFrame, startRawFrameServer, type RawConnection } from './raw-frame-server.js';
import { createTestCertificate, startTlsGarbageServer, startTlsWsServer, type TlsGarbageMode } from './tls-fixture.js';
import { startRejectingServer, startWsServer, unusedPort } from './ws-test-server.js';

type CodedError = Error & { code?: string };

/** A plain `ws` client with its events recorded. */
interface ClientProbe {
  ws: WebSocket;
  opened: Promise<void>;
  firstError: Promise<CodedError>;
  errors: CodedError[];
  closed: Promise<{ code: number; reason: string }>;
  nextMessage(): Promise<{ data: string | Buffer; isBinary: boolean }>;
}

const cleanups: Array<() => Promise<void> | void> = [];

/** Registers a server for closing after the current test and returns it. */
function track<T extends { close(): Promise<void> }>(server: T): T {
  cleanups.push(() => server.close());
  return server;
}

/** Terminates a client in any state without an unhandled 'error' (terminate() while CONNECTING emits one). */
function dispose(ws: WebSocket): void {
  ws.on('error', () => undefined);
  if (ws.readyState !== WebSocket.CLOSED) ws.terminate();
}

function connect(url: string, options?: ClientOptions, protocols?: string[]): ClientProbe {
  const ws = new WebSocket(url, protocols ?? [], options);
  cleanups.push(() => dispose(ws));
  const errors: CodedError[] = [];
  ws.on('error', (err) => errors.push(err));
  const messages: Array<{ data: string | Buffer; isBinary: boolean }> = [];
  ws.on('message', (data, isBinary) => {
    const buf = Buffer.isBuffer(data) ? data : Array.isArray(data) ? Buffer.concat(data) : Buffer.from(data);
    messages.push({ data: isBinary ? buf : buf.toString('utf8'), isBinary });
  });
  return {
    ws,
    errors,
    opened: new Promise((resolve) => ws.once('open', () => resolve())),
    firstError: new Promise((resolve) => ws.once('error', resolve)),
    closed: new Promise((resolve) => ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))),
    nextMessage: () =>
      new Promise((resolve) => {
        const take = (): void => {
          const message = messages.shift();
          if (message) resolve(message);
          else ws.once('message', () => setImmediate(take));
        };
        take();
      }),
  };
}

/** Starts a raw server that sends `frames` in a single write as soon as a client connects. */
async function rawServerSending(frames: FrameSpec[]): Promise<{ conn: Promise<RawConnection>; url: string }> {
  let accept: (conn: RawConnection) => void = () => undefined;
  const conn = new Promise<RawConnection>((resolve) => (accept = resolve));
  const server = track(
    await startRawFrameServer((c) => {
      c.write(Buffer.concat(frames.map(encodeFrame)));
      accept(c);
    }),
  );
  return { conn, url: server.url };
}

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

describe('raw frame server', () => {
  it('completes the handshake, echoes the first subprotocol and never negotiates deflate', async () => {
    const server = track(await startRawFrameServer(() => undefined));
    const client = connect(server.url + 'chat?x=1', {}, ['v2.chat', 'v1.chat']);
    await client.opened;
    expect(client.ws.protocol).to.equal('v2.chat');
    expect(client.ws.extensions).to.equal('');
    const [conn] = server.connections;
    expect(conn?.request.path).to.equal('/chat?x=1');
    expect(conn?.request.headers['sec-websocket-extensions']).to.contain('permessage-deflate');
  });

  it('delivers a text frame to the client', async () => {
    const server = track(await startRawFrameServer((c) => c.sendText('hello')));
    const client = connect(server.url);
    expect(await client.nextMessage()).to.deep.equal({ data: 'hello', isBinary: false });
  });

  it('encodes 16-bit and 64-bit lengths and decodes large masked client frames', async () => {
    const big = Buffer.alloc(70_000, 7);
    const { conn, url } = await rawServerSending([
      { opcode: Opcode.Text, payload: 'a'.repeat(200) },
      { opcode: Opcode.Binary, payload: big },
    ]);
    const client = connect(url);
    expect((await client.nextMessage()).data).to.equal('a'.repeat(200));
    expect((await client.nextMessage()).data).to.deep.equal(big);
    client.ws.send(big);
    const frame = await (await conn).nextFrame((f) => f.opcode === Opcode.Binary);
    expect(frame.masked).to.equal(true);
    expect(frame.payload.equals(big)).to.equal(true);
  });

  it('parses a client close frame with code and reason', async () => {
    const server = track(await startRawFrameServer(() => undefined));
    const client = connect(server.url);
    await client.opened;
    client.ws.close(4001, 'bye');
    const [conn] = server.connections;
    const frame = await conn!.closeFrame();
    expect(frame).to.include({ opcode: Opcode.Close, fin: true, closeCode: 4001, closeReason: 'bye' });
    expect(conn!.received).to.include(frame);
  });

  it('rsv1 without deflate: client errors with WS_ERR_UNEXPECTED_RSV_1 and sends close 1002', async () => {
    const server = track(await startRawFrameServer((c) => c.sendFrame({ opcode: Opcode.Text, payload: 'x', rsv1: true })));
    const client = connect(server.url);
    expect((await client.firstError).code).to.equal('WS_ERR_UNEXPECTED_RSV_1');
    const conn = server.connections[0]!;
    expect((await conn.closeFrame()).closeCode).to.equal(1002);
    // Echo the close like a compliant server. ws stops reading after a protocol
    // error, so the echo is never parsed: the close event still reports 1006.
    conn.sendClose(1002);
    conn.end();
    expect((await client.closed).code).to.equal(1006);
    await conn.ended;
  });

  it('reset() makes the client close with 1006 and no error event', async () => {
    const server = track(await startRawFrameServer((c) => c.reset()));
    const client = connect(server.url);
    expect((await client.closed).code).to.equal(1006);
    expect(client.errors).to.deep.equal([]);
  });

  it('end() (FIN without close frame) makes the client close with 1006', async () => {
    const server = track(await startRawFrameServer((c) => c.end()));
    const client = connect(server.url);
    expect((await client.closed).code).to.equal(1006);
    await server.connections[0]!.ended;
  });

  it('nextFrame() rejects when the socket closes without a matching frame', async () => {
    const server = track(await startRawFrameServer((c) => c.destroy()));
    const client = connect(server.url);
    await client.closed;
    const conn = server.connections[0]!;
    await conn.ended;
    let rejected = false;
    await conn.nextFrame((f) => f.opcode === Opcode.Text).catch(() => (rejected = true));
    expect(rejected).to.equal(true);
  });
});

describe('ws client reaction to protocol violations (probes)', () => {
  const utf8Invalid = Buffer.from([0xce, 0xba, 0xff, 0xfe]);
  const cases: Array<{ name: string; frames: FrameSpec[]; code: string; status: number }> = [
    { name: 'rsv1 set (no deflate)', frames: [{ opcode: Opcode.Text, payload: 'x', rsv1: true }], code: 'WS_ERR_UNEXPECTED_RSV_1', status: 1002 },
    { name: 'rsv2 set', frames: [{ opcode: Opcode.Text, payload: 'x', rsv2: true }], code: 'WS_ERR_UNEXPECTED_RSV_2_3', status: 1002 },
    { name: 'rsv3 set', frames: [{ opcode: Opcode.Text, payload: 'x', rsv3: true }], code: 'WS_ERR_UNEXPECTED_RSV_2_3', status: 1002 },
    { name: 'reserved data opcode 0x3', frames: [{ opcode: 0x3, payload: 'x' }], code: 'WS_ERR_INVALID_OPCODE', status: 1002 },
    { name: 'reserved control opcode 0xB', frames: [{ opcode: 0xb }], code: 'WS_ERR_INVALID_OPCODE', status: 1002 },
    { name: 'masked server frame', frames: [{ opcode: Opcode.Text, payload: 'x', mask: true }], code: 'WS_ERR_UNEXPECTED_MASK', status: 1002 },
    { name: 'close code 999', frames: [{ opcode: Opcode.Close, payload: encodeClosePayload(999) }], code: 'WS_ERR_INVALID_CLOSE_CODE', status: 1002 },
    { name: 'close code 1005 on the wire', frames: [{ opcode: Opcode.Close, payload: encodeClosePayload(1005) }], code: 'WS_ERR_INVALID_CLOSE_CODE', status: 1002 },
    { name: 'close payload of 1 byte', frames: [{ opcode: Opcode.Close, payload: Buffer.from([3]) }], code: 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', status: 1002 },
    { name: 'close reason with invalid UTF-8', frames: [{ opcode: Opcode.Close, payload: Buffer.concat([encodeClosePayload(1000), utf8Invalid]) }], code: 'WS_ERR_INVALID_UTF8', status: 1007 },
    { name: 'text with invalid UTF-8', frames: [{ opcode: Opcode.Text, payload: utf8Invalid }], code: 'WS_ERR_INVALID_UTF8', status: 1007 },
    { name: 'fragmented ping (fin=0)', frames: [{ opcode: Opcode.Ping, fin: false }], code: 'WS_ERR_EXPECTED_FIN', status: 1002 },
    { name: 'ping payload of 126 bytes', frames: [{ opcode: Opcode.Ping, payload: Buffer.alloc(126) }], code: 'WS_ERR_INVALID_CONTROL_PAYLOAD_LENGTH', status: 1002 },
    { name: 'continuation without a first fragment', frames: [{ opcode: Opcode.Continuation, payload: 'x' }], code: 'WS_ERR_INVALID_OPCODE', status: 1002 },
    {
      name: 'new text frame while a fragmented message is open',
      frames: [{ opcode: Opcode.Text, payload: 'a', fin: false }, { opcode: Opcode.Text, payload: 'b' }],
      code: 'WS_ERR_INVALID_OPCODE',
      status: 1002,
    },
  ];

  for (const { name, frames, code, status } of cases) {
    it(`${name} -> ${code}, close frame ${status}, close event 1006 after server drops`, async () => {
      const { conn, url } = await rawServerSending(frames);
      const client = connect(url);
      expect((await client.firstError).code).to.equal(code);
      const c = await conn;
      expect((await c.closeFrame()).closeCode).to.equal(status);
      c.destroy();
      expect((await client.closed).code).to.equal(1006);
      expect(client.errors).to.have.length(1);
    });
  }

  it('a ping between fragments is fine: message reassembled, pong sent, no error', async () => {
    const { conn, url } = await rawServerSending([
      { opcode: Opcode.Text, payload: 'hello ', fin: false },
      { opcode: Opcode.Ping, payload: 'p1' },
      { opcode: Opcode.Continuation, payload: 'world' },
    ]);
    const client = connect(url);
    expect(await client.nextMessage()).to.deep.equal({ data: 'hello world', isBinary: false });
    const pong = await (await conn).nextFrame((f) => f.opcode === Opcode.Pong);
    expect(pong.payload.toString()).to.equal('p1');
    expect(client.errors).to.deep.equal([]);
  });

  it('close frame without status: close event 1005, client answers with an empty close frame', async () => {
    const { conn, url } = await rawServerSending([{ opcode: Opcode.Close }]);
    const client = connect(url);
    expect(await client.closed).to.deep.equal({ code: 1005, reason: '' });
    const reply = await (await conn).closeFrame();
    expect(reply.payload.length).to.equal(0);
    expect(reply.closeCode).to.equal(undefined);
    expect(client.errors).to.deep.equal([]);
  });
});

describe('ws test server', () => {
  it('round-trips text and binary messages', async () => {
    const server = track(await startWsServer());
    const client = connect(server.url);
    const peer = await server.nextConnection();
    await client.opened; // the server accepts before the client has read the 101
    client.ws.send('hi');
    client.ws.send(Buffer.from([1, 2, 3]));
    expect(await peer.nextMessage()).to.deep.equal({ data: 'hi', isBinary: false });
    expect(await peer.nextMessage()).to.deep.equal({ data: Buffer.from([1, 2, 3]), isBinary: true });
    peer.socket.send('back');
    expect(await client.nextMessage()).to.deep.equal({ data: 'back', isBinary: false });
    expect(peer.messages).to.have.length(2);
  });

  it('records messages sent before the test asks and buffers connections in order', async () => {
    const server = track(await startWsServer());
    const first = connect(server.url + 'first');
    await first.opened;
    first.ws.send('early');
    const second = connect(server.url + 'second');
    await second.opened;
    const a = await server.nextConnection();
    const b = await server.nextConnection();
    expect([a.request.url, b.request.url]).to.deep.equal(['/first', '/second']);
    expect((await a.nextMessage()).data).to.equal('early');
  });

  it('closed resolves with the code and reason the client sent', async () => {
    const server = track(await startWsServer());
    const client = connect(server.url);
    const peer = await server.nextConnection();
    await client.opened;
    client.ws.close(4002, 'done');
    expect(await peer.closed).to.deep.equal({ code: 4002, reason: 'done' });
    expect(await client.closed).to.deep.equal({ code: 4002, reason: 'done' });
  });

  it('close() terminates connected clients (client sees 1006)', async () => {
    const server = await startWsServer();
    const client = connect(server.url);
    await server.nextConnection();
    await server.close();
    expect((await client.closed).code).to.equal(1006);
  });

  it('rejecting server: client gets unexpected-response with the status', async () => {
    const server = track(await startRejectingServer(403, { headers: { 'X-Reason': 'nope' } }));
    const ws = new WebSocket(server.url);
    cleanups.push(() => dispose(ws));
    const status = await new Promise<number | undefined>((resolve) =>
      ws.once('unexpected-response', (req, res) => {
        expect(res.headers['x-reason']).to.equal('nope');
        resolve(res.statusCode);
        req.destroy();
      }),
    );
    expect(status).to.equal(403);
  });

  it('rejecting server without an unexpected-response listener: error message, no code', async () => {
    const server = track(await startRejectingServer(403));
    const client = connect(server.url);
    const err = await client.firstError;
    expect(err.message).to.equal('Unexpected server response: 403');
    expect(err.code).to.equal(undefined);
    expect((await client.closed).code).to.equal(1006);
  });

  it('unusedPort(): connecting fails with ECONNREFUSED', async () => {
    const client = connect(`ws://127.0.0.1:${await unusedPort()}/`);
    expect((await client.firstError).code).to.equal('ECONNREFUSED');
  });
});

describe('tls fixture', function () {
  this.timeout(10_000);

  it('connects when the generated certificate is passed as ca', async () => {
    const tls = track(await startTlsWsServer());
    expect(tls.url).to.match(/^wss:\/\/127\.0\.0\.1:\d+\/$/);
    const client = connect(tls.url, { ca: tls.ca });
    const peer = await tls.server.nextConnection();
    await client.opened;
    client.ws.send('secure');
    expect((await peer.nextMessage()).data).to.equal('secure');
  });

  it('the certificate is also valid for DNS name localhost', async () => {
    const tls = track(await startTlsWsServer());
    const options: ClientOptions & { servername: string } = { ca: tls.ca, servername: 'localhost' };
    await connect(tls.url, options).opened;
  });

  const failures: Array<{ name: string; start(): Promise<{ url: string; ca?: string; close(): Promise<void> }>; trust: boolean; code: string }> = [
    { name: 'self-signed cert without ca', start: () => startTlsWsServer(), trust: false, code: 'DEPTH_ZERO_SELF_SIGNED_CERT' },
    {
      name: 'expired cert',
      start: async () => startTlsWsServer({ certificate: await createTestCertificate({ expired: true }) }),
      trust: true,
      code: 'CERT_HAS_EXPIRED',
    },
    {
      name: 'cert for another host',
      start: async () => startTlsWsServer({ certificate: await createTestCertificate({ hostname: 'example.invalid' }) }),
      trust: true,
      code: 'ERR_TLS_CERT_ALTNAME_INVALID',
    },
    ...(['not-tls', 'client-cert-required'] as TlsGarbageMode[]).map((mode) => ({
      name: `garbage server (${mode})`,
      start: () => startTlsGarbageServer(mode),
      trust: true,
      // not-tls: a plain `Error` with errno -71, syscall 'write', OpenSSL text "wrong version number" in message.
      code: mode === 'not-tls' ? 'EPROTO' : 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED',
    })),
  ];

  for (const { name, start, trust, code } of failures) {
    it(`${name}: ws client error code ${code}, close event 1006`, async () => {
      const server = track(await start());
      const client = connect(server.url, trust ? { ca: server.ca } : {});
      const err = await client.firstError;
      expect(err.code, err.message).to.equal(code);
      if (code === 'EPROTO') expect(err.message).to.match(/wrong version number/);
      expect((await client.closed).code).to.equal(1006);
    });
  }
});

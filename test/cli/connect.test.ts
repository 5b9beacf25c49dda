// `connect <url>` run as a child process against loopback servers.
import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTlsWsServer, type TlsWsServer } from '../support/tls-fixture';
import {
  listenOnLoopback,
  startRejectingServer,
  startWsServer,
  unusedPort,
  type PeerConnection,
  type WsTestServer,
} from '../support/ws-test-server';
import { killRunningClis, runCli, startCli } from './run-cli';

/** What the test server does on each path. */
const behaviours: Record<string, (peer: PeerConnection) => void> = {
  '/echo': ({ socket }) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })),
  '/shapes': ({ socket }) => {
    socket.send('{"a":1,"b":[true,null]}');
    socket.send(Buffer.from([0x01, 0x02, 0xff]));
    socket.send('plain text');
    socket.close(1000);
  },
  '/whoami': ({ socket, request }) => {
    socket.send(`${socket.protocol}|${String(request.headers['x-token'])}|${String(request.headers.origin)}`);
    socket.close(1000);
  },
  '/policy': ({ socket }) => socket.close(1008, 'not allowed'),
  '/app-code': ({ socket }) => socket.close(4001, 'session expired'),
  '/drop': ({ socket }) => setTimeout(() => socket.terminate(), 50),
  '/later': ({ socket }) => socket.once('message', () => setTimeout(() => {
    socket.send('later');
    socket.close(1000, 'bye');
  }, 300)),
  '/quiet': () => undefined,
  '/record': () => undefined,
};

describe('CLI: connect', () => {
  let server: WsTestServer;
  before(async () => {
    server = await startWsServer({ onConnection: (peer) => behaviours[new URL(peer.request.url ?? '/', 'ws://x.invalid').pathname]?.(peer) });
  });
  after(async () => {
    await server.close();
  });
  afterEach(() => killRunningClis());

  const url = (path: string) => `${server.url.replace(/\/$/, '')}${path}`;

  it('sends stdin lines as messages, prints what arrives, and exits 0 after normalClosure when stdin ends', async () => {
    const { status, stdout, stderr } = await runCli(['connect', url('/echo')], 'hello\nworld\n');
    expect(stdout).to.equal('hello\nworld\n');
    expect(stderr).to.equal('connected\nclosed: normalClosure (1000)\n');
    expect(status).to.equal(0);
  });

  it('pretty-prints JSON with --json and shows binary as hex', async () => {
    const { status, stdout } = await runCli(['connect', url('/shapes'), '--json', '--keep-open']);
    expect(stdout).to.equal('{\n  "a": 1,\n  "b": [\n    true,\n    null\n  ]\n}\nbinary (3 bytes): 01 02 ff\nplain text\n');
    expect(status).to.equal(0);
  });

  it('offers subprotocols and sends headers and origin', async () => {
    const { stdout, stderr } = await runCli(
      ['connect', url('/whoami'), '-p', 'chat.v1', '--protocol', 'chat.v2', '-H', 'X-Token: abc: 1', '--origin', 'https://app.example.com', '-k'],
    );
    expect(stdout).to.equal('chat.v1|abc: 1|https://app.example.com\n');
    expect(stderr).to.contain('connected (protocol: chat.v1)\n');
  });

  it('prints the typed outcome `closed: policyViolation (1008) "reason"` and exits 1', async () => {
    const { status, stderr } = await runCli(['connect', url('/policy'), '-k']);
    expect(stderr).to.contain('closed: policyViolation (1008) "not allowed"\n');
    expect(status).to.equal(1);
  });

  it('carries application codes through as their numbers and exits 1', async () => {
    const { status, stderr } = await runCli(['connect', url('/app-code'), '-k']);
    expect(stderr).to.contain('closed: 4001 (private) "session expired"\n');
    expect(status).to.equal(1);
  });

  it('exits 3 when the connection is refused', async () => {
    const { status, stderr } = await runCli(['connect', `ws://127.0.0.1:${await unusedPort()}/`]);
    expect(stderr).to.match(/^closed: abnormalClosure \(1006\)\n {2}ERR_CONNECTION_FAILED: .*ECONNREFUSED/);
    expect(status).to.equal(3);
  });

  it('exits 3 when the server refuses the upgrade, naming the HTTP status', async () => {
    const rejecting = await startRejectingServer(401);
    try {
      const { status, stderr } = await runCli(['connect', rejecting.url]);
      expect(stderr).to.contain('closed: abnormalClosure (1006)\n  ERR_HANDSHAKE_REJECTED: The server rejected the WebSocket handshake with HTTP 401.\n');
      expect(status).to.equal(3);
    } finally {
      await rejecting.close();
    }
  });

  it('exits 4 when the connection is lost without a Close frame', async () => {
    const { status, stderr } = await runCli(['connect', url('/drop'), '-k']);
    expect(stderr).to.contain('closed: abnormalClosure (1006)\n  ERR_CONNECTION_LOST');
    expect(status).to.equal(4);
  });

  it('keeps receiving after stdin ends with --keep-open, until the server closes', async () => {
    const { status, stdout, stderr } = await runCli(['connect', url('/later'), '--keep-open'], 'go\n');
    expect(stdout).to.equal('later\n');
    expect(stderr).to.contain('closed: normalClosure (1000) "bye"');
    expect(status).to.equal(0);
  });

  it('keeps receiving for --wait seconds after stdin ends, then closes with normalClosure', async () => {
    const { status, stdout } = await runCli(['connect', url('/later'), '--wait', '5'], 'go\n');
    expect(stdout).to.equal('later\n');
    expect(status).to.equal(0);
  });

  it('runs /ping, /binary and /close <code> <reason> with --slash', async () => {
    const cli = startCli(['connect', url('/echo'), '--slash']);
    await cli.waitFor('stderr', /connected/);
    cli.writeLine('/ping');
    await cli.waitFor('stderr', /pong after \d+ ms/);
    cli.writeLine('/binary 0a ff');
    await cli.waitFor('stdout', /binary \(2 bytes\): 0a ff/);
    cli.writeLine('/close 1005');
    await cli.waitFor('stderr', /Close code noStatusReceived \(1005\) may not be sent/);
    cli.writeLine('/close 4000 done here');
    expect(await cli.exited).to.equal(1);
    expect(cli.output.stderr).to.contain('closed: 4000 (private) "done here"\n');
  });

  it('sends a line typed before the connection opened before a /close that follows it', async () => {
    const { status, stderr } = await runCli(['connect', url('/record'), '--slash'], 'hello\n/close 4000 bye\n');
    const peer = server.connections.find((connection) => connection.request.url === '/record')!;
    expect((await peer.closed)).to.deep.equal({ code: 4000, reason: 'bye' });
    expect(peer.messages.map((message) => String(message.data))).to.deep.equal(['hello']);
    expect(stderr).to.contain('closed: 4000 (private) "bye"\n');
    expect(status).to.equal(1);
  });

  it('closes with normalClosure on Ctrl-C (SIGINT) and exits 0', async () => {
    const cli = startCli(['connect', url('/quiet')]);
    await cli.waitFor('stderr', /connected/);
    const peer = server.connections[server.connections.length - 1];
    cli.child.kill('SIGINT');
    expect(await cli.exited).to.equal(0);
    expect((await peer?.closed)?.code).to.equal(1000);
  });

  describe('could not connect: exit status 3 and a message that says what to do', () => {
    let tls: TlsWsServer;
    before(async () => {
      tls = await startTlsWsServer({ onConnection: ({ socket }) => socket.close(1000) });
    });
    after(async () => {
      await tls.close();
    });

    it('suggests wss: when a ws: URL reaches a TLS port', async () => {
      const { status, stderr } = await runCli(['connect', `ws://127.0.0.1:${tls.port}/`]);
      expect(stderr).to.equal(
        'closed: abnormalClosure (1006)\n' +
          `  ERR_CONNECTION_FAILED: The server closed the connection without answering (ECONNRESET); if it speaks TLS, use wss://127.0.0.1:${tls.port}/\n`,
      );
      expect(status).to.equal(3);
    });

    it('names the certificate problem and --insecure for a self-signed certificate, and --insecure connects', async () => {
      const { status, stderr } = await runCli(['connect', tls.url]);
      expect(stderr).to.equal(
        'closed: tlsHandshakeFailure (1015)\n' +
          "  ERR_TLS_HANDSHAKE: The server's certificate was not accepted: self-signed certificate (DEPTH_ZERO_SELF_SIGNED_CERT); to connect anyway (testing only), add --insecure\n",
      );
      expect(status).to.equal(3);
      const insecure = await runCli(['connect', tls.url, '--insecure', '-k']);
      expect([insecure.status, insecure.stderr]).to.deep.equal([0, 'connected\nclosed: normalClosure (1000)\n']);
    });

    it('says a port does not speak TLS, and suggests ws:, when a wss: URL reaches a plain WebSocket server', async () => {
      const { status, stderr } = await runCli(['connect', `wss://127.0.0.1:${server.port}/echo`]);
      expect(stderr).to.equal(
        'closed: tlsHandshakeFailure (1015)\n' +
          `  ERR_TLS_HANDSHAKE: 127.0.0.1:${server.port} does not speak TLS; for a plain server, use ws://127.0.0.1:${server.port}/echo\n`,
      );
      expect(status).to.equal(3);
    });

    it('says a plain HTTP server answering 200 is not a WebSocket endpoint', async () => {
      const http = await listenOnLoopback(createServer((_request, response) => response.writeHead(200, { 'Content-Type': 'text/html' }).end('<h1>home</h1>')));
      try {
        const { port } = http.address() as AddressInfo;
        const { status, stderr } = await runCli(['connect', `http://127.0.0.1:${port}/`]);
        expect(stderr).to.equal(
          'closed: abnormalClosure (1006)\n' +
            "  ERR_HANDSHAKE_REJECTED: Not a WebSocket endpoint: the server answered the upgrade request with HTTP 200; check the URL's path\n",
        );
        expect(status).to.equal(3);
      } finally {
        http.closeAllConnections();
        await new Promise<void>((resolve) => http.close(() => resolve()));
      }
    });
  });

  describe('bad input: exit status 2 and a message that says what to do', () => {
    const cases: Array<[string, string[], string]> = [
      ['no url', ['connect'], 'connect: missing <url>, e.g. ws://127.0.0.1:8080'],
      ['a scheme that is not WebSocket', ['connect', 'ftp://example.com'], 'The URL scheme must be ws:, wss:, http: or https:, not ftp:'],
      ['a URL without scheme', ['connect', 'localhost:8080'], 'Did you mean ws://localhost:8080?'],
      ['an unknown option', ['connect', 'ws://x.invalid', '--nope'], 'connect: unknown option --nope'],
      ['an option without its value', ['connect', 'ws://x.invalid', '-H'], 'connect: --header needs a value'],
      ['a malformed header', ['connect', 'ws://x.invalid', '-H', 'no colon'], '--header must look like "Name: value", not "no colon"'],
      ['a bad --wait', ['connect', 'ws://x.invalid', '--wait', 'soon'], '--wait must be a number of seconds, not "soon"'],
      ['--wait with --keep-open', ['connect', 'ws://x.invalid', '-w', '1', '-k'], 'give --wait or --keep-open, not both'],
      ['a bad --max-message-size', ['connect', 'ws://x.invalid', '--max-message-size', '1k'], '--max-message-size must be a positive whole number'],
      ['two urls', ['connect', 'ws://a.invalid', 'ws://b.invalid'], 'unexpected argument "ws://b.invalid"'],
      ['a misspelt command', ['conect', 'ws://x.invalid'], 'unknown command "conect"; did you mean "connect"?'],
    ];
    for (const [what, args, message] of cases) {
      it(`for ${what}`, async () => {
        const { status, stderr, stdout } = await runCli(args);
        expect(status).to.equal(2);
        expect(stdout).to.equal('');
        expect(stderr).to.contain(message);
        expect(stderr).to.match(/Run "rxjs-websocket-task (connect )?--help" for usage\.\n$/);
      });
    }
  });
});

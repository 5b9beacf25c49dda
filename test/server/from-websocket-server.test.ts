// fromWebSocketServer against real clients on loopback: the package's own client, plain
// `ws`, and undici's WHATWG WebSocket (Node 20's global one needs a flag).
import { expect } from 'chai';
import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { filter, firstValueFrom, take, toArray } from 'rxjs';
import { WebSocket as UndiciWebSocket } from 'undici';
import WebSocket, { WebSocketServer } from 'ws';
import { CloseCode, fromWebSocketTask, WebSocketTaskError } from '../../src/index';
import { fromWebSocketServer, type WebSocketTaskServerEvent } from '../../src/server/index';
import { observeTask, taskCompletion, taskError } from '../support/observe-task';
import { createTestCertificate } from '../support/tls-fixture';
import { listenOnLoopback } from '../support/ws-test-server';
import { connectRawClient } from './support/raw-client';
import { delay, startTaskServer, until, type TaskServerFixture } from './support/task-server';

/** Opens a plain `ws` client and resolves once it is open. */
async function openWsClient(url: string, protocols?: string[], options?: WebSocket.ClientOptions): Promise<WebSocket> {
  const client = new WebSocket(url, protocols, options);
  cleanups.push(async () => client.terminate());
  await new Promise<void>((resolve, reject) => {
    client.once('open', resolve);
    client.once('error', reject);
  });
  return client;
}

function closeEventOf(client: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) => client.once('close', (code, reason) => resolve({ code, reason: reason.toString() })));
}

/** Sends an upgrade request and resolves with the HTTP response that refused it. */
function refusedUpgrade(url: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string; headers: IncomingMessage['headers'] }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url.replace('ws:', 'http:'), {
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    });
    req.on('upgrade', () => reject(new Error('the upgrade was accepted')));
    req.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, headers: response.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

const cleanups: Array<() => Promise<void>> = [];

describe('fromWebSocketServer', () => {
  let fixture: TaskServerFixture<any>;
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
    await fixture?.close();
  });

  describe('accepting connections', () => {
    it('does not listen before the first subscription', async () => {
      const server = fromWebSocketServer({ port: 0, host: '127.0.0.1' });
      await delay(20);
      expect(server.state).to.equal('idle');
      expect(server.address).to.equal(null);
      expect(server.connections).to.deep.equal([]);
    });

    it("accepts the package's own client; closeCode reads invalid while open and both sides see the true code", async () => {
      fixture = await startTaskServer();
      const client = fromWebSocketTask(`${fixture.url}/`);
      const clientRun = observeTask(client);
      const { task } = await fixture.nextConnection();
      const serverRun = observeTask(task);
      expect(task.closeCode).to.equal(CloseCode.invalid);
      expect(task.state).to.equal('open');
      expect(await clientRun.closeCodeAtOpen).to.equal(CloseCode.invalid);
      client.next('ping');
      await until(() => serverRun.values.length === 1, 'the message');
      task.next('pong');
      await until(() => clientRun.values.length === 1, 'the reply');
      task.cancel(4001, 'bye');
      await taskCompletion(serverRun);
      const error = await taskError(clientRun);
      expect([error.code, error.closeCode, error.closeReason]).to.deep.equal(['ERR_CLOSED_BY_PEER', 4001, 'bye']);
      expect([task.closeCode, task.closeReason]).to.deep.equal([4001, 'bye']);
      expect(serverRun.values).to.deep.equal(['ping']);
      expect(clientRun.values).to.deep.equal(['pong']);
    });

    it('accepts a plain ws client and holds its messages until the first subscriber', async () => {
      fixture = await startTaskServer();
      const client = await openWsClient(fixture.url);
      client.send('early');
      client.send(Buffer.from([1, 2, 3]));
      const { task } = await fixture.nextConnection();
      await delay(30);
      const run = observeTask(task);
      await until(() => run.values.length === 2, 'the held messages');
      expect(run.values[0]).to.equal('early');
      expect([...(run.values[1] as Uint8Array)]).to.deep.equal([1, 2, 3]);
      client.close(CloseCode.normalClosure, 'done');
      await taskCompletion(run);
      expect([task.closeCode, task.closeReason]).to.deep.equal([1000, 'done']);
    });

    it("accepts undici's WHATWG WebSocket and errors with its close code", async () => {
      fixture = await startTaskServer();
      const client = new UndiciWebSocket(fixture.url);
      cleanups.push(async () => client.close());
      const { task } = await fixture.nextConnection();
      const run = observeTask(task);
      await new Promise((resolve) => client.addEventListener('open', resolve, { once: true }));
      client.send('from undici');
      await until(() => run.values.length === 1, 'the message');
      client.close(4002, 'undici leaves');
      const error = await taskError(run);
      expect([error.code, error.closeCode, error.closeReason, error.wasClean]).to.deep.equal(['ERR_CLOSED_BY_PEER', 4002, 'undici leaves', true]);
    });

    it('carries the upgrade request: path, query, headers, origin, offered protocols, remote address', async () => {
      // A browser-style Origin of another host: allowed as a user would allow it.
      fixture = await startTaskServer({ allowedOrigins: ['https://app.example.com'] });
      await openWsClient(`${fixture.url}/rooms/7?user=ada`, ['chat.v2', 'chat.v1'], { headers: { 'x-api-key': 'k1' }, origin: 'https://app.example.com' });
      const { request, protocol, id } = await fixture.nextConnection();
      expect(id).to.equal(1);
      expect(request.path).to.equal('/rooms/7');
      expect(request.url).to.equal('/rooms/7?user=ada');
      expect(request.query.get('user')).to.equal('ada');
      expect(request.headers['x-api-key']).to.equal('k1');
      expect(request.origin).to.equal('https://app.example.com');
      expect(request.protocols).to.deep.equal(['chat.v2', 'chat.v1']);
      expect(request.remoteAddress).to.equal('127.0.0.1');
      expect(request.remotePort).to.be.a('number');
      expect(request.secure).to.equal(false);
      expect(protocol).to.equal('chat.v2', "the client's first, by default");
    });

    it('chooses the first of its own protocols that the client offered', async () => {
      fixture = await startTaskServer({ protocols: ['chat.v3', 'chat.v1'] });
      const client = await openWsClient(fixture.url, ['chat.v2', 'chat.v1']);
      expect(client.protocol).to.equal('chat.v1');
      expect((await fixture.nextConnection()).protocol).to.equal('chat.v1');
    });

    it('routes by path in the pipeline', async () => {
      fixture = await startTaskServer({}, (server) => server.pipe(filter(({ request }) => request.path === '/admin')));
      const ignored = await openWsClient(`${fixture.url}/public`);
      await openWsClient(`${fixture.url}/admin`);
      expect((await fixture.nextConnection()).request.path).to.equal('/admin');
      expect(fixture.accepted).to.have.length(1);
      expect(ignored.readyState).to.equal(WebSocket.OPEN);
    });

    it('emits each connection to every subscriber while subscribed', async () => {
      fixture = await startTaskServer();
      const second = firstValueFrom(fixture.server.pipe(take(1)));
      await openWsClient(fixture.url);
      const [viaFixture, viaSecond] = await Promise.all([fixture.nextConnection(), second]);
      expect(viaSecond).to.equal(viaFixture);
    });

    it('stops listening when the last subscriber leaves, keeps open connections, and listens again on a new subscription', async () => {
      fixture = await startTaskServer();
      const client = await openWsClient(fixture.url);
      const { task } = await fixture.nextConnection();
      const run = observeTask(task);
      fixture.subscription.unsubscribe();
      expect(fixture.server.state).to.equal('idle');
      const refused = new WebSocket(fixture.url);
      const refusal = await new Promise<Error>((resolve) => refused.once('error', resolve));
      expect((refusal as NodeJS.ErrnoException).code).to.equal('ECONNREFUSED');
      client.send('still open');
      await until(() => run.values.length === 1, 'a message on the open connection');
      const again = firstValueFrom(fixture.server);
      const { port } = (await fixture.server.whenListening()) as AddressInfo;
      await openWsClient(`ws://127.0.0.1:${port}`);
      expect((await again).id).to.equal(2);
    });

    it('errors its subscribers with the listen error (EADDRINUSE), and a new subscription can try again', async () => {
      const blocker = await listenOnLoopback(createServer());
      cleanups.push(() => new Promise((resolve) => blocker.close(() => resolve())));
      const { port } = blocker.address() as AddressInfo;
      const server = fromWebSocketServer({ port, host: '127.0.0.1' });
      const failure = await new Promise<unknown>((resolve) => server.subscribe({ error: resolve }));
      expect((failure as NodeJS.ErrnoException).code).to.equal('EADDRINUSE');
      expect(server.state).to.equal('idle');
      await new Promise<void>((resolve) => blocker.close(() => resolve()));
      const subscription = server.subscribe();
      expect((await server.whenListening()) as AddressInfo).to.include({ port });
      subscription.unsubscribe();
      await server.shutdown();
    });
  });

  describe('refusing an upgrade before the connection opens', () => {
    it('refuses with 401 when verifyUpgrade returns false; the client sees ERR_HANDSHAKE_REJECTED with httpStatus 401', async () => {
      fixture = await startTaskServer({ verifyUpgrade: ({ headers }) => headers.authorization === 'Bearer ok' });
      const events: WebSocketTaskServerEvent[] = [];
      fixture.server.lifecycle.subscribe((event) => events.push(event));
      const error = await taskError(observeTask(fromWebSocketTask(`${fixture.url}/private`)));
      expect([error.code, error.closeCode, error.httpStatus]).to.deep.equal(['ERR_HANDSHAKE_REJECTED', CloseCode.abnormalClosure, 401]);
      const allowed = fromWebSocketTask({ url: fixture.url, node: { headers: { authorization: 'Bearer ok' } } });
      const run = observeTask(allowed);
      observeTask((await fixture.nextConnection()).task);
      expect(fixture.accepted).to.have.length(1);
      const rejected = events.find((event) => event.type === 'rejected');
      expect(rejected).to.deep.include({ type: 'rejected', status: 401 });
      expect(rejected?.type === 'rejected' && rejected.request.path).to.equal('/private');
      allowed.complete();
      await taskCompletion(run);
    });

    it('answers with the status, body and headers of an asynchronous refusal', async () => {
      fixture = await startTaskServer({
        verifyUpgrade: async ({ query }) => {
          await delay(10);
          return query.get('token') === 'good' || { status: 403, message: 'token expired', headers: { 'x-reason': 'expired' } };
        },
      });
      const refusal = await refusedUpgrade(`${fixture.url}/?token=old`);
      expect(refusal.status).to.equal(403);
      expect(refusal.body).to.equal('token expired');
      expect(refusal.headers['x-reason']).to.equal('expired');
      await openWsClient(`${fixture.url}/?token=good`);
      expect((await fixture.nextConnection()).request.query.get('token')).to.equal('good');
    });

    it('refuses with 500 when verifyUpgrade throws, and reports the error on the lifecycle', async () => {
      const boom = new Error('auth service down');
      fixture = await startTaskServer({ verifyUpgrade: () => { throw boom; } });
      const rejected = firstValueFrom(fixture.server.lifecycle.pipe(filter((event) => event.type === 'rejected')));
      expect((await refusedUpgrade(fixture.url)).status).to.equal(500);
      expect(await rejected).to.deep.include({ status: 500, error: boom });
    });

    it('refuses upgrades for other paths with 404 when it serves one path', async () => {
      fixture = await startTaskServer({ path: '/live' });
      expect((await refusedUpgrade(`${fixture.url}/dead`)).status).to.equal(404);
      await openWsClient(`${fixture.url}/live?x=1`);
      expect((await fixture.nextConnection()).request.path).to.equal('/live');
    });

    it('answers plain HTTP requests to the server it created with 426 Upgrade Required, and closes the connection', async () => {
      fixture = await startTaskServer();
      const response = await new Promise<IncomingMessage>((resolve, reject) =>
        httpRequest(fixture.url.replace('ws:', 'http:'), (response) => {
          response.resume();
          resolve(response);
        }).on('error', reject).end(),
      );
      expect([response.statusCode, response.headers.connection]).to.deep.equal([426, 'close']);
    });
  });

  describe('attaching to an HTTP server and adopting a ws server', () => {
    it('attaches to an existing HTTP server, which keeps serving plain requests', async () => {
      const http = await listenOnLoopback(createServer((_req, res) => res.end('plain http')));
      cleanups.push(() => new Promise((resolve) => { http.closeAllConnections(); http.close(() => resolve()); }));
      fixture = await startTaskServer({ server: http });
      const { port } = http.address() as AddressInfo;
      expect(fixture.port).to.equal(port);
      const body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      expect(body).to.equal('plain http');
      await openWsClient(`ws://127.0.0.1:${port}/ws`);
      expect((await fixture.nextConnection()).request.path).to.equal('/ws');
      await fixture.close();
      expect(http.listening).to.equal(true, "the HTTP server is its owner's");
    });

    it('attaches to an HTTPS server: request.secure is true', async () => {
      const { key, cert } = await createTestCertificate();
      const https = await listenOnLoopback(createHttpsServer({ key, cert }));
      cleanups.push(() => new Promise((resolve) => { https.closeAllConnections(); https.close(() => resolve()); }));
      fixture = await startTaskServer({ server: https });
      const client = fromWebSocketTask({ url: `wss://127.0.0.1:${fixture.port}/secure`, node: { tls: { ca: cert, servername: 'localhost' } } });
      const run = observeTask(client);
      const { request, task } = await fixture.nextConnection();
      expect([request.secure, request.path]).to.deep.equal([true, '/secure']);
      task.cancel(CloseCode.normalClosure);
      await taskCompletion(run);
    });

    it("leaves upgrades for other paths to the HTTP server's other upgrade listeners", async () => {
      const http = await listenOnLoopback(createServer());
      cleanups.push(() => new Promise((resolve) => { http.closeAllConnections(); http.close(() => resolve()); }));
      const other = new WebSocketServer({ noServer: true });
      http.on('upgrade', (req, socket, head) => {
        if (req.url === '/other') other.handleUpgrade(req, socket, head, (ws) => ws.close(4444, 'the other server'));
      });
      fixture = await startTaskServer({ server: http, path: '/mine' });
      const client = await openWsClient(`ws://127.0.0.1:${fixture.port}/other`);
      expect(await closeEventOf(client)).to.deep.equal({ code: 4444, reason: 'the other server' });
      expect(fixture.accepted).to.have.length(0);
    });

    it('serves several paths with several task servers on one HTTP server, and refuses a path none serves with one 404', async () => {
      const http = await listenOnLoopback(createServer());
      cleanups.push(() => new Promise((resolve) => { http.closeAllConnections(); http.close(() => resolve()); }));
      const second = await startTaskServer({ server: http, path: '/b' });
      cleanups.push(() => second.close());
      fixture = await startTaskServer({ server: http, path: '/a' });
      const rejected: number[] = [];
      for (const server of [fixture.server, second.server]) {
        server.lifecycle.pipe(filter((event) => event.type === 'rejected')).subscribe((event) => rejected.push(event.type === 'rejected' ? event.status : 0));
      }
      expect((await refusedUpgrade(`${fixture.url}/c`)).status).to.equal(404);
      expect(rejected, 'one refusal, from one of the two servers').to.deep.equal([404]);
      await openWsClient(`ws://127.0.0.1:${fixture.port}/a`);
      await openWsClient(`ws://127.0.0.1:${fixture.port}/b`);
      expect((await fixture.nextConnection()).request.path).to.equal('/a');
      expect((await second.nextConnection()).request.path).to.equal('/b');
      expect([fixture.accepted.length, second.accepted.length]).to.deep.equal([1, 1]);
    });

    it('adopts an existing ws WebSocketServer and closes it at shutdown', async () => {
      const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', maxPayload: 1_048_576 });
      await new Promise((resolve) => wss.once('listening', resolve));
      const { port } = wss.address() as AddressInfo;
      fixture = await startTaskServer({ webSocketServer: wss });
      expect(fixture.port).to.equal(port);
      const client = await openWsClient(`ws://127.0.0.1:${port}/adopted`);
      const closed = closeEventOf(client);
      expect((await fixture.nextConnection()).request.path).to.equal('/adopted');
      const report = await fixture.server.shutdown();
      expect(report).to.include({ connections: 1, closedCleanly: 1 });
      expect((await closed).code).to.equal(CloseCode.goingAway);
      const late = new WebSocket(`ws://127.0.0.1:${port}`);
      expect(await new Promise<string>((resolve) => late.once('error', (error) => resolve((error as NodeJS.ErrnoException).code ?? '')))).to.equal('ECONNREFUSED');
    });

    it('closes with tryAgainLater (1013) what an adopted server accepts while nobody subscribes', async () => {
      const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
      await new Promise((resolve) => wss.once('listening', resolve));
      fixture = await startTaskServer(fromWebSocketServerArgs(wss));
      fixture.subscription.unsubscribe();
      const client = await openWsClient(fixture.url);
      expect((await closeEventOf(client)).code).to.equal(CloseCode.tryAgainLater);
    });
  });

  describe('maximumMessageSize', () => {
    it('closes with messageTooBig (1009) a message over maximumMessageSize; both sides see 1009', async () => {
      fixture = await startTaskServer({ maximumMessageSize: 1024 });
      const client = fromWebSocketTask(fixture.url);
      const clientRun = observeTask(client);
      const { task } = await fixture.nextConnection();
      const serverRun = observeTask(task);
      client.next('x'.repeat(1024));
      await until(() => serverRun.values.length === 1, 'the message at the limit');
      client.next('x'.repeat(1025));
      const error = await taskError(serverRun);
      expect([error.code, error.closeCode]).to.deep.equal(['ERR_MESSAGE_TOO_BIG', CloseCode.messageTooBig]);
      expect((await taskError(clientRun)).closeCode).to.equal(CloseCode.messageTooBig);
    });

    it('uses 1 MiB when it creates the server', async () => {
      fixture = await startTaskServer();
      const client = await openWsClient(fixture.url);
      const closed = closeEventOf(client);
      const run = observeTask((await fixture.nextConnection()).task);
      client.send(Buffer.alloc(1_048_577));
      expect((await closed).code).to.equal(CloseCode.messageTooBig);
      expect((await taskError(run)).closeCode).to.equal(CloseCode.messageTooBig);
    });

    it("refuses a maximumMessageSize other than an adopted server's maxPayload, saying what to do", () => {
      const wss = new WebSocketServer({ noServer: true, maxPayload: 2048 });
      expect(() => fromWebSocketServer(wss, { maximumMessageSize: 1024 }))
        .to.throw(WebSocketTaskError, /maxPayload \(2048\).*create the WebSocketServer with maxPayload/);
      expect(() => fromWebSocketServer(wss)).not.to.throw();
    });
  });

  describe('task options', () => {
    it('passes them to every connection: a heartbeat drops a client that stops answering pings (1006)', async () => {
      fixture = await startTaskServer({ heartbeat: { interval: 30, timeout: 100 } });
      const limited = firstValueFrom(fixture.server.lifecycle.pipe(filter((event) => event.type === 'limited')));
      const silent = await connectRawClient(fixture.url); // never answers a ping
      const silentConnection = await fixture.nextConnection();
      const silentRun = observeTask(silentConnection.task);
      const answering = await openWsClient(fixture.url); // ws answers pings by itself
      const answeringRun = observeTask((await fixture.nextConnection()).task);
      const error = await taskError(silentRun);
      expect([error.code, error.closeCode]).to.deep.equal(['ERR_HEARTBEAT_TIMEOUT', CloseCode.abnormalClosure]);
      expect(await limited).to.deep.equal({ type: 'limited', reason: 'heartbeat', closeCode: CloseCode.abnormalClosure, connection: silentConnection });
      await silent.ended;
      await delay(150);
      expect(answering.readyState).to.equal(WebSocket.OPEN);
      answering.close(CloseCode.normalClosure);
      await taskCompletion(answeringRun);
    });
  });

  describe('claiming connections', () => {
    it('closes a connection nobody subscribes to within claimTimeout with policyViolation (1008)', async () => {
      fixture = await startTaskServer({ claimTimeout: 50 }, (server) => server.pipe(filter(() => false)));
      const limited = firstValueFrom(fixture.server.lifecycle.pipe(filter((event) => event.type === 'limited')));
      const client = await openWsClient(fixture.url);
      expect(await closeEventOf(client)).to.deep.equal({ code: CloseCode.policyViolation, reason: 'no handler for this connection' });
      expect(await limited).to.deep.include({ type: 'limited', reason: 'claimTimeout', closeCode: CloseCode.policyViolation });
      await until(() => fixture.server.connections.length === 0, 'the server to forget it');
    });

    it('leaves a connection with a subscriber open after claimTimeout', async () => {
      fixture = await startTaskServer({ claimTimeout: 30 });
      const client = await openWsClient(fixture.url);
      const run = observeTask((await fixture.nextConnection()).task);
      await delay(80);
      expect(client.readyState).to.equal(WebSocket.OPEN);
      client.close(CloseCode.normalClosure);
      await taskCompletion(run);
    });
  });

  describe('configuration', () => {
    const invalid: Array<[string, Record<string, unknown>, RegExp]> = [
      ['no source', {}, /exactly one of port/],
      ['two sources', { port: 0, server: createServer() }, /exactly one of port/],
      ['a port out of range', { port: 70000 }, /port must be an integer/],
      ['host without port', { server: createServer(), host: '127.0.0.1' }, /host and backlog go with port/],
      ['a path without a slash', { port: 0, path: 'live' }, /path must start with/],
      ['protocols that are not names', { port: 0, protocols: [''] }, /protocols must be/],
      ['a claimTimeout of 0', { port: 0, claimTimeout: 0 }, /claimTimeout must be/],
      ['a bad task option', { port: 0, maximumMessageSize: -1 }, /maximumMessageSize must be a positive number/],
      ['verifyUpgrade with an adopted server', { webSocketServer: new WebSocketServer({ noServer: true }), verifyUpgrade: () => true }, /verifyUpgrade cannot be used with an adopted ws server/],
      ['allowedOrigins with an adopted server', { webSocketServer: new WebSocketServer({ noServer: true }), allowedOrigins: '*' }, /allowedOrigins cannot be used with an adopted ws server/],
      ['an allowedOrigins entry that is not an origin', { port: 0, allowedOrigins: ['example.com'] }, /allowedOrigins: "example.com" is not an origin: write scheme:\/\/host\[:port\]/],
      ['allowedOrigins of another kind', { port: 0, allowedOrigins: 'same-host' }, /allowedOrigins must be '\*', a list of origins or a function/],
      ['a maxConnections of 0', { port: 0, maxConnections: 0 }, /maxConnections must be a positive integer \(Infinity: no limit\), not 0/],
      ['a fractional maxConnectionsPerAddress', { port: 0, maxConnectionsPerAddress: 1.5 }, /maxConnectionsPerAddress must be a positive integer/],
      ['a clientAddressHeader that is not a header name', { port: 0, clientAddressHeader: 'x forwarded' }, /clientAddressHeader must be a header name/],
      ['handshakeTimeout with an attached server', { server: createServer(), handshakeTimeout: 5000 }, /handshakeTimeout goes with port: .*headersTimeout and requestTimeout/],
      ['a handshakeTimeout of 0', { port: 0, handshakeTimeout: 0 }, /handshakeTimeout must be a positive number/],
      ['an inboundRate without a budget', { port: 0, inboundRate: { interval: 1000 } }, /inboundRate needs messages, bytes or both/],
      ['an inboundRate byte budget below maximumMessageSize', { port: 0, inboundRate: { bytes: 1000, interval: 1000 } }, /inboundRate.bytes \(1000\) is less than maximumMessageSize \(1048576\)/],
    ];
    for (const [what, config, message] of invalid) {
      it(`throws ERR_INVALID_CONFIG for ${what}`, () => {
        let thrown: unknown;
        try {
          fromWebSocketServer(config as never);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).to.be.instanceOf(WebSocketTaskError);
        expect((thrown as WebSocketTaskError).code).to.equal('ERR_INVALID_CONFIG');
        expect((thrown as Error).message).to.match(message);
      });
    }

    it('validates the shutdown close code synchronously', () => {
      const server = fromWebSocketServer({ port: 0 });
      expect(() => server.shutdown({ closeCode: CloseCode.abnormalClosure })).to.throw(WebSocketTaskError, /1006/);
      expect(server.state).to.equal('idle');
    });
  });

  it('completes new subscribers once shut down, and whenListening rejects', async () => {
    const server = fromWebSocketServer({ port: 0, host: '127.0.0.1' });
    await server.shutdown();
    expect(server.state).to.equal('closed');
    expect(await firstValueFrom(server.pipe(toArray()))).to.deep.equal([]);
    let rejected: unknown;
    await server.whenListening().catch((error: unknown) => (rejected = error));
    expect(rejected).to.be.instanceOf(WebSocketTaskError);
  });
});

function fromWebSocketServerArgs(wss: WebSocketServer) {
  return { webSocketServer: wss };
}

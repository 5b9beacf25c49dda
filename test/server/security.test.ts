// fromWebSocketServer under attack, on loopback: foreign origins, connection floods from one
// address, half-sent upgrade requests, and a client flooding messages past its budget. Every
// attack is bounded in count and time; the figures are printed.
import { expect } from 'chai';
import { request as httpRequest, type IncomingHttpHeaders } from 'node:http';
import { connect, type Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { Worker } from 'node:worker_threads';
import { filter, firstValueFrom, tap } from 'rxjs';
import WebSocket from 'ws';
import { CloseCode, fromWebSocketTask, WebSocketTaskError, type WebSocketMessage } from '../../src/index';
import type { WebSocketTaskServer } from '../../src/server/index';
import { observeTask, taskError } from '../support/observe-task';
import { startTaskServer, until, type TaskServerFixture } from './support/task-server';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** The heap in use after two full collections. */
function heapUsed(): number {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
}

type Attempt = { readonly status: number; readonly headers: IncomingHttpHeaders; readonly body: string };

/** Sends an upgrade request; resolves with the response (101 for an accepted upgrade, whose socket is then dropped). */
function attemptUpgrade(url: string, headers: Record<string, string> = {}): Promise<Attempt> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url.replace('ws:', 'http:'), {
      agent: false,
      headers: { Connection: 'Upgrade', Upgrade: 'websocket', 'Sec-WebSocket-Version': '13', 'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==', ...headers },
    });
    req.on('upgrade', (response, socket) => {
      socket.destroy();
      resolve({ status: 101, headers: response.headers, body: '' });
    });
    req.on('response', (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => (body += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a plain `ws` client (no Origin unless given) and resolves once open. */
function openClient(url: string, options: WebSocket.ClientOptions = {}): Promise<WebSocket> {
  const client = new WebSocket(url, options);
  client.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    client.once('open', () => resolve(client));
    client.once('unexpected-response', (_req, response) => {
      client.terminate();
      reject(new Error(`HTTP ${response.statusCode}`));
    });
  });
}

/** Sends `text` and resolves with the round-trip time in ms once it comes back. */
function echo(client: WebSocket, text: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const onMessage = (data: WebSocket.RawData) => {
      if (String(data) !== text) return;
      client.off('message', onMessage).off('close', onClose);
      resolve(performance.now() - started);
    };
    const onClose = (code: number, reason: Buffer) => reject(new Error(`closed with ${code} "${String(reason)}" before the echo`));
    client.on('message', onMessage).once('close', onClose);
    client.send(text);
  });
}

/** Each connection's task echoes its messages. */
const echoing = (server: WebSocketTaskServer<WebSocketMessage>) =>
  server.pipe(tap(({ task }) => task.subscribe({ next: (message) => task.next(message), error: () => undefined })));

/** Counts the server's lifecycle events by type and reason (events are not kept: they hold requests). */
function countEvents(server: Pick<WebSocketTaskServer<unknown>, 'lifecycle'>): Map<string, number> {
  const counts = new Map<string, number>();
  server.lifecycle.subscribe((event) => {
    const key = event.type === 'refused' || event.type === 'limited' ? `${event.type}:${event.reason}:${'status' in event ? event.status : event.closeCode}` : event.type;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  });
  return counts;
}

/** The live handles that matter for a leak: sockets, servers and timers. */
function handles(): Record<string, number> {
  const counts: Record<string, number> = { TCPSocketWrap: 0, TCPServerWrap: 0, Timeout: 0 };
  for (const name of process.getActiveResourcesInfo()) if (name in counts) counts[name]! += 1;
  return counts;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

const ms = (value: number) => `${value.toFixed(1)} ms`;

describe('fromWebSocketServer security', () => {
  let fixture: TaskServerFixture<WebSocketMessage> | undefined;
  const clients: Array<WebSocket | Socket> = [];
  let baseline: Record<string, number>;

  before(() => {
    baseline = handles();
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client instanceof WebSocket ? client.terminate() : client.destroy();
    await fixture?.close();
    fixture = undefined;
  });

  describe('Origin', () => {
    it('refuses a browser upgrade from a foreign Origin with 403 by default, and opens one from its own host or without Origin', async () => {
      fixture = await startTaskServer({}, echoing);
      const refused = firstValueFrom(fixture.server.lifecycle.pipe(filter((event) => event.type === 'refused')));
      const foreign = await attemptUpgrade(fixture.url, { Origin: 'https://evil.example' });
      expect([foreign.status, foreign.body]).to.deep.equal([403, 'origin not allowed']);
      const event = await refused;
      expect(event).to.deep.include({ type: 'refused', reason: 'origin', status: 403, clientAddress: '127.0.0.1' });
      expect(event.type === 'refused' && event.request?.origin).to.equal('https://evil.example');
      // The page's host is the server's host (127.0.0.1), on another port: same host.
      clients.push(await openClient(fixture.url, { origin: 'http://127.0.0.1:4200' }));
      clients.push(await openClient(fixture.url));
      expect(fixture.server.connections).to.have.length(2);
    });

    it('opens an allowed Origin of a list, with subdomain patterns, and refuses the rest', async () => {
      fixture = await startTaskServer({ allowedOrigins: ['https://app.example.com', 'https://*.example.org'] }, echoing);
      for (const origin of ['https://app.example.com', 'https://a.b.example.org']) {
        expect((await attemptUpgrade(fixture.url, { Origin: origin })).status, origin).to.equal(101);
      }
      for (const origin of ['http://app.example.com', 'https://app.example.com:8443', 'https://example.org', 'https://example.org.evil.net', 'null', 'http://127.0.0.1']) {
        expect((await attemptUpgrade(fixture.url, { Origin: origin })).status, origin).to.equal(403);
      }
      expect((await attemptUpgrade(fixture.url)).status, 'no Origin').to.equal(101);
    });

    it("opens any Origin with allowedOrigins: '*'", async () => {
      fixture = await startTaskServer({ allowedOrigins: '*' });
      expect((await attemptUpgrade(fixture.url, { Origin: 'https://anywhere.example' })).status).to.equal(101);
    });

    it('gives a client of this library ERR_HANDSHAKE_REJECTED with httpStatus 403', async () => {
      fixture = await startTaskServer();
      const error = await taskError(observeTask(fromWebSocketTask({ url: fixture.url, node: { origin: 'https://evil.example' } })));
      expect([error.code, error.closeCode, error.httpStatus]).to.deep.equal(['ERR_HANDSHAKE_REJECTED', CloseCode.abnormalClosure, 403]);
    });
  });

  describe('connection limits', () => {
    it('refuses 900 of 1,000 connections from one address with 503 and Retry-After past maxConnectionsPerAddress 100; the first 100 stay open and echo, and the heap stays flat', async function () {
      this.timeout(20_000);
      const started = performance.now();
      fixture = await startTaskServer({ maxConnectionsPerAddress: 100 }, echoing);
      const events = countEvents(fixture.server);
      const first = await Promise.all(Array.from({ length: 100 }, () => openClient(fixture!.url)));
      clients.push(...first);
      await Promise.all(first.map((client, i) => echo(client, `before ${i}`)));
      const heapBefore = heapUsed();
      const attackStarted = performance.now();
      // In batches of 100 at once; only the outcomes are kept, so that the heap shows what the server holds.
      const outcomes = new Map<string, number>();
      for (let batch = 0; batch < 9; batch++) {
        for (const { status, headers, body } of await Promise.all(Array.from({ length: 100 }, () => attemptUpgrade(fixture!.url)))) {
          const outcome = `${status} Retry-After: ${headers['retry-after']} ${body}`;
          outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
        }
      }
      const attack = performance.now() - attackStarted;
      expect(Object.fromEntries(outcomes)).to.deep.equal({ '503 Retry-After: 5 too many connections from this address': 900 });
      const latencies = await Promise.all(first.map((client, i) => echo(client, `after ${i}`)));
      expect(first.every((client) => client.readyState === WebSocket.OPEN)).to.equal(true);
      expect(fixture.server.connections).to.have.length(100);
      const heapAfter = heapUsed();
      const growth = (heapAfter - heapBefore) / 1_048_576;
      console.log(
        `      900 refused (503, Retry-After: 5) in ${ms(attack)}; the 100 open echoed again (p50 ${ms(percentile(latencies, 50))}, ` +
          `max ${ms(Math.max(...latencies))}); heap ${(heapBefore / 1_048_576).toFixed(1)} → ${(heapAfter / 1_048_576).toFixed(1)} MiB ` +
          `(${growth >= 0 ? '+' : ''}${growth.toFixed(2)} MiB); whole test ${ms(performance.now() - started)}`,
      );
      expect(growth, 'heap growth in MiB').to.be.below(2);
      expect(events.get('refused:maxConnectionsPerAddress:503')).to.equal(900);
      expect(performance.now() - started).to.be.below(15_000);
    });

    it('refuses past maxConnections with 503 and Retry-After, and takes a new connection once one closed', async () => {
      fixture = await startTaskServer({ maxConnections: 2 }, echoing);
      const [a, b] = [await openClient(fixture.url), await openClient(fixture.url)];
      clients.push(a, b);
      const third = await attemptUpgrade(fixture.url);
      expect([third.status, third.headers['retry-after'], third.body]).to.deep.equal([503, '5', 'too many connections']);
      a.close(CloseCode.normalClosure);
      await until(() => fixture!.server.connections.length === 1, 'the server to see the close');
      const c = await openClient(fixture.url);
      clients.push(c);
      expect(await echo(c, 'in')).to.be.a('number');
    });

    it('counts upgrades still being verified', async () => {
      let release!: () => void;
      const verified = new Promise<void>((resolve) => (release = resolve));
      let verifying = 0;
      fixture = await startTaskServer({ maxConnections: 1, verifyUpgrade: () => (verifying++, verified.then(() => true)) });
      const pending = attemptUpgrade(fixture.url);
      await until(() => verifying === 1, 'the first upgrade to be verified');
      expect((await attemptUpgrade(fixture.url)).status).to.equal(503);
      release();
      expect((await pending).status).to.equal(101);
    });

    it('counts the last address of clientAddressHeader per client, so a spoofed first entry does not help', async () => {
      fixture = await startTaskServer({ maxConnectionsPerAddress: 1, clientAddressHeader: 'X-Forwarded-For' });
      const events = countEvents(fixture.server);
      clients.push(await openClient(fixture.url, { headers: { 'x-forwarded-for': '127.0.0.7' } }));
      clients.push(await openClient(fixture.url, { headers: { 'x-forwarded-for': '127.0.0.9' } }));
      const spoofed = await attemptUpgrade(fixture.url, { 'X-Forwarded-For': '127.0.0.21, 127.0.0.7' });
      expect(spoofed.status).to.equal(503);
      expect(events.get('refused:maxConnectionsPerAddress:503')).to.equal(1);
    });
  });

  describe('handshake timeout', () => {
    it('answers 408 and closes 200 upgrades that send half a request line and stop, holding none', async function () {
      this.timeout(10_000);
      fixture = await startTaskServer({ handshakeTimeout: 300 }, echoing);
      const events = countEvents(fixture.server);
      const before = handles().TCPSocketWrap;
      const started = performance.now();
      const ends = await Promise.all(
        Array.from({ length: 200 }, async () => {
          const socket = connect(fixture!.port, '127.0.0.1');
          clients.push(socket);
          let received = '';
          socket.setEncoding('latin1').on('data', (chunk: string) => (received += chunk));
          socket.on('error', () => undefined);
          await new Promise((resolve) => socket.once('connect', resolve));
          socket.write('GET /chat HT');
          await new Promise((resolve) => socket.once('close', resolve));
          return { received, after: performance.now() - started };
        }),
      );
      const slowest = Math.max(...ends.map(({ after }) => after));
      console.log(`      200 half-sent upgrades: all closed with 408 after ${ms(Math.min(...ends.map(({ after }) => after)))}–${ms(slowest)} (handshakeTimeout 300 ms)`);
      expect(ends.every(({ received }) => received.startsWith('HTTP/1.1 408 Request Timeout'))).to.equal(true);
      expect(slowest).to.be.within(280, 2_000);
      expect(events.get('refused:handshakeTimeout:408')).to.equal(200);
      await until(() => handles().TCPSocketWrap <= before, 'the sockets to be released');
      const client = await openClient(fixture.url);
      clients.push(client);
      expect(await echo(client, 'still serving')).to.be.a('number');
    });

    it('leaves a connection whose upgrade completed alone after the timeout', async () => {
      fixture = await startTaskServer({ handshakeTimeout: 50 }, echoing);
      const client = await openClient(fixture.url);
      clients.push(client);
      await new Promise((resolve) => setTimeout(resolve, 150));
      expect(await echo(client, 'open')).to.be.a('number');
    });
  });

  describe('inbound rate', () => {
    it('closes a client flooding 100,000 messages past its budget with 1008 "rate limit"; another client keeps its echo latency', async function () {
      this.timeout(20_000);
      fixture = await startTaskServer({ inboundRate: { messages: 1_000, interval: 1_000 } });
      const events = countEvents(fixture.server);
      const delivered = new Map<number, number>();
      const serverEnds = new Map<number, Promise<unknown>>();
      fixture.subscription.add(
        fixture.server.subscribe(({ id, task }) => {
          delivered.set(id, 0);
          serverEnds.set(id, new Promise((resolve) =>
            task.subscribe({ next: (message) => (delivered.set(id, delivered.get(id)! + 1), task.next(message)), error: resolve, complete: () => resolve(undefined) }),
          ));
        }),
      );
      const calm = await openClient(fixture.url);
      clients.push(calm);
      // The calm client sends one message every 10 ms (100 a second, a tenth of the budget).
      const pace = () => new Promise((resolve) => setTimeout(resolve, 10));
      const before: number[] = [];
      for (let i = 0; i < 50; i++, await pace()) before.push(await echo(calm, `before ${i}`));

      // The flooder runs in a worker thread, as another process would: its sending loop does not stall this one.
      const flooder = new Worker(
        `const { parentPort, workerData } = require('node:worker_threads');
         const WebSocket = require('ws');
         const socket = new WebSocket(workerData.url);
         socket.on('error', () => undefined);
         socket.on('open', () => {
           parentPort.postMessage({ type: 'flooding' });
           for (let i = 0; i < 100000; i++) socket.send('flood ' + i);
           parentPort.postMessage({ type: 'sent' });
         });
         socket.on('close', (code, reason) => parentPort.postMessage({ type: 'closed', code, reason: String(reason) }));`,
        { eval: true, workerData: { url: fixture.url } },
      );
      const flooderEvents: Array<{ type: string; code?: number; reason?: string; at: number }> = [];
      flooder.on('message', (message: { type: string }) => flooderEvents.push({ ...message, at: performance.now() }));
      await until(() => flooderEvents.some(({ type }) => type === 'flooding'), 'the flood');
      const floodStarted = performance.now();
      const during: number[] = [];
      while (!flooderEvents.some(({ type }) => type === 'closed') || during.length < 20) {
        during.push(await echo(calm, `during ${during.length}`));
        if (performance.now() - floodStarted > 10_000) break;
        await pace();
      }
      const closed = flooderEvents.find(({ type }) => type === 'closed');
      await flooder.terminate();
      const floodId = 2;
      const serverError = await serverEnds.get(floodId);
      expect(serverError).to.be.instanceOf(WebSocketTaskError);
      console.log(
        `      flooder: closed ${closed?.code} "${closed?.reason}" ${ms((closed?.at ?? NaN) - floodStarted)} after it began; ` +
          `its task received ${delivered.get(floodId)} of 100,000 messages\n` +
          `      calm client's echo: before p50 ${ms(percentile(before, 50))}, p99 ${ms(percentile(before, 99))}, max ${ms(Math.max(...before))}; ` +
          `during the flood (${during.length} round trips) p50 ${ms(percentile(during, 50))}, p99 ${ms(percentile(during, 99))}, max ${ms(Math.max(...during))}`,
      );
      expect([closed?.code, closed?.reason]).to.deep.equal([CloseCode.policyViolation, 'rate limit']);
      const { code, closeCode, closeReason, message } = serverError as WebSocketTaskError;
      expect([code, closeCode, closeReason]).to.deep.equal(['ERR_RATE_LIMITED', CloseCode.policyViolation, 'rate limit']);
      expect(message).to.equal('The client sent more than 1000 messages in 1000 ms (inboundRate): the connection was closed with policyViolation (1008).');
      // The budget, plus what refilled (one a millisecond) while the first thousand arrived.
      expect(delivered.get(floodId)).to.be.within(1_000, 1_500);
      expect(events.get('limited:inboundRate:1008')).to.equal(1);
      expect(calm.readyState).to.equal(WebSocket.OPEN);
      expect(percentile(during, 50), 'median echo during the flood').to.be.below(50);
      expect(Math.max(...during), 'slowest echo during the flood').to.be.below(1_000);
    });

    it('lets a client within its byte budget through, and closes one past it', async () => {
      fixture = await startTaskServer({ maximumMessageSize: 1024, inboundRate: { bytes: 4096, interval: 60_000 } }, echoing);
      const client = await openClient(fixture.url);
      clients.push(client);
      const closed = new Promise<[number, string]>((resolve) => client.once('close', (code, reason) => resolve([code, String(reason)])));
      for (let i = 0; i < 4; i++) await echo(client, String(i).repeat(1024));
      client.send('x');
      expect(await closed).to.deep.equal([CloseCode.policyViolation, 'rate limit']);
    });
  });

  describe('afterwards', () => {
    it('leaves no socket, server or timer behind', async () => {
      const back = () => {
        const now = handles();
        return now.TCPSocketWrap <= baseline.TCPSocketWrap! && now.TCPServerWrap <= baseline.TCPServerWrap! && now.Timeout <= baseline.Timeout!;
      };
      await until(back, 'the handles to return to the baseline', 5_000).catch(() => {
        throw new Error(`handles ${JSON.stringify(handles())}, baseline ${JSON.stringify(baseline)}`);
      });
    });
  });
});

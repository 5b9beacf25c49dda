// Graceful shutdown: stop accepting, close every connection with one code, wait for the
// close handshakes up to a timeout, terminate the rest, report how each ended.
import { expect } from 'chai';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mergeMap, toArray, firstValueFrom } from 'rxjs';
import { WebSocket as UndiciWebSocket } from 'undici';
import WebSocket from 'ws';
import { CloseCode, fromWebSocketTask } from '../../src/index';
import { observeTask, taskError, type TaskRun } from '../support/observe-task';
import { listenOnLoopback } from '../support/ws-test-server';
import { connectRawClient } from './support/raw-client';
import { startTaskServer, until, type TaskServerFixture } from './support/task-server';

function wsClosed(client: WebSocket): Promise<number> {
  return new Promise((resolve) => client.once('close', (code) => resolve(code)));
}

describe('graceful shutdown', () => {
  let fixture: TaskServerFixture<any>;
  const cleanups: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    await fixture?.close();
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('closes every connection with goingAway (1001), waits for the handshakes, and reports them clean', async () => {
    fixture = await startTaskServer();
    const own = observeTask(fromWebSocketTask(fixture.url));
    const plain = new WebSocket(fixture.url);
    const plainClosed = wsClosed(plain);
    const undici = new UndiciWebSocket(fixture.url);
    const undiciClosed = new Promise<number>((resolve) => undici.addEventListener('close', (event) => resolve(event.code)));
    const serverRuns = [];
    for (let i = 0; i < 3; i++) serverRuns.push(observeTask((await fixture.nextConnection()).task));
    await own.closeCodeAtOpen;
    const report = await fixture.server.shutdown();
    expect(report).to.deep.include({ connections: 3, closedCleanly: 3, closedUncleanly: 0, terminated: 0, closeCode: CloseCode.goingAway });
    expect((await taskError(own)).closeCode).to.equal(CloseCode.goingAway);
    expect(await plainClosed).to.equal(CloseCode.goingAway);
    expect(await undiciClosed).to.equal(CloseCode.goingAway);
    for (const run of serverRuns) {
      const end = await run.end;
      expect(end.kind).to.equal('complete', 'a close the server started completes its subscribers');
    }
    expect(fixture.server.state).to.equal('closed');
  });

  it('closes with the code and reason the user picks', async () => {
    fixture = await startTaskServer();
    const own = observeTask(fromWebSocketTask(fixture.url));
    observeTask((await fixture.nextConnection()).task);
    await own.closeCodeAtOpen;
    const report = await fixture.server.shutdown({ closeCode: CloseCode.serviceRestart, reason: 'deploying v2' });
    expect(report.closeCode).to.equal(CloseCode.serviceRestart);
    const error = await taskError(own);
    expect([error.closeCode, error.closeReason]).to.deep.equal([CloseCode.serviceRestart, 'deploying v2']);
  });

  it('closes connections nobody claimed too, with a complete handshake', async () => {
    fixture = await startTaskServer();
    const client = new WebSocket(fixture.url);
    const closed = wsClosed(client);
    await fixture.nextConnection();
    await new Promise((resolve) => client.once('open', resolve));
    client.send('never read');
    const report = await fixture.server.shutdown({ timeout: 5000 });
    expect(report).to.include({ connections: 1, closedCleanly: 1 });
    expect(await closed).to.equal(CloseCode.goingAway);
  });

  it('terminates connections whose client does not answer within the timeout, and counts them', async () => {
    fixture = await startTaskServer();
    const silent = await connectRawClient(fixture.url); // reads, but never answers a Close frame
    const answering = new WebSocket(fixture.url);
    cleanups.push(() => answering.terminate());
    const runs = [observeTask((await fixture.nextConnection()).task), observeTask((await fixture.nextConnection()).task)];
    const report = await fixture.server.shutdown({ timeout: 200 });
    expect(report).to.include({ connections: 2, closedCleanly: 1, closedUncleanly: 0, terminated: 1 });
    expect((await silent.closeFrame()).closeCode).to.equal(CloseCode.goingAway);
    await silent.ended;
    for (const run of runs) expect((await run.end).kind).to.equal('complete');
  });

  it('counts a client that drops TCP instead of answering as closed uncleanly', async () => {
    fixture = await startTaskServer();
    const raw = await connectRawClient(fixture.url);
    observeTask((await fixture.nextConnection()).task);
    const shutdown = fixture.server.shutdown({ timeout: 5000 });
    await raw.closeFrame();
    raw.destroy();
    expect(await shutdown).to.include({ connections: 1, closedCleanly: 0, closedUncleanly: 1, terminated: 0 });
  });

  it('stops accepting at once: subscribers complete, and new clients are refused', async () => {
    fixture = await startTaskServer();
    const completed = firstValueFrom(fixture.server.pipe(toArray()));
    const shutdown = fixture.server.shutdown();
    expect(fixture.server.state).to.equal('shuttingDown');
    expect(await completed).to.deep.equal([]);
    const error = await taskError(observeTask(fromWebSocketTask(fixture.url)));
    expect(error.code).to.equal('ERR_CONNECTION_FAILED');
    expect(await shutdown).to.include({ connections: 0 });
    expect(fixture.server.shutdown()).to.equal(shutdown, 'idempotent');
  });

  it('answers upgrades with 503 on an attached HTTP server while shutting down, and leaves the HTTP server running', async () => {
    const http = await listenOnLoopback(createServer((_req, res) => res.end('ok')));
    cleanups.push(() => new Promise<void>((resolve) => { http.closeAllConnections(); http.close(() => resolve()); }));
    const { port } = http.address() as AddressInfo;
    fixture = await startTaskServer({ server: http });
    const raw = await connectRawClient(fixture.url); // never answers: keeps the shutdown going
    observeTask((await fixture.nextConnection()).task);
    const shutdown = fixture.server.shutdown({ timeout: 300 });
    const late = await taskError(observeTask(fromWebSocketTask(`ws://127.0.0.1:${port}`)));
    expect([late.code, late.httpStatus]).to.deep.equal(['ERR_HANDSHAKE_REJECTED', 503]);
    expect(await shutdown).to.include({ terminated: 1 });
    await raw.ended;
    expect(await (await fetch(`http://127.0.0.1:${port}/`)).text()).to.equal('ok');
    const after = await taskError(observeTask(fromWebSocketTask(`ws://127.0.0.1:${port}`)));
    expect([after.code, after.httpStatus]).to.deep.equal(['ERR_HANDSHAKE_REJECTED', 200], 'after the shutdown the upgrade is the HTTP server\'s again');
  });

  it('with 1,000 connections: every client gets goingAway (1001), all close cleanly, none hang', async function () {
    this.timeout(120_000);
    const total = 1000;
    fixture = await startTaskServer({}, (server) => server);
    const serverRuns: TaskRun<unknown>[] = [];
    const sub = fixture.server.pipe(mergeMap(async (connection) => serverRuns.push(observeTask(connection.task)))).subscribe();
    const clients: TaskRun<unknown>[] = [];
    for (let batch = 0; batch < total / 100; batch++) {
      const opened = [];
      for (let i = 0; i < 100; i++) {
        const run = observeTask(fromWebSocketTask(fixture.url));
        clients.push(run);
        opened.push(run.closeCodeAtOpen);
      }
      await Promise.all(opened);
    }
    await until(() => fixture.server.connections.length === total && serverRuns.length === total, '1,000 accepted connections', 30_000);
    const started = performance.now();
    const report = await fixture.server.shutdown({ timeout: 30_000 });
    const wallTime = performance.now() - started;
    const ends = await Promise.all(clients.map((run) => run.end));
    const codes = new Set(ends.map((end) => (end.kind === 'error' ? end.error.closeCode : CloseCode.normalClosure)));
    console.log(
      `      shutdown of ${report.connections} connections: ${report.closedCleanly} clean, ${report.closedUncleanly} unclean, ` +
        `${report.terminated} terminated, ${Math.round(wallTime)} ms; client codes: ${[...codes].join(', ')}`,
    );
    expect(report).to.deep.include({ connections: total, closedCleanly: total, closedUncleanly: 0, terminated: 0 });
    expect([...codes]).to.deep.equal([CloseCode.goingAway]);
    expect(ends.every((end) => end.kind === 'error' && end.error.wasClean)).to.equal(true);
    expect((await Promise.all(serverRuns.map((run) => run.end))).every((end) => end.kind === 'complete')).to.equal(true);
    sub.unsubscribe();
  });
});

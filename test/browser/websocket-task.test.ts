// The browser build (dist/browser) in real headless Chromium, against loopback `ws`
// servers: each test plays the server here, in Node, and drives a task in the page
// through `window.harness` (test/browser/page/harness.ts). Every scenario of a task runs on
// each transport a page can use (the platform's WebSocket, and WebSocketStream).
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { StaticServer } from './support/static-server';
import { pageTransports, type ReplierReport, type ShownClosed, type ShownEnding, type ShownMessage, type TaskStatus, type Thrown } from './support/harness-types';
import {
  closeAfter300ms,
  describeTally,
  expectHonestAccounting,
  playCloseRace,
  rawServerForEachTest,
  textAndCloseInOneWrite,
  type CloseRacePlay,
  type CloseRaceRun,
} from '../support/close-race-accounting';
import { startWsServer, unusedPort, type PeerConnection, type WsTestServer } from '../support/ws-test-server';
import { launchChromium, requireChromium, screenshotOnFailure, type Chromium } from './support/chromium';
import { startBrowserBuildSite } from './support/browser-build-site';

/** Calls `window.harness[name](...args)` in the page and returns its (awaited) result. */
function harness<T>(page: Page, name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(`window.harness[${JSON.stringify(name)}](...${JSON.stringify(args)})`) as Promise<T>;
}

describe('browser build in Chromium', function () {
  this.timeout(60_000);
  let chromium: Chromium | undefined;
  let site: StaticServer | undefined;
  let page: Page;
  let server: WsTestServer;
  const pageErrors: Error[] = [];
  let taskCount = 0;

  before(async function () {
    requireChromium(this);
    site = await startBrowserBuildSite();
    chromium = await launchChromium();
    page = await chromium.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(`${site.origin}/`);
    await page.waitForFunction('window.harness !== undefined', undefined, { timeout: 10_000 });
  });

  after(async () => {
    await chromium?.close();
    await site?.close();
  });

  beforeEach(async () => {
    server = await startWsServer();
  });

  afterEach(async function () {
    await screenshotOnFailure(this, page);
    await server.close();
    expect(pageErrors, 'uncaught errors in the page').to.deep.equal([]);
  });

  it('runs the marble-testing kit (rxjs-websocket-task/testing) in the browser', async () => {
    expect(await harness<string[]>(page, 'marbleKit')).to.deep.equal([]);
  });

  for (const transport of pageTransports) {
    describe(`the task on ${transport}`, () => {
      /** Opens a task in the page and returns its id and the server side of its connection. */
      async function open(config: { maximumMessageSize?: number } = {}): Promise<{ id: string; peer: PeerConnection; before: TaskStatus }> {
        const id = `task-${++taskCount}`;
        const before = await harness<TaskStatus>(page, 'open', id, { url: server.url, transport, ...config });
        const peer = await server.nextConnection();
        await harness(page, 'opened', id);
        return { id, peer, before };
      }

      const ended = (id: string) => harness<TaskStatus>(page, 'ended', id);

      it('runs the browser build: WHATWG close-code rules, no Node modules', async () => {
        const { id } = await open();
        const status = await harness<TaskStatus>(page, 'status', id);
        expect(status.closeCodeRules).to.equal('whatwg');
        expect(await harness(page, 'complete', id)).to.equal(undefined);
        await ended(id);
      });

      it('sends and receives text and binary messages', async () => {
        const { id, peer } = await open();
        await harness(page, 'send', id, { text: 'héllo ✓' });
        await harness(page, 'send', id, { bytes: [0, 1, 2, 255] });
        const text = await peer.nextMessage();
        const binary = await peer.nextMessage();
        expect(text).to.deep.equal({ data: 'héllo ✓', isBinary: false });
        expect(binary.isBinary).to.equal(true);
        expect([...(binary.data as Buffer)]).to.deep.equal([0, 1, 2, 255]);

        peer.socket.send('wörld ✓');
        peer.socket.send(Buffer.from([9, 8, 7, 0]));
        const status = await harness<TaskStatus>(page, 'received', id, 2);
        expect(status.received).to.deep.equal([{ text: 'wörld ✓' }, { bytes: [9, 8, 7, 0] }]);
      });

      it('reads closeCode invalid (0) before and while open, then the close code', async () => {
        const { id, peer, before } = await open();
        expect(before).to.include({ state: 'connecting', closeCode: 0, closeReason: undefined });
        peer.socket.send('ping');
        const open1 = await harness<TaskStatus>(page, 'received', id, 1);
        expect(open1).to.include({ state: 'open', closeCode: 0, closeReason: undefined });

        peer.socket.close(1000, 'done');
        const after = await ended(id);
        expect(after).to.include({ state: 'closed', closeCode: 1000, closeReason: 'done' });
      });

      it('completes subscribers when the server closes with normalClosure (1000)', async () => {
        const { id, peer } = await open();
        peer.socket.close(1000, 'done');
        const status = await ended(id);
        expect(status.ending).to.deep.equal({ kind: 'complete' });
        expect(status).to.include({ closeCode: 1000, closeReason: 'done' });
      });

      it('sends normalClosure (1000) on complete(), and subscribers complete', async () => {
        const { id, peer } = await open();
        expect(await harness<Thrown>(page, 'complete', id)).to.equal(undefined);
        expect(await peer.closed).to.deep.equal({ code: 1000, reason: '' });
        const status = await ended(id);
        expect(status.ending).to.deep.equal({ kind: 'complete' });
        expect(status.closeCode).to.equal(1000);
      });

      it('errors with the app code 4001 and its reason when the server closes with them', async () => {
        const { id, peer } = await open();
        peer.socket.close(4001, 'session expired');
        const status = await ended(id);
        expect(status.ending).to.deep.include({
          kind: 'error',
          isWebSocketTaskError: true,
          name: 'WebSocketTaskError',
          code: 'ERR_CLOSED_BY_PEER',
          closeCode: 4001,
          closeReason: 'session expired',
          wasClean: true,
        });
        expect(status).to.include({ closeCode: 4001, closeReason: 'session expired' });
      });

      it('errors with abnormalClosure (1006) when the connection drops without a Close frame', async () => {
        const { id, peer } = await open();
        peer.socket.terminate();
        const status = await ended(id);
        expect(status.ending).to.deep.include({
          kind: 'error',
          isWebSocketTaskError: true,
          code: 'ERR_CONNECTION_LOST',
          closeCode: 1006,
          wasClean: false,
        });
        expect(status.closeCode).to.equal(1006);
      });

      it('errors with abnormalClosure (1006) when the connection is refused', async () => {
        const id = `task-${++taskCount}`;
        await harness(page, 'open', id, { url: `ws://127.0.0.1:${await unusedPort()}/`, transport });
        const status = await ended(id);
        expect(status.ending).to.deep.include({ kind: 'error', code: 'ERR_CONNECTION_FAILED', closeCode: 1006, wasClean: false });
      });

      it('errors with messageTooBig (1009) on a binary message over maximumMessageSize; the server receives 4009', async () => {
        const { id, peer } = await open({ maximumMessageSize: 1024 });
        peer.socket.send(Buffer.alloc(1024, 1));
        await harness(page, 'received', id, 1);
        peer.socket.send(Buffer.alloc(1025, 2));
        const status = await ended(id);
        expect(status.received).to.have.length(1);
        expect(status.ending).to.deep.include({ kind: 'error', code: 'ERR_MESSAGE_TOO_BIG', closeCode: 1009 });
        expect(status.closeCode).to.equal(1009);
        expect((await peer.closed).code).to.equal(4009);
      });

      it('errors with messageTooBig (1009) on a text message over maximumMessageSize, counted in UTF-8 bytes', async () => {
        const { id, peer } = await open({ maximumMessageSize: 1024 });
        peer.socket.send('é'.repeat(512)); // 1024 bytes
        await harness(page, 'received', id, 1);
        peer.socket.send(`${'é'.repeat(512)}!`); // 1025 bytes
        const status = await ended(id);
        expect(status.ending).to.deep.include({ kind: 'error', code: 'ERR_MESSAGE_TOO_BIG', closeCode: 1009 });
        expect((await peer.closed).code).to.equal(4009);
      });

      it('refuses close codes browsers may not send with a clear error, before the platform throws', async () => {
        const { id, peer } = await open();
        // The platform's own answer: a DOMException, and nothing on the wire.
        const native = await harness<Thrown>(page, 'nativeClose', server.url, 1001);
        expect(native).to.include({ isWebSocketTaskError: false, name: 'InvalidAccessError' });
        await server.nextConnection();

        for (const call of [
          ['cancel', id, 1001, 'leaving'],
          ['cancel', id, 1011],
          ['error', id, 1008, 'policy'],
        ] as const) {
          const [name, ...args] = call;
          const thrown = await harness<Thrown>(page, name, ...args);
          expect(thrown, `${call[0]}(${call[2]})`).to.include({
            isWebSocketTaskError: true,
            code: 'ERR_INVALID_CLOSE_CODE',
            closeCode: 0,
          });
          expect(thrown!.message).to.contain('only 1000 and 3000–4999');
        }

        // Nothing reached the wire: the connection is open and still carries messages.
        const status = await harness<TaskStatus>(page, 'status', id);
        expect(status).to.include({ state: 'open', closeCode: 0 });
        expect(status.ending).to.equal(undefined);
        await harness(page, 'send', id, { text: 'still here' });
        expect(await peer.nextMessage()).to.deep.equal({ data: 'still here', isBinary: false });

        // An application code is sendable: the server receives it, subscribers complete.
        expect(await harness<Thrown>(page, 'cancel', id, 4000, 'bye')).to.equal(undefined);
        expect(await peer.closed).to.deep.equal({ code: 4000, reason: 'bye' });
        const ending = (await ended(id)).ending as ShownEnding;
        expect(ending.kind).to.equal('complete');
      });

      it('refuses a close reason over 123 bytes of UTF-8 with a clear error, and sends one of exactly 123', async () => {
        const { id, peer } = await open();
        const tooLong = 'é'.repeat(62); // 124 bytes
        const thrown = await harness<Thrown>(page, 'cancel', id, 4000, tooLong);
        expect(thrown, 'cancel(4000, 124 bytes)').to.include({ isWebSocketTaskError: true, code: 'ERR_CLOSE_REASON_TOO_LONG' });
        expect((await harness<TaskStatus>(page, 'status', id)).state, 'nothing reached the wire').to.equal('open');

        const longest = `${'é'.repeat(61)}x`; // 123 bytes
        expect(await harness<Thrown>(page, 'cancel', id, 4000, longest)).to.equal(undefined);
        expect(await peer.closed).to.deep.equal({ code: 4000, reason: longest });
        expect((await ended(id)).ending).to.deep.equal({ kind: 'complete' });
      });

      // A peer's text frame and its Close frame in one TCP write reach Chromium in one read:
      // Chromium answers the Close before the page runs, yet `onmessage` still reads OPEN and
      // `send` is accepted (bufferedAmount rises) and then dropped. The task cannot see that, so
      // a WHATWG write counts as sent only when the socket still reads open a delivery window
      // (100 ms) later; until then it is in doubt. These runs check the accounting against what
      // a raw server actually received.
      describe('replies written as the peer closes (raw frame server)', () => {
        const raw = rawServerForEachTest();

        /** What the server received, and what the page reported, for one run. */
        interface Run extends CloseRaceRun<ShownMessage, ShownClosed> {
          readonly report: ReplierReport;
        }

        /**
         * Opens a replying task in the page and plays run `run` of the close race against it;
         * `closed` is what the page's lifecycle `closed` event says.
         */
        async function replyRun(run: number, play: CloseRacePlay): Promise<Run> {
          const id = `replier-${++taskCount}`;
          await harness(page, 'openReplier', id, { url: raw.url(), transport });
          const conn = await raw.nextConnection();
          await harness(page, 'opened', id);
          let report: ReplierReport | undefined;
          const result = await playCloseRace<ShownMessage, ShownClosed>(conn, run, play, async () => {
            report = await harness<ReplierReport>(page, 'replierClosed', id);
            return report.closed;
          });
          return { ...result, report: report! };
        }

        /** Sent only what the server got; every reply counted exactly once; unreceived ones reported. */
        function expectHonest(run: Run, label: string): void {
          expect(run.report.received, `${label}: the page received the message`).to.have.length(1);
          expect(run.report.replies, `${label}: the page replied once, without a throw`).to.have.length(1);
          expect(run.report.replies[0]!.thrown, label).to.equal(undefined);
          expectHonestAccounting(run, { text: run.reply }, label);
        }

        it('reports a reply written in the turn the peer Close arrives (one TCP write) as in doubt, never as sent', async () => {
          const runs: Run[] = [];
          for (let i = 0; i < 20; i++) runs.push(await replyRun(i, textAndCloseInOneWrite));
          const first = runs[0]!.report;
          console.log(
            `      Chromium ${transport}, text + Close(4001) in one write, ${describeTally(runs)}; ` +
              `in onmessage: state ${first.replies[0]?.state}, bufferedAmount ${first.replies[0]?.bufferedBefore} → ${first.replies[0]?.bufferedAfter}`,
          );
          runs.forEach((run, i) => {
            expectHonest(run, `run ${i}`);
            expect(run.clientCloseCode, `run ${i}: the page echoes 4001`).to.equal(4001);
            expect(run.closed, `run ${i}`).to.include({ closeCode: 4001, closeReason: 'bye', wasClean: true, errorCode: 'ERR_CLOSED_BY_PEER' });
          });
        });

        it('counts a reply written 300 ms before the peer Close as sent, and the server receives it', async () => {
          const runs: Run[] = [];
          for (let i = 0; i < 5; i++) runs.push(await replyRun(i, closeAfter300ms));
          console.log(`      Chromium ${transport}, Close(4001) 300 ms after the text, ${describeTally(runs)}`);
          runs.forEach((run, i) => {
            expectHonest(run, `run ${i}`);
            expect(run.receivedBeforeClose, `run ${i}: the server received the reply`).to.equal(1);
            expect(run.closed, `run ${i}`).to.deep.include({ sent: 1, inDoubt: [], undelivered: [], closeCode: 4001 });
          });
        });
      });
    });
  }
});

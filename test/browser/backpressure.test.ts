// Inbound backpressure in real Chromium: a loopback `ws` server pushes 4,000 × 16 KiB to a
// page whose pipeline takes one message and pauses. A transport that can stop reading leaves
// the messages on the server (its `bufferedAmount`) and the page's heap flat; one that cannot
// (classic WebSocket) lands them all in the page. Either way, after resume every message is
// consumed once, in order. The figures are printed for docs/performance.md; the assertions
// are the qualitative facts, never a timing.
import { expect } from 'chai';
import type { Page } from 'playwright-core';
import type { InboundOrder, PageTransport, PausedReader } from './support/harness-types';
import { launchChromium, requireChromium, screenshotOnFailure, type Chromium } from './support/chromium';
import { startBrowserBuildSite } from './support/browser-build-site';
import { describeFigures, pushToPausedPage, type PausedPage, type PausedRunFigures } from './support/paused-page-run';
import type { StaticServer } from './support/static-server';

/** Calls `window.backpressure[name](...args)` in the page. */
function probe<T>(page: Page, name: string, ...args: unknown[]): Promise<T> {
  return page.evaluate(`window.backpressure[${JSON.stringify(name)}](...${JSON.stringify(args)})`) as Promise<T>;
}

/** A raw platform socket in the page (no library): the browser's own `WebSocketStream` or `WebSocket`. */
function rawPlatformReader(page: Page, transport: 'WebSocket' | 'WebSocketStream'): PausedPage {
  const id = `raw-${transport}`;
  return {
    open: (url) => probe(page, 'openRaw', id, url, transport, 1),
    status: () => probe<PausedReader>(page, 'status', id),
    resume: (total) => probe<InboundOrder>(page, 'resume', id, total),
  };
}

/** A task of the browser build in the page on `transport`, paused by `pauseInbound()`. */
function taskPausedByHand(page: Page, transport: PageTransport): PausedPage {
  const id = `task-${transport}`;
  return {
    open: (url) => probe(page, 'openTask', id, url, transport, 1),
    status: () => probe<PausedReader>(page, 'status', id),
    resume: (total) => probe<InboundOrder>(page, 'resume', id, total),
  };
}

/** The high-water mark of the `processInbound` runs: messages received and not yet finished before the task pauses. */
const HIGH_WATER_MARK = 16;

/**
 * A task of the browser build in the page on `transport`, its pipeline
 * `processInbound(task, step, { concurrency: 1, highWaterMark: 16 })` with a step that waits.
 */
function taskPausedByProcessInbound(page: Page, transport: PageTransport): PausedPage {
  const id = `processed-${transport}`;
  return {
    open: (url) => probe(page, 'openProcessedTask', id, url, transport, 1, HIGH_WATER_MARK),
    status: () => probe<PausedReader>(page, 'status', id),
    resume: (total) => probe<InboundOrder>(page, 'resume', id, total),
  };
}

/** Each message once, in order. */
function expectEveryMessageOnceInOrder(figures: PausedRunFigures): void {
  expect(figures.order, 'what the page consumed after resuming').to.deep.equal({
    consumed: figures.messages,
    outOfOrder: 0,
    firstOutOfOrder: undefined,
  });
}

/**
 * The server held most of what it pushed; the page's heap did not take it, and at most
 * `inPage` messages wait in the page's JS (an operator's high-water mark).
 */
function expectHeldOnTheServer(figures: PausedRunFigures, inPage = 0): void {
  expect(figures.stopsReading, 'the page could stop reading').to.equal(true);
  expect(figures.heldOnServer, "the server's bufferedAmount while the page was paused: most of what it pushed").to.be.above(figures.pushedBytes / 2);
  expect(figures.landedInPage, 'messages waiting in the page').to.be.at.most(inPage);
  expect(figures.heapPaused - figures.heapBefore, "the page heap's growth: a small part of what was pushed").to.be.below(figures.pushedBytes / 8);
}

/** Everything landed in the page, whose heap took it. */
function expectLandedInThePage(figures: PausedRunFigures): void {
  expect(figures.stopsReading, 'the page could stop reading').to.equal(false);
  expect(figures.landedInPage, 'messages waiting in the page: all but the one consumed').to.equal(figures.messages - 1);
  expect(figures.heldOnServer, "the server's bufferedAmount while the page was paused").to.equal(0);
  expect(figures.heapPaused - figures.heapBefore, "the page heap's growth: most of what was pushed").to.be.above((figures.pushedBytes * 3) / 4);
}

describe('inbound backpressure in Chromium: 4,000 × 16 KiB pushed to a paused page', function () {
  this.timeout(180_000);
  let chromium: Chromium | undefined;
  let site: StaticServer | undefined;
  let page: Page | undefined;
  const pageErrors: Error[] = [];

  before(async function () {
    requireChromium(this);
    site = await startBrowserBuildSite();
    chromium = await launchChromium();
  });

  after(async () => {
    await chromium?.close();
    await site?.close();
  });

  // A fresh page per run, so that one run's garbage is not in the next one's heap figures.
  beforeEach(async () => {
    page = await chromium!.newPage();
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(`${site!.origin}/`);
    await page.waitForFunction('window.backpressure !== undefined', undefined, { timeout: 10_000 });
  });

  afterEach(async function () {
    await screenshotOnFailure(this, page);
    await page?.close();
    expect(pageErrors.splice(0), 'uncaught errors in the page').to.deep.equal([]);
  });

  describe("the platform's own sockets (no library)", () => {
    it("WebSocketStream: a reader that stops pulling leaves the messages on the server; after resume each arrives once, in order", async () => {
      const figures = await pushToPausedPage(page!, rawPlatformReader(page!, 'WebSocketStream'));
      console.log(`      ${describeFigures('raw WebSocketStream', figures)}`);
      expectEveryMessageOnceInOrder(figures);
      expectHeldOnTheServer(figures);
    });

    it('WebSocket: a page that cannot stop reading gets every message into its heap; after resume each is consumed once, in order', async () => {
      const figures = await pushToPausedPage(page!, rawPlatformReader(page!, 'WebSocket'));
      console.log(`      ${describeFigures('raw WebSocket', figures)}`);
      expectEveryMessageOnceInOrder(figures);
      expectLandedInThePage(figures);
    });
  });

  describe('a task of the browser build, paused with pauseInbound()', () => {
    it('on WebSocketStream: pauseInbound() stops reading and the messages stay on the server; after resumeInbound() each arrives once, in order', async () => {
      const figures = await pushToPausedPage(page!, taskPausedByHand(page!, 'WebSocketStream'));
      console.log(`      ${describeFigures('task on WebSocketStream, pauseInbound()', figures)}`);
      expectEveryMessageOnceInOrder(figures);
      expectHeldOnTheServer(figures);
    });

    it('on WebSocket: pauseInbound() returns false and every message lands in the page; each is consumed once, in order', async () => {
      const figures = await pushToPausedPage(page!, taskPausedByHand(page!, 'WebSocket'));
      console.log(`      ${describeFigures('task on WebSocket, pauseInbound()', figures)}`);
      expectEveryMessageOnceInOrder(figures);
      expectLandedInThePage(figures);
    });
  });

  describe(`a task of the browser build, its pipeline processInbound(…, { concurrency: 1, highWaterMark: ${HIGH_WATER_MARK} })`, () => {
    it(`on WebSocketStream: the operator pauses at ${HIGH_WATER_MARK} unfinished messages and the rest stay on the server; after the step goes on each is processed once, in order`, async () => {
      const figures = await pushToPausedPage(page!, taskPausedByProcessInbound(page!, 'WebSocketStream'));
      console.log(`      ${describeFigures(`task on WebSocketStream, processInbound (highWaterMark ${HIGH_WATER_MARK})`, figures)}`);
      expectEveryMessageOnceInOrder(figures);
      expectHeldOnTheServer(figures, HIGH_WATER_MARK);
    });

    it('on WebSocket: the operator cannot pause, every message waits in the page; each is still processed once, in order', async () => {
      const figures = await pushToPausedPage(page!, taskPausedByProcessInbound(page!, 'WebSocket'));
      console.log(`      ${describeFigures(`task on WebSocket, processInbound (highWaterMark ${HIGH_WATER_MARK})`, figures)}`);
      expectEveryMessageOnceInOrder(figures);
      expectLandedInThePage(figures);
    });
  });
});

// The Angular example (examples/angular), built by the Angular CLI, in real headless
// Chromium against a loopback price server: the page and the server share one origin, as
// in production (the app connects to /prices on its own host). Checks what the page shows.
// The app must be built first: `npm run example:angular` (CI does it before `npm test`).
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { attachWsServer, type PeerConnection, type WsTestServer } from '../support/ws-test-server';
import { launchChromium, requireChromium, screenshotOnFailure, type Chromium } from './support/chromium';
import { startStaticServer, type StaticServer } from './support/static-server';

const app = fileURLToPath(new URL('../../examples/angular/dist/price-board/browser/', import.meta.url));

/** The text of the element with `data-testid`, trimmed; '' when it is not there. */
async function shown(page: Page, testId: string): Promise<string> {
  const locator = page.locator(`[data-testid="${testId}"]`);
  return (await locator.count()) === 0 ? '' : (await locator.first().innerText()).replace(/\s+/g, ' ').trim();
}

/** Waits until the element with `data-testid` shows `expected` (or matches it). */
async function until(page: Page, testId: string, expected: string | RegExp, timeout = 5_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let actual = '';
  while (Date.now() < deadline) {
    actual = await shown(page, testId);
    if (typeof expected === 'string' ? actual === expected : expected.test(actual)) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`[data-testid="${testId}"] shows "${actual}", not ${String(expected)}, after ${timeout} ms`);
}

/** The next connection the price server accepts, within `timeout` ms. */
async function nextConnection(server: WsTestServer, timeout = 5_000): Promise<PeerConnection> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the app did not connect to /prices within ${timeout} ms`)), timeout);
  });
  try {
    return await Promise.race([server.nextConnection(), late]);
  } finally {
    clearTimeout(timer);
  }
}

const tick = (symbol: string, price: number) => JSON.stringify({ type: 'tick', symbol, price });

describe('Angular example in Chromium', function () {
  this.timeout(60_000);
  let chromium: Chromium | undefined;
  let site: StaticServer | undefined;
  let prices: WsTestServer | undefined;
  let page: Page | undefined;

  before(async function () {
    requireChromium(this);
    if (!existsSync(join(app, 'index.html'))) {
      const message = `the Angular example is not built (${app}): run \`npm run example:angular\`.`;
      if (process.env['CI']) throw new Error(message);
      console.warn(`    (skipped: ${message})`);
      this.skip();
    }
    site = await startStaticServer({ directories: { '/': app }, fallback: join(app, 'index.html') });
    prices = attachWsServer(site.server, 'ws', { path: '/prices' });
    chromium = await launchChromium();
  });

  afterEach(async function () {
    await screenshotOnFailure(this, page);
  });

  after(async () => {
    await chromium?.close();
    await prices?.close();
    await site?.close();
  });

  it('shows the state and the last close code through a reconnect and a final application close', async () => {
    const errors: string[] = [];
    page = await chromium!.newPage();
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${site!.origin}/`);

    // The app connects and subscribes to its symbols.
    const first = await nextConnection(prices!);
    expect(JSON.parse(String((await first.nextMessage()).data))).to.deep.equal({ type: 'subscribe', symbols: ['BTC', 'ETH', 'SOL'] });
    await until(page, 'state', 'open');
    expect(await shown(page, 'close-code')).to.equal('none yet');
    first.socket.send(tick('BTC', 64000.5));
    first.socket.send(tick('ETH', 3120.25));
    await until(page, 'prices', 'BTC 64,000.50 ETH 3,120.25');

    // The server goes away (1001): the app shows it, reconnects by itself, subscribes again.
    first.socket.close(1001, 'deploy');
    await until(page, 'close-code', 'goingAway (1001) “deploy”');
    const second = await nextConnection(prices!);
    expect(JSON.parse(String((await second.nextMessage()).data))).to.include({ type: 'subscribe' });
    await until(page, 'state', 'open');
    expect(await shown(page, 'close-code')).to.equal('goingAway (1001) “deploy”');
    second.socket.send(tick('BTC', 64100));
    await until(page, 'prices', 'BTC 64,100.00 ETH 3,120.25');

    // An application code (4001) is not retried: the feed stops and says why.
    second.socket.close(4001, 'session expired');
    await until(page, 'state', 'closed');
    expect(await shown(page, 'close-code')).to.equal('4001 (private) “session expired”');
    await until(page, 'failure', 'Feed stopped: ERR_CLOSED_BY_PEER: 4001 (private) “session expired”');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(prices!.connections, 'connections after 4001').to.have.length(2);
    expect(errors).to.deep.equal([]);
  });
});

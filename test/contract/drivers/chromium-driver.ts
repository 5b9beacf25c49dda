/**
 * Driver (e): a client task of the package's browser build (dist/browser) in headless
 * Chromium, on each transport a page can use, against a loopback raw frame server whose every
 * byte the script decides, as drivers/client-driver.ts does in Node. The task side runs in the
 * page (test/browser/page/contract-runner.ts), the peers here (test/browser/support/contract-page-runner.ts).
 */
import { existsSync } from 'node:fs';
import type { Page } from 'playwright-core';
import { startBrowserBuildSite } from '../../browser/support/browser-build-site';
import { chromiumPath, launchChromium, type Chromium } from '../../browser/support/chromium';
import { runInPage } from '../../browser/support/contract-page-runner';
import { pageTransports, type PageTransport } from '../../browser/support/harness-types';
import type { StaticServer } from '../../browser/support/static-server';
import { AsyncQueue } from '../../support/async-queue';
import { startRawFrameServer } from '../../support/raw-frame-server';
import { startRejectingServer } from '../../support/ws-test-server';
import { ANOTHER_CONNECTION, type ContractDriver } from '../driver';
import { LoopbackPeer } from '../loopback-peer';

/** One Chromium and one page for every row of every Chromium driver; launched on first use. */
interface Browser {
  readonly chromium: Chromium;
  readonly site: StaticServer;
  readonly page: Page;
  /** Uncaught errors in the page since the last run took them. */
  readonly pageErrors: Error[];
}

let browser: Promise<Browser> | undefined;

function openBrowser(): Promise<Browser> {
  browser ??= (async () => {
    const site = await startBrowserBuildSite();
    const chromium = await launchChromium();
    const page = await chromium.newPage();
    const pageErrors: Error[] = [];
    page.on('pageerror', (error) => pageErrors.push(error));
    await page.goto(`${site.origin}/`);
    await page.waitForFunction('window.contract !== undefined', undefined, { timeout: 10_000 });
    return { chromium, site, page, pageErrors };
  })();
  return browser;
}

async function closeBrowser(): Promise<void> {
  const opened = browser;
  browser = undefined;
  if (opened === undefined) return;
  const { chromium, site } = await opened;
  await chromium.close();
  await site.close();
}

/** A client task in Chromium over `transport`. */
export function chromiumDriver(name: string, transport: PageTransport): ContractDriver {
  return {
    name,
    facts: { driver: name, rules: 'whatwg' },
    deterministic: false,
    unsupported: (need) => (need === 'no other connection' ? ANOTHER_CONNECTION : undefined),
    close: closeBrowser,
    run: async (scenario) => {
      const { page, pageErrors } = await openBrowser();
      const result = await runInPage(page, transport, scenario, async (changed) => {
        const peers = new AsyncQueue<LoopbackPeer>(`${name} peers`);
        const rejects = scenario.steps.some((step) => step.type === 'reject');
        const server = rejects
          ? await startRejectingServer(503)
          : await startRawFrameServer((connection) => peers.push(new LoopbackPeer(connection, 'server', changed)));
        return {
          url: server.url,
          peerOf: (index) => peers.next(({ connection }) => new URL(connection.request.path, server.url).searchParams.get('connection') === String(index)),
          close: async () => {
            peers.end();
            await server.close();
          },
        };
      });
      const errors = pageErrors.splice(0);
      if (errors.length > 0) throw new Error(`uncaught errors in the page: ${errors.map(String).join('; ')}`);
      return result;
    },
  };
}

/**
 * The Chromium drivers, one per transport; none where Chromium is missing (with a warning),
 * except under CI, where their rows fail: `.ci/run` must have installed it.
 */
export function chromiumDrivers(): ContractDriver[] {
  if (!existsSync(chromiumPath) && !process.env['CI']) {
    console.warn(`(contract: no Chromium at ${chromiumPath}, its drivers are left out: apt-get install chromium, or set CHROMIUM_PATH)`);
    return [];
  }
  return pageTransports.map((transport) => chromiumDriver(`Chromium, the browser build's task on ${transport}`, transport));
}

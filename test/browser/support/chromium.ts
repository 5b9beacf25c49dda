/**
 * Headless Chromium for the browser tests: Debian's `chromium` package driven by
 * playwright-core, never a downloaded browser. `.ci/run` installs the package when it is
 * missing; elsewhere the tests skip without it (and fail under CI=true).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

/** Where the browser is: Debian's package, or `CHROMIUM_PATH`. */
export const chromiumPath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/**
 * The flags of every launch: headless, no sandbox (CI runs as root), and none of
 * Chromium's own network traffic (this machine reaches only loopback and the registries).
 */
export const chromiumFlags: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
];

/** Where failure screenshots go (`.tmp/` is ignored by git). */
export const testOutputDir = fileURLToPath(new URL('../../../.tmp/test-output/', import.meta.url));

/**
 * Skips the calling suite when Chromium is missing, except under CI, where a missing
 * browser is a failure: `.ci/run` must have installed it.
 */
export function requireChromium(context: Mocha.Context): void {
  if (existsSync(chromiumPath)) return;
  const message = `Chromium not found at ${chromiumPath}: install Debian's package (apt-get install chromium) or set CHROMIUM_PATH.`;
  if (process.env['CI']) throw new Error(message);
  console.warn(`    (skipped: ${message})`);
  context.skip();
}

/** A running Chromium with a fresh user-data dir; `close()` removes the dir. */
export interface Chromium {
  readonly context: BrowserContext;
  newPage(): Promise<Page>;
  close(): Promise<void>;
}

/** Launches Chromium with a new, empty user-data dir. */
export async function launchChromium(): Promise<Chromium> {
  const userDataDir = mkdtempSync(join(tmpdir(), 'rxjs-websocket-task-chromium-'));
  const context = await chromium.launchPersistentContext(userDataDir, {
    executablePath: chromiumPath,
    headless: true,
    args: [...chromiumFlags],
  });
  return {
    context,
    newPage: () => context.newPage(),
    async close() {
      await context.close();
      rmSync(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Saves a full-page screenshot into the test output and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(testOutputDir, { recursive: true });
  const path = join(testOutputDir, `${name.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '').toLowerCase()}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** In `afterEach`: a screenshot of `page` when the test failed, its path in the output. */
export async function screenshotOnFailure(context: Mocha.Context, page: Page | undefined): Promise<void> {
  const test = context.currentTest;
  if (page === undefined || test?.state !== 'failed') return;
  try {
    const path = await screenshot(page, test.fullTitle());
    console.log(`    screenshot of the failed test: ${path}`);
  } catch (error) {
    console.log(`    (no screenshot: ${String(error)})`);
  }
}

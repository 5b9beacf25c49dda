// The built library (dist/) against rxjs versions it does not support: the rxjs 8 and 9
// pre-releases, installed as the devDependencies `rxjs8` and `rxjs9` (npm aliases: nothing is
// downloaded here). Each build (ESM, CommonJS, browser) must load, and the first
// `fromWebSocketTask` must throw ERR_UNSUPPORTED_RXJS naming what it found, rather than die
// at import with a SyntaxError (ESM) or create a task that never connects (rxjs 9, CJS).
// `npm test` builds first; run alone, this needs a fresh `npm run build`.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const root = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** How each build is loaded, in a CommonJS `node -e` script run in the consumer folder. */
const probe = {
  esm: `import('rxjs-websocket-task')`,
  cjs: `Promise.resolve(require('rxjs-websocket-task'))`,
  // The browser build wants a global WebSocket, which Node 20 lacks: ws's stands in (nothing connects).
  browser:
    `(globalThis.WebSocket ??= require('ws').WebSocket, ` +
    `import(require('node:url').pathToFileURL(require('node:path').resolve('node_modules/rxjs-websocket-task/dist/browser/index.js')).href))`,
} as const;

/** Creates a task with the build `load` gives and prints what happened, as JSON. */
function script(load: string): string {
  return `${load}.then(({ fromWebSocketTask }) => {
    try {
      console.log(JSON.stringify({ created: fromWebSocketTask('ws://127.0.0.1:1/').constructor.name }));
    } catch (e) {
      console.log(JSON.stringify({ name: e.name, code: e.code, message: e.message }));
    }
  }, (e) => console.log(JSON.stringify({ importFailed: String(e) })));`;
}

/** A folder where `rxjs` is `rxjsPackage` and `rxjs-websocket-task` is a copy of dist/ (a symlink would resolve rxjs from the repository). */
function consumer(rxjsPackage: string): string {
  const dir = mkdtempSync(join(tmpdir(), `rxjs-websocket-task-${rxjsPackage}-`));
  const modules = join(dir, 'node_modules');
  const library = join(modules, 'rxjs-websocket-task');
  mkdirSync(library, { recursive: true });
  cpSync(join(root, 'package.json'), join(library, 'package.json'));
  for (const build of ['esm', 'cjs', 'browser']) cpSync(join(root, 'dist', build), join(library, 'dist', build), { recursive: true });
  symlinkSync(join(root, 'node_modules', rxjsPackage), join(modules, 'rxjs'), 'dir');
  symlinkSync(join(root, 'node_modules', 'ws'), join(modules, 'ws'), 'dir');
  return dir;
}

async function outcome(dir: string, build: keyof typeof probe): Promise<Record<string, string>> {
  const { stdout } = await run(process.execPath, ['-e', script(probe[build])], { cwd: dir, timeout: 20_000 });
  return JSON.parse(stdout) as Record<string, string>;
}

describe('the built library on an unsupported rxjs', function () {
  this.timeout(30_000);
  const dirs: Record<string, string> = {};

  const builds = Object.keys(probe) as (keyof typeof probe)[];

  before(async function () {
    if (!existsSync(join(root, 'dist'))) throw new Error('dist/ is missing: run `npm run build` first (`npm test` builds before testing).');
    for (const rxjsPackage of ['rxjs', 'rxjs8', 'rxjs9']) dirs[rxjsPackage] = consumer(rxjsPackage);
    // The control: the same folders and probes create tasks on rxjs 7.
    const control = await Promise.all(builds.map((build) => outcome(dirs.rxjs!, build)));
    expect(control, 'on rxjs 7').to.deep.equal(builds.map(() => ({ created: 'WebSocketTask' })));
  });

  after(() => {
    for (const dir of Object.values(dirs)) rmSync(dir, { recursive: true, force: true });
  });

  const expected = {
    rxjs8: 'rxjs-websocket-task needs rxjs ^7.8.0, but the rxjs it loaded is not a 7.x (it exposes no version): ' +
      "it exports no ObjectUnsubscribedError; its Subject's observers is read-only. Install rxjs 7 (npm install rxjs@7).",
    rxjs9: 'rxjs-websocket-task needs rxjs ^7.8.0, but the rxjs it loaded is 9.0.0-beta.0 (the version of its @rxjs/observable-polyfill): ' +
      'it exports no Observable, Subscription, ObjectUnsubscribedError, asyncScheduler; its Subject has no _subscribe, so a task would never connect. ' +
      'Install rxjs 7 (npm install rxjs@7).',
  };
  for (const [rxjsPackage, message] of Object.entries(expected)) {
    it(`loads every build on ${rxjsPackage} and throws ERR_UNSUPPORTED_RXJS from the first fromWebSocketTask`, async () => {
      const results = await Promise.all(builds.map((build) => outcome(dirs[rxjsPackage]!, build)));
      expect(Object.fromEntries(builds.map((build, i) => [build, results[i]]))).to.deep.equal(
        Object.fromEntries(builds.map((build) => [build, { name: 'WebSocketTaskError', code: 'ERR_UNSUPPORTED_RXJS', message }])),
      );
    });
  }
});

// The package as users get it: `npm pack`, then installed from the tarball into a fresh
// folder outside the repository, and used from there: ESM and CommonJS in Node (a real
// connection, through `ws`), TypeScript under node16 resolution, and a browser bundle run
// in Chromium. Needs a fresh `npm run build` (`npm test` builds first).
import { expect } from 'chai';
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import ts from 'typescript';
import { startWsServer, type WsTestServer } from '../support/ws-test-server';
import { launchChromium, requireChromium } from '../browser/support/chromium';
import { startStaticServer } from '../browser/support/static-server';

const run = promisify(execFile);
const root = fileURLToPath(new URL('../../', import.meta.url));
const lock = JSON.parse(readFileSync(join(root, 'package-lock.json'), 'utf8')) as {
  packages: Record<string, { version: string }>;
};
const locked = (name: string) => `${name}@${lock.packages[`node_modules/${name}`]!.version}`;

/** Runs `node` in the consumer folder and returns what it printed, parsed as JSON. */
async function node(cwd: string, file: string, env: Record<string, string> = {}): Promise<unknown> {
  const { stdout } = await run(process.execPath, [file], { cwd, env: { ...process.env, ...env }, timeout: 30_000 });
  return JSON.parse(stdout);
}

// What a consumer script checks, in ESM and in CommonJS: every entry point loads (./nestjs
// with its optional peers, Nest, installed; ./bus/redis* with ioredis installed), the testing kit's tasks are the main entry's
// class, and a real connection works.
const consumerCheck = (load: (specifier: string) => string) => `
  const main = ${load('rxjs-websocket-task')};
  const testing = ${load('rxjs-websocket-task/testing')};
  const server = ${load('rxjs-websocket-task/server')};
  const nestjs = ${load('rxjs-websocket-task/nestjs')};
  const busRedis = ${load('rxjs-websocket-task/bus/redis')};
  const busRedisStreams = ${load('rxjs-websocket-task/bus/redis-streams')};
  const task = main.fromWebSocketTask(process.env.ECHO_URL);
  const received = [];
  task.subscribe({
    next: (message) => { received.push(message); task.complete(); },
    complete: () => console.log(JSON.stringify({
      main: Object.keys(main).sort(),
      testing: Object.keys(testing).sort(),
      server: Object.keys(server).sort(),
      nestjs: Object.keys(nestjs).sort(),
      busRedis: Object.keys(busRedis).sort(),
      busRedisStreams: Object.keys(busRedisStreams).sort(),
      sharedClass: testing.createVirtualPeer().fromWebSocketTask('wss://x.test') instanceof main.WebSocketTask,
      closeCodeRules: task.closeCodeRules,
      received,
      closeCode: task.closeCode,
    })),
    error: (error) => { console.error(error); process.exit(1); },
  });
  task.next('hello from the tarball');
`;

describe('the packed tarball, installed in a fresh folder', function () {
  this.timeout(120_000);
  let work: string;
  let consumer: string;
  let echo: WsTestServer;
  let packedFiles: string[];

  before(async () => {
    if (!existsSync(join(root, 'dist/esm/index.js'))) {
      throw new Error('dist/ is missing: run `npm run build` first (`npm test` builds before testing).');
    }
    work = mkdtempSync(join(tmpdir(), 'rxjs-websocket-task-tarball-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: root });
    const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
    packedFiles = packed.files.map((file) => file.path);
    consumer = join(work, 'consumer');
    mkdirSync(consumer);
    writeFileSync(join(consumer, 'package.json'), JSON.stringify({ name: 'consumer', private: true }, null, 2));
    // rxjs (the peer dependency) and the optional peers of ./nestjs at the versions this
    // repository tests with; `ws` as the tarball's own dependency range resolves it.
    // --prefer-offline: npm's cache first.
    // @types/node and @types/ws only for the type check of the Node entries.
    const peers = ['rxjs', '@nestjs/common', '@nestjs/core', '@nestjs/websockets', 'reflect-metadata', 'ioredis', '@types/node', '@types/ws'].map(locked);
    await run(
      'npm',
      ['install', '--no-audit', '--no-fund', '--prefer-offline', '--no-package-lock', join(work, packed.filename), ...peers],
      { cwd: consumer, timeout: 100_000 },
    );
    echo = await startWsServer({ onConnection: ({ socket }) => socket.on('message', (data, isBinary) => socket.send(data, { binary: isBinary })) });
  });

  after(async () => {
    await echo?.close();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('contains dist, the docs (with the chart performance.md shows), the README and the node10 entry folders (testing, server, nestjs, bus/*), and no sources, tests or generated API pages', () => {
    expect(packedFiles).to.include.members(['package.json', 'README.md', 'dist/browser/index.js', 'dist/types/index.d.ts', 'dist/cjs/index.cjs']);
    expect(packedFiles).to.include.members(['docs/performance.svg', 'testing/package.json', 'server/package.json', 'nestjs/package.json', 'bus/redis/package.json', 'bus/redis-streams/package.json']);
    const unexpected = packedFiles.filter(
      (file) => !/^(package\.json|README\.md|LICENSE|dist\/.+|docs\/[^/]+\.(md|svg)|(testing|server|nestjs|bus\/(redis|redis-streams|nats))\/package\.json)$/.test(file),
    );
    expect(unexpected).to.deep.equal([]);
  });

  it('imports every entry point as ESM in Node and connects through ws', async () => {
    writeFileSync(join(consumer, 'check.mjs'), consumerCheck((specifier) => `await import('${specifier}')`));
    const result = (await node(consumer, 'check.mjs', { ECHO_URL: echo.url })) as Record<string, unknown>;
    expect(result['main']).to.include.members(['fromWebSocketTask', 'CloseCode', 'WebSocketTaskError', 'WebSocketTask']);
    expect(result['testing']).to.include.members(['createVirtualPeer', 'closeFrame', 'PeerEnding']);
    expect(result['server']).to.include('fromWebSocketServer');
    expect(result['nestjs']).to.include.members(['WebSocketTaskAdapter', 'WebSocketTaskExceptionFilter', 'broadcastToClients']);
    expect(result['busRedis']).to.deep.equal(['redisBus']);
    expect(result['busRedisStreams']).to.deep.equal(['redisStreamsBus']);
    expect(result).to.deep.include({ sharedClass: true, closeCodeRules: 'rfc6455', received: ['hello from the tarball'], closeCode: 1000 });
  });

  it('requires every entry point as CommonJS in Node and connects through ws', async () => {
    writeFileSync(join(consumer, 'check.cjs'), `(async () => {${consumerCheck((specifier) => `require('${specifier}')`)}})();`);
    const result = (await node(consumer, 'check.cjs', { ECHO_URL: echo.url })) as Record<string, unknown>;
    expect(result['main']).to.include.members(['fromWebSocketTask', 'CloseCode', 'WebSocketTaskError', 'WebSocketTask']);
    expect(result['server']).to.include('fromWebSocketServer');
    expect(result['nestjs']).to.include.members(['WebSocketTaskAdapter', 'WebSocketTaskExceptionFilter', 'broadcastToClients']);
    expect(result['busRedis']).to.deep.equal(['redisBus']);
    expect(result['busRedisStreams']).to.deep.equal(['redisStreamsBus']);
    expect(result).to.deep.include({ sharedClass: true, closeCodeRules: 'rfc6455', received: ['hello from the tarball'], closeCode: 1000 });
  });

  it('type-checks for TypeScript consumers, ESM and CommonJS, with no @types/node', () => {
    const source = (kind: string) => `
      import { CloseCode, fromWebSocketTask, jsonCodec, WebSocketTaskError, type WebSocketTask } from 'rxjs-websocket-task';
      import { createVirtualPeer, closeFrame } from 'rxjs-websocket-task/testing';
      const task: WebSocketTask<{ n: number }> = fromWebSocketTask({ url: 'wss://example.com', codec: jsonCodec<{ n: number }>() });
      task.subscribe({ error: (e: unknown) => e instanceof WebSocketTaskError && e.closeCode === CloseCode.messageTooBig });
      export const ${kind} = [task.closeCode, createVirtualPeer(), closeFrame(CloseCode.normalClosure)] as const;
    `;
    writeFileSync(join(consumer, 'esm.mts'), source('esm'));
    writeFileSync(join(consumer, 'cjs.cts'), source('cjs'));
    const program = ts.createProgram([join(consumer, 'esm.mts'), join(consumer, 'cjs.cts')], {
      module: ts.ModuleKind.Node16,
      moduleResolution: ts.ModuleResolutionKind.Node16,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts', 'lib.dom.d.ts'],
      types: [],
      strict: true,
      noEmit: true,
      skipLibCheck: false,
    });
    // @types/node is installed (for the Node entries' check below), but nothing here may load it.
    expect(program.getSourceFiles().map((file) => file.fileName).filter((name) => name.includes('/@types/node/'))).to.deep.equal([]);
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).to.deep.equal([]);
  });

  it('type-checks the Node entries (server, nestjs) for TypeScript consumers with @types/node, ESM and CommonJS (nodenext)', () => {
    const source = (kind: string) => `
      import { CloseCode } from 'rxjs-websocket-task';
      import { fromWebSocketServer } from 'rxjs-websocket-task/server';
      import { WebSocketTaskAdapter, WebSocketTaskExceptionFilter, type WebSocketTaskAdapterOptions } from 'rxjs-websocket-task/nestjs';
      const options: WebSocketTaskAdapterOptions = { heartbeat: { interval: 15_000, timeout: 5_000 }, shutdown: { closeCode: CloseCode.goingAway } };
      export const ${kind} = [fromWebSocketServer({ port: 0 }), new WebSocketTaskAdapter(undefined, options), new WebSocketTaskExceptionFilter({ close: { closeCode: 4003 } })] as const;
    `;
    writeFileSync(join(consumer, 'node-esm.mts'), source('esm'));
    writeFileSync(join(consumer, 'node-cjs.cts'), source('cjs'));
    // nodenext: Nest 12 is ESM-only, so CommonJS needs TypeScript's require(esm) support (5.8+).
    const program = ts.createProgram([join(consumer, 'node-esm.mts'), join(consumer, 'node-cjs.cts')], {
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      strict: true,
      noEmit: true,
      skipLibCheck: false,
    });
    const problems = ts
      .getPreEmitDiagnostics(program)
      .map((d) => `${d.file?.fileName ?? ''}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`);
    expect(problems).to.deep.equal([]);
  });

  describe('in a browser bundle', () => {
    let bundle: string;

    before(async () => {
      const result = await build({
        absWorkingDir: consumer,
        stdin: {
          contents: `
            import { CloseCode, fromWebSocketTask } from 'rxjs-websocket-task';
            import { createVirtualPeer } from 'rxjs-websocket-task/testing';
            window.result = new Promise((resolve, reject) => {
              const task = fromWebSocketTask(window.echoUrl);
              task.subscribe({
                next: (message) => { task.complete(); resolve({ message, rules: task.closeCodeRules, tooBig: CloseCode.messageTooBig, peer: typeof createVirtualPeer }); },
                error: reject,
              });
              task.next('hello from the bundle');
            });
          `,
          resolveDir: consumer,
        },
        bundle: true,
        format: 'esm',
        platform: 'browser',
        minify: true,
        metafile: true,
        write: false,
        logLevel: 'silent',
      });
      bundle = result.outputFiles[0]!.text;
      const inputs = Object.keys(result.metafile.inputs);
      expect(inputs.filter((input) => input.includes('node_modules/rxjs-websocket-task/'))).to.satisfy((files: string[]) =>
        files.length > 0 && files.every((file) => file.includes('/dist/browser/')),
      );
      expect(inputs.filter((input) => /node_modules\/ws\//.test(input))).to.deep.equal([]);
    });

    it('bundles the browser build (no ws, no Node built-ins) and runs it in Chromium', async function () {
      requireChromium(this);
      const site = await startStaticServer({
        files: new Map([
          ['/', `<!doctype html><meta charset="utf-8"><title>bundle</title><script>window.echoUrl = ${JSON.stringify(echo.url)}</script><script type="module" src="/bundle.js"></script>`],
          ['/bundle.js', bundle],
        ]),
      });
      const chromium = await launchChromium();
      try {
        const page = await chromium.newPage();
        await page.goto(`${site.origin}/`);
        await page.waitForFunction('window.result !== undefined');
        expect(await page.evaluate('window.result')).to.deep.equal({
          message: 'hello from the bundle',
          rules: 'whatwg',
          tooBig: 1009,
          peer: 'function',
        });
      } finally {
        await chromium.close();
        await site.close();
      }
    });
  });
});

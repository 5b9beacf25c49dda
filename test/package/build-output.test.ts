// Tests of what `npm run build` leaves in dist/: what users install. `npm test` builds
// first; run alone, these tests need a fresh `npm run build`.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire, isBuiltin } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { externalImports, importedSpecifiers, isNatsClient, isRedisClient } from '../support/dist-imports';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dist = join(root, 'dist');
const require = createRequire(import.meta.url);

interface LibraryExports {
  readonly fromWebSocketTask: unknown;
  readonly CloseCode: Record<string, number>;
  readonly WebSocketTaskError: unknown;
}

/** Every file under `dir`, recursively, as absolute paths. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name));
}

function isNodeOnly(specifier: string): boolean {
  return specifier === 'ws' || specifier.startsWith('ws/') || isBuiltin(specifier);
}

/** The optional peers only `./nestjs` may load. */
function isNestOnly(specifier: string): boolean {
  return specifier.startsWith('@nestjs/') || specifier === 'reflect-metadata';
}

describe('build output (dist/)', () => {
  before(() => {
    if (!existsSync(dist)) {
      throw new Error('dist/ is missing: run `npm run build` first (`npm test` builds before testing).');
    }
  });

  describe('browser build', () => {
    it('imports neither ws nor any Node built-in, in any file', () => {
      const files = filesUnder(join(dist, 'browser')).filter((file) => file.endsWith('.js'));
      expect(files.map((file) => file.slice(dist.length + 1))).to.include.members(['browser/index.js', 'browser/testing.js']);
      for (const file of files) {
        const nodeOnly = importedSpecifiers(readFileSync(file, 'utf8')).filter(isNodeOnly);
        expect(nodeOnly, `${file} imports Node-only modules`).to.deep.equal([]);
      }
    });

    it('never names @nestjs or reflect-metadata, in any file', () => {
      for (const file of filesUnder(join(dist, 'browser'))) {
        expect(readFileSync(file, 'utf8'), file).not.to.match(/@nestjs|reflect-metadata/);
      }
    });

    it('loads only rxjs (and rxjs/*) and its own chunks', () => {
      for (const file of filesUnder(join(dist, 'browser')).filter((f) => f.endsWith('.js'))) {
        for (const specifier of importedSpecifiers(readFileSync(file, 'utf8'))) {
          const allowed = specifier === 'rxjs' || specifier.startsWith('rxjs/') || specifier.startsWith('./') || specifier.startsWith('../');
          expect(allowed, `${file} imports '${specifier}'`).to.equal(true);
        }
      }
    });
  });

  describe('Node builds', () => {
    it('load @nestjs/* and reflect-metadata from the nestjs entry only, not from the main, testing or server entries or their chunks', () => {
      for (const entry of ['esm/index.js', 'esm/testing.js', 'esm/server.js', 'cjs/index.cjs', 'cjs/testing.cjs', 'cjs/server.cjs']) {
        expect(externalImports(join(dist, entry)).filter(isNestOnly), entry).to.deep.equal([]);
      }
      for (const entry of ['esm/nestjs.js', 'cjs/nestjs.cjs']) {
        expect(externalImports(join(dist, entry)).filter(isNestOnly), entry).to.include.members(['@nestjs/common', '@nestjs/websockets']);
      }
    });

    it('load ioredis from the bus/redis and bus/redis-streams entries only (and their chunks), @nats-io from none of the other entries', () => {
      const nonBus = ['esm/index.js', 'esm/testing.js', 'esm/server.js', 'esm/nestjs.js', 'cjs/index.cjs', 'cjs/testing.cjs', 'cjs/server.cjs', 'cjs/nestjs.cjs'];
      for (const entry of nonBus) {
        expect(externalImports(join(dist, entry)).filter((s) => isRedisClient(s) || isNatsClient(s)), entry).to.deep.equal([]);
      }
      for (const entry of ['esm/bus/nats.js', 'cjs/bus/nats.cjs']) {
        expect(externalImports(join(dist, entry)).filter(isRedisClient), entry).to.deep.equal([]);
      }
      for (const entry of ['esm/bus/redis.js', 'esm/bus/redis-streams.js', 'cjs/bus/redis.cjs', 'cjs/bus/redis-streams.cjs']) {
        const loaded = externalImports(join(dist, entry));
        expect(loaded.filter(isNatsClient), entry).to.deep.equal([]);
        expect(loaded, entry).to.include('ioredis');
      }
    });

    it('loads the ESM entry with import() and exports the core API', async () => {
      const esm = (await import(pathToFileURL(join(dist, 'esm/index.js')).href)) as LibraryExports;
      expect(esm.fromWebSocketTask).to.be.a('function');
      expect(esm.WebSocketTaskError).to.be.a('function');
      expect(esm.CloseCode).to.include({ invalid: 0, normalClosure: 1000, messageTooBig: 1009 });
    });

    it('loads the CJS entry with require and exports the core API', () => {
      const cjs = require(join(dist, 'cjs/index.cjs')) as LibraryExports;
      expect(cjs.fromWebSocketTask).to.be.a('function');
      expect(cjs.WebSocketTaskError).to.be.a('function');
      expect(cjs.CloseCode).to.include({ invalid: 0, normalClosure: 1000, messageTooBig: 1009 });
    });

    it('gives CJS and ESM equal, frozen CloseCode objects', async () => {
      const esm = (await import(pathToFileURL(join(dist, 'esm/index.js')).href)) as LibraryExports;
      const cjs = require(join(dist, 'cjs/index.cjs')) as LibraryExports;
      expect(cjs.CloseCode).to.deep.equal(esm.CloseCode);
      expect(Object.isFrozen(esm.CloseCode) && Object.isFrozen(cjs.CloseCode)).to.equal(true);
    });

    it('resolves every entry point by package name, with import and with require', async () => {
      for (const entry of ['rxjs-websocket-task', 'rxjs-websocket-task/testing', 'rxjs-websocket-task/server', 'rxjs-websocket-task/nestjs', 'rxjs-websocket-task/bus/redis', 'rxjs-websocket-task/bus/redis-streams']) {
        expect(typeof (await import(entry)), `import('${entry}')`).to.equal('object');
        expect(typeof require(entry), `require('${entry}')`).to.equal('object');
      }
      const byName = (await import('rxjs-websocket-task')) as LibraryExports;
      expect(byName.fromWebSocketTask).to.be.a('function');
      for (const [entry, factory] of [['rxjs-websocket-task/bus/redis', 'redisBus'], ['rxjs-websocket-task/bus/redis-streams', 'redisStreamsBus']] as const) {
        expect((await import(entry))[factory], `import('${entry}').${factory}`).to.be.a('function');
        expect((require(entry) as Record<string, unknown>)[factory], `require('${entry}').${factory}`).to.be.a('function');
      }
    });
  });

  describe('package.json exports', () => {
    const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      exports: Record<string, string | Record<string, Record<string, string>>>;
      main: string;
      module: string;
      types: string;
    };

    it('names only files that exist', () => {
      const targets = [manifest.main, manifest.module, manifest.types];
      for (const target of Object.values(manifest.exports)) {
        if (typeof target === 'string') targets.push(target);
        else for (const condition of Object.values(target)) targets.push(...Object.values(condition));
      }
      const missing = targets.filter((target) => !existsSync(join(root, target)));
      expect(missing).to.deep.equal([]);
    });

    it('lists types first in every condition', () => {
      for (const target of Object.values(manifest.exports)) {
        if (typeof target === 'string') continue;
        for (const condition of Object.values(target)) expect(Object.keys(condition)[0]).to.equal('types');
      }
    });
  });

  describe('type declarations', () => {
    it('bundles dist/types/index.d.ts, which declares fromWebSocketTask', () => {
      const declarations = readFileSync(join(dist, 'types/index.d.ts'), 'utf8');
      expect(declarations).to.match(/\bfromWebSocketTask\b/);
    });

    it('name @nestjs only in the nestjs entry: the others type-check without Nest installed', () => {
      const naming = filesUnder(join(dist, 'types')).filter((file) => /@nestjs|reflect-metadata/.test(readFileSync(file, 'utf8')));
      expect(naming.map((file) => file.slice(dist.length + 1)).sort()).to.deep.equal(['types/nestjs.d.cts', 'types/nestjs.d.ts']);
    });

    it('name ioredis only in the bus/redis* entries and their chunks: the others type-check without it', () => {
      const naming = filesUnder(join(dist, 'types'))
        .filter((file) => /['"]ioredis['"]/.test(readFileSync(file, 'utf8')))
        .map((file) => file.slice(dist.length + 1));
      expect(naming).to.include.members(['types/bus/redis.d.ts', 'types/bus/redis.d.cts', 'types/bus/redis-streams.d.ts', 'types/bus/redis-streams.d.cts']);
      for (const file of naming) expect(file, file).to.match(/^types\/(bus\/redis(-streams)?\.d\.c?ts|chunks\/redis-[\w-]+\.d\.c?ts)$/);
      for (const name of ['index', 'testing', 'server', 'nestjs']) {
        for (const extension of ['d.ts', 'd.cts']) {
          expect(readFileSync(join(dist, `types/${name}.${extension}`), 'utf8'), `${name}.${extension}`).not.to.match(/['"]\.\/chunks\/redis-/);
        }
      }
    });

    it('has a .d.ts and a .d.cts for every entry point', () => {
      for (const name of ['index', 'testing', 'server', 'nestjs', 'bus/redis', 'bus/redis-streams', 'bus/nats']) {
        expect(existsSync(join(dist, `types/${name}.d.ts`)), `${name}.d.ts`).to.equal(true);
        expect(existsSync(join(dist, `types/${name}.d.cts`)), `${name}.d.cts`).to.equal(true);
      }
    });
  });
});

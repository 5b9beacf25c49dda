// Builds the entry points (see "Entry points" in README.md):
//
//   dist/esm/*.js       Node, ESM      (`import`)
//   dist/cjs/*.cjs      Node, CommonJS (`require`)
//   dist/browser/*.js   browsers, ESM  (`browser`): platform.ts → platform.browser.ts, no `ws`
//   dist/types/*.d.ts   declarations, and *.d.cts copies for `require`
//   dist/bin/cli.js     the command-line tool (`rxjs-websocket-task`, `wstask`)
//
// Entries share code through chunks (dist/*/chunks/), so `WebSocketTask` is one class
// whichever entry a program imports it from.
import { rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import typescript from '@rollup/plugin-typescript';
import { dts } from 'rollup-plugin-dts';

// Chunk names carry hashes: start from an empty dist/ so no stale chunk is left behind.
rmSync(new URL('dist', import.meta.url), { recursive: true, force: true });

const entries = {
  index: 'src/index.ts',
  testing: 'src/testing/index.ts',
  server: 'src/server/index.ts',
  nestjs: 'src/nestjs/index.ts',
  'bus/redis': 'src/bus/redis.ts',
  'bus/redis-streams': 'src/bus/redis-streams.ts',
  'bus/nats': 'src/bus/nats.ts',
};

// `./server` wraps a `ws` server, `./nestjs` is a Nest adapter on it and `./bus/*` connect
// server processes through a broker: Node only, so the browser build leaves them out.
const browserEntries = { index: entries.index, testing: entries.testing };

/** Peer and runtime dependencies, and Node's built-ins, stay imports. */
function isExternal(id) {
  return (
    id === 'rxjs' ||
    id.startsWith('rxjs/') ||
    id === 'ws' ||
    id.startsWith('ws/') ||
    // Optional peers of ./nestjs only: no other entry imports them (test/package checks).
    id.startsWith('@nestjs/') ||
    id === 'reflect-metadata' ||
    // Optional peers of ./bus/redis, ./bus/redis-streams and ./bus/nats only.
    id === 'ioredis' ||
    id.startsWith('@nats-io/') ||
    isBuiltin(id)
  );
}

/** Compiles src/ only; declarations come from the dts build below. */
function compile() {
  return typescript({
    tsconfig: './tsconfig.json',
    include: ['src/**/*.ts'],
    // inlineSources: the maps carry the TypeScript, since src/ is not published.
    compilerOptions: { declaration: false, declarationMap: false, outDir: undefined, inlineSources: true },
  });
}

const platform = fileURLToPath(new URL('src/internal/platform.ts', import.meta.url));
const browserPlatform = fileURLToPath(new URL('src/internal/platform.browser.ts', import.meta.url));

/** Resolves every import of src/internal/platform.ts to platform.browser.ts. */
function browserPlatformPlugin() {
  return {
    name: 'browser-platform',
    async resolveId(source, importer, options) {
      if (importer === undefined) return null;
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      return resolved?.id === platform ? browserPlatform : null;
    },
  };
}

/** Fails the browser build on any import of `ws` or a Node built-in, wherever it comes from. */
function noNodeImportsPlugin() {
  return {
    name: 'no-node-imports',
    resolveId(source, importer) {
      if (source === 'ws' || source.startsWith('ws/') || isBuiltin(source)) {
        this.error(`The browser build must not import '${source}' (imported by ${importer}).`);
      }
      return null;
    },
  };
}

const chunks = (extension) => ({
  entryFileNames: `[name].${extension}`,
  chunkFileNames: `chunks/[name]-[hash].${extension}`,
  sourcemap: true,
});

export default [
  {
    input: entries,
    external: isExternal,
    plugins: [compile()],
    output: [
      { dir: 'dist/esm', format: 'es', ...chunks('js') },
      { dir: 'dist/cjs', format: 'cjs', exports: 'named', ...chunks('cjs') },
    ],
  },
  {
    input: browserEntries,
    external: (id) => id === 'rxjs' || id.startsWith('rxjs/'),
    plugins: [noNodeImportsPlugin(), browserPlatformPlugin(), compile()],
    output: { dir: 'dist/browser', format: 'es', ...chunks('js') },
  },
  {
    // The command-line tool (src/cli/): one executable ESM file with its own chunks.
    input: { cli: 'src/cli/main.ts' },
    external: isExternal,
    plugins: [compile()],
    output: {
      dir: 'dist/bin',
      format: 'es',
      entryFileNames: '[name].js',
      chunkFileNames: 'chunks/[name]-[hash].js',
      banner: '#!/usr/bin/env node',
      sourcemap: true,
    },
  },
  ...['d.ts', 'd.cts'].map((extension) => ({
    input: entries,
    external: isExternal,
    plugins: [dts({ tsconfig: './tsconfig.json' })],
    output: { dir: 'dist/types', format: 'es', entryFileNames: `[name].${extension}`, chunkFileNames: `chunks/[name]-[hash].${extension}` },
  })),
];

// What the bus entries of dist/ load: each broker client only from its own entry, so that
// users of the main, testing, server and nestjs entries never need (or load) it. Needs a
// fresh `npm run build` (`npm test` builds first).
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseAst } from 'rollup/parseAst';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));

/** The module specifiers a built JS file loads: imports, re-exports, dynamic imports, require calls. */
function loadedSpecifiers(code: string): string[] {
  const specifiers: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (typeof node !== 'object' || node === null) return;
    const n = node as { type?: string; source?: { value?: unknown }; callee?: { type?: string; name?: string }; arguments?: { value?: unknown }[] };
    const loads = ['ImportDeclaration', 'ImportExpression', 'ExportAllDeclaration', 'ExportNamedDeclaration'].includes(n.type ?? '');
    if (loads && typeof n.source?.value === 'string') specifiers.push(n.source.value);
    if (n.type === 'CallExpression' && n.callee?.type === 'Identifier' && n.callee.name === 'require') specifiers.push(String(n.arguments?.[0]?.value));
    Object.values(node).forEach(visit);
  };
  visit(parseAst(code));
  return specifiers;
}

/** What a built file loads from outside dist/, following its own chunks. */
function externalLoads(file: string, seen = new Set<string>()): string[] {
  if (seen.has(file)) return [];
  seen.add(file);
  return loadedSpecifiers(readFileSync(file, 'utf8')).flatMap((specifier) =>
    specifier.startsWith('.') ? externalLoads(join(file, '..', specifier), seen) : [specifier],
  );
}

const isNats = (specifier: string): boolean => specifier.startsWith('@nats-io/');

describe('bus entries in dist/: @nats-io', () => {
  before(() => {
    if (!existsSync(join(dist, 'esm/bus/nats.js'))) throw new Error('dist/ has no bus/nats entry: run `npm run build` first.');
  });

  it('is loaded by the bus/nats entry (ESM and CJS), and only @nats-io/transport-node', () => {
    for (const entry of ['esm/bus/nats.js', 'cjs/bus/nats.cjs']) {
      expect(externalLoads(join(dist, entry)).filter(isNats), entry).to.deep.equal(['@nats-io/transport-node']);
    }
  });

  it('is loaded by no other entry nor its chunks (main, testing, server, nestjs, the Redis buses)', () => {
    const others = ['index', 'testing', 'server', 'nestjs', 'bus/redis', 'bus/redis-streams'];
    for (const entry of others.flatMap((name) => [`esm/${name}.js`, `cjs/${name}.cjs`])) {
      expect(externalLoads(join(dist, entry)).filter(isNats), entry).to.deep.equal([]);
    }
  });

  it('exports natsBus from the built entry, ESM and CJS', async () => {
    const esm = (await import(pathToFileURL(join(dist, 'esm/bus/nats.js')).href)) as { natsBus?: unknown };
    expect(esm.natsBus).to.be.a('function');
    const { createRequire } = await import('node:module');
    const cjs = createRequire(import.meta.url)(join(dist, 'cjs/bus/nats.cjs')) as { natsBus?: unknown };
    expect(cjs.natsBus).to.be.a('function');
  });
});

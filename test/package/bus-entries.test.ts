// What the bus entries of dist/ load: each broker client only from its own entry, so that
// users of the main, testing, server and nestjs entries never need (or load) it. Needs a
// fresh `npm run build` (`npm test` builds first).
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { externalImports, isNatsClient } from '../support/dist-imports';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));

describe('bus entries in dist/: @nats-io', () => {
  before(() => {
    if (!existsSync(join(dist, 'esm/bus/nats.js'))) throw new Error('dist/ has no bus/nats entry: run `npm run build` first.');
  });

  it('is loaded by the bus/nats entry (ESM and CJS), and only @nats-io/transport-node', () => {
    for (const entry of ['esm/bus/nats.js', 'cjs/bus/nats.cjs']) {
      expect(externalImports(join(dist, entry)).filter(isNatsClient), entry).to.deep.equal(['@nats-io/transport-node']);
    }
  });

  it('is loaded by no other entry nor its chunks (main, testing, server, nestjs, the Redis buses)', () => {
    const others = ['index', 'testing', 'server', 'nestjs', 'bus/redis', 'bus/redis-streams'];
    for (const entry of others.flatMap((name) => [`esm/${name}.js`, `cjs/${name}.cjs`])) {
      expect(externalImports(join(dist, entry)).filter(isNatsClient), entry).to.deep.equal([]);
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

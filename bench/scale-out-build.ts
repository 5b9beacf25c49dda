/**
 * Builds the scale-out benchmark's child processes as plain ES modules (esbuild, no
 * `keepNames`), the library's sources bundled in, for the reason bench/build.ts gives: under
 * tsx every named closure of src/ gets a `__name(…)` wrapper, which costs CPU each time one is
 * created, while `ws` and the broker clients (node_modules, not compiled by tsx) would run
 * without it: the raw variants would be favoured.
 */
import { build } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { childBuildOptions } from './build.js';

/** The child scripts (bench/NAME.ts → NAME.mjs). */
export const SCALE_OUT_CHILDREN = ['scale-out-node', 'scale-out-swarm', 'scale-out-restart-peer', 'scale-out-resume-server'] as const;

const EXTERNAL = ['ws', 'rxjs', 'rxjs/*', 'ioredis', '@nats-io/*', 'bufferutil', 'utf-8-validate'];

/** Builds into `dir`, which must lie inside the repository (the built files resolve ws, rxjs and the broker clients from its node_modules). */
export async function buildScaleOutChildren(dir: string): Promise<void> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bench = fileURLToPath(new URL('.', import.meta.url));
  await build({
    ...childBuildOptions(EXTERNAL),
    entryPoints: Object.fromEntries(SCALE_OUT_CHILDREN.map((name) => [name, join(bench, `${name}.ts`)])),
    outdir: dir,
  });
}

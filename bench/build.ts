/**
 * Builds what the benchmark's child processes run: each child script and the library as
 * plain ES modules (esbuild, no `keepNames`), so children run on Node without tsx.
 *
 * Why not tsx in the children: tsx compiles with esbuild's `keepNames`, which wraps every
 * named closure in `__name(fn, "…")`; redefining `name` gives each such function object a
 * dictionary of properties (~256 B). A task creates a dozen closures per connection, so
 * under tsx its heap per idle connection reads ~3 KiB higher than it is, and the harness's
 * own closures blur every variant. tsx's loader thread also adds to every child's RSS.
 */
import { build, type BuildOptions } from 'esbuild';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The child scripts (bench/NAME.ts → NAME.mjs). */
export const CHILD_SCRIPTS = ['peer', 'client-worker', 'idle', 'server-under-test', 'swarm'] as const;

export interface BuiltBench {
  readonly dir: string;
  /** The library as one module: from src/index.ts, or from `library` if given. */
  readonly library: string;
  /** The library of `--alt`, if any. */
  readonly alt: string | undefined;
}

const EXTERNAL = ['ws', 'rxjs', 'rxjs/*', 'undici', 'bufferutil', 'utf-8-validate'];

/**
 * How a bench child is built: one ES module for this Node, without `keepNames` (see above);
 * `external` packages are resolved from node_modules at run time.
 */
export function childBuildOptions(external: readonly string[] = EXTERNAL): BuildOptions {
  return {
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: `node${process.versions.node.split('.')[0]}`,
    external: [...external],
    keepNames: false,
    logLevel: 'error',
    outExtension: { '.js': '.mjs' },
  };
}

/**
 * Builds into `dir`, which must lie inside the repository so that the built files resolve
 * `ws` and `rxjs` from its node_modules.
 */
export async function buildBench(dir: string, options: { library?: string; alt?: string } = {}): Promise<BuiltBench> {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const bench = fileURLToPath(new URL('.', import.meta.url));
  const common = childBuildOptions();
  await build({
    ...common,
    entryPoints: Object.fromEntries(CHILD_SCRIPTS.map((name) => [name, join(bench, `${name}.ts`)])),
    outdir: dir,
  });
  const library = join(dir, 'library.mjs');
  await build({ ...common, entryPoints: [options.library ?? join(bench, '../src/index.ts')], outfile: library });
  let alt: string | undefined;
  if (options.alt !== undefined) {
    alt = join(dir, 'library-alt.mjs');
    await build({ ...common, entryPoints: [options.alt], outfile: alt });
  }
  return { dir, library, alt };
}

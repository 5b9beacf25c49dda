/**
 * Serves the package's browser build to Chromium as a browser would load it from a CDN:
 * the files of dist/browser as they are, found through the `browser` conditions of
 * package.json's `exports` and an import map, with rxjs (bundled once by esbuild) beside
 * them. The page runs the scripts of test/browser/page, bundled with those imports left as they are.
 */
import { build, type Plugin } from 'esbuild';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startStaticServer, type StaticServer } from './static-server';

const root = fileURLToPath(new URL('../../../', import.meta.url));

type ExportsMap = Readonly<Record<string, string | Readonly<Record<string, string | Readonly<Record<string, string>>>>>>;

/** The import map of the package's browser build: each entry point with a `browser` condition. */
export function packageImportMap(): Record<string, string> {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { name: string; exports: ExportsMap };
  const imports: Record<string, string> = {};
  for (const [subpath, target] of Object.entries(manifest.exports)) {
    if (typeof target === 'string') continue;
    const browser = target['browser'];
    const file = typeof browser === 'string' ? browser : browser?.['default'];
    if (file === undefined) continue;
    imports[join(manifest.name, subpath)] = `/pkg/${file.replace(/^\.\//, '')}`;
  }
  return imports;
}

/**
 * The page's scripts (test/browser/page/NAME.ts), each setting a global: `window.harness`
 * (tasks for websocket-task.test.ts), `window.contract` (the contract table's task side),
 * `window.backpressure` (paused readers for backpressure.test.ts), `window.platform` (the
 * browser's own WebSocketStream, for websocket-stream-platform.test.ts).
 */
const pageScripts = ['harness', 'contract-runner', 'backpressure-probe', 'platform-probe'] as const;

/**
 * The contract table (test/contract) imports the library from its sources (`../../src/index`);
 * in the page it must be the package's browser build, as the harness's imports are.
 */
const sourceIndexAsPackage: Plugin = {
  name: 'source index as the package',
  setup(plugin) {
    plugin.onResolve({ filter: /\/src\/index(\.ts)?$/ }, ({ importer }) =>
      importer.startsWith(join(root, 'test/')) ? { path: 'rxjs-websocket-task', external: true } : undefined,
    );
  },
};

let bundles: Promise<Map<string, string>> | undefined;

/** rxjs (with rxjs/testing, sharing one copy) and the page harness, bundled once per run. */
function buildBundles(): Promise<Map<string, string>> {
  bundles ??= (async () => {
    const files = new Map<string, string>();
    const vendor = await build({
      absWorkingDir: root,
      entryPoints: { rxjs: 'rxjs', 'rxjs-testing': 'rxjs/testing' },
      bundle: true,
      splitting: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outdir: '/vendor',
      write: false,
      logLevel: 'silent',
    });
    for (const file of vendor.outputFiles) files.set(`/vendor/${basename(file.path)}`, file.text);
    const pages = await build({
      absWorkingDir: root,
      entryPoints: Object.fromEntries(pageScripts.map((name) => [name, join(root, `test/browser/page/${name}.ts`)])),
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outdir: '/',
      external: ['rxjs', 'rxjs/*', 'rxjs-websocket-task', 'rxjs-websocket-task/*'],
      plugins: [sourceIndexAsPackage],
      write: false,
      logLevel: 'silent',
    });
    for (const file of pages.outputFiles) files.set(`/${basename(file.path)}`, file.text);
    return files;
  })();
  return bundles;
}

/** The page: the import map, then the page scripts. */
function indexHtml(imports: Record<string, string>): string {
  return `<!doctype html>
<html lang="en">
<head>
  <meta charset="utf-8">
  <title>rxjs-websocket-task: browser build under test</title>
  <link rel="icon" href="data:,">
  <script type="importmap">${JSON.stringify({ imports }, null, 2)}</script>
${pageScripts.map((name) => `  <script type="module" src="/${name}.js"></script>`).join('\n')}
</head>
<body><p>rxjs-websocket-task browser tests</p></body>
</html>
`;
}

/** Starts a loopback server for a page that has the browser build and `window.harness`. */
export async function startBrowserBuildSite(): Promise<StaticServer> {
  if (!existsSync(join(root, 'dist/browser'))) {
    throw new Error('dist/browser is missing: run `npm run build` first (`npm test` builds before testing).');
  }
  const imports = {
    ...packageImportMap(),
    rxjs: '/vendor/rxjs.js',
    'rxjs/testing': '/vendor/rxjs-testing.js',
  };
  const files = new Map<string, string>(await buildBundles());
  files.set('/', indexHtml(imports));
  return startStaticServer({ files, directories: { '/pkg/dist/': join(root, 'dist') } });
}

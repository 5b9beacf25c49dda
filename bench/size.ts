/**
 * What the browser entry costs an app, in bytes, and where those bytes go.
 *
 *   npm run build && node --import tsx bench/size.ts
 *
 * Prints three tables, all measured in this run with esbuild (minify) and gzip level 9:
 *
 * 1. The browser entry as size-limit sees it (rxjs left out), for a few imports.
 * 2. What an app that already uses rxjs's Subject, Observable and asyncScheduler adds to its
 *    bundle (rxjs bundled too) for `rxjs/webSocket` and for `fromWebSocketTask`: the fair
 *    comparison, since `rxjs/webSocket` is part of rxjs.
 * 3. Minified bytes per source module, and the share of the entry's gzip that is message
 *    text (every string literal of more than 12 characters and every template's text).
 *
 * `package.json`'s `size-limit` holds the budgets CI enforces; this script explains them.
 * `--json` prints the measurements as JSON instead (test/bench checks docs/performance.md
 * against them).
 */
import { build, type Metafile, type Plugin } from 'esbuild';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import ts from 'typescript';

const root = fileURLToPath(new URL('..', import.meta.url));
const browserEntry = join(root, 'dist/browser/index.js');
const work = mkdtempSync(join(tmpdir(), 'bench-size-'));

export interface Size {
  readonly minified: number;
  readonly gzip: number;
}

function sizeOf(code: string): Size {
  return { minified: Buffer.byteLength(code), gzip: gzipSync(code, { level: 9 }).byteLength };
}

/** Bundles `source` (an ES module's text) for browsers, minified; returns the code and its metafile. */
async function bundle(
  source: string,
  options: { external?: string[]; plugins?: Plugin[] } = {},
): Promise<{ code: string; metafile: Metafile }> {
  const entry = join(work, `entry-${Math.random().toString(36).slice(2)}.mjs`);
  writeFileSync(entry, source);
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    format: 'esm',
    platform: 'browser',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'error',
    nodePaths: [join(root, 'node_modules')],
    external: options.external ?? [],
    plugins: options.plugins ?? [],
  });
  return { code: result.outputFiles[0]!.text, metafile: result.metafile };
}

/** The browser build's substitution, for bundling src/ directly (rollup does it for dist/). */
const browserPlatform: Plugin = {
  name: 'browser-platform',
  setup(builder) {
    builder.onResolve({ filter: /\/platform$/ }, (args) => ({
      path: join(args.resolveDir, 'platform.browser.ts'),
    }));
  },
};

/** The same code with every string literal longer than 12 characters, and every template's text, emptied. */
function withoutMessages(code: string): string {
  const file = ts.createSourceFile('bundle.js', code, ts.ScriptTarget.Latest, true, ts.ScriptKind.JS);
  const edits: Array<[start: number, end: number, text: string]> = [];
  const visit = (node: ts.Node): void => {
    if (ts.isStringLiteral(node) && node.text.length > 12 && !ts.isImportDeclaration(node.parent)) {
      edits.push([node.getStart(), node.end, '""']);
    } else if (ts.isNoSubstitutionTemplateLiteral(node)) {
      edits.push([node.getStart(), node.end, '""']);
    } else if (ts.isTemplateExpression(node)) {
      const parts = node.templateSpans.map((span) => `(${span.expression.getText()})`);
      edits.push([node.getStart(), node.end, `(""+${parts.join('+')})`]);
    } else ts.forEachChild(node, visit);
  };
  visit(file);
  let out = code;
  for (const [start, end, text] of edits.sort((a, b) => b[0] - a[0])) out = out.slice(0, start) + text + out.slice(end);
  return out;
}

/** What `--json` prints: sizes in bytes. */
export interface SizeReport {
  /** By import, rxjs left out. */
  readonly entry: Readonly<Record<string, Size>>;
  /** An app using rxjs's primitives, rxjs bundled. */
  readonly app: Size;
  readonly addedByRxjsWebSocket: Size;
  readonly addedByTask: Size;
  /** The message text's share of `fromWebSocketTask`. */
  readonly messages: Size;
  /** `fromWebSocketTask` with its message text emptied. */
  readonly withoutMessages: Size;
}

const difference = (a: Size, b: Size): Size => ({ minified: a.minified - b.minified, gzip: a.gzip - b.gzip });

const kB = (bytes: number): string => `${(bytes / 1000).toFixed(2)} kB`;

function table(headers: string[], rows: string[][]): string {
  const lines = [`| ${headers.join(' | ')} |`, `|${headers.map((_, i) => (i === 0 ? '---' : '---:')).join('|')}|`];
  for (const row of rows) lines.push(`| ${row.join(' | ')} |`);
  return lines.join('\n');
}

async function main(): Promise<void> {
  // 1. The entry without rxjs, as size-limit measures it.
  const imports = [
    ['`fromWebSocketTask`', '{ fromWebSocketTask }'],
    ['`fromWebSocketTask`, `CloseCode`, `WebSocketTaskError`, `jsonCodec`', '{ fromWebSocketTask, CloseCode, WebSocketTaskError, jsonCodec }'],
    ['`fromWebSocketTask`, `webSocketStream` (the WebSocketStream transport)', '{ fromWebSocketTask, webSocketStream }'],
    ['`fromWebSocketTask`, `processInbound` (the backpressure operator)', '{ fromWebSocketTask, processInbound }'],
    ['everything (`*`)', '* as all'],
    ['close-code helpers only', '{ CloseCode, describeCloseCode, isSendableCloseCode }'],
  ] as const;
  const entryRows: string[][] = [];
  const entrySizes: Size[] = [];
  for (const [label, what] of imports) {
    const { code } = await bundle(`import ${what} from ${JSON.stringify(browserEntry)};\nconsole.log(${what.startsWith('*') ? 'all' : what});`, {
      external: ['rxjs'],
    });
    const size = sizeOf(code);
    entrySizes.push(size);
    entryRows.push([label, kB(size.minified), kB(size.gzip)]);
  }

  // 2. What an app already using rxjs adds.
  const primitives = 'Subject, Observable, Subscription, ObjectUnsubscribedError, asyncScheduler';
  const app = (extra: string, use: string): string =>
    `import { ${primitives} } from 'rxjs';\n${extra}\nconsole.log(${primitives}${use});`;
  const base = sizeOf((await bundle(app('', ''))).code);
  const withRxjsWebSocket = sizeOf((await bundle(app(`import { webSocket } from 'rxjs/webSocket';`, ', webSocket'))).code);
  const withTask = sizeOf(
    (await bundle(app(`import { fromWebSocketTask } from ${JSON.stringify(browserEntry)};`, ', fromWebSocketTask'))).code,
  );
  const added = (size: Size): string[] => [kB(size.minified - base.minified), kB(size.gzip - base.gzip)];
  const appRows = [
    [`the app: rxjs's ${primitives}`, kB(base.minified), kB(base.gzip)],
    ['+ `rxjs/webSocket` (adds)', ...added(withRxjsWebSocket)],
    ['+ `fromWebSocketTask` (adds, with the rxjs operators it uses)', ...added(withTask)],
  ];

  // 3. Per module, and the messages' share.
  const fromSource = await bundle(`import { fromWebSocketTask } from ${JSON.stringify(join(root, 'src/index.ts'))};\nconsole.log(fromWebSocketTask);`, {
    external: ['rxjs'],
    plugins: [browserPlatform],
  });
  const inputs = Object.values(fromSource.metafile.outputs)[0]!.inputs;
  const moduleRows = Object.entries(inputs)
    .filter(([path, input]) => input.bytesInOutput > 0 && path.includes('src/'))
    .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput)
    .map(([path, input]) => [path.replace(/^.*?src\//, 'src/'), String(input.bytesInOutput)]);
  const whole = sizeOf(fromSource.code);
  const bare = sizeOf((await bundle(withoutMessages(fromSource.code), { external: ['rxjs'] })).code);

  if (process.argv.includes('--json')) {
    const measured: SizeReport = {
      entry: Object.fromEntries(imports.map(([label], i) => [label, entrySizes[i]!])),
      app: base,
      addedByRxjsWebSocket: difference(withRxjsWebSocket, base),
      addedByTask: difference(withTask, base),
      messages: difference(whole, bare),
      withoutMessages: bare,
    };
    console.log(JSON.stringify(measured, null, 2));
    return;
  }
  console.log('## The browser entry, rxjs left out (as size-limit measures it)\n');
  console.log(table(['import', 'minified', 'min+gzip'], entryRows));
  console.log('\n## What an app that already uses rxjs adds\n');
  console.log(table(['bundle', 'minified', 'min+gzip'], appRows));
  console.log('\n## Where the bytes of `fromWebSocketTask` go (minified bytes per module)\n');
  console.log(table(['module', 'minified bytes'], moduleRows));
  console.log(
    `\nMessage text: ${kB(whole.gzip - bare.gzip)} of ${kB(whole.gzip)} min+gzip; without it the code weighs ${kB(bare.gzip)}.`,
  );
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}

/**
 * Profiles one client cell with `--cpu-prof` and summarizes where the client's time goes
 * (`npm run bench:profile -- --variant task --kind recv --size 16`):
 *
 *   node --import tsx bench/profile.ts [--variant task] [--kind recv|send|echo] [--size 16]
 *     [--count N] [--trials 5] [--out DIR] [--top 25]
 *
 * Prints the functions with the most self time, the share of time in this library's files,
 * and the deepest call chain into the harness's message handler: the functions one inbound
 * message crosses. The .cpuprofile stays in DIR for Chrome DevTools or speedscope.
 */
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TrialRequest } from './client-worker.js';
import type { VariantName } from './clients.js';
import { buildBench } from './build.js';
import { Child, killAll, useBuiltChildren } from './children.js';
import { fileURLToPath } from 'node:url';
import { resolve } from 'node:path';

const args = process.argv.slice(2);
const option = (name: string, fallback: string): string => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1]! : fallback;
};

const variant = option('variant', 'task') as VariantName;
const kind = option('kind', 'recv') as TrialRequest['kind'];
const size = Number(option('size', '16'));
const count = Number(option('count', kind === 'recv' ? '500000' : kind === 'send' ? '100000' : '5000'));
const trials = Number(option('trials', '5'));
const top = Number(option('top', '25'));
const outDir = resolve(option('out', fileURLToPath(new URL(`./results/profile-${variant}-${kind}-${size}.tmp/`, import.meta.url))));

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function record(): Promise<string> {
  mkdirSync(outDir, { recursive: true });
  for (const old of readdirSync(outDir).filter((name) => name.endsWith('.cpuprofile'))) rmSync(join(outDir, old));
  const libChoice = process.env['BENCH_LIB'];
  // The build lies inside the repository, so that it resolves ws and rxjs from its node_modules.
  const built = await buildBench(fileURLToPath(new URL(`./results/.profile-build-${process.pid}.tmp/`, import.meta.url)), {
    ...(libChoice !== undefined && libChoice !== 'src' && {
      library: libChoice === 'dist' ? fileURLToPath(new URL('../dist/esm/index.js', import.meta.url)) : resolve(libChoice),
    }),
  });
  useBuiltChildren(built.dir);
  const peer = new Child('./peer.ts');
  const worker = new Child('./client-worker.ts', {
    env: { WS_NO_BUFFER_UTIL: '1', WS_NO_UTF_8_VALIDATE: '1', BENCH_TRIAL_LIMIT_MS: '120000', BENCH_LIB_FILE: built.library },
    args: [],
    // Without inlining every function keeps its frame: slower, but the chain is readable.
    execArgv: ['--cpu-prof', '--cpu-prof-dir', outDir, ...(args.includes('--no-inlining') ? ['--no-turbo-inlining'] : [])],
  });
  try {
    const { port } = (await peer.ready) as { port: number };
    await worker.ready;
    const request: TrialRequest =
      kind === 'send'
        ? { kind, variant, port, size, count, window: 256, ackEvery: 64 }
        : { kind, variant, port, size, count };
    for (let i = 0; i < trials; i++) {
      const result = await worker.request<{ seconds: number; count: number }>(request, 130_000);
      process.stderr.write(`trial ${i + 1}/${trials}: ${Math.round(result.count / result.seconds)} per second\n`);
    }
    // A clean exit writes the profile.
    const exited = new Promise((resolve) => worker.process.once('exit', resolve));
    worker.process.disconnect();
    await exited;
  } finally {
    await peer.kill();
    killAll();
  }
  const file = readdirSync(outDir).find((name) => name.endsWith('.cpuprofile'));
  rmSync(built.dir, { recursive: true, force: true });
  if (file === undefined) throw new Error(`no profile in ${outDir}`);
  return join(outDir, file);
}

function where(node: ProfileNode): string {
  const { functionName, url, lineNumber } = node.callFrame;
  const file = url
    .replace(/^file:\/\//, '')
    .replace(/^.*\/node_modules\//, '')
    .replace(/^.*\/library\.mjs/, 'rxjs-websocket-task')
    .replace(/^.*\/([\w-]+)\.mjs$/, 'bench/$1')
    .replace(/^.*\/(src|bench)\//, '$1/');
  return `${functionName || '(anonymous)'} ${file ? `${file}:${lineNumber + 1}` : ''}`.trim();
}

function summarize(path: string): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  // Only samples of event-loop callbacks count (socket reads, microtasks, timers): the
  // per-message work. Start-up (module loading) is left out; GC is reported apart.
  const loop = /^(onStreamRead|processTicksAndRejections|runMicrotasks|processImmediate|listOnTimeout)$/;
  const memo = new Map<number, 'loop' | 'loading' | 'other'>();
  const classify = (id: number): 'loop' | 'loading' | 'other' => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    const node = byId.get(id)!;
    const p = parent.get(id);
    const above = p === undefined ? 'other' : classify(p);
    const result = above === 'loading' || /node:internal\/modules\//.test(node.callFrame.url) ? 'loading' : above === 'loop' || loop.test(node.callFrame.functionName) ? 'loop' : 'other';
    memo.set(id, result);
    return result;
  };
  const isUnderRead = (id: number): boolean => classify(id) === 'loop';
  const selfTime = new Map<number, number>();
  let gc = 0;
  let all = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    const name = byId.get(id)!.callFrame.functionName;
    if (name === '(garbage collector)') gc += delta;
    if (!/^\((idle|program)\)$/.test(name)) all += delta;
    if (isUnderRead(id)) selfTime.set(id, (selfTime.get(id) ?? 0) + delta);
  });
  const busy = [...selfTime.values()].reduce((a, b) => a + b, 0);
  const share = (pattern: RegExp): number =>
    [...selfTime].filter(([id]) => pattern.test(byId.get(id)!.callFrame.url)).reduce((a, [, t]) => a + t, 0);
  const byFunction = new Map<string, number>();
  for (const [id, time] of selfTime) {
    const key = where(byId.get(id)!);
    byFunction.set(key, (byFunction.get(key) ?? 0) + time);
  }
  const pct = (t: number): string => `${((100 * t) / busy).toFixed(1)}%`;
  process.stdout.write(`# ${variant} ${kind} ${size} B: ${path}\n\n`);
  process.stdout.write(
    `in event-loop callbacks ${(busy / 1e3).toFixed(0)} ms of ${(all / 1e3).toFixed(0)} ms busy (GC ${(gc / 1e3).toFixed(0)} ms apart); ` +
      `of it: library ${pct(share(/\/src\/|library\.mjs/))}, rxjs ${pct(share(/node_modules\/rxjs\//))}, ws ${pct(share(/node_modules\/ws\//))}, ` +
      `harness ${pct(share(/client-worker\.mjs$|\/bench\/[\w-]+\.ts$/))}, Node internals ${pct(share(/^node:/))}, native ${pct(share(/^$/))}\n\n`,
  );
  process.stdout.write('| self | function |\n|---:|---|\n');
  for (const [key, time] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) {
    process.stdout.write(`| ${pct(time)} | ${key} |\n`);
  }

  // The deepest chain into the harness's handler (the `handler.current` arrow in client-worker.ts).
  const chains = profile.nodes.filter((node) => /client-worker\.(ts|mjs)/.test(node.callFrame.url) && node.callFrame.functionName === 'handler.current');
  let deepest: number[] = [];
  for (const node of chains) {
    const chain: number[] = [];
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) chain.unshift(id);
    if (chain.length > deepest.length) deepest = chain;
  }
  if (deepest.length > 0) {
    const fromSocket = deepest.findIndex((id) => /onStreamRead|socketOnData/.test(byId.get(id)!.callFrame.functionName));
    const path = deepest.slice(Math.max(0, fromSocket));
    process.stdout.write(`\nOne inbound message, from the socket's read to the handler (${path.length} frames):\n\n`);
    for (const id of path) process.stdout.write(`  ${where(byId.get(id)!)}\n`);
  }
}

const file = args.includes('--summarize') ? option('summarize', '') : await record();
summarize(file);

/**
 * The benchmark (`npm run bench`, `npm run bench:quick`): rxjs-websocket-task against raw
 * `ws`, `rxjs/webSocket` over `ws` and Node's global WebSocket, interleaved round by round
 * (A B C … then B C … A), with the server in a separate process. Prints the ratios to raw
 * `ws`, and writes bench/results/<mode>.{json,md,svg}. See docs/performance.md.
 *
 *   node --import tsx bench/run.ts [--quick | --smoke] [--rounds N] [--out DIR] [--docs]
 *     [--variants ws,task,…] [--no-client] [--no-pinned] [--no-idle] [--no-server] [--no-bufferutil]
 *     [--alt PATH/TO/src/index.ts]
 *
 * `--alt` adds the variants `alt` and `alt+json`: the task from another copy of the
 * library, to measure a change to src/ against the current code in the same run.
 */
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { join, resolve } from 'node:path';
import { ALT_VARIANT_NAMES, VARIANT_NAMES, type VariantName } from './clients.js';
import type { TrialRequest, TrialResult } from './client-worker.js';
import { buildBench } from './build.js';
import { Child, canPin, killAll, useBuiltChildren } from './children.js';
import { planFor, type Mode, type Plan } from './plan.js';
import { renderChart, renderMarkdown } from './report.js';
import { checkTarget, makeCell, type Cell, type Results, type Target } from './results-model.js';
import { median, rotate } from './stats.js';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const option = (name: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};

const mode: Mode = flag('smoke') ? 'smoke' : flag('quick') ? 'quick' : 'full';
const basePlan = planFor(mode);
const chosen = option('variants')?.split(',') as VariantName[] | undefined;
const altLib = option('alt');
const allVariants: readonly VariantName[] = altLib ? [...VARIANT_NAMES, ...ALT_VARIANT_NAMES] : VARIANT_NAMES;
const plan: Plan = {
  ...basePlan,
  rounds: Number(option('rounds') ?? basePlan.rounds),
  variants: chosen ? allVariants.filter((name) => chosen.includes(name) || name === 'ws') : allVariants,
  pinned: basePlan.pinned && !flag('no-pinned'),
  bufferutil: basePlan.bufferutil && !flag('no-bufferutil'),
};
const outDir = option('out') ?? fileURLToPath(new URL('./results/', import.meta.url));
/** A run stops starting new work past this, whatever its plan: every loop is bounded in time too. */
const BUDGET_MS = { full: 15 * 60_000, quick: 55_000, smoke: 40_000 }[mode];
const TRIAL_LIMIT_MS = mode === 'full' ? 60_000 : 20_000;
const started = Date.now();
const overBudget = (): boolean => Date.now() - started > BUDGET_MS;

/** Without bufferutil: what `npm install rxjs-websocket-task` gives today. */
/** Children's environments; main() adds which library modules they load (BENCH_LIB_FILE, BENCH_ALT_LIB). */
const PLAIN_ENV: Record<string, string | undefined> = { WS_NO_BUFFER_UTIL: '1', WS_NO_UTF_8_VALIDATE: '1', BENCH_TRIAL_LIMIT_MS: String(TRIAL_LIMIT_MS) };
const WITH_ADDONS_ENV: Record<string, string | undefined> = { WS_NO_BUFFER_UTIL: undefined, WS_NO_UTF_8_VALIDATE: undefined, BENCH_TRIAL_LIMIT_MS: String(TRIAL_LIMIT_MS) };
// One per run: runs may overlap (a CI smoke test while someone benchmarks).
const BUILD_DIR = fileURLToPath(new URL(`./results/.build-${process.pid}.tmp/`, import.meta.url));

const notes: string[] = [];
const errors: string[] = [];
const log = (line: string): void => {
  if (mode !== 'smoke') process.stderr.write(`${line}\n`);
};

// ---------------------------------------------------------------- environment

function bufferutilPath(): string | undefined {
  try {
    const require = createRequire(createRequire(import.meta.url).resolve('ws'));
    return require.resolve('bufferutil');
  } catch {
    return undefined;
  }
}

function openFileLimit(): number {
  try {
    return Number(execSync('ulimit -n', { shell: '/bin/sh', encoding: 'utf8' }).trim());
  } catch {
    return Number.NaN;
  }
}

function packageVersion(name: string): string {
  try {
    const require = createRequire(import.meta.url);
    return (require(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

// ---------------------------------------------------------------- client cells

/** A client trial kind and size: one interleaved cell. */
interface ClientCellSpec {
  readonly key: string;
  readonly label: string;
  readonly request: (variant: VariantName, port: number, warmUp: boolean) => TrialRequest;
}

/** A variant as run: the name plus which worker (plain or with bufferutil). */
interface Runner {
  readonly id: string;
  readonly variant: VariantName;
  readonly worker: Child;
}

type Measured = Map<string, Map<string, TrialResult[]>>;

function clientCells(p: Plan): ClientCellSpec[] {
  const cells: ClientCellSpec[] = [];
  const warm = (count: number, warmUp: boolean, multiple = 1): number =>
    warmUp ? Math.max(multiple, Math.ceil(count / 4 / multiple) * multiple) : count;
  for (const t of p.throughput) {
    cells.push({
      key: `recv-${t.size}`,
      label: `server → client, ${sizeLabel(t.size)}`,
      request: (variant, port, warmUp) => ({ kind: 'recv', variant, port, size: t.size, count: warm(t.recvCount, warmUp) }),
    });
    cells.push({
      key: `send-${t.size}`,
      label: `client → server, ${sizeLabel(t.size)} (window ${t.window}, ack every ${t.ackEvery})`,
      request: (variant, port, warmUp) => ({
        kind: 'send',
        variant,
        port,
        size: t.size,
        count: warm(t.sendCount, warmUp, t.ackEvery),
        window: t.window,
        ackEvery: t.ackEvery,
      }),
    });
  }
  cells.push({
    key: 'echo-16',
    label: 'echo round trip, 16 B',
    request: (variant, port, warmUp) => ({ kind: 'echo', variant, port, size: 16, count: warm(p.echoCount, warmUp) }),
  });
  return cells;
}

async function runInterleaved(
  cells: readonly ClientCellSpec[],
  runners: readonly Runner[],
  peer: Child,
  port: number,
  rounds: number,
  peerBusy: Map<string, number[]>,
): Promise<Measured> {
  const measured: Measured = new Map(cells.map((cell) => [cell.key, new Map(runners.map((r) => [r.id, [] as TrialResult[]]))]));
  for (let round = rounds > 0 ? -1 : 0; round < rounds; round++) {
    const warmUp = round < 0;
    if (overBudget()) {
      notes.push(`Stopped after ${round} of ${rounds} rounds: over the time budget.`);
      break;
    }
    log(warmUp ? 'warm-up round' : `round ${round + 1}/${rounds}`);
    for (const cell of cells) {
      for (const runner of rotate(runners, round + 1)) {
        // bufferutil only masks and unmasks: the echo cell of 16 B messages cannot see it.
        if (runner.id.includes('@') && cell.key.startsWith('echo')) continue;
        const request = cell.request(runner.variant, port, warmUp);
        const peerBefore = await peer.request<NodeJS.CpuUsage>({}, 5000);
        let result: TrialResult;
        try {
          result = await runner.worker.request<TrialResult>(request, TRIAL_LIMIT_MS + 10_000);
        } catch (error) {
          errors.push(`${cell.key} ${runner.id} round ${round + 1}: ${firstLine(error)}`);
          result = { seconds: Number.NaN, cpuMicros: Number.NaN, count: 0 };
        }
        const peerAfter = await peer.request<NodeJS.CpuUsage>({}, 5000);
        if (warmUp) continue;
        measured.get(cell.key)!.get(runner.id)!.push(result);
        if (request.kind !== 'echo' && Number.isFinite(result.seconds)) {
          const busy = (peerAfter.user + peerAfter.system - peerBefore.user - peerBefore.system) / 1e6 / result.seconds;
          peerBusy.set(cell.key, [...(peerBusy.get(cell.key) ?? []), busy]);
        }
      }
    }
  }
  return measured;
}

function clientCellRows(specs: readonly ClientCellSpec[], measured: Measured, config: string, baseline: string): Cell[] {
  const rows: Cell[] = [];
  const suffix = config === 'plain' ? '' : `@${config}`;
  for (const spec of specs) {
    const byRunner = measured.get(spec.key)!;
    const values = (pick: (r: TrialResult) => number): Record<string, number[]> =>
      Object.fromEntries([...byRunner].map(([id, results]) => [id, results.map(pick)]));
    const label = config === 'pinned' ? `${spec.label}, both pinned to one core` : spec.label;
    if (spec.key.startsWith('echo')) {
      rows.push(
        makeCell({ id: `${spec.key}${suffix}.p50`, label, metric: 'p50 latency', unit: 'µs', better: 'lower', config, values: values((r) => r.p50Micros ?? Number.NaN), baseline }),
        makeCell({ id: `${spec.key}${suffix}.p99`, label, metric: 'p99 latency', unit: 'µs', better: 'lower', config, values: values((r) => r.p99Micros ?? Number.NaN), baseline }),
        makeCell({ id: `${spec.key}${suffix}.cpu`, label, metric: 'client CPU per round trip', unit: 'µs', better: 'lower', config, values: values((r) => r.cpuMicros / r.count), baseline }),
      );
    } else {
      rows.push(
        makeCell({ id: `${spec.key}${suffix}.rate`, label, metric: 'throughput', unit: 'msg/s', better: 'higher', config, values: values((r) => r.count / r.seconds), baseline }),
        makeCell({ id: `${spec.key}${suffix}.cpu`, label, metric: 'client CPU per message', unit: 'µs', better: 'lower', config, values: values((r) => r.cpuMicros / r.count), baseline }),
      );
    }
  }
  return rows;
}

// ---------------------------------------------------------------- memory and server cells

interface IdleResult {
  readonly heapPerConnection: number;
  readonly externalPerConnection: number;
  readonly rssPerConnection: number;
}

async function runIdle(): Promise<Cell[]> {
  const values = { heap: new Map<string, number[]>(), external: new Map<string, number[]>(), rss: new Map<string, number[]>() };
  for (let round = 0; round < plan.idle.rounds && !overBudget(); round++) {
    log(`idle memory ${round + 1}/${plan.idle.rounds}`);
    for (const variant of rotate(plan.variants, round)) {
      // A peer of its own each time: thousands of connections per measurement would otherwise
      // pile up in TIME_WAIT against one port.
      const idlePeer = new Child('./peer.ts');
      let child: Child | undefined;
      let result: IdleResult | undefined;
      try {
        const { port } = (await withTimeout(idlePeer.ready, 20_000)) as { port: number };
        child = new Child('./idle.ts', { env: PLAIN_ENV, args: [variant, String(port), String(plan.idle.connections)] });
        const message = await withTimeout(child.ready, 75_000);
        if (typeof message['error'] === 'string') throw new Error(message['error']);
        result = message['result'] as IdleResult;
      } catch (error) {
        errors.push(`idle ${variant} round ${round + 1}: ${firstLine(error)}`);
      } finally {
        await child?.kill();
        await idlePeer.kill();
      }
      push(values.heap, variant, result?.heapPerConnection ?? Number.NaN);
      push(values.external, variant, result?.externalPerConnection ?? Number.NaN);
      push(values.rss, variant, result?.rssPerConnection ?? Number.NaN);
    }
  }
  const label = `${plan.idle.connections} idle client connections`;
  return [
    makeCell({ id: 'idle.heap', label, metric: 'heap per connection', unit: 'B', better: 'lower', config: 'plain', values: Object.fromEntries(values.heap) }),
    makeCell({ id: 'idle.external', label, metric: 'external (Buffers) per connection', unit: 'B', better: 'lower', config: 'plain', values: Object.fromEntries(values.external) }),
    makeCell({ id: 'idle.rss', label, metric: 'RSS per connection', unit: 'B', better: 'lower', config: 'plain', values: Object.fromEntries(values.rss) }),
  ];
}

async function runServer(): Promise<Cell[]> {
  const modes = altLib ? (['ws', 'task', 'alt'] as const) : (['ws', 'task'] as const);
  const values = {
    heap: new Map<string, number[]>(),
    rss: new Map<string, number[]>(),
    loop: new Map<string, number[]>(),
    cpu: new Map<string, number[]>(),
    delivered: new Map<string, number[]>(),
  };
  const n = plan.server.connections;
  for (let round = 0; round < plan.server.rounds && !overBudget(); round++) {
    log(`server side ${round + 1}/${plan.server.rounds}: ${n} connections`);
    for (const serverMode of rotate(modes, round)) {
      const server = new Child('./server-under-test.ts', { env: PLAIN_ENV, args: [serverMode] });
      let swarm: Child | undefined;
      try {
        const ready = await withTimeout(server.ready, 30_000);
        const baseline = ready['baseline'] as NodeJS.MemoryUsage;
        swarm = new Child('./swarm.ts', { env: PLAIN_ENV, args: [String(ready['port']), String(n)] });
        const connected = await withTimeout(swarm.ready, 120_000);
        if (typeof connected['error'] === 'string') throw new Error(connected['error']);
        for (let polls = 0; (await server.request<number>({ kind: 'count' }, 5000)) < n; polls++) {
          if (polls > 300) throw new Error('the server never saw every connection');
          await sleep(100);
        }
        const memory = await server.request<NodeJS.MemoryUsage>({ kind: 'mem' }, 30_000);
        push(values.heap, serverMode, (memory.heapUsed - baseline.heapUsed) / n);
        push(values.rss, serverMode, (memory.rss - baseline.rss) / n);
        const loops: number[] = [];
        const cpu: number[] = [];
        const delivered: number[] = [];
        for (let k = 1; k <= plan.server.fanouts; k++) {
          const fanout = await server.request<{ t0: string; loopMicros: number; cpuMicros: number }>({ kind: 'fanout', size: 16 }, 30_000);
          const arrived = await swarm.request<{ lastAt: string }>({ expect: n * k }, 30_000);
          loops.push(fanout.loopMicros / 1000);
          cpu.push(fanout.cpuMicros / 1000);
          delivered.push(Number(BigInt(arrived.lastAt) - BigInt(fanout.t0)) / 1e6);
          await sleep(50);
        }
        push(values.loop, serverMode, median(loops));
        push(values.cpu, serverMode, median(cpu));
        push(values.delivered, serverMode, median(delivered));
      } catch (error) {
        errors.push(`server ${serverMode} round ${round + 1}: ${firstLine(error)}`);
        for (const map of Object.values(values)) push(map, serverMode, Number.NaN);
      } finally {
        await swarm?.kill();
        await server.kill();
      }
    }
  }
  const label = `server side, ${n} connections`;
  const cell = (id: string, metric: string, unit: string, map: Map<string, number[]>): Cell =>
    makeCell({ id, label, metric, unit, better: 'lower', config: 'plain', values: Object.fromEntries(map) });
  return [
    cell('server.fanout-loop', 'fan-out of one 16 B message: send loop', 'ms', values.loop),
    cell('server.fanout-cpu', 'fan-out: server CPU', 'ms', values.cpu),
    cell('server.fanout-delivered', 'fan-out: until the last client has it', 'ms', values.delivered),
    cell('server.heap', 'heap per connection', 'B', values.heap),
    cell('server.rss', 'RSS per connection', 'B', values.rss),
  ];
}

// ---------------------------------------------------------------- targets

function targets(cells: readonly Cell[]): Target[] {
  const list: (Target | undefined)[] = [];
  const sizes = plan.throughput.map((t) => t.size);
  for (const size of sizes) {
    const recv = size <= 16 ? 0.97 : 0.98;
    const send = size <= 16 ? 1.3 : 1.0;
    list.push(checkTarget(cells, `receive throughput ${sizeLabel(size)} ≥ ${recv}× ws`, `recv-${size}.rate`, 'task', '>=', recv));
    list.push(checkTarget(cells, `send throughput ${sizeLabel(size)} ≥ ${send}× ws`, `send-${size}.rate`, 'task', '>=', send));
  }
  list.push(checkTarget(cells, 'echo p50 ≤ 1.03× ws', 'echo-16.p50', 'task', '<=', 1.03));
  list.push(checkTarget(cells, 'CPU per round trip ≤ 1.03× ws', 'echo-16.cpu', 'task', '<=', 1.03));
  list.push(checkTarget(cells, 'echo p50 ≤ 1.03× ws (pinned)', 'echo-16@pinned.p50', 'task', '<=', 1.03));
  list.push(checkTarget(cells, 'CPU per round trip ≤ 1.03× ws (pinned)', 'echo-16@pinned.cpu', 'task', '<=', 1.03));
  list.push(checkTarget(cells, 'heap per idle connection ≤ 1.3× ws', 'idle.heap', 'task', '<=', 1.3));
  list.push(checkTarget(cells, 'RSS per idle connection ≤ 1.2× ws', 'idle.rss', 'task', '<=', 1.2));
  for (const cell of cells) {
    // External memory of an idle connection is ~0 for every client: nothing to be ahead in.
    if (cell.config !== 'plain' || cell.values['task+json'] === undefined || cell.id === 'idle.external') continue;
    list.push(
      checkTarget(cells, `JSON ahead of rxjs/webSocket JSON: ${cell.id}`, cell.id, 'task+json', cell.better === 'higher' ? '>=' : '<=', 1, 'rxjs+json'),
    );
  }
  return list.filter((t): t is Target => t !== undefined);
}

// ---------------------------------------------------------------- main

/** Removes the build folders of runs that died before cleaning up (killed smoke tests, say). */
function removeStaleBuilds(): void {
  const results = fileURLToPath(new URL('./results/', import.meta.url));
  if (!existsSync(results)) return;
  for (const name of readdirSync(results)) {
    const pid = /^\.build-(\d+)\.tmp$/.exec(name)?.[1];
    if (pid === undefined) continue;
    try {
      process.kill(Number(pid), 0);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') rmSync(join(results, name), { recursive: true, force: true });
    }
  }
}

async function main(): Promise<void> {
  removeStaleBuilds();
  // Children run built modules, not tsx (see bench/build.ts for why).
  const libChoice = process.env['BENCH_LIB'];
  const built = await buildBench(BUILD_DIR, {
    ...(libChoice === 'dist' && { library: fileURLToPath(new URL('../dist/esm/index.js', import.meta.url)) }),
    ...(libChoice !== undefined && libChoice !== 'dist' && libChoice !== 'src' && { library: resolve(libChoice) }),
    ...(altLib !== undefined && { alt: resolve(altLib) }),
  });
  useBuiltChildren(built.dir);
  Object.assign(PLAIN_ENV, { BENCH_LIB_FILE: built.library, BENCH_ALT_LIB: built.alt });
  Object.assign(WITH_ADDONS_ENV, { BENCH_LIB_FILE: built.library, BENCH_ALT_LIB: built.alt });
  const limit = openFileLimit();
  if (Number.isFinite(limit) && limit < plan.server.connections + 1000) {
    const reduced = Math.max(100, limit - 1000);
    notes.push(`ulimit -n is ${limit}: server cells use ${reduced} connections instead of ${plan.server.connections}.`);
    (plan as { server: Plan['server'] }).server = { ...plan.server, connections: reduced };
  }
  const addon = bufferutilPath();
  const withAddons = plan.bufferutil && addon !== undefined;
  if (plan.bufferutil && addon === undefined) notes.push('bufferutil is not installed: the bufferutil comparison was skipped.');
  notes.push(
    'utf-8-validate is never loaded on this Node: ws 8 prefers buffer.isUtf8 (Node ≥ 18.14) and only falls back to the addon without it.',
  );
  const loadBefore = loadavg();
  const peerBusy = new Map<string, number[]>();
  const cells: Cell[] = [];
  const specs = clientCells(plan);

  // Interleaved client cells, without bufferutil (and with, for ws and the task).
  const peer = new Child('./peer.ts');
  const worker = new Child('./client-worker.ts', { env: PLAIN_ENV });
  const addonWorker = withAddons ? new Child('./client-worker.ts', { env: WITH_ADDONS_ENV }) : undefined;
  const { port } = (await withTimeout(peer.ready, 20_000)) as { port: number };
  const available = ((await withTimeout(worker.ready, 30_000))['ready'] as VariantName[]) ?? [];
  await addonWorker?.ready;
  const variants = plan.variants.filter((variant) => available.includes(variant));
  for (const missing of plan.variants.filter((variant) => !available.includes(variant))) {
    notes.push(`${missing} is not available on this Node: left out.`);
  }
  const runners: Runner[] = variants.map((variant) => ({ id: variant, variant, worker }));
  if (addonWorker) {
    runners.push({ id: 'ws@bufferutil', variant: 'ws', worker: addonWorker }, { id: 'task@bufferutil', variant: 'task', worker: addonWorker });
  }
  const measured = await runInterleaved(specs, runners, peer, port, flag('no-client') ? 0 : plan.rounds, peerBusy);
  await worker.kill();
  await addonWorker?.kill();
  if (flag('no-client')) {
    // Only the memory and server cells were asked for.
  } else if (addonWorker) {
    const plainOnly: Measured = new Map([...measured].map(([key, byRunner]) => [key, new Map([...byRunner].filter(([id]) => !id.includes('@')))]));
    const addonOnly: Measured = new Map(
      [...measured]
        .filter(([key]) => !key.startsWith('echo'))
        .map(([key, byRunner]) => [key, new Map([...byRunner].filter(([id]) => id.includes('@') || id === 'ws' || id === 'task'))]),
    );
    cells.push(...clientCellRows(specs, plainOnly, 'plain', 'ws'));
    cells.push(...clientCellRows(specs.filter((s) => !s.key.startsWith('echo')), addonOnly, 'bufferutil', 'ws@bufferutil'));
  } else {
    cells.push(...clientCellRows(specs, measured, 'plain', 'ws'));
  }

  // The echo cell again with peer and client on one core: no cross-core wake-ups.
  if (plan.pinned && canPin && !flag('no-client') && !overBudget()) {
    log('pinned echo');
    const pinnedPeer = new Child('./peer.ts', { pinned: true });
    const pinnedWorker = new Child('./client-worker.ts', { env: PLAIN_ENV, pinned: true });
    try {
      const pinnedPort = ((await withTimeout(pinnedPeer.ready, 20_000)) as { port: number }).port;
      await withTimeout(pinnedWorker.ready, 30_000);
      const echoSpec = specs.filter((s) => s.key.startsWith('echo'));
      const pinnedRunners = variants.map((variant) => ({ id: variant, variant, worker: pinnedWorker }));
      const pinned = await runInterleaved(echoSpec, pinnedRunners, pinnedPeer, pinnedPort, plan.rounds, new Map());
      cells.push(...clientCellRows(echoSpec, pinned, 'pinned', 'ws'));
    } finally {
      await pinnedWorker.kill();
      await pinnedPeer.kill();
    }
  } else if (plan.pinned && !flag('no-client')) {
    notes.push(canPin ? 'Pinned echo skipped: over the time budget.' : 'Pinned echo skipped: taskset is not available.');
  }

  await peer.kill();
  if (!flag('no-idle') && !overBudget()) cells.push(...(await runIdle()));
  if (!flag('no-server') && !overBudget()) cells.push(...(await runServer()));

  const results: Results = {
    meta: {
      mode,
      date: new Date().toISOString(),
      node: process.version,
      ws: packageVersion('ws'),
      rxjs: packageVersion('rxjs'),
      library: process.env['BENCH_LIB'] === 'dist' ? 'dist/esm' : process.env['BENCH_LIB'] ?? 'src (esbuild bundle)',
      ...(altLib !== undefined && { alt: resolve(altLib) }),
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      loadAverageBefore: loadBefore.map((x) => Math.round(x * 100) / 100),
      loadAverageAfter: loadavg().map((x) => Math.round(x * 100) / 100),
      openFileLimit: limit,
      bufferutil: withAddons ? 'compared' : 'not compared',
      rounds: plan.rounds,
      plan,
      seconds: Math.round((Date.now() - started) / 1000),
    },
    cells,
    targets: targets(cells),
    peerBusy: Object.fromEntries([...peerBusy].map(([key, busy]) => [key, Math.round(median(busy) * 100) / 100])),
    notes,
    errors,
  };
  mkdirSync(outDir, { recursive: true });
  const markdown = renderMarkdown(results);
  writeFileSync(`${outDir}/${mode}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${outDir}/${mode}.md`, markdown);
  const chart = renderChart(results);
  writeFileSync(`${outDir}/${mode}.svg`, chart);
  if (flag('docs')) writeFileSync(new URL('../docs/performance.svg', import.meta.url), chart);
  process.stdout.write(markdown);
}

// ---------------------------------------------------------------- helpers

function sizeLabel(size: number): string {
  return size >= 1024 ? `${size / 1024} KiB` : `${size} B`;
}

function push(map: Map<string, number[]>, key: string, value: number): void {
  map.set(key, [...(map.get(key) ?? []), value]);
}

function firstLine(error: unknown): string {
  return String((error as Error)?.message ?? error).split('\n')[0]!;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

try {
  await main();
} catch (error) {
  process.stderr.write(`bench failed: ${String((error as Error)?.stack ?? error)}\n`);
  process.exitCode = 1;
} finally {
  killAll();
  rmSync(BUILD_DIR, { recursive: true, force: true });
}

/**
 * The scale-out benchmark (`npm run bench:scale-out`, `-- --quick` for development): fan-out
 * across server processes over real brokers, Redis Streams resume, and a broker restart
 * under load. Starts its own `redis-server` and `nats-server` on free loopback ports and
 * stops them at the end. Prints a markdown table and writes bench/results/scale-out.{json,md}
 * (`scale-out-quick`, `scale-out-smoke` for the other modes). See docs/performance.md.
 *
 *   node --import tsx bench/scale-out.ts [--quick | --smoke] [--rounds N] [--connections N]
 *     [--variants broadcast,ws-local,…] [--out DIR] [--no-resume] [--no-restart]
 *
 * Variants whose bus is not implemented on this branch, or whose broker is not installed, are
 * left out with a note; under CI=true a missing broker is an error.
 */
import { execSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { killAll, useBuiltChildren } from './children.js';
import { brokerBinary, startBroker, type BenchBroker, type BrokerKind } from './scale-out-broker.js';
import { buildScaleOutChildren } from './scale-out-build.js';
import { isBusAvailable, type BusKind } from './scale-out-buses.js';
import { measureFanOut, type FanOutSample } from './scale-out-fan-out.js';
import { FAN_OUT_VARIANTS, type FanOutVariant } from './scale-out-variants.js';
import { scaleOutPlan, type ScaleOutMode, type ScaleOutPlan } from './scale-out-plan.js';
import { renderScaleOut } from './scale-out-report.js';
import { measureRestart, type RestartSample } from './scale-out-restart.js';
import { fanOutRows, type ScaleOutResults } from './scale-out-results.js';
import { measureResume, type ResumeSample } from './scale-out-resume.js';
import { rotate } from './stats.js';

const args = process.argv.slice(2);
const flag = (name: string): boolean => args.includes(`--${name}`);
const option = (name: string): string | undefined => {
  const at = args.indexOf(`--${name}`);
  return at >= 0 ? args[at + 1] : undefined;
};

const mode: ScaleOutMode = flag('smoke') ? 'smoke' : flag('quick') ? 'quick' : 'full';
const basePlan = scaleOutPlan(mode);
const plan: ScaleOutPlan = {
  ...basePlan,
  rounds: Number(option('rounds') ?? basePlan.rounds),
  connections: Number(option('connections') ?? basePlan.connections),
};
const outDir = option('out') ?? fileURLToPath(new URL('./results/', import.meta.url));
const fileName = mode === 'full' ? 'scale-out' : `scale-out-${mode}`;
const chosen = option('variants')?.split(',');
// One per run: runs may overlap (the smoke test while someone benchmarks).
const BUILD_DIR = fileURLToPath(new URL(`./results/.scale-out-build-${process.pid}.tmp/`, import.meta.url));
const notes: string[] = [];
const errors: string[] = [];
/** The 1-minute load average at the start of each measurement: the machine is shared. */
const loadSamples: number[] = [];
const started = Date.now();
const log = (line: string): void => {
  if (mode !== 'smoke') process.stderr.write(`${line}\n`);
};
const firstLine = (error: unknown): string => String((error as Error)?.message ?? error).split('\n')[0]!;

/** Which broker a variant needs (`undefined`: none). */
function brokerOf(variant: FanOutVariant): BrokerKind | undefined {
  if (variant === 'broadcast' || variant === 'ws-local') return undefined;
  return variant.includes('nats') ? 'nats' : 'redis';
}

const BUS_OF: Partial<Record<FanOutVariant, BusKind>> = { redis: 'redis', 'redis-streams': 'redis-streams', nats: 'nats' };

function runnableVariants(): FanOutVariant[] {
  const variants: FanOutVariant[] = [];
  for (const variant of FAN_OUT_VARIANTS) {
    if (chosen !== undefined && !chosen.includes(variant)) continue;
    const broker = brokerOf(variant);
    const bus = BUS_OF[variant];
    if (broker !== undefined && brokerBinary(broker) === undefined) {
      const message = `${variant}: ${broker}-server is not installed`;
      if (process.env['CI'] === 'true') errors.push(message);
      else notes.push(`${message}; left out.`);
      continue;
    }
    if (bus !== undefined && !isBusAvailable(bus)) {
      notes.push(`${variant}: the bus is not implemented on this branch yet; left out.`);
      continue;
    }
    variants.push(variant);
  }
  return variants;
}

function packageVersion(name: string): string {
  try {
    return (createRequire(import.meta.url)(`${name}/package.json`) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

function commitOfSources(): string {
  try {
    const head = execSync('git rev-parse --short HEAD', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const dirty = execSync('git status --porcelain -- src bench', { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() !== '';
    return dirty ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown (not a git checkout)';
  }
}

function openFileLimit(): number {
  try {
    return Number(execSync('ulimit -n', { shell: '/bin/sh', encoding: 'utf8' }).trim());
  } catch {
    return Number.NaN;
  }
}

async function runFanOut(variants: readonly FanOutVariant[], brokers: ReadonlyMap<BrokerKind, BenchBroker>): Promise<Map<FanOutVariant, (FanOutSample | undefined)[]>> {
  const samples = new Map<FanOutVariant, (FanOutSample | undefined)[]>(variants.map((variant) => [variant, []]));
  for (let round = 0; round < plan.rounds; round++) {
    for (const variant of rotate(variants, round)) {
      log(`fan-out round ${round + 1}/${plan.rounds}: ${variant}`);
      loadSamples.push(loadavg()[0]!);
      const broker = brokerOf(variant);
      let sample: FanOutSample | undefined;
      try {
        sample = await measureFanOut(variant, broker === undefined ? '' : brokers.get(broker)!.url, plan, `fan-out-${variant}-${round}`);
        if (sample.anomalies > 0 || sample.delivered !== sample.expected) {
          errors.push(`fan-out ${variant} round ${round + 1}: delivered ${sample.delivered} of ${sample.expected}, ${sample.anomalies} out of sequence`);
        }
      } catch (error) {
        errors.push(`fan-out ${variant} round ${round + 1}: ${firstLine(error)}`);
      }
      samples.get(variant)!.push(sample);
    }
  }
  return samples;
}

async function runResume(broker: BenchBroker): Promise<ResumeSample[]> {
  const samples: ResumeSample[] = [];
  for (const missed of plan.resumeMissed) {
    log(`redis streams resume: ${missed} missed`);
    try {
      const sample = await measureResume(broker, missed);
      if (!sample.exact) errors.push(`resume ${missed}: received ${sample.received} of ${sample.expected}, ${sample.duplicates} twice, ${sample.missing} missing`);
      samples.push(sample);
    } catch (error) {
      errors.push(`resume ${missed}: ${firstLine(error)}`);
    }
  }
  return samples;
}

/** The restart cells: each bus against a broker that loses everything; Redis Streams also against one that keeps its streams (AOF). */
const RESTART_CELLS: readonly { readonly bus: BusKind; readonly persistent: boolean }[] = [
  { bus: 'redis', persistent: false },
  { bus: 'redis-streams', persistent: true },
  { bus: 'redis-streams', persistent: false },
  { bus: 'nats', persistent: false },
];

async function runRestart(buses: readonly BusKind[]): Promise<RestartSample[]> {
  const samples: RestartSample[] = [];
  for (const { bus, persistent } of RESTART_CELLS.filter((cell) => buses.includes(cell.bus))) {
    log(`broker restart under load: ${bus}${persistent ? ' (broker keeps its data)' : ''}`);
    let broker: BenchBroker | undefined;
    try {
      broker = await startBroker(bus === 'nats' ? 'nats' : 'redis', { appendOnly: persistent });
      const sample = await measureRestart(bus, broker, { ...plan.restart, persistent });
      sample.subscribers.forEach((subscriber, i) => {
        if (subscriber.lostUnreported > 0) {
          const message =
            `restart ${bus}${persistent ? ' (AOF)' : ''}, subscriber ${i}: ${subscriber.lostUnreported} resolved publishes lost WITHOUT a reported window ` +
            `(sequence numbers ${subscriber.unreportedExamples.join(', ')}…; windows ${JSON.stringify(subscriber.windows)})`;
          errors.push(message);
          process.stderr.write(`BUG: ${message}\n`);
        }
      });
      samples.push(sample);
    } catch (error) {
      errors.push(`restart ${bus}${persistent ? ' (AOF)' : ''}: ${firstLine(error)}`);
    } finally {
      await broker?.dispose();
    }
  }
  return samples;
}

async function main(): Promise<void> {
  const limit = openFileLimit();
  if (Number.isFinite(limit) && limit < plan.connections + 1000) {
    notes.push(`ulimit -n is ${limit}: the single-process variants hold ${plan.connections} sockets, which may fail.`);
  }
  // Children run built modules, not the sources through tsx (see bench/scale-out-build.ts).
  await buildScaleOutChildren(BUILD_DIR);
  useBuiltChildren(BUILD_DIR);
  const loadBefore = loadavg();
  const variants = runnableVariants();
  const brokers = new Map<BrokerKind, BenchBroker>();
  const versions: string[] = [];
  let fanOut: ScaleOutResults['fanOut'] = [];
  let resume: ResumeSample[] = [];
  let restart: RestartSample[] = [];
  try {
    for (const kind of ['redis', 'nats'] as const) {
      if (!variants.some((variant) => brokerOf(variant) === kind) && !(kind === 'redis' && isBusAvailable('redis-streams'))) continue;
      if (brokerBinary(kind) === undefined) continue;
      brokers.set(kind, await startBroker(kind));
      versions.push(`${kind}-server ${execSync(`${brokerBinary(kind)!} --version`, { encoding: 'utf8' }).trim().split('\n')[0]}`);
    }
    if (plan.rounds > 0) fanOut = fanOutRows(await runFanOut(variants, brokers));
    const redis = brokers.get('redis');
    if (!flag('no-resume') && redis !== undefined && isBusAvailable('redis-streams')) resume = await runResume(redis);
    else if (!flag('no-resume')) notes.push('Redis Streams resume: skipped (redisStreamsBus not on this branch, or no redis-server).');
    const restartBuses = (['redis', 'redis-streams', 'nats'] as const).filter(
      (bus) => isBusAvailable(bus) && brokerBinary(bus === 'nats' ? 'nats' : 'redis') !== undefined && (chosen === undefined || chosen.includes(bus)),
    );
    if (!flag('no-restart')) restart = await runRestart(restartBuses);
    if (!flag('no-restart') && restartBuses.length === 0) notes.push('Broker restart: skipped (no bus implemented on this branch).');
  } finally {
    await Promise.all([...brokers.values()].map((broker) => broker.dispose()));
  }
  const results: ScaleOutResults = {
    meta: {
      mode,
      date: new Date().toISOString(),
      node: process.version,
      library: `src/ at ${commitOfSources()} (esbuild bundle)`,
      ws: packageVersion('ws'),
      rxjs: packageVersion('rxjs'),
      ioredis: packageVersion('ioredis'),
      natsClient: packageVersion('@nats-io/transport-node'),
      cpu: cpus()[0]?.model ?? 'unknown',
      cores: cpus().length,
      loadAverageBefore: loadBefore.map((x) => Math.round(x * 100) / 100),
      loadAverageAfter: loadavg().map((x) => Math.round(x * 100) / 100),
      loadAverageDuring:
        loadSamples.length === 0 ? null : { min: Math.round(Math.min(...loadSamples) * 100) / 100, max: Math.round(Math.max(...loadSamples) * 100) / 100 },
      openFileLimit: limit,
      brokers: versions.join(', ') || 'none',
      plan,
      seconds: Math.round((Date.now() - started) / 1000),
    },
    fanOut,
    resume,
    restart,
    notes,
    errors,
  };
  mkdirSync(outDir, { recursive: true });
  const markdown = renderScaleOut(results);
  writeFileSync(`${outDir}/${fileName}.json`, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(`${outDir}/${fileName}.md`, markdown);
  process.stdout.write(markdown);
}

try {
  await main();
} catch (error) {
  process.stderr.write(`scale-out bench failed: ${String((error as Error)?.stack ?? error)}\n`);
  process.exitCode = 1;
} finally {
  killAll();
  rmSync(BUILD_DIR, { recursive: true, force: true });
}

// The scale-out benchmark's smoke run: 30 connections over 3 server processes, 20 messages per
// variant, every variant this branch can run, real brokers the bench starts on free loopback
// ports. Asserts correctness and the shape of the results only: every connection received
// every message once and in order, resume was exact, no loss went unreported. No timing is
// checked: the machine running tests is not a benchmark machine.
import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brokerBinary } from '../../bench/scale-out-broker';
import { isBusAvailable } from '../../bench/scale-out-buses';
import { scaleOutPlan } from '../../bench/scale-out-plan';
import type { ScaleOutResults } from '../../bench/scale-out-results';
import type { FanOutVariant } from '../../bench/scale-out-variants';

const runScript = fileURLToPath(new URL('../../bench/scale-out.ts', import.meta.url));
const plan = scaleOutPlan('smoke');
const hasRedis = brokerBinary('redis') !== undefined;
const hasNats = brokerBinary('nats') !== undefined;

function runSmoke(outDir: string): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', runScript, '--smoke', '--out', outDir],
      { timeout: 240_000, killSignal: 'SIGKILL', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve({ stdout, stderr })),
    );
  });
}

/** The variants this machine and branch can run: the others are left out with a note. */
function expectedVariants(): FanOutVariant[] {
  const variants: FanOutVariant[] = ['broadcast', 'ws-local'];
  if (hasRedis) variants.push('raw-redis', 'raw-redis-streams');
  if (hasNats) variants.push('raw-nats');
  if (hasRedis && isBusAvailable('redis')) variants.push('redis');
  if (hasRedis && isBusAvailable('redis-streams')) variants.push('redis-streams');
  if (hasNats && isBusAvailable('nats')) variants.push('nats');
  return variants;
}

describe('bench: scale-out (smoke mode)', function () {
  this.timeout(300_000);
  let outDir: string;
  let results: ScaleOutResults;
  let stdout: string;

  before(async function () {
    if ((!hasRedis || !hasNats) && process.env['CI'] !== 'true') {
      // Without a broker only the single-process variants run; still worth checking.
      console.warn('scale-out smoke: redis-server or nats-server missing, broker variants left out');
    }
    outDir = mkdtempSync(join(tmpdir(), 'scale-out-smoke-'));
    ({ stdout } = await runSmoke(outDir));
    results = JSON.parse(readFileSync(join(outDir, 'scale-out-smoke.json'), 'utf8'), (_key, value: unknown) =>
      value === null ? Number.NaN : value,
    ) as ScaleOutResults;
  });
  after(() => {
    if (outDir !== undefined) rmSync(outDir, { recursive: true, force: true });
  });

  it('records the run and reports no error', () => {
    expect(results.meta['mode']).to.equal('smoke');
    expect(results.meta['node']).to.equal(process.version);
    expect(results.errors).to.deep.equal([]);
  });

  it('has a fan-out row for every variant this branch and machine can run, and only those', () => {
    expect(results.fanOut.map((row) => row.variant)).to.have.members(expectedVariants());
  });

  it('delivered every message to every connection exactly once, in order, for each variant', () => {
    const messages = plan.latencyTrials + plan.burst;
    for (const row of results.fanOut) {
      expect(row.rounds, row.variant).to.equal(1);
      expect(row.expected, row.variant).to.equal(messages * plan.connections);
      expect(row.delivered, row.variant).to.equal(row.expected);
      expect(row.anomalies, row.variant).to.equal(0);
    }
  });

  it('measured every figure of the table (numbers, not blanks), and a ratio to the raw counterpart where there is one', () => {
    for (const row of results.fanOut) {
      for (const value of [row.p50Ms, row.p99Ms, row.messagesPerSecond, row.deliveriesPerSecond, row.serverCpuPerDeliveryMicros, row.singleCpuPerDeliveryMicros]) {
        expect(value, row.variant).to.be.a('number').and.to.be.greaterThan(0);
      }
      expect(row.p99Ms, row.variant).to.be.at.least(row.p50Ms);
    }
    const broadcast = results.fanOut.find((row) => row.variant === 'broadcast')!;
    expect(broadcast.counterpart).to.equal('ws-local');
    expect(broadcast.ratio!.p50).to.be.greaterThan(0);
  });

  it('resumed from the offset with exactly the missed messages, in order (when redisStreamsBus is on the branch)', function () {
    if (!hasRedis || !isBusAvailable('redis-streams')) {
      expect(results.resume).to.deep.equal([]);
      return;
    }
    expect(results.resume.map((sample) => sample.missed)).to.deep.equal(plan.resumeMissed);
    for (const sample of results.resume) {
      expect(sample.exact, `${sample.missed} missed`).to.equal(true);
      expect(sample.received).to.equal(sample.expected);
      expect(sample.connections).to.equal(2);
    }
  });

  it('accounted for every publish across a broker restart, with no unreported loss (for each bus on the branch)', () => {
    const buses = (['redis', 'redis-streams', 'nats'] as const).filter((bus) => isBusAvailable(bus) && (bus === 'nats' ? hasNats : hasRedis));
    const cells = [
      ['redis', false],
      ['redis-streams', true],
      ['redis-streams', false],
      ['nats', false],
    ].filter(([bus]) => buses.includes(bus as (typeof buses)[number]));
    expect(results.restart.map((sample) => [sample.bus, sample.persistent])).to.deep.equal(cells);
    for (const sample of results.restart) {
      expect(sample.published, sample.bus).to.equal(Math.round(plan.restart.rate * plan.restart.seconds));
      expect(sample.resolved + sample.rejected + sample.pending, sample.bus).to.equal(sample.published);
      expect(sample.publishFailedEvents, `${sample.bus}: one 'publish-failed' event per rejected publish`).to.equal(sample.rejected);
      for (const subscriber of sample.subscribers) {
        expect(subscriber.lostUnreported, sample.bus).to.equal(0);
        expect(subscriber.duplicates, sample.bus).to.equal(0);
        expect(subscriber.delivered + subscriber.lostReported, sample.bus).to.equal(sample.resolved + subscriber.deliveredNotResolved);
      }
    }
  });

  it('prints the markdown it writes', () => {
    const markdown = readFileSync(join(outDir, 'scale-out-smoke.md'), 'utf8');
    expect(markdown).to.match(/^# Scale-out benchmark \(smoke\)/);
    expect(markdown).to.include('| variant | p50 to last client |');
    expect(stdout).to.equal(markdown);
  });
});

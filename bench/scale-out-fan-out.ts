/**
 * One fan-out measurement of the scale-out benchmark: one variant, fresh processes. Starts the
 * server processes (bench/scale-out-node.ts) and the swarms (bench/scale-out-swarm.ts, one
 * per server process of the bus variants, three against the one process otherwise), waits
 * until every connection is accepted and every broker subscription delivers, then
 *
 * - publishes `latencyTrials` single messages from the first server process, each timed from
 *   the publish (monotonic clock, the same in every process of the machine) to the moment the
 *   LAST connection of every swarm has it;
 * - publishes a burst of `burst` messages back to back: throughput is messages (and
 *   deliveries) per second from the first publish until every connection has all of them;
 *   server CPU per delivery is the servers' CPU time over that burst (and, apart, over the
 *   single messages, where nothing can be coalesced);
 * - checks that every connection received every message exactly once, in order.
 */
import { Child } from './children.js';
import type { PublishResult } from './scale-out-node.js';
import type { FanOutVariant } from './scale-out-variants.js';
import type { ScaleOutPlan } from './scale-out-plan.js';
import type { SwarmStatus } from './scale-out-swarm.js';

/** What one fan-out measurement found. */
export interface FanOutSample {
  readonly variant: FanOutVariant;
  /** Milliseconds from publish to the last connection, one per latency trial. */
  readonly latenciesMs: number[];
  /** Burst: messages per second with every connection receiving each. */
  readonly messagesPerSecond: number;
  /** Burst: WebSocket messages delivered per second, all connections together. */
  readonly deliveriesPerSecond: number;
  /** Burst: CPU time of all server processes per delivery, microseconds. */
  readonly serverCpuPerDeliveryMicros: number;
  /** Single messages (the latency trials): CPU time of all server processes per delivery, microseconds. */
  readonly singleCpuPerDeliveryMicros: number;
  /** Messages the publisher's broker (or Subject) took. */
  readonly published: number;
  /** Publishes that failed. */
  readonly rejected: number;
  /** Deliveries expected: `published × connections`. */
  readonly expected: number;
  /** Deliveries counted by the swarms. */
  readonly delivered: number;
  /** Deliveries out of sequence on their connection (gap, duplicate, reorder): must be 0. */
  readonly anomalies: number;
  /** The fewest messages any one connection received (`published` when all is well). */
  readonly minPerConnection: number;
}

/** Which variants run on a single server process. */
export function isSingleProcess(variant: FanOutVariant): boolean {
  return variant === 'broadcast' || variant === 'ws-local';
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise,
    new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

/** Splits `total` into `parts` nearly equal whole numbers. */
export function split(total: number, parts: number): number[] {
  return Array.from({ length: parts }, (_, i) => Math.floor(total / parts) + (i < total % parts ? 1 : 0));
}

/** Runs one measurement of `variant` against the broker at `brokerUrl` ('' for the single-process variants). */
export async function measureFanOut(variant: FanOutVariant, brokerUrl: string, plan: ScaleOutPlan, channel: string): Promise<FanOutSample> {
  const nodes: Child[] = [];
  const swarms: Child[] = [];
  try {
    const serverCount = isSingleProcess(variant) ? 1 : plan.processes;
    for (let i = 0; i < serverCount; i++) nodes.push(new Child('./scale-out-node.ts', { args: [variant, brokerUrl, channel] }));
    const ports = (await Promise.all(nodes.map((node) => withTimeout(node.ready, 30_000, `${variant} server ready`)))).map((ready) => {
      if (typeof ready['error'] === 'string') throw new Error(ready['error']);
      return Number(ready['port']);
    });
    const perSwarm = split(plan.connections, plan.processes);
    perSwarm.forEach((count, i) => swarms.push(new Child('./scale-out-swarm.ts', { args: [String(ports[i % ports.length]), String(count)] })));
    for (const ready of await Promise.all(swarms.map((swarm) => withTimeout(swarm.ready, 180_000, 'swarm connected')))) {
      if (typeof ready['error'] === 'string') throw new Error(ready['error']);
    }
    await waitUntil(async () => (await Promise.all(nodes.map((node) => node.request<number>({ kind: 'count' }, 5000)))).reduce((a, b) => a + b, 0) >= plan.connections, 60_000, 'every connection accepted');
    // Every server process must receive from the broker before anything is timed.
    await waitUntil(async () => {
      await nodes[0]!.request({ kind: 'warm-up' }, 10_000);
      await sleep(20);
      return (await Promise.all(nodes.map((node) => node.request<boolean>({ kind: 'warm?' }, 5000)))).every(Boolean);
    }, 30_000, 'every broker subscription live');

    let published = 0;
    let rejected = 0;
    const waitAll = async (upTo: number): Promise<SwarmStatus[]> =>
      Promise.all(swarms.map((swarm, i) => swarm.request<SwarmStatus>({ kind: 'wait', total: perSwarm[i]! * upTo, timeoutMs: 60_000 }, 70_000)));
    const lastOf = (statuses: SwarmStatus[]): bigint => statuses.map((s) => BigInt(s.lastAt)).reduce((a, b) => (a > b ? a : b));
    const account = (result: PublishResult): void => {
      published += result.resolved;
      rejected += result.rejected;
      if (result.rejected > 0) throw new Error(`${variant}: ${result.rejected} publishes failed: ${result.firstError}`);
    };

    const cpu = (): Promise<NodeJS.CpuUsage[]> => Promise.all(nodes.map((node) => node.request<NodeJS.CpuUsage>({ kind: 'cpu' }, 5000)));
    const cpuMicrosSince = (before: NodeJS.CpuUsage[], after: NodeJS.CpuUsage[]): number =>
      after.reduce((sum, a, i) => sum + a.user + a.system - before[i]!.user - before[i]!.system, 0);

    const latenciesMs: number[] = [];
    const cpuBeforeTrials = await cpu();
    for (let k = 0; k < plan.latencyTrials; k++) {
      const result = await nodes[0]!.request<PublishResult>({ kind: 'publish', from: k, count: 1, size: plan.size }, 30_000);
      account(result);
      const statuses = await waitAll(k + 1);
      if (!statuses.every((s) => s.complete)) throw new Error(`${variant}: message ${k} did not reach every connection within 60 s`);
      latenciesMs.push(Number(lastOf(statuses) - BigInt(result.t0)) / 1e6);
      await sleep(20);
    }

    const cpuBefore = await cpu();
    const singleCpuMicros = cpuMicrosSince(cpuBeforeTrials, cpuBefore);
    const burst = await nodes[0]!.request<PublishResult>({ kind: 'publish', from: plan.latencyTrials, count: plan.burst, size: plan.size }, 60_000);
    account(burst);
    const statuses = await waitAll(plan.latencyTrials + plan.burst);
    const cpuMicros = cpuMicrosSince(cpuBefore, await cpu());
    const seconds = Number(lastOf(statuses) - BigInt(burst.t0)) / 1e9;
    const complete = statuses.every((s) => s.complete);
    const delivered = statuses.reduce((sum, s) => sum + s.received, 0);
    return {
      variant,
      latenciesMs,
      messagesPerSecond: complete ? plan.burst / seconds : Number.NaN,
      deliveriesPerSecond: complete ? (plan.burst * plan.connections) / seconds : Number.NaN,
      serverCpuPerDeliveryMicros: cpuMicros / (plan.burst * plan.connections),
      singleCpuPerDeliveryMicros: singleCpuMicros / (plan.latencyTrials * plan.connections),
      published,
      rejected,
      expected: published * plan.connections,
      delivered,
      anomalies: statuses.reduce((sum, s) => sum + s.anomalies + s.unreadable, 0),
      minPerConnection: Math.min(...statuses.map((s) => s.minPerConnection)),
    };
  } finally {
    await Promise.all([...swarms, ...nodes].map((child) => child.kill()));
  }
}

async function waitUntil(check: () => Promise<boolean>, ms: number, what: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await sleep(100);
  }
}

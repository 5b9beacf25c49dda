/**
 * The broker-restart cell of the scale-out benchmark: two server processes with a bus each
 * (bench/scale-out-restart-peer.ts); the first publishes at a steady rate for a few seconds,
 * both receive. A third of the way in, the broker is stopped (SIGTERM) and started again on
 * the same port after `downMs`. Then every publish is accounted for, per subscriber:
 *
 * - delivered (once; duplicates and reorders are counted apart),
 * - lost but reported: the publish (from its call to its resolution) overlaps a window in which
 *   that subscriber's bus said it might lose messages (`'down'` … `'up'`), or the message comes
 *   after the last one the subscription had seen when the bus reported `'history-lost'` or
 *   `messages()` errored (the history gap covers everything it had not seen),
 * - lost and NOT reported: must be 0; anything else is a bug of the bus.
 *
 * Publishes that rejected were reported by the promise (and a `'publish-failed'` event); those
 * still pending when the run ends are counted too.
 */
import { Child } from './children.js';
import type { BenchBroker } from './scale-out-broker.js';
import type { BusKind } from './scale-out-buses.js';
import type { PeerReport, PublishRecord, ReportedWindow } from './scale-out-restart-peer.js';

/** One subscriber's accounting. */
export interface RestartSubscriber {
  readonly delivered: number;
  readonly duplicates: number;
  /** Messages that arrived after one with a higher sequence number. */
  readonly reordered: number;
  readonly lostReported: number;
  readonly lostUnreported: number;
  /** Sequence numbers of the unreported losses (the first 20), for the bug report. */
  readonly unreportedExamples: number[];
  /** Messages received whose publish rejected or never settled. */
  readonly deliveredNotResolved: number;
  /** The windows its bus reported, milliseconds from the broker stop. */
  readonly windows: { from: number; to: number; why: string; afterSequence?: number }[];
}

export interface RestartSample {
  readonly bus: BusKind;
  /** Whether the broker kept its data across the restart (Redis append-only file). */
  readonly persistent: boolean;
  readonly rate: number;
  readonly seconds: number;
  readonly downMs: number;
  readonly published: number;
  readonly resolved: number;
  readonly rejected: number;
  readonly pending: number;
  /** Rejection codes and how often each came. */
  readonly rejections: Record<string, number>;
  /** When the first and the last rejected publish was called, milliseconds from the broker stop. */
  readonly rejectedCalledFrom: number;
  readonly rejectedCalledTo: number;
  readonly subscribers: RestartSubscriber[];
  /** `'publish-failed'` events of the publisher's bus: one per rejected publish when all is well. */
  readonly publishFailedEvents: number;
  /** The publisher's other bus events, milliseconds from the broker stop. */
  readonly publisherEvents: string[];
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const now = (): number => Number(process.hrtime.bigint()) / 1e6;
/** IPC is JSON: `Infinity` and `NaN` arrive as `null`. */
const finiteOr = (value: number | null, fallback: number): number => (value === null ? fallback : value);

/** Whether `window` covers message `sequence` (published as `record` says). */
function covers(window: ReportedWindow, sequence: number, record: PublishRecord): boolean {
  const to = finiteOr(window.to, Number.POSITIVE_INFINITY);
  if (window.afterSequence !== undefined && window.afterSequence !== null) return sequence > window.afterSequence && record.calledAt <= to;
  return record.calledAt <= to && finiteOr(record.settledAt, Number.POSITIVE_INFINITY) >= window.from;
}

/**
 * One subscriber's accounting of every publish (`records[i]` is message `i`): delivered,
 * lost inside a window its bus reported, or lost unreported. Times are monotonic ms;
 * `stoppedAt` only shifts the windows for display.
 */
export function accountForSubscriber(records: readonly PublishRecord[], report: PeerReport, stoppedAt: number): RestartSubscriber {
  const counts = new Map<number, number>();
  let reordered = 0;
  let highest = -1;
  for (const sequence of report.received) {
    counts.set(sequence, (counts.get(sequence) ?? 0) + 1);
    if (sequence < highest) reordered++;
    highest = Math.max(highest, sequence);
  }
  let delivered = 0;
  let duplicates = 0;
  let lostReported = 0;
  let deliveredNotResolved = 0;
  const unreported: number[] = [];
  records.forEach((record, sequence) => {
    const times = counts.get(sequence) ?? 0;
    if (times > 0) {
      delivered++;
      duplicates += times - 1;
      if (record.outcome !== 'resolved') deliveredNotResolved++;
      return;
    }
    if (record.outcome !== 'resolved') return;
    if (report.windows.some((window) => covers(window, sequence, record))) lostReported++;
    else unreported.push(sequence);
  });
  return {
    delivered,
    duplicates,
    reordered,
    lostReported,
    lostUnreported: unreported.length,
    unreportedExamples: unreported.slice(0, 20),
    deliveredNotResolved,
    windows: report.windows.map((w) => ({
      from: Math.round(w.from - stoppedAt),
      to: Math.round(finiteOr(w.to, Number.POSITIVE_INFINITY) - stoppedAt),
      why: w.why,
      ...(typeof w.afterSequence === 'number' && { afterSequence: w.afterSequence }),
    })),
  };
}

/** Runs the cell for `bus` against `broker` (which it stops and starts once). */
export async function measureRestart(
  bus: BusKind,
  broker: BenchBroker,
  options: { readonly rate: number; readonly seconds: number; readonly downMs: number; readonly persistent: boolean },
): Promise<RestartSample> {
  const channel = `restart-${bus}-${process.pid}`;
  const peers = [0, 1].map(() => new Child('./scale-out-restart-peer.ts', { args: [bus, broker.url, channel] }));
  try {
    await Promise.all(peers.map((peer) => peer.ready));
    const deadline = Date.now() + 30_000;
    for (;;) {
      await peers[0]!.request({ kind: 'warm-up' }, 10_000);
      await sleep(50);
      if ((await Promise.all(peers.map((peer) => peer.request<boolean>({ kind: 'warm?' }, 5000)))).every(Boolean)) break;
      if (Date.now() > deadline) throw new Error(`${bus}: the restart peers never received a warm-up message`);
    }
    const settleMs = 15_000;
    const publishing = peers[0]!.request<PublishRecord[]>({ kind: 'publish', rate: options.rate, seconds: options.seconds, settleMs }, options.seconds * 1000 + settleMs + 30_000);
    await sleep((options.seconds * 1000) / 3);
    const stoppedAt = now();
    await broker.stop();
    await sleep(options.downMs);
    await broker.start();
    const records = await publishing;
    // Late deliveries (a bus that buffered while the broker was down) get time to arrive.
    await sleep(2000);
    const reports = await Promise.all(peers.map((peer) => peer.request<PeerReport>({ kind: 'report' }, 10_000)));
    const rejections: Record<string, number> = {};
    for (const record of records) if (record.outcome === 'rejected') rejections[record.error ?? '?'] = (rejections[record.error ?? '?'] ?? 0) + 1;
    const rejectedAt = records.filter((r) => r.outcome === 'rejected').map((r) => r.calledAt - stoppedAt);
    return {
      bus,
      persistent: options.persistent,
      rejectedCalledFrom: Math.round(Math.min(...rejectedAt)),
      rejectedCalledTo: Math.round(Math.max(...rejectedAt)),
      rate: options.rate,
      seconds: options.seconds,
      downMs: options.downMs,
      published: records.length,
      resolved: records.filter((r) => r.outcome === 'resolved').length,
      rejected: records.filter((r) => r.outcome === 'rejected').length,
      pending: records.filter((r) => r.outcome === 'pending').length,
      rejections,
      subscribers: reports.map((report) => accountForSubscriber(records, report, stoppedAt)),
      publishFailedEvents: reports[0]!.events.filter(({ event }) => event.includes('"type":"publish-failed"')).length,
      publisherEvents: reports[0]!.events
        .filter(({ event }) => !event.includes('"type":"publish-failed"'))
        .map(({ at, event }) => `${Math.round(at - stoppedAt)} ms ${event}`),
    };
  } finally {
    await Promise.all(peers.map((peer) => peer.kill()));
  }
}

/**
 * The shape of bench/results/scale-out.json, and how fan-out samples become its rows: the
 * median across rounds per variant, and each library variant's paired ratio to its raw
 * counterpart measured in the same round (the library's overhead).
 */
import type { FanOutSample } from './scale-out-fan-out.js';
import type { RestartSample } from './scale-out-restart.js';
import type { ResumeSample } from './scale-out-resume.js';
import { RAW_COUNTERPART, VARIANT_LABELS, type FanOutVariant } from './scale-out-variants.js';
import { median, pairedRatios } from './stats.js';

/** One variant's row of the fan-out table. */
export interface FanOutRow {
  readonly variant: FanOutVariant;
  readonly label: string;
  /** Rounds measured (failed rounds are in `errors`). */
  readonly rounds: number;
  /** Latency from publish to the last connection, all trials of all rounds pooled. */
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly messagesPerSecond: number;
  readonly deliveriesPerSecond: number;
  readonly serverCpuPerDeliveryMicros: number;
  readonly singleCpuPerDeliveryMicros: number;
  /** Summed over rounds: deliveries expected, counted, and out of sequence. */
  readonly expected: number;
  readonly delivered: number;
  readonly anomalies: number;
  /** The raw variant the ratios are to, and the medians of the paired ratios (library ÷ raw). */
  readonly counterpart?: FanOutVariant;
  readonly ratio?: {
    readonly p50: number;
    readonly messagesPerSecond: number;
    readonly serverCpuPerDelivery: number;
    readonly singleCpuPerDelivery: number;
  };
}

export interface ScaleOutResults {
  readonly meta: Record<string, unknown>;
  readonly fanOut: FanOutRow[];
  readonly resume: ResumeSample[];
  readonly restart: RestartSample[];
  readonly notes: string[];
  readonly errors: string[];
}

/** The `q` quantile (0–1) of the finite values, nearest rank; `NaN` when there are none. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/** The rows of the fan-out table from the samples of each round (`undefined`: the round failed). */
export function fanOutRows(samples: ReadonlyMap<FanOutVariant, (FanOutSample | undefined)[]>): FanOutRow[] {
  const perRound = (variant: FanOutVariant, pick: (s: FanOutSample) => number): number[] =>
    (samples.get(variant) ?? []).map((s) => (s === undefined ? Number.NaN : pick(s)));
  const roundP50 = (s: FanOutSample): number => quantile(s.latenciesMs, 0.5);
  return [...samples.keys()].map((variant) => {
    const ok = (samples.get(variant) ?? []).filter((s): s is FanOutSample => s !== undefined);
    const counterpart = RAW_COUNTERPART[variant];
    const ratio =
      counterpart !== undefined && samples.has(counterpart)
        ? {
            p50: median(pairedRatios(perRound(variant, roundP50), perRound(counterpart, roundP50))),
            messagesPerSecond: median(pairedRatios(perRound(variant, (s) => s.messagesPerSecond), perRound(counterpart, (s) => s.messagesPerSecond))),
            serverCpuPerDelivery: median(
              pairedRatios(perRound(variant, (s) => s.serverCpuPerDeliveryMicros), perRound(counterpart, (s) => s.serverCpuPerDeliveryMicros)),
            ),
            singleCpuPerDelivery: median(
              pairedRatios(perRound(variant, (s) => s.singleCpuPerDeliveryMicros), perRound(counterpart, (s) => s.singleCpuPerDeliveryMicros)),
            ),
          }
        : undefined;
    const latencies = ok.flatMap((s) => s.latenciesMs);
    return {
      variant,
      label: VARIANT_LABELS[variant],
      rounds: ok.length,
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      messagesPerSecond: median(ok.map((s) => s.messagesPerSecond)),
      deliveriesPerSecond: median(ok.map((s) => s.deliveriesPerSecond)),
      serverCpuPerDeliveryMicros: median(ok.map((s) => s.serverCpuPerDeliveryMicros)),
      singleCpuPerDeliveryMicros: median(ok.map((s) => s.singleCpuPerDeliveryMicros)),
      expected: ok.reduce((sum, s) => sum + s.expected, 0),
      delivered: ok.reduce((sum, s) => sum + s.delivered, 0),
      anomalies: ok.reduce((sum, s) => sum + s.anomalies, 0),
      ...(ratio !== undefined && { counterpart, ratio }),
    };
  });
}

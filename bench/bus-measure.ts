/**
 * The measurement the bus benches share (bench/bus-redis.ts, bench/bus-nats.ts), so their figures
 * compare: two buses as two processes would use them, A publishes and B subscribes, on the subject
 * `bench`, 256-byte messages. Each bench keeps only what is its broker's: starting it, opening
 * the buses, and any figure only that broker has.
 */
import { performance } from 'node:perf_hooks';
import type { MessageBus } from '../src/server/index.js';

const subject = 'bench';
const payload = 'x'.repeat(256);
/** Messages in one rate run, and in each of its awaited batches. */
const total = 20_000;
const batch = 500;

/** What a rate run's figure is of, for the printed line. */
export const rateUnit = `messages/s (${payload.length} B, batches of ${batch})`;

const percentile = (values: number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] as number;
};

export interface BusMeasurement {
  /** The round trip of one message, publish on A until it arrives on B, 2,000 times: `round trip p50 … ms, p99 … ms`. */
  roundTrip(): Promise<string>;
  /**
   * Messages per second: `total` messages sent by `publish` (A's publish unless a bench measures
   * another way) in awaited batches of 500, until B has them all.
   */
  rate(publish?: (subject: string, payload: string) => Promise<unknown>): Promise<number>;
}

/** Subscribes B (any error on it ends the bench), and publishes on A until B has received one. */
export async function startBusMeasurement(name: string, a: MessageBus, b: MessageBus): Promise<BusMeasurement> {
  let onMessage: (() => void) | undefined;
  let received = 0;
  b.messages(subject).subscribe({
    next: () => {
      received++;
      onMessage?.();
    },
    error: (error: unknown) => {
      console.error(`${name}: ${String(error)}`);
      process.exit(1);
    },
  });
  while (received === 0) {
    await a.publish(subject, 'warm-up');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return {
    async roundTrip() {
      const roundTrips: number[] = [];
      for (let i = 0; i < 2000; i++) {
        const arrived = new Promise<void>((resolve) => (onMessage = resolve));
        const start = performance.now();
        await a.publish(subject, payload);
        await arrived;
        roundTrips.push(performance.now() - start);
      }
      return `round trip p50 ${percentile(roundTrips, 0.5).toFixed(3)} ms, p99 ${percentile(roundTrips, 0.99).toFixed(3)} ms`;
    },
    async rate(publish = (s, p) => a.publish(s, p)) {
      received = 0;
      const all = new Promise<void>((resolve) => (onMessage = () => received >= total && resolve()));
      const start = performance.now();
      for (let sent = 0; sent < total; sent += batch) await Promise.all(Array.from({ length: batch }, () => publish(subject, payload)));
      await all;
      return total / ((performance.now() - start) / 1000);
    },
  };
}

/**
 * How much work each mode of the scale-out benchmark does (`npm run bench:scale-out`):
 * `full` is the published run (10,000 connections over 3 server processes), `quick` the
 * development run (1,000 connections), `smoke` the test suite's (30 connections, 20 messages:
 * it checks correctness and the shape of the results, never timing).
 */
export type ScaleOutMode = 'full' | 'quick' | 'smoke';

export interface ScaleOutPlan {
  readonly mode: ScaleOutMode;
  /** Measured rounds of the fan-out cells; the variants' order rotates each round. */
  readonly rounds: number;
  /** WebSocket connections in all (spread over `processes` server processes, or all on one). */
  readonly connections: number;
  /** Server processes of the bus variants (and swarm processes of every variant). */
  readonly processes: number;
  /** Single messages per round, each timed from publish to the last connection receiving it. */
  readonly latencyTrials: number;
  /** Messages of the throughput burst, published back to back. */
  readonly burst: number;
  /** Bytes per message. */
  readonly size: number;
  /** Redis Streams resume: how many messages the client misses, one cell each. */
  readonly resumeMissed: readonly number[];
  /** Broker restart under load: publish rate, how long, and how long the broker stays down. */
  readonly restart: { readonly rate: number; readonly seconds: number; readonly downMs: number };
}

export function scaleOutPlan(mode: ScaleOutMode): ScaleOutPlan {
  switch (mode) {
    case 'full':
      return {
        mode,
        rounds: 3,
        connections: 10_000,
        processes: 3,
        latencyTrials: 30,
        burst: 50,
        size: 64,
        resumeMissed: [1_000, 10_000],
        restart: { rate: 2_000, seconds: 5, downMs: 1_000 },
      };
    case 'quick':
      return {
        mode,
        rounds: 1,
        connections: 1_000,
        processes: 3,
        latencyTrials: 10,
        burst: 20,
        size: 64,
        resumeMissed: [1_000],
        restart: { rate: 1_000, seconds: 3, downMs: 1_000 },
      };
    case 'smoke':
      return {
        mode,
        rounds: 1,
        connections: 30,
        processes: 3,
        latencyTrials: 5,
        burst: 15,
        size: 64,
        resumeMissed: [100],
        restart: { rate: 200, seconds: 2, downMs: 500 },
      };
  }
}

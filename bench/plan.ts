/**
 * How much work each mode of the benchmark does. `full` is the published run (about ten
 * minutes on two cores), `quick` the CI smoke run (under a minute), `smoke` the test suite's
 * (a few seconds, tiny sizes, only checks that the results are well-formed).
 */
import { VARIANT_NAMES, type VariantName } from './clients.js';

export type Mode = 'full' | 'quick' | 'smoke';

export interface ThroughputPlan {
  readonly size: number;
  readonly recvCount: number;
  readonly sendCount: number;
  /** Messages in flight at most, and how often the peer acks: every client is paced the same. */
  readonly window: number;
  readonly ackEvery: number;
}

export interface Plan {
  readonly mode: Mode;
  /** Measured rounds of the interleaved cells (after one unrecorded warm-up round). */
  readonly rounds: number;
  readonly variants: readonly VariantName[];
  readonly throughput: readonly ThroughputPlan[];
  /** Round trips per echo trial (16-byte messages). */
  readonly echoCount: number;
  /** Repeat the echo cell with peer and client pinned to one core. */
  readonly pinned: boolean;
  readonly idle: { readonly connections: number; readonly rounds: number };
  readonly server: { readonly connections: number; readonly rounds: number; readonly fanouts: number };
  /** Compare ws and the task with and without bufferutil (throughput cells). */
  readonly bufferutil: boolean;
}

const ALL = VARIANT_NAMES;

export function planFor(mode: Mode): Plan {
  switch (mode) {
    case 'full':
      return {
        mode,
        rounds: 7,
        variants: ALL,
        throughput: [
          { size: 16, recvCount: 200_000, sendCount: 50_000, window: 256, ackEvery: 64 },
          { size: 1024, recvCount: 60_000, sendCount: 25_000, window: 128, ackEvery: 32 },
          { size: 65536, recvCount: 1_500, sendCount: 800, window: 16, ackEvery: 4 },
        ],
        echoCount: 3_000,
        pinned: true,
        idle: { connections: 2_000, rounds: 3 },
        server: { connections: 10_000, rounds: 3, fanouts: 7 },
        bufferutil: true,
      };
    case 'quick':
      return {
        mode,
        rounds: 2,
        variants: ALL,
        throughput: [
          { size: 16, recvCount: 30_000, sendCount: 8_192, window: 256, ackEvery: 64 },
          { size: 1024, recvCount: 8_000, sendCount: 4_096, window: 128, ackEvery: 32 },
          { size: 65536, recvCount: 200, sendCount: 128, window: 16, ackEvery: 4 },
        ],
        echoCount: 400,
        pinned: true,
        idle: { connections: 200, rounds: 1 },
        server: { connections: 1_000, rounds: 1, fanouts: 3 },
        bufferutil: false,
      };
    case 'smoke':
      return {
        mode,
        rounds: 1,
        variants: ALL,
        throughput: [{ size: 16, recvCount: 200, sendCount: 128, window: 32, ackEvery: 8 }],
        echoCount: 20,
        pinned: false,
        idle: { connections: 10, rounds: 1 },
        server: { connections: 20, rounds: 1, fanouts: 1 },
        bufferutil: false,
      };
  }
}

/**
 * The shape of bench/results/*.json, and how raw measurements become cells: median per
 * variant, and the median of the paired ratios to raw `ws`.
 */
import type { VariantName } from './clients.js';
import { median, pairedRatios, range } from './stats.js';

/** Which way is better for a metric. */
export type Better = 'higher' | 'lower';

/** One row of the results: one metric of one cell, every variant. */
export interface Cell {
  /** Stable id, e.g. `recv-16.rate`. */
  readonly id: string;
  /** Human label, e.g. `server → client, 16 B`. */
  readonly label: string;
  readonly metric: string;
  readonly unit: string;
  readonly better: Better;
  /** Which run produced it: `plain` (no bufferutil), `bufferutil`, `pinned`. */
  readonly config: string;
  /** The value of each round per variant (`NaN` for a failed trial). */
  readonly values: Partial<Record<string, number[]>>;
  /** Median of the rounds. */
  readonly median: Partial<Record<string, number>>;
  /** Median of the paired ratios to the baseline (the baseline's own is 1); `NaN` (`null` in JSON) when none could be formed. */
  readonly ratio: Partial<Record<string, number>>;
  /** Smallest and largest paired ratio. */
  readonly ratioRange: Partial<Record<string, [number, number]>>;
  /** The variant the ratios are to. */
  readonly baseline: string;
}

/** A target of issue 6, checked against one cell. */
export interface Target {
  readonly description: string;
  readonly cell: string;
  readonly variant: string;
  /** `ws` for ratios to raw ws; `rxjs+json` for "ahead of rxjs/webSocket's JSON". */
  readonly against: string;
  /** The ratio must be at least (`>=`) or at most (`<=`) the threshold. */
  readonly op: '>=' | '<=';
  readonly threshold: number;
  readonly ratio: number;
  readonly met: boolean;
}

export interface Results {
  readonly meta: Record<string, unknown>;
  readonly cells: Cell[];
  readonly targets: Target[];
  /** Side facts: peer CPU share per cell, notes, failures. */
  readonly peerBusy: Record<string, number>;
  readonly notes: string[];
  readonly errors: string[];
}

/** Builds a cell from the per-round values of each variant. */
export function makeCell(
  spec: Omit<Cell, 'median' | 'ratio' | 'ratioRange' | 'baseline'> & { readonly baseline?: string },
): Cell {
  const baseline = spec.baseline ?? 'ws';
  const base = spec.values[baseline] ?? [];
  const medians: Record<string, number> = {};
  const ratios: Record<string, number> = {};
  const ranges: Record<string, [number, number]> = {};
  for (const [variant, values] of Object.entries(spec.values)) {
    if (values === undefined) continue;
    medians[variant] = median(values);
    // The baseline's ratio is 1 by definition, even where its value is 0 (an RSS delta under a page).
    const paired = variant === baseline ? values.map(() => 1) : pairedRatios(values, base);
    ratios[variant] = median(paired);
    ranges[variant] = range(paired);
  }
  return { ...spec, baseline, median: medians, ratio: ratios, ratioRange: ranges };
}

/** The ratio of `variant` to `against` in a cell: paired per round when both ran in it. */
export function ratioBetween(cell: Cell, variant: string, against: string): number {
  if (against === cell.baseline) return cell.ratio[variant] ?? Number.NaN;
  return median(pairedRatios(cell.values[variant] ?? [], cell.values[against] ?? []));
}

/** Checks one target. */
export function checkTarget(
  cells: readonly Cell[],
  description: string,
  cellId: string,
  variant: VariantName | string,
  op: '>=' | '<=',
  threshold: number,
  against = 'ws',
): Target | undefined {
  const cell = cells.find((candidate) => candidate.id === cellId);
  if (cell === undefined || cell.values[variant] === undefined || cell.values[against] === undefined) return undefined;
  const ratio = ratioBetween(cell, variant, against);
  const met = op === '>=' ? ratio >= threshold : ratio <= threshold;
  return { description, cell: cellId, variant, against, op, threshold, ratio, met };
}

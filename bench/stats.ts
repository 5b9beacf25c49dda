/**
 * The statistics of an interleaved run: medians across rounds, and paired ratios (each
 * variant against the baseline measured in the same round, next to it in time), which is
 * what stays meaningful on a noisy machine.
 */

/** The median of the finite values; `NaN` when there are none. */
export function median(values: readonly number[]): number {
  const finite = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (finite.length === 0) return Number.NaN;
  const middle = finite.length >> 1;
  return finite.length % 2 === 1 ? finite[middle]! : (finite[middle - 1]! + finite[middle]!) / 2;
}

/** Ratio of `values[i]` to `baseline[i]` for each round where both are finite. */
export function pairedRatios(values: readonly number[], baseline: readonly number[]): number[] {
  const ratios: number[] = [];
  for (let i = 0; i < values.length; i++) {
    const ratio = values[i]! / baseline[i]!;
    if (Number.isFinite(ratio)) ratios.push(ratio);
  }
  return ratios;
}

/** Smallest and largest finite value, `[NaN, NaN]` when there is none. */
export function range(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  return finite.length === 0 ? [Number.NaN, Number.NaN] : [Math.min(...finite), Math.max(...finite)];
}

/** Rotates `items` left by `by`: the order of round `by`, so that no variant always runs first. */
export function rotate<T>(items: readonly T[], by: number): T[] {
  if (items.length === 0) return [];
  const k = ((by % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

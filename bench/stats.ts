/** Small pure helpers for the benchmark report. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i]!;
}

export function rate(count: number, ms: number): number {
  return ms > 0 ? (count * 1000) / ms : 0;
}

export const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

/**
 * The highest rate over any window of at least `windowMs` in a cumulative series of
 * (time, count) points: what a stage did while it had the machine to itself, next to its average.
 */
export function peakRate(points: readonly { ms: number; count: number }[], windowMs: number): number {
  let best = 0;
  let j = 0;
  for (let i = 0; i < points.length; i++) {
    while (j < i && points[i]!.ms - points[j + 1]!.ms >= windowMs) j++;
    const span = points[i]!.ms - points[j]!.ms;
    if (span >= windowMs) best = Math.max(best, rate(points[i]!.count - points[j]!.count, span));
  }
  return best;
}

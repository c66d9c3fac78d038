// Fixed log-scale histograms of durations (seconds) for the hourly rollups (worker/analytics/rollups.ts):
// percentiles of any range are read from summed bin counts instead of ranking every fact row.
//
// Bins: bin 0 holds exactly 0 (a business-hours wait outside open hours is common and stays exact);
// bin k ≥ 1 holds [0.001·1.1^(k−1), 0.001·1.1^k) seconds, up to bin MAX_BIN which is open-ended
// (≈ 11 years). Facts are kept to the millisecond, so 0.001 s is the smallest non-zero value.
// A percentile is the nearest-rank bin's geometric midpoint lo·√1.1, so the reported value is within
// √1.1 − 1 ≈ 4.88 % of the exact nearest-rank value (plus rounding to the millisecond).
//
// The bin boundaries also live in D1 (table analytics_bins, migration 0036) so that SQL can bin a value
// (the subscriber's rollup deltas, the backfill, the edges of a range): the table lists exactly LOWER_BOUNDS.
// Hand-written rather than a library: a few lines, and it must match the SQL table bin for bin.

export const RATIO = 1.1;
export const SMALLEST = 0.001;
/** The last bin starts at 0.001·1.1^279 s ≈ 11 years; anything longer shares it. */
export const MAX_BIN = 280;
/** The worst relative error of a reported percentile against the exact nearest-rank value. */
export const RELATIVE_ERROR = Math.sqrt(RATIO) - 1;

/**
 * Lower bound (seconds) of every bin, by bin number: each the previous times 1.1 in double precision, the
 * same products the migration's recursive SQL computes, so both sides hold the very same numbers.
 */
export const LOWER_BOUNDS: readonly number[] = (() => {
  const out = [0, SMALLEST];
  while (out.length <= MAX_BIN) out.push(out[out.length - 1] * RATIO);
  return out;
})();

/** The bin of a duration, as the SQL lookup finds it (the greatest lower bound ≤ v). */
export function binOf(seconds: number): number {
  if (!(seconds > 0)) return 0;
  let lo = 0;
  let hi = MAX_BIN;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (LOWER_BOUNDS[mid] <= seconds) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The value reported for a bin: its geometric midpoint, to the millisecond (0 for bin 0). */
export function binValue(bin: number): number {
  if (bin <= 0) return 0;
  return Math.round(LOWER_BOUNDS[bin] * Math.sqrt(RATIO) * 1000) / 1000;
}

/** Bin counts of one metric: bin number → count. */
export type Histogram = Map<number, number>;

/** The value at 1-based nearest rank `rank` of a histogram (null when it holds fewer values). */
export function valueAtRank(h: Histogram, rank: number): number | null {
  let seen = 0;
  for (const bin of [...h.keys()].sort((a, b) => a - b)) {
    seen += h.get(bin)!;
    if (seen >= rank) return binValue(bin);
  }
  return null;
}

/** The sum of histograms (e.g. first responses of first cycles and of reopens). */
export function merge(...hs: Histogram[]): Histogram {
  const out: Histogram = new Map();
  for (const h of hs) for (const [bin, n] of h) out.set(bin, (out.get(bin) ?? 0) + n);
  return out;
}

export const total = (h: Histogram) => [...h.values()].reduce((s, n) => s + n, 0);

/** SQL for the bin of a value expression, looked up in analytics_bins (its primary key is the lower bound). */
export const binSql = (v: string) => `(SELECT b.bin FROM analytics_bins b WHERE b.lo <= ${v} ORDER BY b.lo DESC LIMIT 1)`;

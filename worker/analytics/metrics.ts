// Summary statistics for analytics, in JS and in SQL, with one definition: nearest-rank percentiles
// (the value at rank ceil(p·n) of the sorted values; the median is p = 0.5), so a figure computed in D1
// and one computed here from the same values are equal, and every median is a value that occurred.
import { percentile } from '../sla/metrics';

export interface Stats {
  count: number;
  median: number | null;
  p90: number | null;
  avg: number | null;
}

/** count, median, p90 and mean of a list of values (seconds), in any order. */
export function stats(values: readonly number[]): Stats {
  const sorted = [...values].sort((a, b) => a - b);
  const sum = sorted.reduce((s, v) => s + v, 0);
  return { count: sorted.length, median: percentile(sorted, 50), p90: percentile(sorted, 90), avg: sorted.length ? round3(sum / sorted.length) : null };
}

export const round3 = (n: number) => Math.round(n * 1000) / 1000;

/** A share (0–1, four decimals), null when there is nothing to divide by. */
export function ratio(n: number, d: number): number | null {
  return d === 0 ? null : Math.round((n / d) * 10_000) / 10_000;
}

/** 1-based nearest ranks of the median and p90 among n values: ceil(n/2) and ceil(9n/10) (SQL: (n+1)/2, (9n+9)/10). */
export const medianRank = (n: number) => Math.floor((n + 1) / 2);
export const p90Rank = (n: number) => Math.floor((9 * n + 9) / 10);

/** SQL for the same ranks, over an integer column or expression `n`. */
export const MEDIAN_RANK_SQL = (n: string) => `(${n} + 1) / 2`;
export const P90_RANK_SQL = (n: string) => `(9 * ${n} + 9) / 10`;

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

/**
 * SQL select-list items giving count, median, p90 and avg of `value` per group, over rows that carry
 * ROW_NUMBER() (ordered by the value) as `rank` and COUNT(*) as `n`, both partitioned by the group:
 * ceil(n/2) = (n+1)/2 and ceil(9n/10) = (9n+9)/10 in integer arithmetic.
 */
export function percentileColumns(value: string, rank: string, n: string, prefix: string): string {
  return [
    `MIN(CASE WHEN ${rank} = (${n} + 1) / 2 THEN ${value} END) AS ${prefix}_median`,
    `MIN(CASE WHEN ${rank} = (9 * ${n} + 9) / 10 THEN ${value} END) AS ${prefix}_p90`,
    `AVG(${value}) AS ${prefix}_avg`,
  ].join(', ');
}

/** The Stats of one prefix from a row produced with percentileColumns. */
export function statsOf(row: Record<string, unknown> | undefined, prefix: string, count: number): Stats {
  const num = (v: unknown) => (v === null || v === undefined ? null : round3(Number(v)));
  if (!row || count === 0) return { count: 0, median: null, p90: null, avg: null };
  return { count, median: num(row[`${prefix}_median`]), p90: num(row[`${prefix}_p90`]), avg: num(row[`${prefix}_avg`]) };
}

// Local-time buckets for the read API, in a time zone, DST-exact, computed in SQL without a calendar
// table: the range is cut into spans of constant UTC offset (found with Intl, routing/business-hours.ts),
// and a CASE adds the right offset to each timestamp; integer division then gives the local hour, day
// or ISO week. Bucket starts are listed here (empty buckets included) with the same arithmetic.
import { offsetAt, zonedInstant } from '../routing/business-hours';

export type Interval = 'hour' | 'day' | 'week';

const HOUR = 3_600_000;
const DAY = 86_400_000;
/** Sampling step when looking for offset changes (no zone changes its offset twice within a day). */
const STEP = DAY;

export interface OffsetSpan {
  /** The span ends before this instant (the last span has none). */
  until: number | null;
  offset: number;
}

/** Spans of constant UTC offset covering [from, to). */
export function offsetSpans(from: number, to: number, tz: string): OffsetSpan[] {
  if (tz === 'UTC') return [{ until: null, offset: 0 }];
  const spans: OffsetSpan[] = [];
  let offset = offsetAt(from, tz);
  for (let t = from; t < to; ) {
    const next = Math.min(t + STEP, to);
    const o = offsetAt(next, tz);
    if (o !== offset) {
      // The change lies in (t, next]: find its first instant to the millisecond.
      let lo = t;
      let hi = next;
      while (hi - lo > 1) {
        const mid = Math.floor((lo + hi) / 2);
        if (offsetAt(mid, tz) === offset) lo = mid;
        else hi = mid;
      }
      spans.push({ until: hi, offset });
      offset = offsetAt(hi, tz);
    }
    t = next;
  }
  spans.push({ until: null, offset });
  return spans;
}

/** SQL for `col` as local wall-clock ms (col is an epoch-ms column; the values are integers we computed). */
export function localSql(col: string, spans: OffsetSpan[]): string {
  if (spans.length === 1) return `(${col} + ${spans[0].offset})`;
  const arms = spans.map((s) => (s.until === null ? `ELSE ${s.offset}` : `WHEN ${col} < ${s.until} THEN ${s.offset}`));
  return `(${col} + CASE ${arms.join(' ')} END)`;
}

/** SQL for the bucket key of `col`: local hour number, local day number, or week number (weeks start on Monday). */
export function bucketSql(col: string, interval: Interval, spans: OffsetSpan[]): string {
  const local = localSql(col, spans);
  if (interval === 'hour') return `(${local} / ${HOUR})`;
  if (interval === 'day') return `(${local} / ${DAY})`;
  // Day 0 (1970-01-01) was a Thursday: day + 3 is a multiple of 7 on Mondays.
  return `((${local} / ${DAY} + 3) / 7)`;
}

/** SQL for the local hour of day (0–23) or weekday (0 Sunday – 6) of `col`. */
export function hourOfDaySql(col: string, spans: OffsetSpan[]): string {
  return `((${localSql(col, spans)} / ${HOUR}) % 24)`;
}
export function weekdaySql(col: string, spans: OffsetSpan[]): string {
  return `((${localSql(col, spans)} / ${DAY} + 4) % 7)`;
}

/** The bucket key of an instant (as bucketSql computes it). */
export function bucketKey(at: number, interval: Interval, tz: string): number {
  const local = at + offsetAt(at, tz);
  if (interval === 'hour') return Math.floor(local / HOUR);
  if (interval === 'day') return Math.floor(local / DAY);
  return Math.floor((Math.floor(local / DAY) + 3) / 7);
}

/** The instant a bucket starts (its local start; a start skipped by DST moves forward, as zonedInstant does). */
export function bucketStart(key: number, interval: Interval, tz: string): number {
  if (interval === 'hour') return zonedInstant(Math.floor(key / 24), (key % 24) * 60, tz);
  if (interval === 'day') return zonedInstant(key, 0, tz);
  return zonedInstant(key * 7 - 3, 0, tz);
}

/** Every bucket key of [from, to), in order. */
export function bucketKeys(from: number, to: number, interval: Interval, tz: string): number[] {
  if (to <= from) return [];
  const first = bucketKey(from, interval, tz);
  const last = bucketKey(to - 1, interval, tz);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}

/** How many buckets [from, to) spans, without listing them (to refuse a request before any work). */
export function bucketCount(from: number, to: number, interval: Interval, tz: string): number {
  if (to <= from) return 0;
  return bucketKey(to - 1, interval, tz) - bucketKey(from, interval, tz) + 1;
}

/** Local midnight starting the local date `iso` (YYYY-MM-DD) in tz. */
export function localDateStart(iso: string, tz: string): number {
  return zonedInstant(Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY), 0, tz);
}

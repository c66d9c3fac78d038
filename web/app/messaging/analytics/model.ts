// The dashboard's pure side: the range a preset or custom dates mean (local dates in the browser's zone,
// as the API reads them with `tz`), the previous period of the same length, the chart interval, the
// query every request shares, and the figures' wording (durations, shares, deltas).

export const PRESETS = [
  ['today', 'Today', 1],
  ['7d', 'Last 7 days', 7],
  ['30d', 'Last 30 days', 30],
  ['90d', 'Last 90 days', 90],
  ['custom', 'Custom', 0],
] as const;
export type Preset = (typeof PRESETS)[number][0];

export interface Filters {
  channel: string;
  inboxId: string;
  teamId: string;
  agentId: string;
}

export interface Range {
  preset: Preset;
  /** Local dates YYYY-MM-DD, both inclusive. */
  from: string;
  to: string;
  days: number;
}

const DAY = 86_400_000;

/** The browser's IANA zone (the API buckets days and hours in it). */
export const browserTz = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';

/** A local date (YYYY-MM-DD) of an instant in this browser. */
export function localDate(at: number): string {
  const d = new Date(at);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

/** Calendar arithmetic on YYYY-MM-DD (at UTC noon, so no zone or DST can move the date). */
export function addDays(date: string, n: number): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + n * DAY).toISOString().slice(0, 10);
}
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / DAY) + 1;
}
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** A real calendar date (2026-02-30 is not: the round trip through Date would move it). */
const validDate = (s: string | null): s is string => {
  if (!s || !DATE.test(s)) return false;
  const t = Date.parse(`${s}T12:00:00Z`);
  return Number.isFinite(t) && new Date(t).toISOString().startsWith(s);
};

/** The range the URL asks for; a custom range with missing, reversed or over-long dates falls back to 7 days. */
export function rangeOf(params: URLSearchParams, today = localDate(Date.now())): Range {
  const preset = (PRESETS.find((p) => p[0] === params.get('range'))?.[0] ?? '7d') as Preset;
  if (preset === 'custom') {
    const from = params.get('from');
    const to = params.get('to');
    if (validDate(from) && validDate(to) && from <= to && daysBetween(from, to) <= 366) return { preset, from, to, days: daysBetween(from, to) };
    return rangeOf(new URLSearchParams('range=7d'), today);
  }
  const days = PRESETS.find((p) => p[0] === preset)![2];
  return { preset, from: addDays(today, -(days - 1)), to: today, days };
}

/** The same number of days just before. */
export function previousOf(r: Range): Range {
  return { ...r, from: addDays(r.from, -r.days), to: addDays(r.from, -1) };
}

/** Hours for a day, days up to two months, weeks beyond. */
export function intervalOf(r: Range): 'hour' | 'day' | 'week' {
  return r.days <= 1 ? 'hour' : r.days <= 62 ? 'day' : 'week';
}

export function filtersOf(params: URLSearchParams): Filters {
  return { channel: params.get('channel') ?? '', inboxId: params.get('inboxId') ?? '', teamId: params.get('teamId') ?? '', agentId: params.get('agentId') ?? '' };
}

/** The query every analytics request shares: the range in the browser's zone and the filters set. */
export function baseQuery(r: Range, f: Filters, tz: string): Record<string, string> {
  const q: Record<string, string> = { from: r.from, to: r.to, tz };
  for (const [k, v] of Object.entries(f)) if (v) q[k] = v;
  return q;
}

export function queryString(q: Record<string, string | undefined>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(q)) if (v) p.set(k, v);
  return p.toString();
}

// ---- wording ----

/** Seconds as a short duration: 42 s, 7 min, 3.5 h, 2.1 d. */
export function duration(s: number | null | undefined): string {
  if (s === null || s === undefined) return '—';
  if (s < 60) return `${s < 10 ? Math.round(s * 10) / 10 : Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86_400) return `${Math.round(s / 360) / 10} h`;
  return `${Math.round(s / 8640) / 10} d`;
}

export function share(x: number | null | undefined): string {
  if (x === null || x === undefined) return '—';
  return `${Math.round(x * 1000) / 10}%`;
}

export const count = (n: number | null | undefined) => (n === null || n === undefined ? '—' : n.toLocaleString());

export interface Delta {
  dir: 'up' | 'down' | 'flat' | 'none';
  /** Better for the team (fewer seconds waited, more resolved)? null when flat or unknown. */
  good: boolean | null;
  /** "+12%", "−3 pts", "no change". */
  text: string;
  /** The sentence a screen reader hears. */
  said: string;
}

/**
 * How a figure moved against the previous period: relative for counts and times, in percentage points
 * for shares. `higherIsBetter` colours it; the arrow and the words carry the same information.
 */
export function delta(now: number | null | undefined, before: number | null | undefined, opts: { higherIsBetter: boolean; kind: 'count' | 'time' | 'share'; format: (x: number) => string }): Delta {
  if (now === null || now === undefined || before === null || before === undefined) return { dir: 'none', good: null, text: 'no earlier figure', said: 'no figure for the previous period' };
  const diff = now - before;
  if (Math.abs(diff) < 1e-9) return { dir: 'flat', good: null, text: 'no change', said: `no change from the previous period (${opts.format(before)})` };
  const dir = diff > 0 ? 'up' : 'down';
  const good = diff > 0 === opts.higherIsBetter;
  const text =
    opts.kind === 'share'
      ? `${diff > 0 ? '+' : '−'}${Math.round(Math.abs(diff) * 1000) / 10} pts`
      : before === 0
        ? `${diff > 0 ? '+' : '−'}${opts.kind === 'time' ? opts.format(Math.abs(diff)) : Math.abs(diff).toLocaleString()}`
        : `${diff > 0 ? '+' : '−'}${Math.round((Math.abs(diff) / Math.abs(before)) * 100)}%`;
  return { dir, good, text, said: `${dir === 'up' ? 'up' : 'down'} ${text.slice(1)} from ${opts.format(before)} in the previous period, ${good ? 'better' : 'worse'}` };
}

/** A bucket's label: the hour, the day, or the week's first day. */
export function bucketLabel(at: number, interval: 'hour' | 'day' | 'week'): string {
  const d = new Date(at);
  if (interval === 'hour') return d.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  const day = d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
  return interval === 'week' ? `Week of ${day}` : day;
}

export const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

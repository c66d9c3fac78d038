// Business hours as pure functions over an IANA time zone (Intl only, DST-safe): whether a calendar
// is open at an instant, and business-time arithmetic for SLA deadlines (addBusinessTime, businessTimeBetween).

/** weekday "0" (Sunday) … "6" → [["09:00", "17:00"], …]. "24:00" ends a day; an end not after its start runs past midnight. */
export type WeeklyHours = Partial<Record<string, [string, string][]>>;

/** A day closed all day: its local date, a name people read, and whether it comes back every year on that month and day. */
export interface Holiday {
  date: string;
  name?: string;
  yearly?: boolean;
}

/** Stored holidays: older calendars hold bare "YYYY-MM-DD" strings, newer ones Holiday objects; both stay valid. */
export type HolidayEntry = string | Holiday;

export interface Calendar {
  timezone: string;
  /** null: open around the clock. */
  hours: WeeklyHours | null;
  holidays?: HolidayEntry[];
}

export function holidayOf(entry: HolidayEntry): Holiday {
  return typeof entry === 'string' ? { date: entry, name: '', yearly: false } : { date: entry.date, name: entry.name ?? '', yearly: entry.yearly === true };
}

/** Whether a local day number is a holiday: a one-off date, or a yearly month-and-day. */
function holidayTest(entries: HolidayEntry[]): (day: number) => boolean {
  if (entries.length === 0) return () => false;
  const once = new Set<number>();
  const yearly = new Set<string>();
  for (const h of entries.map(holidayOf)) {
    if (h.yearly) yearly.add(h.date.slice(5));
    else once.add(dayOfDate(h.date));
  }
  return (day) => once.has(day) || (yearly.size > 0 && yearly.has(new Date(day * DAY_MS).toISOString().slice(5, 10)));
}

const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;
/** How far ahead addBusinessTime looks for open time before concluding the calendar never opens. */
const HORIZON_DAYS = 800;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at an instant, in ms (local wall clock = instant + offset). */
export function offsetAt(instant: number, timeZone: string): number {
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const wall = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute, parts.second);
  return wall - Math.floor(instant / 1000) * 1000;
}

/** Local calendar day number (days since 1970-01-01 in that zone) of an instant. */
export function localDay(instant: number, timeZone: string): number {
  return Math.floor((instant + offsetAt(instant, timeZone)) / DAY_MS);
}

/**
 * The instant a local wall-clock time happens. A time that occurs twice (clocks going back) is the
 * first occurrence; a time skipped by clocks going forward moves forward by the gap (like
 * Temporal's "compatible"), so 02:30 on a spring-forward night in New York is 03:30 EDT.
 */
export function zonedInstant(day: number, minutes: number, timeZone: string): number {
  const wall = day * DAY_MS + minutes * MINUTE_MS;
  const before = offsetAt(wall - DAY_MS, timeZone);
  const after = offsetAt(wall + DAY_MS, timeZone);
  const candidates = [...new Set([before, after])].map((off) => wall - off).filter((t) => t + offsetAt(t, timeZone) === wall);
  if (candidates.length > 0) return Math.min(...candidates);
  return wall - before;
}

function minutesOf(hhmm: string): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(hhmm);
  if (!m) throw new Error(`not a HH:MM time: ${hhmm}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

function dayOfDate(iso: string): number {
  return Math.floor(Date.parse(`${iso}T00:00:00Z`) / DAY_MS);
}

/** Weekday of a day number: 0 Sunday … 6 Saturday (1970-01-01 was a Thursday). */
function weekday(day: number): number {
  return (((day + 4) % 7) + 7) % 7;
}

/** Open intervals [start, end) intersecting [from, to), merged and clipped. */
export function openIntervals(cal: Calendar, from: number, to: number): [number, number][] {
  if (to <= from) return [];
  if (!cal.hours) return [[from, to]];
  const isHoliday = holidayTest(cal.holidays ?? []);
  const tz = cal.timezone;
  const pieces: [number, number][] = [];
  const piece = (day: number, a: number, b: number) => {
    if (a >= b || isHoliday(day)) return;
    const start = zonedInstant(day, a, tz);
    const end = b >= 1440 ? zonedInstant(day + 1, 0, tz) : zonedInstant(day, b, tz);
    if (end > start) pieces.push([start, end]);
  };
  for (let day = localDay(from, tz) - 1; day <= localDay(to, tz) + 1; day++) {
    for (const [s, e] of cal.hours[String(weekday(day))] ?? []) {
      const a = minutesOf(s);
      const b = minutesOf(e);
      if (b > a) piece(day, a, b);
      else {
        // Past midnight: the part after 00:00 belongs to the next local day (and its holiday).
        piece(day, a, 1440);
        piece(day + 1, 0, b);
      }
    }
  }
  pieces.sort((x, y) => x[0] - y[0]);
  const merged: [number, number][] = [];
  for (const [a, b] of pieces) {
    const last = merged[merged.length - 1];
    if (last && a <= last[1]) last[1] = Math.max(last[1], b);
    else merged.push([a, b]);
  }
  return merged.filter(([a, b]) => b > from && a < to).map(([a, b]) => [Math.max(a, from), Math.min(b, to)]);
}

/** Whether the calendar is open at an instant. */
export function isOpen(cal: Calendar, instant: number): boolean {
  return openIntervals(cal, instant, instant + 1).length > 0;
}

/** The first open instant at or after `instant`, or null when the calendar never opens. */
export function nextOpen(cal: Calendar, instant: number): number | null {
  for (let from = instant; from < instant + HORIZON_DAYS * DAY_MS; from += 7 * DAY_MS) {
    const first = openIntervals(cal, from, from + 7 * DAY_MS)[0];
    if (first) return first[0];
  }
  return null;
}

/**
 * The instant `ms` of business time after `start` (time outside open hours does not count).
 * Returns null when the calendar has no open time within a couple of years.
 */
export function addBusinessTime(cal: Calendar, start: number, ms: number): number | null {
  if (ms <= 0) return start;
  if (!cal.hours) return start + ms;
  let remaining = ms;
  for (let from = start; from < start + HORIZON_DAYS * DAY_MS; from += 7 * DAY_MS) {
    for (const [a, b] of openIntervals(cal, from, from + 7 * DAY_MS)) {
      if (remaining <= b - a) return a + remaining;
      remaining -= b - a;
    }
  }
  return null;
}

/** Business time between two instants (negative when `end` is before `start`). */
export function businessTimeBetween(cal: Calendar, start: number, end: number): number {
  if (end < start) return -businessTimeBetween(cal, end, start);
  let total = 0;
  for (const [a, b] of openIntervals(cal, start, end)) total += b - a;
  return total;
}

/** Whether a time zone name is one Intl knows. */
export function validTimeZone(tz: string): boolean {
  try {
    formatter(tz);
    return true;
  } catch {
    return false;
  }
}

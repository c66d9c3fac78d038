// Pure SLA countdown logic for the agent app (rows, thread header): what a deadline reads as, in
// which colour, and what a screen reader hears. No DOM, no signals, so it is unit-tested directly
// (test/sla/ui-countdown.test.ts).
import type { SlaState, SlaTarget } from '../../../../worker/sla/model';

export type SlaTone = 'ok' | 'warning' | 'breached' | 'paused' | 'met';

export interface SlaView {
  tone: SlaTone;
  /** Short text for the badge: "12m", "2h 5m", "overdue 3m", "paused 40m", "met". */
  text: string;
  /** The full sentence for assistive technology: "First response due in 12 minutes". */
  label: string;
  target: SlaTarget | null;
}

const SEC = 1000;
const MIN = 60 * SEC;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export const TARGET_LABEL: Record<SlaTarget, string> = { firstResponse: 'First response', nextResponse: 'Next response', resolution: 'Resolution' };

/** "45s", "12m", "2h 5m", "3d 4h": the two largest units, rounded up while counting down (never "0m" before the deadline). */
export function shortDuration(ms: number, roundUp = true): string {
  const abs = Math.abs(ms);
  const round = roundUp ? Math.ceil : Math.floor;
  if (abs < MIN) return `${Math.max(roundUp ? 1 : 0, round(abs / SEC))}s`;
  if (abs < HOUR) return `${round(abs / MIN)}m`;
  if (abs < DAY) {
    const totalMin = round(abs / MIN);
    const h = Math.floor(totalMin / 60);
    const m = totalMin % 60;
    return m ? `${h}h ${m}m` : `${h}h`;
  }
  const totalH = round(abs / HOUR);
  const d = Math.floor(totalH / 24);
  const h = totalH % 24;
  return h ? `${d}d ${h}h` : `${d}d`;
}

/** "12 minutes", "2 hours 5 minutes", "45 seconds": the spoken form of shortDuration. */
export function longDuration(ms: number, roundUp = true): string {
  const units: Record<string, [string, string]> = { s: ['second', 'seconds'], m: ['minute', 'minutes'], h: ['hour', 'hours'], d: ['day', 'days'] };
  return shortDuration(ms, roundUp)
    .split(' ')
    .map((part) => {
      const n = Number(part.slice(0, -1));
      const [one, many] = units[part.slice(-1)];
      return `${n} ${n === 1 ? one : many}`;
    })
    .join(' ');
}

/**
 * What a list row shows. The row only has the projected status and the earliest running deadline;
 * a row with a status but no deadline is paused when the conversation waits (pending/snoozed),
 * otherwise every target is met.
 */
export function rowSlaView(row: { slaStatus?: string | null; slaDueAt?: number | null; status: string }, now: number): SlaView | null {
  if (!row.slaStatus) return null;
  if (row.slaDueAt == null) {
    if (row.status === 'pending' || row.status === 'snoozed') return { tone: 'paused', text: 'paused', label: 'SLA paused while the conversation waits', target: null };
    if (row.slaStatus === 'breached') return { tone: 'breached', text: 'breached', label: 'SLA breached', target: null };
    return null;
  }
  return deadlineView(row.slaDueAt, null, row.slaStatus === 'breached' ? 'breached' : row.slaStatus === 'warning' ? 'warning' : 'ok', null, now);
}

/** What the thread header shows: the running clock that is due first, or the paused one with the least time left. */
export function stateSlaView(sla: SlaState | null | undefined, now: number): SlaView | null {
  if (!sla) return null;
  const running = sla.clocks.filter((c) => c.dueAt != null && c.metAt == null).sort((a, b) => a.dueAt! - b.dueAt!);
  const first = running[0];
  if (first) return deadlineView(first.dueAt!, first.warnAt, sla.status, first.target, now);
  const paused = sla.clocks.filter((c) => c.remainingMs != null && c.metAt == null).sort((a, b) => a.remainingMs! - b.remainingMs!)[0];
  if (paused) {
    const left = paused.remainingMs!;
    const what = TARGET_LABEL[paused.target];
    if (left <= 0 || paused.breachedAt != null) return { tone: 'paused', text: 'paused', label: `${what} SLA breached; clock paused`, target: paused.target };
    return { tone: 'paused', text: `paused ${shortDuration(left)}`, label: `${what} clock paused with ${longDuration(left)} left`, target: paused.target };
  }
  if (sla.status === 'breached') return { tone: 'breached', text: 'breached', label: 'SLA breached', target: null };
  if (sla.clocks.length && sla.clocks.every((c) => c.metAt != null)) return { tone: 'met', text: 'met', label: 'All SLA targets met', target: null };
  return null;
}

/** A running deadline: overdue once it passes (even before the server says so), amber from its warning time. */
export function deadlineView(dueAt: number, warnAt: number | null, status: string, target: SlaTarget | null, now: number): SlaView {
  const left = dueAt - now;
  const what = target ? TARGET_LABEL[target] : 'SLA';
  if (left <= 0 || status === 'breached') {
    const over = Math.max(0, -left);
    return { tone: 'breached', text: `overdue ${shortDuration(over, false)}`, label: `${what} overdue by ${longDuration(over, false)}`, target };
  }
  const tone: SlaTone = status === 'warning' || (warnAt != null && now >= warnAt) ? 'warning' : 'ok';
  return { tone, text: shortDuration(left), label: `${what} due in ${longDuration(left)}`, target };
}

/** Minutes/hours/days ⇄ ms for the policy and path editors. */
export type DurationUnit = 'seconds' | 'minutes' | 'hours' | 'days';
export const UNIT_MS: Record<DurationUnit, number> = { seconds: SEC, minutes: MIN, hours: HOUR, days: DAY };

/** The largest unit that expresses `ms` exactly (so 90 min stays "90 minutes", 2 h reads "2 hours"). */
export function splitDuration(ms: number | null): { value: string; unit: DurationUnit } {
  if (ms == null) return { value: '', unit: 'hours' };
  if (ms % DAY === 0 && ms >= DAY) return { value: String(ms / DAY), unit: 'days' };
  if (ms % HOUR === 0 && ms >= HOUR) return { value: String(ms / HOUR), unit: 'hours' };
  if (ms % MIN !== 0 && ms < 10 * MIN) return { value: String(Math.round(ms / SEC)), unit: 'seconds' };
  return { value: String(Math.round((ms / MIN) * 100) / 100), unit: 'minutes' };
}

/** Parse the editor's value back; '' = no target (null); NaN or negative = invalid. */
export function joinDuration(value: string, unit: DurationUnit): number | null {
  if (value.trim() === '') return null;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) return Number.NaN;
  return Math.round(n * UNIT_MS[unit]);
}

/** Move one item of a list from one index to another (drag and keyboard reorder). */
export function moveItem<T>(list: T[], from: number, to: number): T[] {
  if (from === to || from < 0 || from >= list.length) return list;
  const next = [...list];
  const [it] = next.splice(from, 1);
  next.splice(Math.max(0, Math.min(next.length, to)), 0, it);
  return next;
}

// Conditions of `if` steps, evaluated against what a run knows at that moment: the message that
// triggered it (or the reply it waited for), the conversation and its contact as they stand now, and
// the time in the workspace's calendar. Pure: the caller builds the context (worker/automation/context.ts).
import { isOpen, localDay, offsetAt, type Calendar } from '../routing/business-hours';
import type { Condition } from './document';

export interface EvalContext {
  message: { text: string; channel: string; direction: string } | null;
  conversation: { status: string; priority: string; channel: string; inboxId: string; teamId: string | null; assigneeId: string | null; tags: string[]; csatScore?: number | null; waitingMinutes?: number | null } | null;
  contact: { name: string | null; email: string | null; phone: string | null; tags: string[]; attributes: Record<string, unknown> } | null;
  time: { businessHours: boolean; weekday: number; hour: number };
  /** The run's variables (bot answers): `vars.<name>`. */
  vars?: Record<string, unknown>;
}

/** The `time` part: open or not by the calendar, and the local weekday (0 = Sunday) and hour in its zone. */
export function timeFacts(cal: Calendar, now: number): EvalContext['time'] {
  const local = now + offsetAt(now, cal.timezone);
  const day = localDay(now, cal.timezone);
  // localDay counts days since the epoch (a Thursday).
  const weekday = (((day + 4) % 7) + 7) % 7;
  const hour = Math.floor((((local % 86_400_000) + 86_400_000) % 86_400_000) / 3_600_000);
  return { businessHours: isOpen(cal, now), weekday, hour };
}

/** A field's value: a dotted path into the context (`contact.attributes.plan`). Undefined when absent. */
export function fieldValue(ctx: EvalContext, field: string): unknown {
  let cur: unknown = ctx;
  for (const part of field.split('.')) {
    if (cur === null || cur === undefined || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[part];
  }
  return cur;
}

const lower = (x: unknown) => (typeof x === 'string' ? x.toLowerCase() : x);
const isEmpty = (x: unknown) => x === undefined || x === null || x === '' || (Array.isArray(x) && x.length === 0);

function equals(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) return a.some((x) => equals(x, b));
  if (typeof a === 'number' && typeof b === 'string' && b.trim() !== '' && !Number.isNaN(Number(b))) return a === Number(b);
  if (typeof a === 'boolean' && typeof b === 'string') return String(a) === b.toLowerCase();
  return lower(a) === lower(b);
}

function contains(a: unknown, b: unknown): boolean {
  if (Array.isArray(a)) return a.some((x) => equals(x, b));
  if (typeof a === 'string' && (typeof b === 'string' || typeof b === 'number')) return a.toLowerCase().includes(String(b).toLowerCase());
  return false;
}

function compare(a: unknown, b: unknown): number | null {
  const x = typeof a === 'number' ? a : typeof a === 'string' && a.trim() !== '' ? Number(a) : NaN;
  const y = typeof b === 'number' ? b : typeof b === 'string' && b.trim() !== '' ? Number(b) : NaN;
  if (Number.isNaN(x) || Number.isNaN(y)) return null;
  return x - y;
}

/** `matches`: a case-insensitive regular expression; an invalid one (validate.ts refuses them on save) matches nothing. */
function matches(a: unknown, pattern: unknown): boolean {
  if (typeof pattern !== 'string') return false;
  try {
    const re = new RegExp(pattern, 'i');
    return Array.isArray(a) ? a.some((x) => re.test(String(x))) : a !== undefined && a !== null && re.test(String(a));
  } catch {
    return false;
  }
}

export function evaluate(cond: Condition, ctx: EvalContext): boolean {
  if ('all' in cond && cond.all) return cond.all.every((c) => evaluate(c, ctx));
  if ('any' in cond && cond.any) return cond.any.some((c) => evaluate(c, ctx));
  if ('not' in cond && cond.not) return !evaluate(cond.not, ctx);
  const { field, op, value } = cond as { field: string; op: string; value?: unknown };
  const actual = fieldValue(ctx, field);
  const list = Array.isArray(value) ? value : [value];
  switch (op) {
    case 'eq':
      return equals(actual, value);
    case 'neq':
      return !equals(actual, value);
    case 'contains':
      return contains(actual, value);
    case 'not_contains':
      return !contains(actual, value);
    case 'in':
      return list.some((x) => equals(actual, x));
    case 'not_in':
      return !list.some((x) => equals(actual, x));
    case 'matches':
      return matches(actual, value);
    case 'gt': {
      const d = compare(actual, value);
      return d !== null && d > 0;
    }
    case 'lt': {
      const d = compare(actual, value);
      return d !== null && d < 0;
    }
    case 'is_set':
      return !isEmpty(actual);
    case 'is_empty':
      return isEmpty(actual);
    default:
      return false;
  }
}

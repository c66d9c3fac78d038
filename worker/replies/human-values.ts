// What a customer should read in a merge field: the platform's confirmation code rather than our
// internal record id, dates in the workspace's calendar and language rather than ISO timestamps, money
// with its currency. Applied to the reservation and order values a saved reply draws from. Pure.
import type { MergeValue } from './merge-fields';

export interface Presentation {
  timeZone: string;
  locale: string;
}

type Flat = Record<string, MergeValue>;

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/;

function safeLocale(locale: string): string {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale]).length ? locale : 'en-GB';
  } catch {
    return 'en-GB';
  }
}

function safeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** A date (no time: the calendar day as the platform wrote it) or a moment (shown in the workspace's zone). */
export function humanDate(value: string, p: Presentation): string | null {
  const locale = safeLocale(p.locale);
  if (DATE_ONLY.test(value)) {
    // A calendar day is the same day everywhere: format it at noon UTC, shown in UTC.
    const at = new Date(`${value}T12:00:00Z`);
    return Number.isNaN(at.getTime()) ? null : new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', timeZone: 'UTC' }).format(at);
  }
  if (DATE_TIME.test(value)) {
    const at = new Date(value);
    if (Number.isNaN(at.getTime())) return null;
    return new Intl.DateTimeFormat(locale, { weekday: 'short', day: 'numeric', month: 'short', year: 'numeric', hour: '2-digit', minute: '2-digit', timeZone: safeZone(p.timeZone) }).format(at);
  }
  return null;
}

export function humanMoney(amount: MergeValue, currency: MergeValue, p: Presentation): string | null {
  const n = typeof amount === 'number' ? amount : typeof amount === 'string' && amount.trim() !== '' ? Number(amount) : NaN;
  if (!Number.isFinite(n)) return null;
  if (typeof currency === 'string' && /^[A-Z]{3}$/i.test(currency)) {
    try {
      return new Intl.NumberFormat(safeLocale(p.locale), { style: 'currency', currency: currency.toUpperCase() }).format(n);
    } catch {
      // an unknown currency code: the number and the code
    }
  }
  return `${n}${typeof currency === 'string' && currency ? ` ${currency}` : ''}`;
}

const first = (flat: Flat, keys: string[]): MergeValue => {
  for (const k of keys) if (flat[k] !== undefined && flat[k] !== null && flat[k] !== '') return flat[k];
  return undefined;
};

/**
 * The reservation or order values as a customer reads them: every date-like string formatted, and
 * the documented fields (reference, property, check_in, check_out, total, eta) derived from whatever
 * the platform called them. The raw record id stays available as `record_id`.
 */
export function humanize(kind: 'reservation' | 'order', flat: Flat, recordId: string, p: Presentation): Flat {
  const out: Flat = {};
  for (const [k, v] of Object.entries(flat)) out[k] = typeof v === 'string' ? (humanDate(v, p) ?? v) : v;
  out.record_id = recordId;
  out.reference = first(flat, ['confirmationCode', 'confirmation_code', 'displayId', 'display_id', 'code']) ?? recordId;
  const money = humanMoney(first(flat, ['total', 'amount', 'price']), first(flat, ['currency']), p);
  if (money) out.total = money;
  if (kind === 'reservation') {
    out.property = first(out, ['property', 'listing', 'listing_name', 'listing_title', 'propertyName', 'property_name']);
    out.check_in = first(out, ['check_in', 'checkIn']);
    out.check_out = first(out, ['check_out', 'checkOut']);
  } else {
    out.eta = first(out, ['eta', 'estimatedArrival', 'estimated_arrival']);
  }
  return out;
}

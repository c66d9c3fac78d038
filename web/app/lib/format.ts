// Dates, times, names and channel labels as the UI shows them.
import { signal } from '@preact/signals';
import { snoozedUntilText, timeText } from './wording';

/** Ticks every 30 s so relative times stay fresh without each row owning a timer. */
export const now = signal(Date.now());
setInterval(() => (now.value = Date.now()), 30_000);

/** The language dates are written in: the profile's (Settings → Profile), else the browser's. */
export const display: { locale: string | undefined } = { locale: undefined };

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

export function relativeTime(at: number, ref = now.value): string {
  const d = Math.max(0, ref - at);
  if (d < MIN) return 'now';
  if (d < HOUR) return `${Math.floor(d / MIN)}m`;
  if (d < DAY) return `${Math.floor(d / HOUR)}h`;
  if (d < 7 * DAY) return `${Math.floor(d / DAY)}d`;
  const date = new Date(at);
  return date.toLocaleDateString(display.locale, { month: 'short', day: 'numeric', ...(date.getFullYear() !== new Date(ref).getFullYear() ? { year: 'numeric' } : {}) });
}

export function fullDateTime(at: number): string {
  return new Date(at).toLocaleString(display.locale, { dateStyle: 'medium', timeStyle: 'short' });
}

/** The time as the browser's locale writes it (the same locale as every date here). */
export function clockTime(at: number): string {
  return timeText(at, display.locale);
}

export function startOfDay(at = Date.now()): number {
  const d = new Date(at);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

export function dayLabel(at: number): string {
  const today = startOfDay();
  const day = startOfDay(at);
  if (day === today) return 'Today';
  if (day === today - DAY) return 'Yesterday';
  return new Date(at).toLocaleDateString(display.locale, { weekday: 'long', month: 'long', day: 'numeric', ...(new Date(at).getFullYear() !== new Date().getFullYear() ? { year: 'numeric' } : {}) });
}

/** "until 14:30" / "until tomorrow 09:00" / "until Fri 5 Dec, 09:00": when, not how long. */
export function until(at: number): string {
  return snoozedUntilText(at, Date.now(), display.locale);
}

export function initials(name: string | null | undefined): string {
  const parts = (name ?? '').trim().split(/\s+/).filter(Boolean);
  if (parts.length === 0) return '?';
  return ((parts[0][0] ?? '') + (parts.length > 1 ? (parts[parts.length - 1][0] ?? '') : '')).toUpperCase();
}

/** A stable hue per name, for avatar backgrounds. */
export function hue(seed: string): number {
  let h = 0;
  for (let i = 0; i < seed.length; i++) h = (h * 31 + seed.charCodeAt(i)) >>> 0;
  return h % 360;
}

export function contactName(c: { id?: string; name: string | null; email?: string | null; phone?: string | null } | null | undefined): string {
  // Anonymous web chat visitors have no name yet: a short, stable tag tells them apart.
  return c?.name || c?.email || c?.phone || (c?.id ? `Visitor ${c.id.slice(-4).toUpperCase()}` : 'Unknown contact');
}

const CHANNELS: Record<string, string> = {
  webchat: 'Web chat',
  whatsapp: 'WhatsApp',
  sms: 'SMS',
  messenger: 'Messenger',
  instagram: 'Instagram',
  tiktok: 'TikTok',
  telegram: 'Telegram',
  line: 'LINE',
  email: 'Email',
  voice: 'Voice',
  airbnb: 'Airbnb',
  bookingcom: 'Booking.com',
  vrbo: 'VRBO',
  expedia: 'Expedia',
  ubereats: 'Uber Eats',
  doordash: 'DoorDash',
  rappi: 'Rappi',
  glovo: 'Glovo',
  deliveroo: 'Deliveroo',
  form: 'Form',
  review: 'Review',
  chatbot: 'Chatbot',
};
export const CHANNEL_KEYS = Object.keys(CHANNELS);

export function channelLabel(key: string): string {
  return CHANNELS[key] ?? key;
}

export const STATUS_LABEL: Record<string, string> = { open: 'Open', pending: 'Pending', snoozed: 'Snoozed', closed: 'Resolved' };
export const PRIORITY_LABEL: Record<string, string> = { urgent: 'Urgent', high: 'High', normal: 'Normal', low: 'Low' };

export function fileSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(0)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

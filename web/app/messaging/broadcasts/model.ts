// Broadcasts as the API returns them (worker/broadcasts/store.ts broadcastJson) and the words the
// pages show for their statuses, recipients' statuses and skip reasons; the time-zone helpers of the
// schedule step.
import type { Filter } from '../audiences/model';
import type { Tone } from '../../ui/StateChip';

export type BroadcastStatus = 'draft' | 'scheduled' | 'sending' | 'sent' | 'cancelled' | 'failed';
export interface Stats {
  recipients: number;
  skipped: number;
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  cancelled: number;
  opened: number;
  /** Opens by mail privacy proxies (Apple Mail Privacy Protection, image proxies), apart from people's. */
  machineOpened?: number;
  clicked: number;
  replied: number;
  unsubscribed: number;
}
export interface Broadcast {
  id: string;
  name: string;
  inboxId: string;
  templateId: string;
  audienceId: string | null;
  filter: Filter | null;
  variables: Record<string, string>;
  status: BroadcastStatus;
  scheduledAt: number | null;
  timezone: string | null;
  error: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  createdAt: number;
  updatedAt: number;
  stats: Stats;
}
export interface Template {
  id: string;
  name: string;
  channel: string;
  category: string;
  language: string;
  status: string;
  body: string;
  subject: string | null;
  sendable: boolean;
}
export interface PreviewItem {
  contact: { id: string; name: string | null; email: string | null; phone: string | null };
  skipReason: SkipReason | null;
  message: { text: string; subject: string | null; html: string | null; missing: string[] } | null;
}
export interface BroadcastPreview {
  counted: number;
  skipped: Partial<Record<SkipReason, number>>;
  sample: PreviewItem[];
}
export interface Recipient {
  contactId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  status: RecipientStatus;
  reason: SkipReason | null;
  conversationId: string | null;
  sentAt: number | null;
  deliveredAt: number | null;
  readAt: number | null;
  failedAt: number | null;
  openedAt: number | null;
  machineOpenedAt?: number | null;
  clickedAt: number | null;
  clicks: number;
  machineClicks: number;
  repliedAt: number | null;
  unsubscribedAt: number | null;
}

export const STATUS_WORDS: Record<BroadcastStatus, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  sending: 'Sending',
  sent: 'Sent',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

export const RECIPIENT_STATUSES = ['queued', 'sending', 'sent', 'delivered', 'read', 'failed', 'skipped', 'cancelled'] as const;
export type RecipientStatus = (typeof RECIPIENT_STATUSES)[number];
/** The chip colour of each state (ui/StateChip.tsx). */
export const STATUS_TONE: Record<BroadcastStatus, Tone> = { draft: 'muted', scheduled: 'info', sending: 'live', sent: 'ok', cancelled: 'wait', failed: 'bad' };
export const RECIPIENT_TONE: Record<RecipientStatus, Tone> = { queued: 'info', sending: 'live', sent: 'live', delivered: 'ok', read: 'ok', failed: 'bad', skipped: 'wait', cancelled: 'wait' };
export const RECIPIENT_WORDS: Record<RecipientStatus, string> = {
  queued: 'Waiting to send',
  sending: 'Sending',
  sent: 'Sent',
  delivered: 'Delivered',
  read: 'Read',
  failed: 'Failed',
  skipped: 'Skipped',
  cancelled: 'Not sent (cancelled)',
};

export type SkipReason = 'blocked' | 'unsubscribed' | 'sms_opt_out' | 'no_identity';
export function skipWords(reason: string, channel: string): string {
  switch (reason) {
    case 'blocked':
      return 'blocked contact';
    case 'unsubscribed':
      return `unsubscribed from ${channelWord(channel)}`;
    case 'sms_opt_out':
      return 'replied STOP to SMS';
    case 'no_identity':
      return channel === 'email' ? 'no e-mail address' : channel === 'sms' ? 'no phone number for SMS' : `not reachable on ${channelWord(channel)}`;
    default:
      return reason.replace(/_/g, ' ');
  }
}
const channelWord = (c: string) => (c === 'sms' ? 'SMS' : c === 'whatsapp' ? 'WhatsApp' : c === 'email' ? 'e-mail' : c);

/** The channels a broadcast can go out on (the template library's channels). */
export const BROADCAST_CHANNELS = ['sms', 'whatsapp', 'email'];

/** Whether the page should keep asking for fresh stats, and how often. */
export function pollEvery(status: BroadcastStatus): number | null {
  if (status === 'sending') return 2000;
  if (status === 'scheduled') return 5000;
  // Delivery receipts, reads and replies keep arriving for a while after the last send.
  if (status === 'sent') return 15000;
  return null;
}

/** The viewer's time zone, and every zone the browser knows (the picker's options). */
export const localZone = (): string => Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
export function timeZones(): string[] {
  const supported = (Intl as unknown as { supportedValuesOf?: (k: string) => string[] }).supportedValuesOf;
  const list = supported ? supported('timeZone') : ['UTC', 'Europe/London', 'Europe/Madrid', 'Europe/Berlin', 'America/New_York', 'America/Chicago', 'America/Los_Angeles', 'America/Sao_Paulo', 'Asia/Tokyo', 'Australia/Sydney'];
  const here = localZone();
  return list.includes(here) ? list : [here, ...list];
}
/** "Europe/Madrid" → "Europe / Madrid (GMT+1)": the zone with its offset at `at`. */
export function zoneLabel(zone: string, at = Date.now()): string {
  let offset = '';
  try {
    offset = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'shortOffset' }).formatToParts(at).find((p) => p.type === 'timeZoneName')?.value ?? '';
  } catch {
    // An old browser without shortOffset: the name alone.
  }
  return `${zone.replace(/_/g, ' ').replace(/\//g, ' / ')}${offset ? ` (${offset})` : ''}`;
}

/** The instant of a wall-clock date and time in `zone` (for "that is … your time" while choosing). */
export function zonedToInstant(date: string, time: string, zone: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  const t = /^(\d{2}):(\d{2})$/.exec(time);
  if (!m || !t) return null;
  const guess = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(t[1]), Number(t[2]));
  // Two passes of "what does the zone's clock read at this instant" converge across DST changes.
  let at = guess;
  for (let i = 0; i < 2; i++) at = guess - (wallClock(at, zone) - at);
  return at;
}
function wallClock(at: number, zone: string): number {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
}

/** A time in the viewer's locale, with the zone it is in when that is not the viewer's. */
export function when(at: number, zone?: string | null): string {
  const mine = new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
  if (!zone || zone === localZone()) return mine;
  const theirs = new Date(at).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short', timeZone: zone });
  return `${theirs} ${zone.replace(/_/g, ' ')} (${mine} your time)`;
}

export const pct = (n: number, of: number) => (of > 0 ? Math.round((n / of) * 100) : 0);

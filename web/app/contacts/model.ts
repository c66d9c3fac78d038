// What the contacts pages show and send: the API shapes, the list's filters (kept in the URL) turned into
// an audience filter (worker/audiences/filter.ts) — the same JSON the list and the CSV export take — and
// the words for subscription states and their sources.
import type { ListItem } from '../lib/types';

export const SUB_CHANNELS = ['sms', 'whatsapp', 'email'] as const;
export type SubChannel = (typeof SUB_CHANNELS)[number];
export type SubStatus = 'subscribed' | 'unsubscribed' | 'unknown';

export interface Subscription {
  status: SubStatus;
  source: string | null;
  changedAt: number | null;
}

export interface ContactRow {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  avatarUrl: string | null;
  tags: string[];
  attributes: Record<string, unknown>;
  subscriptions: Record<string, Subscription>;
  channels: string[];
  blocked: boolean;
  language: string | null;
  country: string | null;
  city: string | null;
  lastActivityAt: number | null;
  conversationCount: number;
  createdAt: number;
}

export interface ContactProfile extends Omit<ContactRow, 'channels'> {
  identities: { id: string; channel: string; externalId: string; createdAt: number }[];
  conversations: ListItem[];
}

export interface ImportJob {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed' | string;
  total: number | null;
  processed: number;
  created: number;
  updated: number;
  failed: number;
  error: string | null;
  errors: { row: number; column: string | null; reason: string }[];
}

export const SUB_LABEL: Record<SubStatus, string> = { subscribed: 'Subscribed', unsubscribed: 'Unsubscribed', unknown: 'Not asked' };

const SOURCE_LABEL: Record<string, string> = {
  agent: 'an agent',
  import: 'a contact import',
  api: 'the API',
  sms_keyword: 'an SMS keyword (STOP or START)',
  email_unsubscribe: 'an unsubscribe link',
  legacy: 'earlier records',
};

export function sourceLabel(source: string | null): string {
  return source ? (SOURCE_LABEL[source] ?? 'another source') : 'nobody yet';
}

/** The list's filters as the URL states them (q is a search, not part of the audience filter). */
export interface ListFilters {
  q: string;
  tag: string;
  channel: string;
  /** `<channel>:<status>`, e.g. sms:unsubscribed. */
  sub: string;
  /** 7d | 30d | 90d | older90d | never | '' */
  active: string;
}

export const ACTIVITY_OPTIONS = [
  { key: '', label: 'Any time' },
  { key: '7d', label: 'Active in the last 7 days' },
  { key: '30d', label: 'Active in the last 30 days' },
  { key: '90d', label: 'Active in the last 90 days' },
  { key: 'older90d', label: 'Not active for 90 days' },
  { key: 'never', label: 'Never active' },
] as const;

export function readFilters(q: URLSearchParams): ListFilters {
  return { q: q.get('q') ?? '', tag: q.get('tag') ?? '', channel: q.get('channel') ?? '', sub: q.get('sub') ?? '', active: q.get('active') ?? '' };
}

type Node = { field: string; op: string; value: unknown };

/** The audience filter for the chosen filters; null when nothing is chosen (every contact). */
export function audienceFilter(f: ListFilters): { all: Node[] } | null {
  const all: Node[] = [];
  if (f.tag) all.push({ field: 'tags', op: 'has', value: f.tag });
  if (f.channel) all.push({ field: 'channel', op: 'is', value: f.channel });
  const [ch, status] = f.sub.split(':');
  if ((SUB_CHANNELS as readonly string[]).includes(ch) && (status === 'subscribed' || status === 'unsubscribed' || status === 'unknown')) all.push({ field: `subscribed.${ch}`, op: 'eq', value: status });
  if (/^\d+d$/.test(f.active)) all.push({ field: 'lastActivityAt', op: 'within', value: f.active });
  else if (f.active === 'older90d') all.push({ field: 'lastActivityAt', op: 'olderThan', value: '90d' });
  else if (f.active === 'never') all.push({ field: 'lastActivityAt', op: 'exists', value: false });
  return all.length ? { all } : null;
}

export function exportHref(f: ListFilters): string {
  const filter = audienceFilter(f);
  return filter ? `/api/contacts/export.csv?filter=${encodeURIComponent(JSON.stringify(filter))}` : '/api/contacts/export.csv';
}

/** A date in the user's locale (no time: "last activity" reads as a day). */
export function localeDate(at: number | null): string {
  return at ? new Date(at).toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' }) : '';
}

// ---- import mapping ----

export const MAP_TARGETS = [
  { key: 'name', label: 'Name' },
  { key: 'email', label: 'E-mail' },
  { key: 'phone', label: 'Phone' },
  { key: 'tags', label: 'Tags' },
  { key: 'language', label: 'Language' },
  { key: 'country', label: 'Country' },
  { key: 'city', label: 'City' },
  { key: 'attribute', label: 'Custom attribute' },
  { key: 'skip', label: 'Skip this column' },
] as const;
export type MapTarget = (typeof MAP_TARGETS)[number]['key'];

export interface ColumnMap {
  column: string;
  target: MapTarget;
  /** The attribute's key when target is 'attribute'. */
  key: string;
}

/** An attribute key the server accepts (letters, digits, _ and -; at most 64), from a column's title. */
export function attributeKey(column: string): string {
  const k = column
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9_-]+/g, '_')
    .replace(/^[-_]+|_+$/g, '')
    .slice(0, 64);
  return k || 'field';
}

const GUESS: Record<string, MapTarget> = {
  name: 'name', 'full name': 'name', fullname: 'name', 'first name': 'name',
  email: 'email', 'e-mail': 'email', mail: 'email', 'email address': 'email',
  phone: 'phone', mobile: 'phone', telephone: 'phone', tel: 'phone', 'phone number': 'phone',
  tags: 'tags', tag: 'tags', labels: 'tags',
  language: 'language', lang: 'language', country: 'country', city: 'city',
};

/** A first guess per column: known titles map to their field, the rest become custom attributes. */
export function guessMapping(columns: string[]): ColumnMap[] {
  const used = new Set<string>();
  return columns.map((column) => {
    let target: MapTarget = GUESS[column.trim().toLowerCase()] ?? 'attribute';
    if (target !== 'attribute' && target !== 'tags' && used.has(target)) target = 'attribute';
    used.add(target);
    return { column, target, key: attributeKey(column) };
  });
}

/** The mapping as POST /api/contacts/import takes it: {column → field}. */
export function mappingJson(maps: ColumnMap[]): Record<string, string> {
  return Object.fromEntries(maps.map((m) => [m.column, m.target === 'attribute' ? `attributes.${m.key}` : m.target]));
}

/** What is wrong with a mapping before sending it (the server checks again). */
export function mappingProblem(maps: ColumnMap[]): string {
  if (!maps.some((m) => m.target === 'name' || m.target === 'email' || m.target === 'phone')) return 'Map at least one column to name, e-mail or phone.';
  const single = maps.filter((m) => m.target !== 'attribute' && m.target !== 'tags' && m.target !== 'skip').map((m) => m.target);
  const twice = single.find((t, i) => single.indexOf(t) !== i);
  if (twice) return `Two columns are mapped to ${MAP_TARGETS.find((t) => t.key === twice)?.label.toLowerCase()}.`;
  const bad = maps.find((m) => m.target === 'attribute' && !/^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/.test(m.key));
  if (bad) return `The attribute name for “${bad.column}” may use letters, digits, _ and - only.`;
  return '';
}

// The audience filter as the builder edits it, and the words it shows. The server's grammar
// (worker/audiences/filter.ts) is {all} | {any} | {not} | {field, op, value}; the builder edits groups
// only at the branches ("all of these", "any of these", "none of these" = {not: {any}}, "not all of
// these" = {not: {all}}) and conditions at the leaves, so any saved filter is normalized into that
// shape on load without changing what it matches.
import { channelLabel, STATUS_LABEL } from '../../lib/format';

export type Condition = { field: string; op: string; value?: unknown };
export type Filter = { all: Filter[] } | { any: Filter[] } | { not: Filter } | Condition;

export type GroupMode = 'all' | 'any' | 'none' | 'notAll';
/** `key`: a stable identity for rendering (rows keep their inputs when a sibling is removed); never sent. */
export interface Group {
  mode: GroupMode;
  items: Node[];
  key: string;
}
export type Leaf = Condition & { key: string };
export type Node = Group | Leaf;
let nextKey = 0;
export const newKey = () => `n${++nextKey}`;
export const isGroup = (n: Node): n is Group => 'mode' in n;

export const GROUP_MODES: [GroupMode, string][] = [
  ['all', 'all of these (AND)'],
  ['any', 'any of these (OR)'],
  ['none', 'none of these'],
  ['notAll', 'not all of these'],
];

export type Kind = 'tags' | 'channel' | 'text' | 'time' | 'count' | 'status' | 'number' | 'subscription' | 'attribute';

/** The fields of the server's grammar in words (subscribed.<channel> and attributes.<key> are families). */
export const FIELDS: { field: string; label: string; kind: Kind }[] = [
  { field: 'tags', label: 'Tags', kind: 'tags' },
  { field: 'channel', label: 'Reachable on', kind: 'channel' },
  { field: 'location.country', label: 'Country', kind: 'text' },
  { field: 'location.city', label: 'City', kind: 'text' },
  { field: 'language', label: 'Language', kind: 'text' },
  { field: 'lastActivityAt', label: 'Last activity', kind: 'time' },
  { field: 'createdAt', label: 'Added', kind: 'time' },
  { field: 'conversationCount', label: 'Number of conversations', kind: 'count' },
  { field: 'lastConversation.status', label: 'Last conversation status', kind: 'status' },
  { field: 'lastConversation.csat', label: 'Last conversation rating (CSAT)', kind: 'number' },
  { field: 'subscribed.sms', label: 'SMS subscription', kind: 'subscription' },
  { field: 'subscribed.whatsapp', label: 'WhatsApp subscription', kind: 'subscription' },
  { field: 'subscribed.email', label: 'E-mail subscription', kind: 'subscription' },
];
export const ATTRIBUTE_PREFIX = 'attributes.';
export const ATTRIBUTE_KEY = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;

export function kindOf(field: string): Kind {
  if (field.startsWith(ATTRIBUTE_PREFIX)) return 'attribute';
  return FIELDS.find((f) => f.field === field)?.kind ?? 'text';
}
export function fieldLabel(field: string): string {
  if (field.startsWith(ATTRIBUTE_PREFIX)) return `Attribute “${field.slice(ATTRIBUTE_PREFIX.length) || '…'}”`;
  return FIELDS.find((f) => f.field === field)?.label ?? field;
}

/**
 * Operators per kind in words. `exists` is two choices here ("is known" / "is not known"): the
 * builder's op `exists:true` / `exists:false` becomes {op: 'exists', value: true|false} on the wire.
 */
const KNOWN: [string, string][] = [
  ['exists:true', 'is known'],
  ['exists:false', 'is not known'],
];
export const OPS: Record<Kind, [string, string][]> = {
  tags: [
    ['has', 'has the tag'],
    ['hasAny', 'has any of'],
    ['hasAll', 'has all of'],
    ['hasNone', 'has none of'],
  ],
  channel: [
    ['is', 'is'],
    ['in', 'is any of'],
    ['notIn', 'is none of'],
  ],
  text: [['eq', 'is'], ['neq', 'is not'], ['in', 'is one of'], ['notIn', 'is none of'], ...KNOWN],
  time: [['within', 'within the last'], ['olderThan', 'more than … ago'], ['after', 'on or after'], ['before', 'before'], ...KNOWN],
  count: [
    ['eq', 'is'],
    ['neq', 'is not'],
    ['gt', 'more than'],
    ['gte', 'at least'],
    ['lt', 'fewer than'],
    ['lte', 'at most'],
  ],
  status: [['eq', 'is'], ['neq', 'is not'], ['in', 'is one of'], ['notIn', 'is none of'], ...KNOWN],
  number: [['eq', 'is'], ['neq', 'is not'], ['gte', 'at least'], ['lte', 'at most'], ['gt', 'above'], ['lt', 'below'], ...KNOWN],
  subscription: [
    ['eq', 'is'],
    ['neq', 'is not'],
  ],
  attribute: [['eq', 'is'], ['neq', 'is not'], ['in', 'is one of'], ['notIn', 'is none of'], ['contains', 'contains'], ['gt', 'above'], ['gte', 'at least'], ['lt', 'below'], ['lte', 'at most'], ...KNOWN],
};

/** The builder's op key of a condition (exists folds in its value). */
export const opKey = (c: Condition): string => (c.op === 'exists' ? `exists:${c.value === false ? 'false' : 'true'}` : c.op);
export const isList = (op: string) => op === 'in' || op === 'notIn' || op === 'hasAny' || op === 'hasAll' || op === 'hasNone';

export const SUBSCRIPTION_VALUES: [string, string][] = [
  ['subscribed', 'subscribed'],
  ['unsubscribed', 'unsubscribed'],
  ['unknown', 'not known'],
];
export const CONVERSATION_STATUSES = ['open', 'pending', 'snoozed', 'closed'] as const;
/** Channels a contact can have an identity on, the ones broadcasts send through first. */
export const REACH_CHANNELS = ['sms', 'whatsapp', 'email', 'webchat', 'messenger', 'instagram', 'telegram'];

export const DURATION_UNITS: [string, string][] = [
  ['d', 'days'],
  ['w', 'weeks'],
  ['m', 'months'],
  ['y', 'years'],
  ['h', 'hours'],
];

/** A fresh condition on `field` with a sensible operator and an empty value of the right type. */
export function newCondition(field = 'tags'): Leaf {
  return { ...freshCondition(field), key: newKey() };
}
function freshCondition(field: string): Condition {
  const kind = kindOf(field);
  switch (kind) {
    case 'tags':
      return { field, op: 'has', value: '' };
    case 'channel':
      return { field, op: 'is', value: 'sms' };
    case 'time':
      return { field, op: 'within', value: '30d' };
    case 'count':
      return { field, op: 'gte', value: 1 };
    case 'status':
      return { field, op: 'eq', value: 'open' };
    case 'number':
      return { field, op: 'gte', value: 4 };
    case 'subscription':
      return { field, op: 'eq', value: 'subscribed' };
    default:
      return { field, op: 'eq', value: '' };
  }
}

/** The condition after choosing another operator: the value kept when it still fits, else reset. */
export function withOp(c: Leaf, op: string): Leaf {
  const { field, key } = c;
  if (op.startsWith('exists:')) return { field, key, op: 'exists', value: op === 'exists:true' };
  const kind = kindOf(field);
  const was = c.op === 'exists' ? undefined : c.value;
  if (isList(op)) return { field, key, op, value: Array.isArray(was) ? was : was === undefined || was === '' ? [] : [was] };
  if (kind === 'time') {
    const relative = op === 'within' || op === 'olderThan';
    const wasRelative = typeof was === 'string' && /^\d+[hdwmy]$/.test(was);
    return { field, key, op, value: relative === wasRelative && was !== undefined ? was : relative ? '30d' : '' };
  }
  const single = Array.isArray(was) ? was[0] : was;
  return { field, key, op, value: single ?? freshCondition(field).value };
}

export function emptyGroup(mode: GroupMode = 'all'): Group {
  return { mode, items: [newCondition()], key: newKey() };
}

/** A server filter as the builder's tree (the root always a group). */
export function toGroup(f: Filter): Group {
  const node = toNode(f);
  return isGroup(node) ? node : { mode: 'all', items: [node], key: newKey() };
}
function toNode(f: Filter): Node {
  const key = newKey();
  if ('all' in f) return { mode: 'all', items: f.all.map(toNode), key };
  if ('any' in f) return { mode: 'any', items: f.any.map(toNode), key };
  if ('not' in f) {
    const inner = f.not;
    if ('any' in inner) return { mode: 'none', items: inner.any.map(toNode), key };
    if ('all' in inner) return { mode: 'notAll', items: inner.all.map(toNode), key };
    return { mode: 'none', items: [toNode(inner)], key };
  }
  return { field: f.field, op: f.op, key, ...('value' in f ? { value: f.value } : {}) };
}

/** The builder's tree as the server's filter. */
export function toFilter(n: Node): Filter {
  if (!isGroup(n)) return { field: n.field, op: n.op, ...(n.value === undefined ? {} : { value: n.value }) };
  const items = n.items.map(toFilter);
  switch (n.mode) {
    case 'all':
      return { all: items };
    case 'any':
      return { any: items };
    case 'none':
      return { not: { any: items } };
    case 'notAll':
      return { not: { all: items } };
  }
}

/** Attribute values typed as text: plain numbers and true/false are sent as such (the JSON the contact holds). */
export function attributeValue(text: string): string | number | boolean {
  const t = text.trim();
  if (/^-?(0|[1-9]\d{0,14})(\.\d+)?$/.test(t)) return Number(t);
  if (t === 'true' || t === 'false') return t === 'true';
  return text;
}

/** What still needs filling in before the filter can be previewed (the first gap, in words), or null. */
export function incomplete(n: Node): string | null {
  if (isGroup(n)) {
    if (n.items.length === 0) return 'A group is empty.';
    for (const x of n.items) {
      const gap = incomplete(x);
      if (gap) return gap;
    }
    return null;
  }
  if (n.field.startsWith(ATTRIBUTE_PREFIX) && !ATTRIBUTE_KEY.test(n.field.slice(ATTRIBUTE_PREFIX.length))) return 'Name the attribute (letters, digits, _ and -).';
  if (n.op === 'exists') return null;
  const v = n.value;
  if (Array.isArray(v) ? v.length === 0 : v === undefined || v === null || (typeof v === 'string' && v.trim() === '') || (typeof v === 'number' && !Number.isFinite(v))) {
    return `Give a value for “${fieldLabel(n.field)}”.`;
  }
  return null;
}

const list = (v: unknown, fmt: (x: unknown) => string = String) => (Array.isArray(v) ? v.map(fmt).join(', ') : fmt(v));
const UNIT_WORD: Record<string, string> = { h: 'hour', d: 'day', w: 'week', m: 'month', y: 'year' };
function durationWords(v: unknown): string {
  const m = /^(\d+)([hdwmy])$/.exec(String(v));
  if (!m) return String(v);
  return `${m[1]} ${UNIT_WORD[m[2]]}${m[1] === '1' ? '' : 's'}`;
}
function dateWords(v: unknown): string {
  const t = Date.parse(String(v));
  return Number.isFinite(t) ? new Date(t).toLocaleDateString(undefined, { dateStyle: 'medium' }) : String(v);
}

/** One condition in words: “Tags has any of vip, gold”. */
export function conditionWords(c: Condition): string {
  const kind = kindOf(c.field);
  const op = OPS[kind].find(([k]) => k === opKey(c))?.[1] ?? c.op;
  if (c.op === 'exists') return `${fieldLabel(c.field)} ${op}`;
  let value: string;
  if (kind === 'channel') value = list(c.value, (x) => channelLabel(String(x)));
  else if (kind === 'status') value = list(c.value, (x) => STATUS_LABEL[String(x)] ?? String(x));
  else if (kind === 'subscription') value = SUBSCRIPTION_VALUES.find(([k]) => k === c.value)?.[1] ?? String(c.value);
  else if (kind === 'time') value = c.op === 'within' || c.op === 'olderThan' ? durationWords(c.value) : dateWords(c.value);
  else value = list(c.value);
  if (c.op === 'olderThan') return `${fieldLabel(c.field)} more than ${value} ago`;
  return `${fieldLabel(c.field)} ${op} ${value}`;
}

/** A whole filter in one line of words (for lists and the wizard's summary). */
export function filterWords(f: Filter, top = true): string {
  const g = toNode(f);
  return nodeWords(g, top);
}
function nodeWords(n: Node, top: boolean): string {
  if (!isGroup(n)) return conditionWords(n);
  const parts = n.items.map((x) => nodeWords(x, false));
  const joined = parts.join(n.mode === 'any' || n.mode === 'none' ? ' or ' : ' and ');
  const body = n.mode === 'none' ? `not (${joined})` : n.mode === 'notAll' ? `not all of (${joined})` : joined;
  return top || parts.length === 1 || n.mode === 'none' || n.mode === 'notAll' ? body : `(${body})`;
}

/** The server's field name for a node (`filter.all.1.op`) from the builder's path of indexes. */
export function serverPath(root: Group, path: number[], prefix = 'filter'): string {
  const keys: string[] = [prefix];
  let g: Node = root;
  for (const i of path) {
    if (!isGroup(g)) break;
    if (g.mode === 'none' || g.mode === 'notAll') keys.push('not', g.mode === 'none' ? 'any' : 'all');
    else keys.push(g.mode);
    keys.push(String(i));
    g = g.items[i];
  }
  return keys.join('.');
}

export interface SampleContact {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  tags: string[];
  lastActivityAt: number | null;
}
export interface Audience {
  id: string;
  name: string;
  filter: Filter;
  createdAt: number;
  updatedAt: number;
  count?: number;
}

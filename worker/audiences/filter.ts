// Audience filters: a small boolean language over contacts, checked here (every bad node named by its
// JSON pointer) and compiled to one parameterized SQL condition over `contacts c`. Pure: no I/O, the
// clock is an argument (relative times such as "within 30 days" resolve at compile time).
//
//   filter   := { all: filter[] } | { any: filter[] } | { not: filter } | { field, op, value? }
//
// Values are only ever bound parameters. The one piece of input that reaches SQL text is nothing:
// attribute keys become part of a JSON path, which is itself bound; subscription channels come from a
// fixed list (checked before compiling) and are the only names spliced.
//
// D1 binds at most 100 parameters per statement. A list (`in`, `hasAny`, ...) is therefore one JSON
// parameter read with json_each, whatever its length, and the whole filter is held to MAX_PARAMS bound
// values (what resolve.ts and the export add around it stays under the limit); past that, parseFilter
// names the condition that crossed it.
import { STATUSES } from '../conversations/model';
import { SUBSCRIPTION_CHANNELS } from '../contacts/subscriptions';

export type Scalar = string | number | boolean;
export type Condition = { field: string; op: string; value?: unknown };
export type Filter = { all: Filter[] } | { any: Filter[] } | { not: Filter } | Condition;

export const MAX_DEPTH = 6;
export const MAX_NODES = 100;
export const MAX_LIST = 1000;
/** Bound values a compiled filter may use: D1's 100 less what callers bind around it (workspace, cursor, contact). */
export const MAX_PARAMS = 90;
const ATTRIBUTE_KEY = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,63}$/;
const DURATION = /^(\d{1,4})([hdwmy])$/;
const DURATION_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000, m: 30 * 86_400_000, y: 365 * 86_400_000 };

export class FilterError extends Error {
  constructor(
    /** JSON pointer of the bad node, relative to the filter's own root ('' is the filter itself). */
    readonly pointer: string,
    message: string,
  ) {
    super(message);
  }
}

type Kind = 'tags' | 'channel' | 'text' | 'time' | 'count' | 'status' | 'number' | 'subscription' | 'attribute';
const OPS: Record<Kind, readonly string[]> = {
  tags: ['has', 'hasAny', 'hasAll', 'hasNone'],
  channel: ['is', 'in', 'notIn'],
  text: ['eq', 'neq', 'in', 'notIn', 'exists'],
  time: ['before', 'after', 'within', 'olderThan', 'exists'],
  count: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte'],
  status: ['eq', 'neq', 'in', 'notIn', 'exists'],
  number: ['eq', 'neq', 'gt', 'gte', 'lt', 'lte', 'exists'],
  subscription: ['eq', 'neq'],
  attribute: ['eq', 'neq', 'in', 'notIn', 'gt', 'gte', 'lt', 'lte', 'contains', 'exists'],
};

/** The fields a filter may name (attributes.<key> and subscribed.<channel> are families). */
export const FIELDS: Record<string, Kind> = {
  tags: 'tags',
  channel: 'channel',
  'location.country': 'text',
  'location.city': 'text',
  language: 'text',
  lastActivityAt: 'time',
  createdAt: 'time',
  conversationCount: 'count',
  'lastConversation.status': 'status',
  'lastConversation.csat': 'number',
};

function kindOf(field: string, at: string): Kind {
  if (field.startsWith('attributes.')) {
    if (!ATTRIBUTE_KEY.test(field.slice(11))) throw new FilterError(`${at}/field`, 'attribute keys are letters, digits, _ and - (at most 64)');
    return 'attribute';
  }
  if (field.startsWith('subscribed.')) {
    if (!(SUBSCRIPTION_CHANNELS as readonly string[]).includes(field.slice(11))) throw new FilterError(`${at}/field`, `subscriptions are ${SUBSCRIPTION_CHANNELS.map((c) => `subscribed.${c}`).join(', ')}`);
    return 'subscription';
  }
  const kind = FIELDS[field];
  if (!kind) throw new FilterError(`${at}/field`, `unknown field; one of ${[...Object.keys(FIELDS), 'attributes.<key>', 'subscribed.<channel>'].join(', ')}`);
  return kind;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isScalar = (x: unknown): x is Scalar => typeof x === 'string' || (typeof x === 'number' && Number.isFinite(x)) || typeof x === 'boolean';

/** Checks a filter's shape and values; returns it normalized (tags lowercased, countries uppercased) or throws FilterError. */
export function parseFilter(input: unknown): Filter {
  let nodes = 0;
  const walk = (x: unknown, at: string, depth: number): Filter => {
    if (++nodes > MAX_NODES) throw new FilterError(at, `a filter has at most ${MAX_NODES} nodes`);
    if (depth > MAX_DEPTH) throw new FilterError(at, `groups nest at most ${MAX_DEPTH} deep`);
    if (!isObj(x)) throw new FilterError(at, 'must be an object: {all}, {any}, {not} or {field, op, value}');
    const keys = Object.keys(x);
    for (const group of ['all', 'any'] as const) {
      if (!(group in x)) continue;
      if (keys.length !== 1) throw new FilterError(at, `a {${group}} group has no other keys`);
      const list = x[group];
      if (!Array.isArray(list) || list.length === 0) throw new FilterError(`${at}/${group}`, 'must be a non-empty array of filters');
      if (list.length > 50) throw new FilterError(`${at}/${group}`, 'at most 50 filters per group');
      const items = list.map((f, i) => walk(f, `${at}/${group}/${i}`, depth + 1));
      return group === 'all' ? { all: items } : { any: items };
    }
    if ('not' in x) {
      if (keys.length !== 1) throw new FilterError(at, 'a {not} has no other keys');
      return { not: walk(x.not, `${at}/not`, depth + 1) };
    }
    for (const k of keys) if (k !== 'field' && k !== 'op' && k !== 'value') throw new FilterError(`${at}/${k}`, 'unknown key; a condition is {field, op, value}');
    if (typeof x.field !== 'string') throw new FilterError(`${at}/field`, 'must be a string');
    const kind = kindOf(x.field, at);
    if (typeof x.op !== 'string' || !OPS[kind].includes(x.op)) throw new FilterError(`${at}/op`, `${x.field} takes ${OPS[kind].join(', ')}`);
    return { field: x.field, op: x.op, ...valueFor(kind, x.field, x.op, x.value, `${at}/value`) };
  };
  const filter = walk(input, '', 0);
  compileFilter(filter, 0); // throws FilterError at the condition that needs the (MAX_PARAMS + 1)th bound value
  return filter;
}

function valueFor(kind: Kind, field: string, op: string, value: unknown, at: string): { value?: unknown } {
  const bad = (msg: string): never => {
    throw new FilterError(at, msg);
  };
  const list = (check: (v: unknown) => boolean, what: string, norm: (v: unknown) => unknown = (v) => v): unknown[] => {
    if (!Array.isArray(value) || value.length === 0 || value.length > MAX_LIST) bad(`must be a list of 1 to ${MAX_LIST} ${what}`);
    const arr = value as unknown[];
    arr.forEach((v, i) => check(v) || bad(`item ${i} must be ${what}`));
    return arr.map(norm);
  };
  const str = (v: unknown) => typeof v === 'string' && v.trim().length > 0 && v.length <= 200;
  if (op === 'exists') {
    if (typeof value !== 'boolean') bad('exists takes true or false');
    return { value };
  }
  switch (kind) {
    case 'tags': {
      const tag = (v: unknown) => String(v).trim().toLowerCase();
      if (op === 'has') return { value: str(value) ? tag(value) : bad('must be a tag') };
      return { value: list(str, 'tags', tag) };
    }
    case 'channel': {
      const ch = (v: unknown) => typeof v === 'string' && /^[a-z][a-z0-9_-]{0,39}$/.test(v);
      if (op === 'is') return { value: ch(value) ? value : bad('must be a channel name such as sms, whatsapp, email, webchat') };
      return { value: list(ch, 'channel names') };
    }
    case 'text': {
      const norm = (v: unknown) => (field === 'location.country' ? String(v).trim().toUpperCase() : field === 'language' ? String(v).trim().toLowerCase() : String(v).trim());
      if (op === 'in' || op === 'notIn') return { value: list(str, 'strings', norm) };
      return { value: str(value) ? norm(value) : bad('must be a non-empty string') };
    }
    case 'status': {
      const st = (v: unknown) => typeof v === 'string' && (STATUSES as readonly string[]).includes(v);
      if (op === 'in' || op === 'notIn') return { value: list(st, `statuses (${STATUSES.join(', ')})`) };
      return { value: st(value) ? value : bad(`must be one of ${STATUSES.join(', ')}`) };
    }
    case 'time': {
      if (op === 'within' || op === 'olderThan') {
        if (typeof value !== 'string' || !DURATION.test(value)) bad("must be a duration such as '30d' (h, d, w, m = 30 days, y = 365 days)");
        return { value };
      }
      if (typeof value !== 'string' || value.length > 40 || !/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(Date.parse(value))) bad('must be an ISO 8601 date or date-time');
      return { value: new Date(value as string).toISOString() };
    }
    case 'count': {
      if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 1e9) bad('must be a whole number ≥ 0');
      return { value };
    }
    case 'number': {
      if (typeof value !== 'number' || !Number.isFinite(value)) bad('must be a number');
      return { value };
    }
    case 'subscription': {
      if (value !== 'subscribed' && value !== 'unsubscribed' && value !== 'unknown') bad('must be subscribed, unsubscribed or unknown');
      return { value };
    }
    case 'attribute': {
      if (op === 'in' || op === 'notIn') return { value: list(isScalar, 'strings, numbers or booleans') };
      if (op === 'contains') return { value: str(value) ? value : bad('must be a non-empty string') };
      if (op === 'gt' || op === 'gte' || op === 'lt' || op === 'lte') {
        const ok = (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.length > 0 && value.length <= 200);
        return { value: ok ? value : bad('must be a number or a string') };
      }
      if (!isScalar(value) || (typeof value === 'string' && value.length > 1000)) bad('must be a string, number or boolean');
      return { value };
    }
  }
}

export interface CompiledFilter {
  /** A condition over `contacts c` with `?` placeholders. */
  sql: string;
  params: (string | number | null)[];
}

/**
 * A group's conditions joined as a balanced tree, in order (placeholders keep their order). SQLite parses
 * `a OR b OR c …` as a chain as deep as it is long, and D1 refuses an expression deeper than 100: a full
 * group inside a list query failed with a 500. Balanced, 50 conditions are 6 levels.
 */
function balanced(parts: string[], op: 'AND' | 'OR'): string {
  if (parts.length <= 2) return `(${parts.join(` ${op} `)})`;
  const mid = Math.ceil(parts.length / 2);
  return `(${balanced(parts.slice(0, mid), op)} ${op} ${balanced(parts.slice(mid), op)})`;
}

/** SQL for a parsed filter. `now` resolves relative times. Throws FilterError past MAX_PARAMS bound values. */
export function compileFilter(filter: Filter, now: number): CompiledFilter {
  const params: (string | number | null)[] = [];
  const p = (v: unknown) => {
    params.push(typeof v === 'boolean' ? (v ? 1 : 0) : (v as string | number | null));
    return '?';
  };
  // A whole list is one parameter: json_each yields its items (JSON true/false as 1/0, like p()).
  const list = (vs: unknown[]) => `json_each(${p(JSON.stringify(vs))})`;
  const inList = (vs: unknown[]) => `(SELECT value FROM ${list(vs)})`;

  const go = (f: Filter, at: string): string => {
    if ('all' in f) return balanced(f.all.map((g, i) => go(g, `${at}/all/${i}`)), 'AND');
    if ('any' in f) return balanced(f.any.map((g, i) => go(g, `${at}/any/${i}`)), 'OR');
    if ('not' in f) return `(NOT coalesce(${go(f.not, `${at}/not`)}, 0))`;
    const sql = cond(f);
    if (params.length > MAX_PARAMS) throw new FilterError(at, `a filter binds at most ${MAX_PARAMS} values; merge conditions on one field into an in/hasAny list`);
    return sql;
  };

  // Each column expression appears once in what cmp returns: it may carry its own placeholders.
  const cmp = (col: string, op: string, v: unknown): string => {
    switch (op) {
      case 'eq':
        return `${col} = ${p(v)}`;
      case 'neq':
        return `coalesce(${col} != ${p(v)}, 1)`;
      case 'gt':
        return `${col} > ${p(v)}`;
      case 'gte':
        return `${col} >= ${p(v)}`;
      case 'lt':
        return `${col} < ${p(v)}`;
      case 'lte':
        return `${col} <= ${p(v)}`;
      case 'in':
        return `${col} IN ${inList(v as unknown[])}`;
      case 'notIn':
        return `coalesce(${col} NOT IN ${inList(v as unknown[])}, 1)`;
      case 'exists':
        return v ? `${col} IS NOT NULL` : `${col} IS NULL`;
      default:
        throw new Error(`unreachable op ${op}`);
    }
  };

  const time = (col: string, op: string, v: unknown): string => {
    if (op === 'exists') return cmp(col, op, v);
    if (op === 'before') return `${col} < ${p(Date.parse(v as string))}`;
    if (op === 'after') return `${col} >= ${p(Date.parse(v as string))}`;
    const [, n, unit] = DURATION.exec(v as string)!;
    const since = now - Number(n) * DURATION_MS[unit];
    return op === 'within' ? `${col} >= ${p(since)}` : `${col} < ${p(since)}`;
  };

  // Tags are stored as a JSON array of normalized strings: the quoted form is an exact element match.
  const quoted = (tags: unknown[]) => list(tags.map((t) => JSON.stringify(t)));

  const cond = (f: Condition): string => {
    const { field, op, value } = f;
    if (field === 'tags') {
      if (op === 'has') return `instr(c.tags, ${p(JSON.stringify(value))}) > 0`;
      const tags = value as string[];
      if (op === 'hasAny') return `EXISTS (SELECT 1 FROM ${quoted(tags)} q WHERE instr(c.tags, q.value) > 0)`;
      if (op === 'hasAll') return `NOT EXISTS (SELECT 1 FROM ${quoted(tags)} q WHERE instr(c.tags, q.value) = 0)`;
      return `NOT EXISTS (SELECT 1 FROM ${quoted(tags)} q WHERE instr(c.tags, q.value) > 0)`;
    }
    if (field === 'channel') {
      const chans = (op === 'is' ? [value] : value) as string[];
      const exists = `EXISTS (SELECT 1 FROM contact_identities ci WHERE ci.workspace_id = c.workspace_id AND ci.channel IN ${inList(chans)} AND ci.contact_id = c.id)`;
      return op === 'notIn' ? `NOT ${exists}` : exists;
    }
    if (field === 'location.country') return cmp('c.country', op, value);
    if (field === 'location.city') {
      // Cities compare without case (Zürich, ZÜRICH); only ASCII folds in SQLite, which is the common case.
      const col = 'c.city';
      if (op === 'eq') return `${col} = ${p(value)} COLLATE NOCASE`;
      if (op === 'neq') return `coalesce(${col} != ${p(value)} COLLATE NOCASE, 1)`;
      if (op === 'in') return `${col} COLLATE NOCASE IN ${inList(value as unknown[])}`;
      if (op === 'notIn') return `coalesce(${col} COLLATE NOCASE NOT IN ${inList(value as unknown[])}, 1)`;
      return cmp(col, op, value);
    }
    if (field === 'language') {
      // 'pt' matches pt and pt-br: a language filter means the language, whatever the region.
      if (op === 'exists') return cmp('c.language', op, value);
      const langs = (op === 'eq' || op === 'neq' ? [value] : value) as string[];
      const any = `EXISTS (SELECT 1 FROM ${list(langs)} l WHERE c.language = l.value OR substr(c.language, 1, length(l.value) + 1) = l.value || '-')`;
      return op === 'eq' || op === 'in' ? any : `(c.language IS NULL OR NOT ${any})`;
    }
    if (field === 'lastActivityAt') return time('c.last_activity_at', op, value);
    if (field === 'createdAt') return time('c.created_at', op, value);
    if (field === 'conversationCount') return cmp('c.conversation_count', op, value);
    if (field === 'lastConversation.status') return cmp('c.last_conversation_status', op, value);
    if (field === 'lastConversation.csat') return cmp('c.last_conversation_csat', op, value);
    if (field.startsWith('subscribed.')) {
      // Bare strings are pre-0017 rows (worker/contacts/subscriptions.ts); the migration rewrote them, this reads either.
      // The channel is one of SUBSCRIPTION_CHANNELS (kindOf checked it): spliced, so the condition binds one value.
      const channel = field.slice(11);
      if (!(SUBSCRIPTION_CHANNELS as readonly string[]).includes(channel)) throw new Error(`unreachable channel ${channel}`);
      const path = `'$.${channel}'`;
      const col = `coalesce(json_extract(c.subscriptions, '$.${channel}.status'), CASE json_type(c.subscriptions, ${path}) WHEN 'text' THEN json_extract(c.subscriptions, ${path}) END, 'unknown')`;
      return op === 'eq' ? `${col} = ${p(value)}` : `${col} != ${p(value)}`;
    }
    if (field.startsWith('attributes.')) {
      const col = `json_extract(c.attributes, ${p(`$."${field.slice(11)}"`)})`;
      if (op === 'contains') return `instr(lower(CAST(${col} AS TEXT)), ${p(String(value).toLowerCase())}) > 0`;
      return cmp(col, op, value);
    }
    throw new Error(`unreachable field ${field}`);
  };

  return { sql: go(filter, ''), params };
}

/** The filter's JSON pointer turned into the API's dotted field name (`/all/0/op` under `filter` → `filter.all.0.op`). */
export function pointerField(prefix: string, pointer: string): string {
  return [prefix, ...pointer.split('/').filter(Boolean)].join('.');
}

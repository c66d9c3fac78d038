// GET /api/conversations: filters, role visibility, full-text search, keyset pagination and
// per-status counts, over the D1 projection. Every query starts from the caller's WorkspaceScope.
import type { Principal } from '../auth/principal';
import type { WorkspaceScope } from '../db/scope';
import { fromBase64Url, toBase64Url, utf8 } from '../crypto/bytes';
import { Problem } from '../http/problem';
import { STATUSES } from './model';
import { ftsExpression, parseSearchQuery, phoneDigits } from './search-query';
import { tallied, tallyCountStatement, unreadTallyCountStatement } from './tallies';

export type SortKey = 'recent' | 'oldest' | 'priority' | 'waiting' | 'channel' | 'assignee' | 'sla';
export const SLA_FILTERS = ['breached', 'warning', 'breaching_soon', 'ok'] as const;
export type SlaFilter = (typeof SLA_FILTERS)[number];
import { BREACHING_SOON_MS } from './view-counts';
export { BREACHING_SOON_MS };

export interface ListFilters {
  status?: string[];
  channel?: string[];
  inboxId?: string;
  assignee?: string;
  teamId?: string;
  tag?: string[];
  /** How several tags combine: all of them (default, as before) or any of them. */
  tagMode?: 'any' | 'all';
  priority?: string[];
  unread?: boolean;
  updatedAfter?: number;
  updatedBefore?: number;
  closedAfter?: number;
  createdAfter?: number;
  createdBefore?: number;
  /** The last message (last_activity_at, what the list shows), as opposed to any change (updated_at). */
  activityAfter?: number;
  activityBefore?: number;
  contactId?: string;
  sla?: SlaFilter[];
  /** An escalation is active (escalated_at set) / none is. */
  escalated?: boolean;
  flagged?: boolean;
  /** true: only archived; false: none archived; unset: none archived unless `q` searches ("archived stays searchable"). */
  archived?: boolean;
  /** The clock for `breaching_soon` (default now). */
  now?: number;
  q?: string;
  sort: SortKey;
  cursor?: string;
  limit: number;
}

export interface Clause {
  sql: string;
  params: unknown[];
}

const SORTS: Record<SortKey, { columns: string[]; dir: 'ASC' | 'DESC' }> = {
  recent: { columns: ['c.last_activity_at', 'c.id'], dir: 'DESC' },
  oldest: { columns: ['c.last_activity_at', 'c.id'], dir: 'ASC' },
  priority: { columns: ['c.priority_rank', 'c.last_activity_at', 'c.id'], dir: 'DESC' },
  // Longest-waiting first; conversations nobody is waiting on go last.
  waiting: { columns: ['coalesce(c.waiting_since, 9007199254740991)', 'c.id'], dir: 'ASC' },
  // Grouped by channel / assignee (unassigned first), most recent first within a group.
  channel: { columns: ['c.channel', 'c.last_activity_at', 'c.id'], dir: 'DESC' },
  assignee: { columns: ["coalesce(c.assignee_id, '~')", 'c.last_activity_at', 'c.id'], dir: 'DESC' }, // '~' sorts after every id: unassigned first
  // Earliest SLA deadline first; conversations without a running deadline go last.
  sla: { columns: ['coalesce(c.sla_due_at, 9007199254740991)', 'c.id'], dir: 'ASC' },
};
const SORT_FIELDS: Record<SortKey, string[]> = {
  recent: ['last_activity_at', 'id'],
  oldest: ['last_activity_at', 'id'],
  priority: ['priority_rank', 'last_activity_at', 'id'],
  waiting: ['waiting_key', 'id'],
  channel: ['channel', 'last_activity_at', 'id'],
  assignee: ['assignee_key', 'last_activity_at', 'id'],
  sla: ['sla_key', 'id'],
};

/**
 * Role visibility as disjoint alternatives (managers: none needed). The page ORs them; the counts
 * add up one grouped count per alternative, so each can use its own index instead of scanning.
 */
export function visibility(p: Principal): Clause[] {
  if (p.role === 'personal') return [{ sql: 'c.assignee_id = ?', params: [p.userId] }];
  if (p.role === 'manager') return [];
  const alternatives: Clause[] = [
    { sql: 'c.assignee_id IS NULL', params: [] },
    { sql: 'c.assignee_id = ?', params: [p.userId] },
  ];
  if (p.teamIds.length) {
    alternatives.push({ sql: `(c.team_id IN (${p.teamIds.map(() => '?').join(', ')}) AND c.assignee_id <> ?)`, params: [...p.teamIds, p.userId] });
  }
  return alternatives;
}

/**
 * The visibility alternatives ORed into one clause (none for a manager): for statements that read few
 * rows, or filter what an index already found, and need no index per alternative.
 */
export function visibleAny(p: Principal): Clause[] {
  const alternatives = visibility(p);
  return alternatives.length ? [{ sql: `(${alternatives.map((v) => v.sql).join(' OR ')})`, params: alternatives.flatMap((v) => v.params) }] : [];
}

/**
 * Conditions shared by the page query and the counts (everything but status and visibility). Over
 * `conversation_tallies` (worker/conversations/tallies.ts) the same conditions apply, but for the
 * archive flag, which the tallies keep as a 0/1 column.
 */
export function conditions(p: Principal, f: Omit<ListFilters, 'sort' | 'limit' | 'cursor'>, over: 'rows' | 'tallies' = 'rows'): Clause[] {
  const archived = (yes: boolean) => (over === 'tallies' ? `c.archived = ${yes ? 1 : 0}` : `c.archived_at IS ${yes ? 'NOT NULL' : 'NULL'}`);
  const out: Clause[] = [];
  const add = (sql: string, ...params: unknown[]) => out.push({ sql, params });
  // One value binds as itself (the plans the single-channel views were tuned with); several bind as ONE
  // JSON array read by json_each, so a long multi-select never nears D1's 100 bound parameters.
  const inList = (col: string, values: string[]) => {
    const distinct = [...new Set(values)];
    if (distinct.length === 1) add(`${col} = ?`, distinct[0]);
    else add(`${col} IN (SELECT value FROM json_each(?))`, JSON.stringify(distinct));
  };

  const q = f.q ? parseSearchQuery(f.q) : null;
  const channels = [...(f.channel ?? []), ...(q?.channels ?? [])];
  if (channels.length) inList('c.channel', channels);
  if (f.inboxId) add('c.inbox_id = ?', f.inboxId);
  if (f.teamId) add('c.team_id = ?', f.teamId);
  if (f.contactId) add('c.contact_id = ?', f.contactId);
  if (f.priority?.length) inList('c.priority', f.priority);
  for (const assignee of [f.assignee, q?.assigned].filter((a): a is string => !!a)) {
    if (assignee === 'me') add('c.assignee_id = ?', p.userId);
    else if (assignee === 'unassigned' || assignee === 'none') add('c.assignee_id IS NULL');
    // "Assigned to others": someone has it, and it is not the caller.
    else if (assignee === 'others') add('c.assignee_id IS NOT NULL AND c.assignee_id <> ?', p.userId);
    else if (assignee.includes('@')) add('c.assignee_id = (SELECT id FROM users WHERE email = ? AND workspace_id = c.workspace_id)', assignee.toLowerCase());
    else add('c.assignee_id = ?', assignee);
  }
  const tags = [...new Set([...(f.tag ?? []), ...(q?.tags ?? [])].map((t) => t.toLowerCase()))];
  if (f.tagMode === 'any' && tags.length > 1) {
    add('EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = c.id AND t.tag IN (SELECT value FROM json_each(?)))', JSON.stringify(tags));
  } else {
    for (const tag of tags) add('EXISTS (SELECT 1 FROM conversation_tags t WHERE t.conversation_id = c.id AND t.tag = ?)', tag);
  }
  if (f.unread) add('c.last_customer_seq > coalesce(r.last_read_seq, 0)');
  if (f.sla?.length) {
    // One IN list over sla_status, so SQLite seeks conv_ws_sla (workspace_id, sla_status, sla_due_at, id);
    // "breaching soon" adds 'ok' rows and keeps those due within the hour (checked on the index entry).
    // likelihood() tells the planner these rows are few: seek them and sort, rather than walk the whole
    // workspace in the sort's index order looking for matches.
    const soon = f.sla.includes('breaching_soon');
    const statuses = new Set<string>(f.sla.filter((s) => s !== 'breaching_soon'));
    const okSoonOnly = soon && !statuses.has('ok');
    if (soon) statuses.add('warning').add('ok');
    add(`likelihood(c.sla_status IN (${[...statuses].map(() => '?').join(', ')}), 0.05)`, ...statuses);
    if (okSoonOnly) add(`(c.sla_status <> 'ok' OR c.sla_due_at <= ?)`, (f.now ?? Date.now()) + BREACHING_SOON_MS);
  }
  // escalated_at > 0 (not IS NOT NULL) is a range the planner seeks on conv_ws_escalated.
  if (f.escalated !== undefined) add(f.escalated ? 'likelihood(c.escalated_at > 0, 0.05)' : 'c.escalated_at IS NULL');
  if (f.flagged !== undefined) add('c.flagged = ?', f.flagged ? 1 : 0);
  // Archived conversations are closed ones: testing status first means SQLite's deferred seek reads the
  // table row (for archived_at, in no index) only for closed rows; the others stay on the index entry.
  if (f.archived === true) add(archived(true));
  // A status filter without 'closed' needs no archive test at all.
  else if ((f.archived === false || !f.q) && (!f.status?.length || f.status.includes('closed'))) add(`(c.status <> 'closed' OR ${archived(false)})`);
  if (f.updatedAfter !== undefined) add('c.updated_at > ?', f.updatedAfter);
  if (f.updatedBefore !== undefined) add('c.updated_at < ?', f.updatedBefore);
  if (f.closedAfter !== undefined) add('c.closed_at > ?', f.closedAfter);
  if (f.createdAfter !== undefined) add('c.created_at >= ?', f.createdAfter);
  if (f.createdBefore !== undefined) add('c.created_at < ?', f.createdBefore);
  if (f.activityAfter !== undefined) add('c.last_activity_at >= ?', f.activityAfter);
  if (f.activityBefore !== undefined) add('c.last_activity_at < ?', f.activityBefore);
  // Substring matches use instr(), not LIKE: D1 refuses LIKE patterns over 50 bytes, and user input
  // must not act as % or _ wildcards.
  if (q?.phone) add(`instr(ct.phone, ?) > 0`, phoneDigits(q.phone));
  if (q?.email) add(`instr(lower(ct.email), lower(?)) > 0`, q.email);
  if (q) {
    const fts = ftsExpression(q);
    if (fts) {
      const text = [...q.words, ...q.phrases].join(' ');
      // Two uncorrelated lists, each built once per statement: conversations whose messages match, from
      // conversations_fts (blocks of up to 32 messages of one conversation, rowid >> 16 = the conversation's
      // rowid; migration 0042), and the conversations of contacts whose name or e-mail matches. `+` keeps SQLite from driving the
      // query from the hits: it walks the index of the other filters or of the sort (every conversations
      // index carries the rowid) and probes both lists' Bloom filters, so the page stops after its last row
      // and the counts stay on a covering index, with no lookup per hit. A common word matches most of the
      // workspace (69 % of it for "refund" at 1M messages); a rare word's walk is bounded by the workspace's
      // index. The hit list is the FTS doclist itself: one row per matching block, no join.
      // The contacts' conversations come through conv_contact (`+hc.workspace_id`: D1 has no statistics,
      // and without them SQLite would rather walk every conversation row of the workspace). No UNION of
      // the two: workerd's SQLite sorts both sides of it.
      add(
        `(+c.rowid IN (SELECT rowid >> 16 FROM conversations_fts WHERE conversations_fts MATCH ?)
          OR +c.id IN (SELECT hc.id FROM contacts k JOIN conversations hc ON hc.contact_id = k.id
                       WHERE k.workspace_id = ?1 AND (instr(lower(k.name), lower(?)) > 0 OR instr(lower(k.email), lower(?)) > 0) AND +hc.workspace_id = ?1))`,
        fts,
        text,
        text,
      );
    }
  }
  return out;
}

function statusFilter(f: ListFilters): string[] {
  const q = f.q ? parseSearchQuery(f.q) : null;
  const statuses = [...(f.status ?? []), ...(q?.statuses ?? [])];
  for (const s of statuses) if (!(STATUSES as readonly string[]).includes(s)) throw Problem.badRequest('status', `unknown status "${s}"`);
  return statuses;
}

export async function listConversations(scope: WorkspaceScope, p: Principal, f: ListFilters) {
  const shared = conditions(p, f);
  const statuses = statusFilter(f);
  const sort = SORTS[f.sort];

  const pageWhere = [...shared, ...visibleAny(p)];
  if (statuses.length) pageWhere.push({ sql: `c.status IN (${statuses.map(() => '?').join(', ')})`, params: statuses });
  if (f.cursor) {
    const values = decodeCursor(f.cursor, SORT_FIELDS[f.sort].length);
    const op = sort.dir === 'DESC' ? '<' : '>';
    pageWhere.push({ sql: `(${sort.columns.join(', ')}) ${op} (${values.map(() => '?').join(', ')})`, params: values });
  }
  const where = (clauses: Clause[]) => clauses.map((c) => ` AND ${c.sql}`).join('');
  const params = (clauses: Clause[]) => clauses.flatMap((c) => c.params);

  const q = f.q ? parseSearchQuery(f.q) : null;
  const order = sort.columns.map((col) => `${col} ${sort.dir}`).join(', ');
  // Two steps: the inner query picks the page's ids from the index entries alone; only those rows are then
  // read whole with their contact, read marker and unread count. In one step, a sort the index does not
  // give (search hits, sort=waiting…) built every matching row in full before keeping the first page.
  // `?2 IS NOT NULL` names the caller before the conditions' own `?`s, so those number from 3 and the
  // outer query's `?2` stays the caller.
  const page = scope.prepare(
    `SELECT c.*, coalesce(c.waiting_since, 9007199254740991) AS waiting_key, coalesce(c.assignee_id, '~') AS assignee_key, coalesce(c.sla_due_at, 9007199254740991) AS sla_key,
       ct.name AS contact_name, ct.email AS contact_email, ct.phone AS contact_phone, ct.avatar_url AS contact_avatar_url,
       coalesce(r.last_read_seq, 0) AS last_read_seq,
       (SELECT count(*) FROM message_search m WHERE m.conversation_id = c.id AND m.inbound = 1 AND m.seq > coalesce(r.last_read_seq, 0)) AS unread_count
     FROM (SELECT c.id FROM conversations c
             ${q?.phone || q?.email ? 'JOIN contacts ct ON ct.id = c.contact_id' : ''}
             ${f.unread ? 'LEFT JOIN conversation_reads r ON r.conversation_id = c.id AND r.user_id = ?2' : ''}
           WHERE c.workspace_id = ?1 AND ?2 IS NOT NULL${where(pageWhere)}
           ORDER BY ${order}
           LIMIT ${f.limit + 1}) pick
       JOIN conversations c ON c.id = pick.id
       -- LEFT: a picked row must never be dropped here (the page would come back short and end paging early).
       LEFT JOIN contacts ct ON ct.id = c.contact_id
       LEFT JOIN conversation_reads r ON r.conversation_id = c.id AND r.user_id = ?2
     ORDER BY ${order}`,
    p.userId,
    ...params(pageWhere),
  );
  const counts = countStatement(scope, p, f);
  const [pageRes, countRes] = await scope.d1.batch<Record<string, unknown>>([page, counts]);
  const rows = pageRes.results;
  const more = rows.length > f.limit;
  const items = rows.slice(0, f.limit).map(toListItem);
  const last = rows[f.limit - 1];
  return {
    items,
    nextCursor: more && last ? encodeCursor(SORT_FIELDS[f.sort].map((k) => last[k])) : null,
    counts: foldCounts(countRes.results),
  };
}

/**
 * Counts per status for a list filter (the status filter itself excluded, so tabs can show them all),
 * one statement the caller batches. Parameters are numbered: ?1 the workspace, ?2 the caller, then the
 * conditions' own in order (twice for unread over the tallies: its two parts each bind them).
 */
export function countStatement(scope: WorkspaceScope, p: Principal, f: Omit<ListFilters, 'sort' | 'limit' | 'cursor'>): D1PreparedStatement {
  const visible = visibility(p);
  // The tabs count every status, so the status filter must not decide the archive test either: with
  // status=open the page needs none, but the closed tab's count must leave archived ones out, as that tab does.
  f = { ...f, status: undefined };
  // Status, inbox, channel, team, assignee and the archive flag alone: the kept tallies answer (migration 0044);
  // unread over those too, less the caller's caught-up read positions.
  if (tallied(f)) return tallyCountStatement(scope, p, conditions(p, f, 'tallies'), visibleAny(p));
  const read = { ...f, unread: false };
  if (f.unread && tallied(read)) return unreadTallyCountStatement(scope, p, conditions(p, read, 'tallies'), conditions(p, read), visibleAny(p));
  const shared = conditions(p, f);
  const where = (clauses: Clause[]) => clauses.map((c) => ` AND ${c.sql}`).join('');
  const params = (clauses: Clause[]) => clauses.flatMap((c) => c.params);
  const needsReads = !!f.unread;
  const q = f.q ? parseSearchQuery(f.q) : null;
  // With a selective SLA/escalation/inbox filter, grouping by `+c.status` (not an indexed column) stops SQLite
  // from picking a status index just to group, which would read every row; conv_ws_sla / conv_ws_escalated /
  // conv_ws_inbox seek only the matching ones (inboxId=…&status=open at 1M messages: 29 against 67 ms of
  // SQLite CPU, 46 against 89 with q=refund).
  const groupBy = f.sla?.length || f.escalated || f.inboxId ? '+c.status' : 'c.status';
  const countPart = (alt: Clause | null) => ({
    sql: `SELECT c.status, count(*) AS n FROM conversations c
       ${q?.phone || q?.email ? 'JOIN contacts ct ON ct.id = c.contact_id' : ''}
       ${needsReads ? 'LEFT JOIN conversation_reads r ON r.conversation_id = c.id AND r.user_id = ?2' : ''}
     WHERE c.workspace_id = ?1 AND ?2 IS NOT NULL${where(shared)}${alt ? ` AND ${alt.sql}` : ''}
     GROUP BY ${groupBy}`,
    params: [...params(shared), ...(alt?.params ?? [])],
  });
  // Visibility alternatives are disjoint: one grouped count each (each on its own covering index), summed.
  // A text search builds its hit lists once per part; since they are conversations_fts's doclist (no
  // lookup per hit), three covering walks cost less than one ORed walk that reads every table row for
  // assignee_id and team_id (staff q=refund at 1M messages: 61 against 91 ms of SQLite CPU).
  const parts = !visible.length ? [countPart(null)] : visible.map(countPart);
  return scope.prepare(
    parts.length === 1 ? parts[0].sql : `SELECT status, sum(n) AS n FROM (${parts.map((x) => x.sql).join(' UNION ALL ')}) GROUP BY status`,
    p.userId,
    ...parts.flatMap((x) => x.params),
  );
}

/** Rows of a countStatement as Counts. */
export function foldCounts(rows: Record<string, unknown>[]): { open: number; pending: number; snoozed: number; closed: number; all: number } {
  const countMap: Record<string, number> = { open: 0, pending: 0, snoozed: 0, closed: 0 };
  let total = 0;
  for (const r of rows) {
    countMap[String(r.status)] = Number(r.n);
    total += Number(r.n);
  }
  return { ...(countMap as { open: number; pending: number; snoozed: number; closed: number }), all: total };
}

export function toListItem(r: Record<string, unknown>) {
  return {
    id: r.id as string,
    workspaceId: r.workspace_id as string,
    contactId: r.contact_id as string,
    inboxId: r.inbox_id as string,
    channel: r.channel as string,
    status: r.status as string,
    priority: r.priority as string,
    assigneeId: (r.assignee_id as string | null) ?? null,
    teamId: (r.team_id as string | null) ?? null,
    subject: (r.subject as string | null) ?? null,
    tags: JSON.parse(String(r.tags ?? '[]')) as string[],
    snoozeUntil: (r.snooze_until as number | null) ?? null,
    closedAt: (r.closed_at as number | null) ?? null,
    lastActivityAt: r.last_activity_at as number,
    lastMessagePreview: (r.last_message_preview as string | null) ?? null,
    lastMessageDirection: (r.last_message_direction as string | null) ?? null,
    lastMessageAuthorType: (r.last_message_author_type as string | null) ?? null,
    waitingSince: (r.waiting_since as number | null) ?? null,
    slaStatus: (r.sla_status as 'ok' | 'warning' | 'breached' | null) ?? null,
    slaDueAt: (r.sla_due_at as number | null) ?? null,
    escalationLevel: (r.escalation_level as number | null) ?? null,
    escalatedAt: (r.escalated_at as number | null) ?? null,
    flagged: Number(r.flagged ?? 0) === 1,
    csatScore: (r.csat_score as number | null) ?? null,
    csatScale: (r.csat_scale as 'stars5' | 'thumbs' | 'emoji5' | null) ?? null,
    csatRaw: (r.csat_raw as number | null) ?? null,
    followUpAt: (r.follow_up_at as number | null) ?? null,
    archivedAt: (r.archived_at as number | null) ?? null,
    messageCount: r.message_count as number,
    seq: r.seq as number,
    unreadCount: Number(r.unread_count ?? 0),
    createdAt: r.created_at as number,
    updatedAt: r.updated_at as number,
    contact: {
      id: r.contact_id as string,
      name: (r.contact_name as string | null) ?? null,
      email: (r.contact_email as string | null) ?? null,
      phone: (r.contact_phone as string | null) ?? null,
      avatarUrl: (r.contact_avatar_url as string | null) ?? null,
    },
  };
}

function encodeCursor(values: unknown[]): string {
  return toBase64Url(utf8(JSON.stringify(values)));
}

function decodeCursor(cursor: string, arity: number): unknown[] {
  try {
    const values = JSON.parse(new TextDecoder().decode(fromBase64Url(cursor))) as unknown;
    if (Array.isArray(values) && values.length === arity && values.every((v) => typeof v === 'string' || typeof v === 'number')) return values;
  } catch {
    // fall through
  }
  throw Problem.badRequest('cursor', 'is not a cursor this endpoint issued (for this sort)');
}

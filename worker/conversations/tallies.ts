// Counts kept, not counted: `conversation_tallies` (migration 0044) holds how many conversations a
// workspace has per status, inbox, channel, team, assignee, archive flag and "the customer has written",
// kept by triggers on `conversations` whatever writes it. A count by status over those fields reads a row
// per combination in use (1,301 at the bench's 100k conversations) instead of walking the workspace's index
// (100k entries, on a database that runs one query at a time). Unread over those fields is the tallies less
// the caller's caught-up read positions. Filters over anything else (search, tags, SLA, dates…) still count
// the conversation rows (worker/conversations/list.ts).
import type { Principal } from '../auth/principal';
import type { WorkspaceScope } from '../db/scope';
import type { Clause, ListFilters } from './list';

type CountFilters = Omit<ListFilters, 'sort' | 'limit' | 'cursor'> & Partial<Pick<ListFilters, 'sort' | 'limit' | 'cursor'>>;

/**
 * The filter fields a tally row answers, and those that never change a count (`now` and `tagMode` only
 * qualify other fields; the page's sort, size and cursor are not the counts' business).
 */
const TALLIED: ReadonlySet<string> = new Set(['status', 'channel', 'inboxId', 'teamId', 'assignee', 'archived', 'now', 'tagMode', 'sort', 'limit', 'cursor']);

/** Whether a filter narrows the list (an empty list, `unread: false` or an empty search do not). */
function narrows(key: string, value: unknown): boolean {
  if (value === undefined || value === null) return false;
  if (Array.isArray(value)) return value.length > 0;
  if (key === 'unread' || key === 'q') return !!value;
  return true;
}

/** True when the tallies can count this filter exactly (every narrowing field is a tallied one). */
export function tallied(f: CountFilters): boolean {
  return Object.entries(f).every(([k, v]) => TALLIED.has(k) || !narrows(k, v));
}

/**
 * Counts per status over the tallies, for the conditions list.ts builds `over: 'tallies'` and the
 * caller's visibility (`visibleAny`, ORed: the tallies are small, no index per alternative is needed). ?1 is the
 * workspace, ?2 the caller, then the conditions' own in order, as in the row count it replaces.
 */
export function tallyCountStatement(scope: WorkspaceScope, p: Principal, shared: Clause[], visible: Clause[]): D1PreparedStatement {
  const clauses = [...shared, ...visible];
  return scope.prepare(
    `SELECT c.status, sum(c.n) AS n FROM conversation_tallies c
     WHERE c.workspace_id = ?1 AND ?2 IS NOT NULL${clauses.map((c) => ` AND ${c.sql}`).join('')}
     GROUP BY c.status`,
    p.userId,
    ...clauses.flatMap((c) => c.params),
  );
}

/**
 * Unread counts per status (the Unread view's tabs, the navigation's `unread`) when the other filters are
 * tallied: the conversations the customer has written in (tallied) less those the caller has read up to
 * their last customer message. The second part reads the caller's read positions (CROSS JOIN: SQLite starts
 * from them), one conversation each, not every conversation of the workspace (77.6 → 13.5 ms of SQLite CPU
 * at 100k conversations for a manager with 5,693 positions). `tallies` and `rows` are the same filters
 * built `over` each (list.ts); both parts bind their own, which number on from ?3. The caller's visibility
 * applies once, to both parts' rows, so a staff member's team ids are bound once.
 */
export function unreadTallyCountStatement(scope: WorkspaceScope, p: Principal, tallies: Clause[], rows: Clause[], visible: Clause[]): D1PreparedStatement {
  const where = (clauses: Clause[]) => clauses.map((c) => ` AND ${c.sql}`).join('');
  return scope.prepare(
    `SELECT c.status, sum(c.n) AS n FROM (
       SELECT c.status, c.assignee_id, c.team_id, c.n FROM conversation_tallies c
       WHERE c.workspace_id = ?1 AND ?2 IS NOT NULL AND c.customer_wrote = 1${where(tallies)}
       UNION ALL
       SELECT c.status, c.assignee_id, c.team_id, -1 FROM conversation_reads r CROSS JOIN conversations c ON c.id = r.conversation_id
       WHERE r.user_id = ?2 AND c.workspace_id = ?1 AND c.last_customer_seq > 0 AND r.last_read_seq >= c.last_customer_seq${where(rows)}) c
     WHERE 1${where(visible)}
     GROUP BY c.status`,
    p.userId,
    ...tallies.flatMap((c) => c.params),
    ...rows.flatMap((c) => c.params),
    ...visible.flatMap((v) => v.params),
  );
}

/**
 * The navigation's grouped counts (worker/conversations/counts.ts): per status, channel, team, who has it
 * (`who`: 0 unassigned, 1 the caller, 2 someone else), archived conversations left out, within the
 * caller's visibility.
 */
export function navigationTallyStatement(scope: WorkspaceScope, p: Principal, visible: Clause[]): D1PreparedStatement {
  return scope.prepare(
    `SELECT c.status, c.channel, c.team_id,
       CASE WHEN c.assignee_id IS NULL THEN 0 WHEN c.assignee_id = ?2 THEN 1 ELSE 2 END AS who,
       sum(c.n) AS n
     FROM conversation_tallies c
     WHERE c.workspace_id = ?1 AND (c.status <> 'closed' OR c.archived = 0)
       ${visible.map((v) => `AND ${v.sql}`).join(' ')}
     GROUP BY 1, 2, 3, 4`,
    p.userId,
    ...visible.flatMap((v) => v.params),
  );
}

// GET /api/conversations/counts: every navigation view's counts in one request and one D1 round trip.
// The app used to ask once per view (all, mine, each team, each channel…: ~33 list requests per change,
// per open tab). Here the kept tallies (worker/conversations/tallies.ts) give every view that depends
// only on the conversation's own fields (folded with the same viewsOf the live frames use); the few
// conversations in an SLA or escalation view, today's, and the caller's read positions (for unread) are
// read through their own indexes, never the workspace's every row (420 ms of SQLite CPU at 100k
// conversations when they were). Saved views (worker/views/) that only filter on those same fields are
// folded from the same rows; the others get no count.
import type { Principal } from '../auth/principal';
import type { WorkspaceScope } from '../db/scope';
import { countStatement, foldCounts, visibleAny, type ListFilters } from './list';
import { navigationTallyStatement } from './tallies';
import type { Status } from './model';
import { BREACHING_SOON_MS, emptyCounts, viewsOf, type CountKey, type CountStatus, type Counts } from './view-counts';
import { countable, keyInView } from '../views/model';
import { visibleViewsStatement, viewsFromRows } from '../views/store';

export interface ViewCountsRequest {
  /** The agent's midnight (their zone, not ours): the `today` view counts conversations updated since. */
  since: number;
  /** The list the agent has open, to count its status tabs too (optional). */
  list?: Omit<ListFilters, 'sort' | 'limit' | 'cursor'>;
  now?: number;
}

/**
 * The statements of the navigation's one batch, in order: the grouped tallies, the SLA and escalation
 * conversations, today's, unread (tallies less the caller's caught-up read positions), the saved views
 * and, when asked, the open list's tabs. Exported so their query plans can be checked (test/api/tallies.test.ts).
 */
export function navigationStatements(scope: WorkspaceScope, p: Principal, req: ViewCountsRequest, now: number): D1PreparedStatement[] {
  const visible = visibleAny(p);
  const visibleSql = visible.map((v) => `AND ${v.sql}`).join(' ');
  const visibleParams = visible.flatMap((v) => v.params);
  // Every conversation by the fields the views read, from the kept tallies (migration 0044): a row per
  // combination in use (1,301 at the bench's 100k conversations), which grows with agents, inboxes and teams,
  // not with conversations. SLA and escalation are not tallied (breaching soon moves with the clock).
  const grouped = navigationTallyStatement(scope, p, visible);
  // So the conversations an SLA or escalation view counts are read apart and folded over their tally share:
  // usually few (breached, warned, due within the hour, escalated), sought in conv_ws_sla and conv_ws_escalated in
  // three disjoint parts. One ORed condition let SQLite walk the whole workspace to group instead. The
  // caller's visibility applies once, to what the parts found, so its parameters are bound once (a staff
  // member's team ids, bound per part, would near D1's 100 parameters at 30 teams).
  // `sla`: 2 breached, 1 breaching soon, 0 neither.
  const part = (index: string, condition: string) =>
    `SELECT c.status, c.channel, c.team_id, c.assignee_id, c.sla_status, c.sla_due_at, c.escalated_at FROM conversations c INDEXED BY ${index}
     WHERE c.workspace_id = ?1 AND ${condition} AND (c.status <> 'closed' OR c.archived_at IS NULL)`;
  const flagged = scope.prepare(
    `SELECT status, channel, team_id,
       CASE WHEN assignee_id IS NULL THEN 0 WHEN assignee_id = ?2 THEN 1 ELSE 2 END AS who,
       CASE WHEN sla_status = 'breached' THEN 2 WHEN sla_status = 'warning' OR (sla_status = 'ok' AND sla_due_at <= ?3) THEN 1 ELSE 0 END AS sla,
       coalesce(escalated_at > 0, 0) AS esc,
       count(*) AS n
     FROM (${part('conv_ws_sla', "c.sla_status IN ('breached', 'warning')")}
           UNION ALL ${part('conv_ws_sla', "c.sla_status = 'ok' AND c.sla_due_at <= ?3")}
           UNION ALL ${part('conv_ws_escalated', "c.escalated_at > 0 AND NOT coalesce(c.sla_status IN ('breached', 'warning') OR (c.sla_status = 'ok' AND c.sla_due_at <= ?3), 0)")}) c
     WHERE 1 ${visibleSql}
     GROUP BY 1, 2, 3, 4, 5, 6`,
    p.userId,
    now + BREACHING_SOON_MS,
    ...visibleParams,
  );
  // Updated since the agent's midnight: a range of conv_ws_updated, which covers the rest of the test.
  const today = scope.prepare(
    `SELECT c.status, count(*) AS n FROM conversations c INDEXED BY conv_ws_updated
     WHERE c.workspace_id = ?1 AND ?2 IS NOT NULL AND c.updated_at > ?3 AND (c.status <> 'closed' OR c.archived_at IS NULL) ${visibleSql}
     GROUP BY c.status`,
    p.userId,
    req.since,
    ...visibleParams,
  );
  // Unread: the tallied conversations the customer wrote in, less the caller's caught-up read positions.
  const unread = countStatement(scope, p, { unread: true });
  // The caller's saved views ride in the same batch: those the grouped rows can answer get a count.
  const statements = [grouped, flagged, today, unread, visibleViewsStatement(scope, p)];
  if (req.list) statements.push(countStatement(scope, p, req.list));
  return statements;
}

export async function countViews(scope: WorkspaceScope, p: Principal, req: ViewCountsRequest): Promise<{ views: Record<string, Counts>; list: Counts | null; saved: Record<string, Counts> }> {
  const now = req.now ?? Date.now();
  const [g, f, t, u, savedRows, list] = await scope.d1.batch<Record<string, unknown>>(navigationStatements(scope, p, req, now));
  const savedViews = viewsFromRows(savedRows.results, p).filter((v) => countable(v.filters));
  const saved: Record<string, Counts> = Object.fromEntries(savedViews.map((v) => [v.id, emptyCounts()]));

  const views: Record<string, Counts> = { all: emptyCounts(), mine: emptyCounts(), unassigned: emptyCounts(), 'sla:breaching_soon': emptyCounts(), 'sla:breached': emptyCounts(), escalated: emptyCounts() };
  // A row as a conversation key: exactly the fields viewsOf reads, so REST and live frames agree.
  const keyOf = (r: Record<string, unknown>, sla: number, escalated: boolean): CountKey => {
    const who = Number(r.who);
    return {
      status: r.status as Status,
      channel: String(r.channel),
      teamId: (r.team_id as string | null) ?? null,
      assigneeId: who === 0 ? null : who === 1 ? p.userId : '\u0000someone else',
      slaStatus: sla === 2 ? 'breached' : sla === 1 ? 'warning' : null,
      slaDueAt: null,
      escalated,
      archived: false,
      updatedAt: 0,
    };
  };
  const fold = (key: CountKey, n: number) => {
    const s = key.status as CountStatus;
    for (const view of viewsOf(key, p.userId, now)) {
      const c = (views[view] ??= emptyCounts());
      c[s] += n;
      c.all += n;
    }
    for (const sv of savedViews) {
      if (!keyInView(sv.filters, key, p.userId, now)) continue;
      saved[sv.id][s] += n;
      saved[sv.id].all += n;
    }
  };
  for (const r of g.results) fold(keyOf(r, 0, false), Number(r.n));
  // The tallies counted these with neither SLA nor escalation: move them to their own key.
  for (const r of f.results) {
    const n = Number(r.n);
    fold(keyOf(r, 0, false), -n);
    fold(keyOf(r, Number(r.sla), Number(r.esc) === 1), n);
  }
  views.today = foldCounts(t.results);
  views.unread = foldCounts(u.results);
  return { views, list: list ? foldCounts(list.results) : null, saved };
}

// GET /api/conversations/counts: every navigation view's counts in one request and one D1 round trip.
// The app used to ask once per view (all, mine, each team, each channel…: ~33 list requests per change,
// per open tab). Here one grouped scan gives every view that depends only on the conversation's own
// fields (folded with the same viewsOf the live frames use), and three small counts add today, unread
// and the list the agent is looking at. Saved views (worker/views/) that only filter on those same
// fields are folded from the grouped rows too; the others get no count.
import type { Principal } from '../auth/principal';
import type { WorkspaceScope } from '../db/scope';
import { countStatement, foldCounts, visibility, type ListFilters } from './list';
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

export async function countViews(scope: WorkspaceScope, p: Principal, req: ViewCountsRequest): Promise<{ views: Record<string, Counts>; list: Counts | null; saved: Record<string, Counts> }> {
  const now = req.now ?? Date.now();
  const visible = visibility(p);
  // One row per combination of the fields views depend on: a few hundred rows at most, whatever the size.
  // `who`: 0 unassigned, 1 the caller, 2 someone else; `sla`: 2 breached, 1 breaching soon, 0 neither.
  const grouped = scope.prepare(
    `SELECT c.status, c.channel, c.team_id,
       CASE WHEN c.assignee_id IS NULL THEN 0 WHEN c.assignee_id = ?2 THEN 1 ELSE 2 END AS who,
       CASE WHEN c.sla_status = 'breached' THEN 2 WHEN c.sla_status = 'warning' OR (c.sla_status = 'ok' AND c.sla_due_at <= ?3) THEN 1 ELSE 0 END AS sla,
       coalesce(c.escalated_at > 0, 0) AS esc,
       count(*) AS n
     FROM conversations c
     WHERE c.workspace_id = ?1 AND (c.status <> 'closed' OR c.archived_at IS NULL)
       ${visible.length ? `AND (${visible.map((v) => v.sql).join(' OR ')})` : ''}
     GROUP BY 1, 2, 3, 4, 5, 6`,
    p.userId,
    now + BREACHING_SOON_MS,
    ...visible.flatMap((v) => v.params),
  );
  // The caller's saved views ride in the same batch: those the grouped rows can answer get a count.
  const statements = [grouped, countStatement(scope, p, { updatedAfter: req.since }), countStatement(scope, p, { unread: true }), visibleViewsStatement(scope, p)];
  if (req.list) statements.push(countStatement(scope, p, req.list));
  const [g, today, unread, savedRows, list] = await scope.d1.batch<Record<string, unknown>>(statements);
  const savedViews = viewsFromRows(savedRows.results, p).filter((v) => countable(v.filters));
  const saved: Record<string, Counts> = Object.fromEntries(savedViews.map((v) => [v.id, emptyCounts()]));

  const views: Record<string, Counts> = { all: emptyCounts(), mine: emptyCounts(), unassigned: emptyCounts(), 'sla:breaching_soon': emptyCounts(), 'sla:breached': emptyCounts(), escalated: emptyCounts() };
  for (const r of g.results) {
    const sla = Number(r.sla);
    const who = Number(r.who);
    // The row as a conversation key: exactly the fields viewsOf reads, so REST and live frames agree.
    const key: CountKey = {
      status: r.status as Status,
      channel: String(r.channel),
      teamId: (r.team_id as string | null) ?? null,
      assigneeId: who === 0 ? null : who === 1 ? p.userId : '\u0000someone else',
      slaStatus: sla === 2 ? 'breached' : sla === 1 ? 'warning' : null,
      slaDueAt: null,
      escalated: Number(r.esc) === 1,
      archived: false,
      updatedAt: 0,
    };
    const n = Number(r.n);
    for (const view of viewsOf(key, p.userId, now)) {
      const c = (views[view] ??= emptyCounts());
      c[key.status as CountStatus] += n;
      c.all += n;
    }
    for (const sv of savedViews) {
      if (!keyInView(sv.filters, key, p.userId, now)) continue;
      saved[sv.id][key.status as CountStatus] += n;
      saved[sv.id].all += n;
    }
  }
  views.today = foldCounts(today.results);
  views.unread = foldCounts(unread.results);
  return { views, list: list ? foldCounts(list.results) : null, saved };
}

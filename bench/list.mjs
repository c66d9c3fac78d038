// (c) GET /api/conversations over the 100k-conversation data set: the three common inbox views, a staff
// agent's default view (role visibility joins the query), full-text search, and GET /api/me as the
// floor (any authenticated request with one small D1 read, on this machine at that moment).
// Requests go one at a time (latency without queueing), round-robin across filters so background
// noise falls on all alike. A filter that is far too slow gets a time budget instead of holding the
// run hostage: it reports the samples it got. Search runs last and alone, since a runaway query
// keeps the database busy even after the client gives up on it.
import { performance } from 'node:perf_hooks';
import { request } from './lib/client.mjs';
import { summarize } from './lib/stats.mjs';

/** The agent's midnight (UTC here), as the app sends it for the `today` view. */
const midnight = () => Math.floor(Date.now() / 86_400_000) * 86_400_000;

export function filters(ws) {
  const support = ws.teams.find((t) => t.name === 'Support') ?? ws.teams[0];
  const staffAgent = ws.staff.find((s) => s.teamIds?.includes(support.id)) ?? ws.staff[0];
  return [
    { key: 'open_recent', label: 'status=open sort=recent', path: '/api/conversations?status=open&sort=recent', token: ws.manager.token, goal: true },
    { key: 'mine_open', label: 'assignee=me&status=open', path: '/api/conversations?assignee=me&status=open', token: ws.manager.token, goal: true },
    { key: 'team_open_priority', label: `teamId=${support.name}&status=open sort=priority`, path: `/api/conversations?teamId=${support.id}&status=open&sort=priority`, token: ws.manager.token, goal: true },
    { key: 'staff_open', label: 'staff agent: status=open (role filter)', path: '/api/conversations?status=open&sort=recent', token: staffAgent.token, goal: false },
    // The navigation's counts (every view at once, the open list's tabs too): what the app asks after changes.
    { key: 'nav_counts', label: 'GET /api/conversations/counts (manager)', path: `/api/conversations/counts?since=${midnight()}&list=true&status=open`, token: ws.manager.token, goal: true, nav: true },
    { key: 'nav_counts_staff', label: 'staff agent: GET /api/conversations/counts', path: `/api/conversations/counts?since=${midnight()}&list=true&status=open`, token: staffAgent.token, goal: false, nav: true },
    // The floor: what any authenticated request with one small D1 read costs on this machine right now.
    { key: 'floor_me', label: 'floor: GET /api/me (auth + 1 D1 read)', path: '/api/me', token: ws.manager.token, goal: false, floor: true },
    // Search: a word in 69 % of the conversations, the same with filters, a staff member's, a word in one
    // conversation (an order number of the seeded data set), a phrase. Goal p95 <= 100 ms (issue 11, item 7).
    { key: 'q_refund', label: 'q=refund (all statuses)', path: '/api/conversations?q=refund', token: ws.manager.token, goal: false, alone: true },
    { key: 'q_refund_open_mine', label: 'q=refund&status=open&assignee=me', path: '/api/conversations?q=refund&status=open&assignee=me', token: ws.manager.token, goal: false, alone: true },
    { key: 'q_refund_team_open', label: `q=refund&teamId=${support.name}&status=open`, path: `/api/conversations?q=refund&teamId=${support.id}&status=open`, token: ws.manager.token, goal: false, alone: true },
    { key: 'q_refund_staff', label: 'staff agent: q=refund', path: '/api/conversations?q=refund', token: staffAgent.token, goal: false, alone: true },
    { key: 'q_rare', label: 'q=428403 (rare: one order number)', path: '/api/conversations?q=428403', token: ws.manager.token, goal: false, alone: true },
    { key: 'q_phrase', label: 'q="arrived damaged"', path: `/api/conversations?q=${encodeURIComponent('"arrived damaged"')}`, token: ws.manager.token, goal: false, alone: true },
  ];
}

export async function listBench(origin, ws, { requests = 200, warmup = 10, budgetMs = 30_000, timeoutMs = 30_000, log = console.log } = {}) {
  const all = filters(ws).map((f) => ({ ...f, samples: [], spentMs: 0, shape: null, stopped: null }));
  const once = async (f, measured) => {
    const started = performance.now();
    let res;
    try {
      res = await request(origin, 'GET', f.path, { token: f.token, timeoutMs });
    } catch (err) {
      f.stopped = `no response within ${timeoutMs / 1000} s`;
      return;
    } finally {
      f.spentMs += performance.now() - started;
    }
    if (res.status !== 200) throw new Error(`GET ${f.path} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    f.shape ??= f.floor ? {} : f.nav ? { views: Object.keys(res.body.views).length, counts: res.body.views.all } : { items: res.body.items.length, counts: res.body.counts, hasNext: !!res.body.nextCursor };
    if (measured) f.samples.push(res.ms);
    if (f.spentMs > budgetMs && f.samples.length < requests) f.stopped = `time budget of ${budgetMs / 1000} s spent after ${f.samples.length} samples`;
  };
  const rotate = async (group) => {
    for (let i = 0; i < warmup + requests; i++) {
      const live = group.filter((f) => !f.stopped);
      if (live.length === 0) break;
      for (const f of live) await once(f, i >= warmup);
    }
  };
  await rotate(all.filter((f) => !f.alone));
  for (const f of all.filter((f) => f.alone)) await rotate([f]);

  const results = all.map((f) => ({
    key: f.key,
    label: f.label,
    goal: f.goal,
    floor: !!f.floor,
    ...(f.shape ?? {}),
    latency: summarize(f.samples),
    stopped: f.stopped,
  }));
  for (const r of results) {
    const totals = r.counts ? ` totals ${Object.entries(r.counts).map(([k, v]) => `${k} ${v}`).join(', ')}` : '';
    log(`  (c) ${r.label.padEnd(44)} p50 ${r.latency.p50} ms, p95 ${r.latency.p95} ms, p99 ${r.latency.p99} ms (n=${r.latency.n};${totals})${r.stopped ? ` — stopped: ${r.stopped}` : ''}`);
  }
  return results;
}

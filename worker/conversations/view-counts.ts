// The navigation's views and what each one counts: all, today, mine, unassigned, unread, breaching soon,
// breached, escalated, each team and each channel, split by status. One definition serves both the
// server (GET /api/conversations/counts folds grouped rows with it) and the agent app (it applies the
// live `counts` frames with it), so a count moved by a socket frame is the count a reload would show.
//
// A conversation counts in a view by its projected fields alone, except `unread` (per agent: read
// positions live in D1, not on the conversation) and `today` (the agent's own midnight): the app
// reconciles those by refetching, the rest move by frames.
import type { Status } from './model';

export const COUNT_STATUSES = ['open', 'pending', 'snoozed', 'closed'] as const;
export type CountStatus = (typeof COUNT_STATUSES)[number];

export interface Counts {
  open: number;
  pending: number;
  snoozed: number;
  closed: number;
  all: number;
}

/** "Breaching soon": in warning, or still ok but due within this long (the list filter's meaning too). */
export const BREACHING_SOON_MS = 3600_000;

/** The fields of a conversation that decide which views it counts in. */
export interface CountKey {
  status: Status;
  channel: string;
  teamId: string | null;
  assigneeId: string | null;
  slaStatus: string | null;
  slaDueAt: number | null;
  escalated: boolean;
  /** Archived conversations are in no view (the list leaves them out unless asked). */
  archived: boolean;
  updatedAt: number;
}

export function countKey(c: {
  status: Status;
  channel: string;
  teamId: string | null;
  assigneeId: string | null;
  updatedAt: number;
  sla?: { status: string; dueAt: number | null } | null;
  escalation?: { resolvedAt: number | null } | null;
  archivedAt?: number | null;
}): CountKey {
  return {
    status: c.status,
    channel: c.channel,
    teamId: c.teamId,
    assigneeId: c.assigneeId,
    slaStatus: c.sla?.status ?? null,
    slaDueAt: c.sla?.dueAt ?? null,
    escalated: !!c.escalation && c.escalation.resolvedAt === null,
    archived: !!c.archivedAt && c.status === 'closed',
    updatedAt: c.updatedAt,
  };
}

/** The views (other than unread and today) a conversation counts in, for the agent `userId`. */
export function viewsOf(k: CountKey, userId: string, now: number): string[] {
  if (k.archived) return [];
  const out = ['all', `channel:${k.channel}`];
  if (k.assigneeId === null) out.push('unassigned');
  else if (k.assigneeId === userId) out.push('mine');
  if (k.teamId) out.push(`team:${k.teamId}`);
  if (k.slaStatus === 'breached') out.push('sla:breached');
  if (k.slaStatus === 'warning' || (k.slaStatus === 'ok' && k.slaDueAt !== null && k.slaDueAt <= now + BREACHING_SOON_MS)) out.push('sla:breaching_soon');
  if (k.escalated) out.push('escalated');
  return out;
}

export type CountDelta = Record<string, Partial<Record<CountStatus, number>>>;

/**
 * How one change moves an agent's counts: `before` and `after` are the conversation as that agent could
 * see it (null where it was not visible to them, or did not exist). Views that do not move are left out.
 */
export function countDelta(before: CountKey | null, after: CountKey | null, userId: string, now: number): CountDelta {
  const out: CountDelta = {};
  const add = (k: CountKey | null, n: number) => {
    if (!k) return;
    const s = k.status as CountStatus;
    for (const view of viewsOf(k, userId, now)) {
      const d = (out[view] ??= {});
      d[s] = (d[s] ?? 0) + n;
    }
  };
  add(before, -1);
  add(after, +1);
  for (const [view, d] of Object.entries(out)) {
    for (const s of Object.keys(d) as CountStatus[]) if (d[s] === 0) delete d[s];
    if (Object.keys(d).length === 0) delete out[view];
  }
  return out;
}

/** Apply a delta to counts (never below zero: a missed frame is corrected by the next refetch, not shown as −1). */
export function applyDelta(counts: Record<string, Counts>, delta: CountDelta): Record<string, Counts> {
  const next = { ...counts };
  for (const [view, d] of Object.entries(delta)) {
    const c = { ...(next[view] ?? emptyCounts()) };
    for (const s of COUNT_STATUSES) if (d[s]) c[s] = Math.max(0, c[s] + d[s]);
    c.all = c.open + c.pending + c.snoozed + c.closed;
    next[view] = c;
  }
  return next;
}

/** `today`'s share of a change: the app's own midnight decides, so it folds this in itself. */
export function todayDelta(before: CountKey | null, after: CountKey | null, since: number): CountDelta {
  const d: Partial<Record<CountStatus, number>> = {};
  if (before && !before.archived && before.updatedAt > since) d[before.status as CountStatus] = (d[before.status as CountStatus] ?? 0) - 1;
  if (after && !after.archived && after.updatedAt > since) d[after.status as CountStatus] = (d[after.status as CountStatus] ?? 0) + 1;
  for (const s of Object.keys(d) as CountStatus[]) if (d[s] === 0) delete d[s];
  return Object.keys(d).length ? { today: d } : {};
}

export function emptyCounts(): Counts {
  return { open: 0, pending: 0, snoozed: 0, closed: 0, all: 0 };
}

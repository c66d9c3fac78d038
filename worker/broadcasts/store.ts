// Broadcast rows and their live statistics. Stats are counted from the recipient rows (one grouped
// query on the (broadcast_id, status) index), so they are exact whatever order events arrive in.
import { Problem } from '../http/problem';
import type { BroadcastStatus } from './model';

export interface BroadcastRow {
  id: string;
  workspace_id: string;
  name: string;
  inbox_id: string;
  template_id: string;
  audience_id: string | null;
  filter: string | null;
  variables: string;
  status: BroadcastStatus;
  scheduled_at: number | null;
  timezone: string | null;
  /** 1: open pixel and tracked links (migration 0034). */
  tracking: number;
  error: string | null;
  created_by: string | null;
  started_at: number | null;
  finished_at: number | null;
  created_at: number;
  updated_at: number;
}

export interface Stats {
  recipients: number;
  skipped: number;
  queued: number;
  sent: number;
  delivered: number;
  read: number;
  failed: number;
  cancelled: number;
  /** Recipients with a human open (the pixel fetched by a person's mail client). */
  opened: number;
  /** Recipients whose pixel a provider's proxy fetched right after delivery (Apple Mail Privacy Protection …): not a sign anyone read it. */
  machineOpened: number;
  clicked: number;
  replied: number;
  unsubscribed: number;
}

export async function loadBroadcast(db: D1Database, workspaceId: string, id: string): Promise<BroadcastRow> {
  const row = await db.prepare(`SELECT * FROM broadcasts WHERE workspace_id = ? AND id = ?`).bind(workspaceId, id).first<BroadcastRow>();
  if (!row) throw Problem.notFound('Broadcast');
  return row;
}

/**
 * The engagement counts. Its WHERE repeats the partial index broadcast_recipients_engaged's (migration
 * 0043) word for word, so SQLite reads only the recipients who engaged, not every row of the broadcast.
 */
export const ENGAGEMENT_SQL = `SELECT count(opened_at) AS opened, count(machine_opened_at) AS machineOpened, count(clicked_at) AS clicked, count(replied_at) AS replied, count(unsubscribed_at) AS unsubscribed
   FROM broadcast_recipients WHERE broadcast_id = ? AND (opened_at IS NOT NULL OR machine_opened_at IS NOT NULL OR clicked_at IS NOT NULL OR replied_at IS NOT NULL OR unsubscribed_at IS NOT NULL)`;

export async function broadcastStats(db: D1Database, id: string): Promise<Stats> {
  const [byStatus, engagement] = await db.batch<Record<string, number | string>>([
    db.prepare(`SELECT status, count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? GROUP BY status`).bind(id),
    db.prepare(ENGAGEMENT_SQL).bind(id),
  ]);
  const n: Record<string, number> = {};
  for (const r of byStatus.results) n[String(r.status)] = Number(r.n);
  const e = engagement.results[0] ?? {};
  const total = Object.values(n).reduce((a, b) => a + b, 0);
  return {
    recipients: total,
    skipped: n.skipped ?? 0,
    queued: (n.queued ?? 0) + (n.sending ?? 0),
    // Funnel counts: a delivered message was sent, a read one delivered.
    sent: (n.sent ?? 0) + (n.delivered ?? 0) + (n.read ?? 0),
    delivered: (n.delivered ?? 0) + (n.read ?? 0),
    read: n.read ?? 0,
    failed: n.failed ?? 0,
    cancelled: n.cancelled ?? 0,
    opened: Number(e.opened ?? 0),
    machineOpened: Number(e.machineOpened ?? 0),
    clicked: Number(e.clicked ?? 0),
    replied: Number(e.replied ?? 0),
    unsubscribed: Number(e.unsubscribed ?? 0),
  };
}

export function broadcastJson(r: BroadcastRow, stats?: Stats) {
  return {
    id: r.id,
    name: r.name,
    inboxId: r.inbox_id,
    templateId: r.template_id,
    audienceId: r.audience_id,
    filter: r.filter ? (JSON.parse(r.filter) as unknown) : null,
    variables: JSON.parse(r.variables || '{}') as Record<string, string>,
    status: r.status,
    scheduledAt: r.scheduled_at,
    timezone: r.timezone,
    tracking: r.tracking !== 0,
    error: r.error,
    createdBy: r.created_by,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(stats ? { stats } : {}),
  };
}

/** Moves a broadcast from one status to another; false when it was no longer in `from` (someone else moved it). */
export async function transition(db: D1Database, id: string, from: BroadcastStatus[], to: BroadcastStatus, extra: { error?: string | null; startedAt?: number; finishedAt?: number } = {}): Promise<boolean> {
  const now = Date.now();
  const res = await db
    .prepare(
      `UPDATE broadcasts SET status = ?, updated_at = ?, error = coalesce(?, error), started_at = coalesce(?, started_at), finished_at = coalesce(?, finished_at)
       WHERE id = ? AND status IN (${from.map(() => '?').join(', ')})`,
    )
    .bind(to, now, extra.error ?? null, extra.startedAt ?? null, extra.finishedAt ?? null, id, ...from)
    .run();
  return (res.meta.changes ?? 0) > 0;
}

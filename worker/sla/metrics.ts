// Escalation metrics over a time window: escalation rate, time to resolve, re-escalation frequency and
// the split by trigger. The figures come from a pure function over episode rows, so they are unit-tested
// without D1; escalationMetrics() reads the rows.
import type { WorkspaceScope } from '../db/scope';
import type { EscalationMetrics, EscalationTrigger } from './model';

export interface EpisodeRow {
  conversationId: string;
  trigger: string;
  startedAt: number;
  resolvedAt: number | null;
}

/** The metrics' shape lives with the shared types (the app imports it). */
export type { EscalationMetrics };

/** Nearest-rank percentile of sorted values (p in 0–100). */
export function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

const ratio = (n: number, d: number) => (d === 0 ? 0 : Math.round((n / d) * 10_000) / 10_000);

/** The figures for episodes that started in [from, to). */
export function computeMetrics(from: number, to: number, conversations: number, episodes: EpisodeRow[]): EscalationMetrics {
  const inWindow = episodes.filter((e) => e.startedAt >= from && e.startedAt < to);
  const perConversation = new Map<string, number>();
  const byTrigger: Record<EscalationTrigger, number> = { breach: 0, vip: 0, alert: 0, manual: 0 };
  const durations: number[] = [];
  for (const e of inWindow) {
    perConversation.set(e.conversationId, (perConversation.get(e.conversationId) ?? 0) + 1);
    if (e.trigger in byTrigger) byTrigger[e.trigger as EscalationTrigger]++;
    if (e.resolvedAt !== null) durations.push(Math.max(0, e.resolvedAt - e.startedAt));
  }
  durations.sort((a, b) => a - b);
  const escalated = perConversation.size;
  const reEscalated = [...perConversation.values()].filter((n) => n > 1).length;
  // An escalated conversation always counts as active, so the rate never exceeds 1.
  const total = Math.max(conversations, escalated);
  return {
    from,
    to,
    conversations: total,
    escalated,
    escalationRate: ratio(escalated, total),
    resolved: durations.length,
    timeToResolveMs: { p50: percentile(durations, 50), p90: percentile(durations, 90) },
    reEscalated,
    reEscalationRate: ratio(reEscalated, escalated),
    byTrigger,
  };
}

export const DEFAULT_METRICS_WINDOW_MS = 30 * 24 * 3600_000;

/** Reads the window's episodes (escalations_ws_started) and the active conversation count from D1. */
export async function escalationMetrics(scope: WorkspaceScope, from: number, to: number): Promise<EscalationMetrics> {
  const [episodes, count] = await scope.d1.batch<Record<string, unknown>>([
    scope.prepare(
      `SELECT conversation_id, "trigger", started_at, resolved_at FROM escalations WHERE workspace_id = ?1 AND started_at >= ?2 AND started_at < ?3`,
      from,
      to,
    ),
    scope.prepare(
      `SELECT count(*) AS n FROM conversations c WHERE c.workspace_id = ?1 AND c.created_at < ?3
         AND (c.last_activity_at >= ?2 OR c.id IN (SELECT conversation_id FROM escalations WHERE workspace_id = ?1 AND started_at >= ?2 AND started_at < ?3))`,
      from,
      to,
    ),
  ]);
  const rows: EpisodeRow[] = episodes.results.map((r) => ({
    conversationId: String(r.conversation_id),
    trigger: String(r.trigger),
    startedAt: Number(r.started_at),
    resolvedAt: r.resolved_at === null ? null : Number(r.resolved_at),
  }));
  return computeMetrics(from, to, Number(count.results[0]?.n ?? 0), rows);
}

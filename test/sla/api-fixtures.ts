// Fixtures for the SLA / escalation API tests: projection rows written straight into D1 (the list and
// the queue are projection queries), and escalation episodes.
import { env } from 'cloudflare:test';
import { unique, type Workspace } from '../helpers';

export interface ProjectionRow {
  id?: string;
  status?: 'open' | 'pending' | 'snoozed' | 'closed';
  priority?: 'low' | 'normal' | 'high' | 'urgent';
  assigneeId?: string | null;
  teamId?: string | null;
  slaStatus?: 'ok' | 'warning' | 'breached' | null;
  slaDueAt?: number | null;
  escalationLevel?: number | null;
  escalatedAt?: number | null;
  archivedAt?: number | null;
  flagged?: boolean;
  lastActivityAt?: number;
  createdAt?: number;
}

const RANK = { low: 0, normal: 1, high: 2, urgent: 3 };

/** A contact row of the workspace (the list joins contacts). */
export async function contactRow(ws: Workspace): Promise<string> {
  const id = `ct_${unique('t')}`;
  await env.DB.prepare(`INSERT INTO contacts (id, workspace_id, name) VALUES (?, ?, ?)`).bind(id, ws.workspaceId, `Contact ${id}`).run();
  return id;
}

/** A conversation projection row (no Durable Object behind it). */
export async function projectionRow(ws: Workspace, contactId: string, r: ProjectionRow = {}): Promise<string> {
  const id = r.id ?? `cv_${unique('t')}`;
  const now = Date.now();
  const priority = r.priority ?? 'normal';
  await env.DB.prepare(
    `INSERT INTO conversations (id, workspace_id, contact_id, inbox_id, channel, status, priority, priority_rank, assignee_id, team_id, tags, closed_at, last_activity_at,
       sla_status, sla_due_at, escalation_level, escalated_at, archived_at, flagged, seq, created_at, updated_at)
     VALUES (?, ?, ?, 'inb_fixture', 'webchat', ?, ?, ?, ?, ?, '[]', ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)`,
  )
    .bind(
      id,
      ws.workspaceId,
      contactId,
      r.status ?? 'open',
      priority,
      RANK[priority],
      r.assigneeId ?? null,
      r.teamId ?? null,
      r.status === 'closed' ? now : null,
      r.lastActivityAt ?? now,
      r.slaStatus ?? null,
      r.slaDueAt ?? null,
      r.escalationLevel ?? null,
      r.escalatedAt ?? null,
      r.archivedAt ?? null,
      r.flagged ? 1 : 0,
      r.createdAt ?? now,
      now,
    )
    .run();
  return id;
}

export interface EpisodeRow {
  id?: string;
  conversationId: string;
  trigger?: 'breach' | 'vip' | 'alert' | 'manual';
  startedAt: number;
  resolvedAt?: number | null;
  level?: number;
}

/** An escalation episode row, as a ConversationDO would project it. */
export async function episodeRow(ws: Workspace, e: EpisodeRow): Promise<string> {
  const id = e.id ?? `esc_${unique('t')}`;
  await env.DB.prepare(
    `INSERT INTO escalations (id, workspace_id, conversation_id, path_id, path_name, "trigger", reason, level, started_at, resolved_at) VALUES (?, ?, ?, NULL, 'Fixture path', ?, 'fixture', ?, ?, ?)`,
  )
    .bind(id, ws.workspaceId, e.conversationId, e.trigger ?? 'breach', e.level ?? 0, e.startedAt, e.resolvedAt ?? null)
    .run();
  return id;
}

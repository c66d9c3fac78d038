// Fixtures for the ConversationDO automation tests (test/sla/do-*.test.ts): configuration rows written
// straight into D1 as the API writes them (short targets the API would refuse), and views of the object.
import { env, runInDurableObject } from 'cloudflare:test';
import type { Conversation, ConversationEvent } from '../../worker/conversations/model';
import { conversationStub } from '../../worker/conversations/service';
import type { AlertAction, AlertCondition, EscalationLevel, EscalationTrigger, SlaConditions } from '../../worker/sla/model';
import { eventually, unique, type Workspace } from '../helpers';

const NO_CONDITIONS: SlaConditions = { priorities: [], channels: [], inboxIds: [], teamIds: [], contactTags: [] };

export async function insertPolicy(
  ws: Workspace,
  p: {
    position?: number;
    conditions?: Partial<SlaConditions>;
    firstResponseMs?: number | null;
    nextResponseMs?: number | null;
    resolutionMs?: number | null;
    businessHours?: boolean;
    countPending?: boolean;
    warningPct?: number;
  },
): Promise<string> {
  const id = `sla_${unique('p')}`;
  await env.DB.prepare(
    `INSERT INTO sla_policies (id, workspace_id, name, enabled, position, conditions, first_response_ms, next_response_ms, resolution_ms, business_hours, count_pending, count_snoozed, warning_pct)
     VALUES (?, ?, ?, 1, ?, ?, ?, ?, ?, ?, ?, 0, ?)`,
  )
    .bind(
      id,
      ws.workspaceId,
      `Policy ${id}`,
      p.position ?? 0,
      JSON.stringify({ ...NO_CONDITIONS, ...p.conditions }),
      p.firstResponseMs ?? null,
      p.nextResponseMs ?? null,
      p.resolutionMs ?? null,
      p.businessHours ? 1 : 0,
      p.countPending ? 1 : 0,
      p.warningPct ?? 75,
    )
    .run();
  return id;
}

export async function insertPath(
  ws: Workspace,
  p: { triggers: EscalationTrigger[]; levels: EscalationLevel[]; contactTags?: string[]; position?: number; name?: string },
): Promise<string> {
  const id = `esp_${unique('p')}`;
  await env.DB.prepare(`INSERT INTO escalation_paths (id, workspace_id, name, enabled, position, triggers, conditions, levels) VALUES (?, ?, ?, 1, ?, ?, ?, ?)`)
    .bind(
      id,
      ws.workspaceId,
      p.name ?? `Path ${id}`,
      p.position ?? 0,
      JSON.stringify(p.triggers),
      JSON.stringify({ priorities: [], channels: [], contactTags: p.contactTags ?? [] }),
      JSON.stringify(p.levels),
    )
    .run();
  return id;
}

export async function insertAlertRule(ws: Workspace, r: { name: string; op?: 'and' | 'or'; conditions: AlertCondition[]; actions: AlertAction[] }): Promise<string> {
  const id = `alr_${unique('r')}`;
  await env.DB.prepare(`INSERT INTO ai_alert_rules (id, workspace_id, name, enabled, position, op, conditions, actions) VALUES (?, ?, ?, 1, 0, ?, ?, ?)`)
    .bind(id, ws.workspaceId, r.name, r.op ?? 'and', JSON.stringify(r.conditions), JSON.stringify(r.actions))
    .run();
  return id;
}

/** The workspace_automation row (auto-status and auto-priority), version bumped. Returns the new version. */
export async function setAutomation(
  ws: Workspace,
  a: { pendingAfterMs?: number | null; autoCloseAfterMs?: number | null; autoCloseMessage?: string | null; archiveAfterMs?: number | null; autoPriority?: { enabled: boolean; vipTags: string[] } },
): Promise<number> {
  const row = await env.DB.prepare(
    `INSERT INTO workspace_automation (workspace_id, pending_after_ms, auto_close_after_ms, auto_close_message, archive_after_ms, auto_priority, config_version)
     VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1)
     ON CONFLICT(workspace_id) DO UPDATE SET pending_after_ms = ?2, auto_close_after_ms = ?3, auto_close_message = ?4, archive_after_ms = ?5, auto_priority = ?6,
       config_version = config_version + 1
     RETURNING config_version`,
  )
    .bind(ws.workspaceId, a.pendingAfterMs ?? null, a.autoCloseAfterMs ?? null, a.autoCloseMessage ?? null, a.archiveAfterMs ?? null, JSON.stringify(a.autoPriority ?? { enabled: false, vipTags: ['vip'] }))
    .first<{ config_version: number }>();
  return row!.config_version;
}

/** Bump the config version (what every config route does) and return it. */
export async function bumpVersion(ws: Workspace): Promise<number> {
  const row = await env.DB.prepare(
    `INSERT INTO workspace_automation (workspace_id, config_version) VALUES (?, 1) ON CONFLICT(workspace_id) DO UPDATE SET config_version = config_version + 1 RETURNING config_version`,
  )
    .bind(ws.workspaceId)
    .first<{ config_version: number }>();
  return row!.config_version;
}

export function stubOf(ws: Workspace, conversationId: string) {
  return conversationStub(env, ws.workspaceId, conversationId);
}

export async function stateOf(ws: Workspace, conversationId: string): Promise<Conversation> {
  return (await stubOf(ws, conversationId).state())!;
}

export async function eventsOf(ws: Workspace, conversationId: string): Promise<ConversationEvent[]> {
  return (await stubOf(ws, conversationId).events(0, 1000, true)) as ConversationEvent[];
}

/** Waits until the object's state satisfies `ready` (real alarms and background loads run meanwhile). */
export function stateWhen(ws: Workspace, conversationId: string, ready: (c: Conversation) => boolean, timeoutMs = 15_000): Promise<Conversation> {
  return eventually(async () => {
    const c = await stateOf(ws, conversationId);
    return ready(c) ? c : null;
  }, timeoutMs);
}

/** The object's schedule table: timer kind → instant. */
export async function timersOf(ws: Workspace, conversationId: string): Promise<Record<string, number>> {
  return runInDurableObject(stubOf(ws, conversationId), (_i, state) =>
    Object.fromEntries(state.storage.sql.exec<{ kind: string; at: number }>(`SELECT kind, at FROM schedule`).toArray().map((r) => [r.kind, r.at])),
  );
}

export async function alarmOf(ws: Workspace, conversationId: string): Promise<number | null> {
  return runInDurableObject(stubOf(ws, conversationId), (_i, state) => state.storage.getAlarm());
}

export async function projected(conversationId: string): Promise<Record<string, any> | null> {
  return env.DB.prepare(`SELECT * FROM conversations WHERE id = ?`).bind(conversationId).first();
}

// Workflows, their versions, runs and run steps in D1. Every save is a new version row; a run keeps the
// version (and a snapshot of its document, in its Workflows instance's params) it started with.
import type { WorkspaceScope } from '../db/scope';
import { newId } from '../db/ids';
import type { Trigger, WorkflowDocument } from './document';
import type { StepRecord } from './interpreter';

type Row = Record<string, unknown>;
const parse = <T>(x: unknown): T => (typeof x === 'string' ? JSON.parse(x) : x) as T;

export interface Workflow {
  id: string;
  name: string;
  description: string | null;
  enabled: boolean;
  version: number;
  trigger: Trigger;
  steps: WorkflowDocument['steps'];
  createdAt: number;
  updatedAt: number;
}

export type RunStatus = 'queued' | 'running' | 'waiting' | 'complete' | 'errored' | 'cancelled' | 'skipped';
export const FINISHED: readonly RunStatus[] = ['complete', 'errored', 'cancelled', 'skipped'];

export interface Run {
  id: string;
  workflowId: string;
  version: number;
  conversationId: string;
  origin: string;
  triggerEventId: string | null;
  status: RunStatus;
  reason: string | null;
  error: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
}

export function workflowOf(r: Row): Workflow {
  const doc = parse<WorkflowDocument>(r.document);
  return {
    id: String(r.id),
    name: String(r.name),
    description: (r.description as string | null) ?? null,
    enabled: Number(r.enabled) === 1,
    version: Number(r.version),
    trigger: doc.trigger,
    steps: doc.steps,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
  };
}

export function documentOf(w: Workflow): WorkflowDocument {
  return { name: w.name, description: w.description, enabled: w.enabled, trigger: w.trigger, steps: w.steps };
}

export function runOf(r: Row): Run {
  return {
    id: String(r.id),
    workflowId: String(r.workflow_id),
    version: Number(r.version),
    conversationId: String(r.conversation_id),
    origin: String(r.origin),
    triggerEventId: (r.trigger_event_id as string | null) ?? null,
    status: r.status as RunStatus,
    reason: (r.reason as string | null) ?? null,
    error: (r.error as string | null) ?? null,
    createdAt: Number(r.created_at),
    updatedAt: Number(r.updated_at),
    finishedAt: (r.finished_at as number | null) ?? null,
  };
}

export async function findWorkflow(scope: WorkspaceScope, id: string): Promise<Workflow | null> {
  const row = await scope.prepare(`SELECT * FROM workflows WHERE workspace_id = ?1 AND id = ?2 AND deleted_at IS NULL`, id).first<Row>();
  return row ? workflowOf(row) : null;
}

export async function listWorkflows(scope: WorkspaceScope): Promise<(Workflow & { lastRunAt: number | null; runsToday: number; errorsToday: number })[]> {
  const since = Date.now() - 86_400_000;
  const [rows, stats] = await scope.d1.batch([
    scope.prepare(`SELECT * FROM workflows WHERE workspace_id = ?1 AND deleted_at IS NULL ORDER BY created_at, id`),
    scope.prepare(
      `SELECT workflow_id, max(created_at) AS last_run_at, sum(created_at >= ?2) AS runs_today, sum(created_at >= ?2 AND status = 'errored') AS errors_today
       FROM workflow_runs WHERE workspace_id = ?1 AND status != 'skipped' GROUP BY workflow_id`,
      since,
    ),
  ]);
  const byId = new Map((stats.results as Row[]).map((s) => [String(s.workflow_id), s]));
  return (rows.results as Row[]).map((r) => {
    const s = byId.get(String(r.id));
    return { ...workflowOf(r), lastRunAt: s ? Number(s.last_run_at) : null, runsToday: Number(s?.runs_today ?? 0), errorsToday: Number(s?.errors_today ?? 0) };
  });
}

/** Enabled workflows of a workspace with one of these trigger types (the subscriber's lookup; indexed). */
export async function workflowsTriggeredBy(scope: WorkspaceScope, types: string[]): Promise<Workflow[]> {
  if (types.length === 0) return [];
  const rows = await scope
    .prepare(`SELECT * FROM workflows WHERE workspace_id = ?1 AND trigger_type IN (${types.map(() => '?').join(', ')}) AND enabled = 1 AND deleted_at IS NULL`, ...types)
    .all<Row>();
  return rows.results.map(workflowOf);
}

export async function saveWorkflow(scope: WorkspaceScope, id: string | null, doc: WorkflowDocument, userId: string | null): Promise<Workflow> {
  const now = Date.now();
  const stored = JSON.stringify({ trigger: doc.trigger, steps: doc.steps });
  if (id === null) {
    const wid = newId('wfl');
    await scope.d1.batch([
      scope.prepare(
        `INSERT INTO workflows (workspace_id, id, name, description, enabled, trigger_type, version, document, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, 1, ?7, ?8, ?8)`,
        wid,
        doc.name,
        doc.description ?? null,
        doc.enabled ? 1 : 0,
        doc.trigger.type,
        stored,
        now,
      ),
      scope.prepare(`INSERT INTO workflow_versions (workspace_id, id, workflow_id, version, document, created_by, created_at) VALUES (?1, ?2, ?3, 1, ?4, ?5, ?6)`, newId('wfv'), wid, JSON.stringify(doc), userId, now),
    ]);
    return (await findWorkflow(scope, wid))!;
  }
  // The version is bumped in the same statement that reads it: two saves racing get two versions.
  const [updated] = await scope.d1.batch([
    scope.prepare(
      `UPDATE workflows SET name = ?3, description = ?4, enabled = ?5, trigger_type = ?6, document = ?7, version = version + 1, updated_at = ?8
       WHERE workspace_id = ?1 AND id = ?2 AND deleted_at IS NULL RETURNING version`,
      id,
      doc.name,
      doc.description ?? null,
      doc.enabled ? 1 : 0,
      doc.trigger.type,
      stored,
      now,
    ),
  ]);
  const version = (updated.results[0] as { version: number } | undefined)?.version;
  if (version === undefined) return (await findWorkflow(scope, id))!;
  await scope.prepare(`INSERT INTO workflow_versions (workspace_id, id, workflow_id, version, document, created_by, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)`, newId('wfv'), id, version, JSON.stringify(doc), userId, now).run();
  return (await findWorkflow(scope, id))!;
}

export async function listVersions(scope: WorkspaceScope, workflowId: string) {
  const rows = await scope.prepare(`SELECT version, document, created_by, created_at FROM workflow_versions WHERE workspace_id = ?1 AND workflow_id = ?2 ORDER BY version DESC`, workflowId).all<Row>();
  return rows.results.map((r) => ({ version: Number(r.version), document: parse<WorkflowDocument>(r.document), createdBy: (r.created_by as string | null) ?? null, createdAt: Number(r.created_at) }));
}

export async function listRuns(scope: WorkspaceScope, workflowId: string, limit: number): Promise<Run[]> {
  const rows = await scope.prepare(`SELECT * FROM workflow_runs WHERE workspace_id = ?1 AND workflow_id = ?2 ORDER BY created_at DESC, id DESC LIMIT ?3`, workflowId, limit).all<Row>();
  return rows.results.map(runOf);
}

export async function findRun(scope: WorkspaceScope, runId: string): Promise<Run | null> {
  const row = await scope.prepare(`SELECT * FROM workflow_runs WHERE workspace_id = ?1 AND id = ?2`, runId).first<Row>();
  return row ? runOf(row) : null;
}

export async function runSteps(scope: WorkspaceScope, runId: string): Promise<StepRecord[]> {
  const rows = await scope.prepare(`SELECT * FROM workflow_run_steps WHERE workspace_id = ?1 AND run_id = ?2 ORDER BY started_at, id`, runId).all<Row>();
  return rows.results.map((r) => ({
    name: String(r.name),
    type: String(r.type),
    status: r.status as StepRecord['status'],
    input: r.input === null ? null : parse(r.input),
    output: r.output === null ? null : parse(r.output),
    error: (r.error as string | null) ?? null,
    startedAt: Number(r.started_at),
    finishedAt: (r.finished_at as number | null) ?? null,
  }));
}

export async function recordStep(scope: WorkspaceScope, runId: string, s: StepRecord): Promise<void> {
  await scope
    .prepare(
      `INSERT INTO workflow_run_steps (workspace_id, id, run_id, name, type, status, input, output, error, started_at, finished_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)
       ON CONFLICT(run_id, name) DO UPDATE SET status = excluded.status, output = excluded.output, error = excluded.error, finished_at = excluded.finished_at`,
      `${runId}:${s.name}`,
      runId,
      s.name,
      s.type,
      s.status,
      s.input === undefined ? null : JSON.stringify(s.input),
      s.output === undefined ? null : JSON.stringify(s.output),
      s.error ?? null,
      s.startedAt,
      s.finishedAt,
    )
    .run();
}

/** Move a run's status; a finished run stays finished (a late "running" from a replay never revives a cancelled run). */
export async function setRunStatus(scope: WorkspaceScope, runId: string, status: RunStatus, extra: { error?: string | null; reason?: string | null } = {}): Promise<void> {
  const now = Date.now();
  const finished = FINISHED.includes(status) ? now : null;
  await scope
    .prepare(
      `UPDATE workflow_runs SET status = ?3, error = coalesce(?4, error), updated_at = ?5, finished_at = coalesce(?6, finished_at), reason = coalesce(?7, reason)
       WHERE workspace_id = ?1 AND id = ?2 AND status NOT IN ('complete', 'errored', 'cancelled', 'skipped')`,
      runId,
      status,
      extra.error ?? null,
      now,
      finished,
      extra.reason ?? null,
    )
    .run();
}

/** A run a customer's reply goes to; `bot`: the inbox's default workflow's (an agent's take-over cancels those). */
export interface WaitingRun {
  id: string;
  bot: boolean;
}

/**
 * Runs a customer's reply goes to: those waiting for one, and a bot run still going (it is the
 * conversation's dialogue: a reply written while its question is being sent is kept by Workflows until
 * the wait begins; one older than the wait is skipped there).
 */
export async function waitingRuns(scope: WorkspaceScope, conversationIds: string[]): Promise<Map<string, WaitingRun[]>> {
  const byConversation = new Map<string, WaitingRun[]>();
  if (conversationIds.length === 0) return byConversation;
  // One round trip for a whole batch of customers' messages (an EVENTS batch holds up to 100).
  const rows = await scope
    .prepare(
      `SELECT id, conversation_id, origin FROM workflow_runs
       WHERE workspace_id = ?1 AND conversation_id IN (SELECT value FROM json_each(?2)) AND (status = 'waiting' OR (origin = 'bot' AND status IN ('queued', 'running')))
       ORDER BY created_at, id`,
      JSON.stringify([...new Set(conversationIds)]),
    )
    .all<{ id: string; conversation_id: string; origin: string }>();
  for (const r of rows.results) {
    const runs = byConversation.get(r.conversation_id) ?? [];
    runs.push({ id: r.id, bot: r.origin === 'bot' });
    byConversation.set(r.conversation_id, runs);
  }
  return byConversation;
}

/** Runs of a workflow for a conversation started since `since` (skipped ones do not count): the rate limit's measure. */
export async function recentRunCount(scope: WorkspaceScope, workflowId: string, conversationId: string, since: number): Promise<number> {
  const row = await scope
    .prepare(`SELECT count(*) AS n FROM workflow_runs WHERE workspace_id = ?1 AND workflow_id = ?2 AND conversation_id = ?3 AND created_at >= ?4 AND status != 'skipped'`, workflowId, conversationId, since)
    .first<{ n: number }>();
  return Number(row?.n ?? 0);
}

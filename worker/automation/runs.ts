// Starting runs: one Cloudflare Workflows instance per run, created from a snapshot of the workflow's
// current version. A run started by an event has an id derived from (workflow, event), so a redelivered
// event finds its run and starts nothing twice. Also the Effects the interpreter acts through (live
// and dry) and the Runtime a dry run uses.
import { nextOpen } from '../routing/business-hours';
import { toHex, utf8 } from '../crypto/bytes';
import { newId } from '../db/ids';
import type { WorkspaceScope } from '../db/scope';
import { applyAction, describeAction, type Fetcher, type RunIdentity } from './actions';
import { conversationState, loadEvalContext, scopeFor, workspaceCalendar } from './context';
import { documentOf, recordStep, setRunStatus, type Workflow } from './store';
import type { WorkflowDocument } from './document';
import type { Effects, RunMessage, Runtime } from './interpreter';

/** The params of an AUTOMATION instance: everything a run needs, so a later save never changes it. */
export interface RunParams extends RunIdentity {
  version: number;
  document: Pick<WorkflowDocument, 'trigger' | 'steps'>;
  trigger: { eventId: string | null; type: string; message: RunMessage };
  /** sla.approaching: the run sleeps until `startAt`, then goes on only if that SLA clock is still running to `dueAt`. */
  sla?: { target: string; dueAt: number; startAt: number } | null;
}

export type Origin = 'event' | 'manual' | 'escalation' | 'bot' | 'schedule';

/** A deterministic instance id (Workflows ids: letters, digits, - and _; at most 100). */
export async function runIdFor(workflowId: string, eventId: string): Promise<string> {
  return `wfr_${toHex(await crypto.subtle.digest('SHA-256', utf8(`${workflowId}\n${eventId}`))).slice(0, 40)}`;
}

export interface StartInput {
  workflow: Workflow;
  conversationId: string;
  origin: Origin;
  /** The event that triggered the run (null: manual or escalation without one). */
  eventId: string | null;
  /** Set for a run that counts as its own (e.g. an escalation level): keyed like an event. */
  dedupeKey?: string | null;
  triggerType: string;
  message: RunMessage;
  sla?: RunParams['sla'];
}

/** Tries at creating a run's instance in all: a keyed run gets one per delivery of its trigger, then it is errored. */
export const MAX_START_ATTEMPTS = 5;
/** Tries within one call (a run without a key has no redelivery to try again on). */
const ATTEMPTS_PER_CALL = 2;

/** How an instance is created: the AUTOMATION binding (a test may put a failing one in front of it). */
export type CreateInstance = (options: { id: string; params: RunParams }) => Promise<unknown>;

/** The instance could not be created yet; the run stays queued, and the trigger's redelivery tries again. */
export class RunNotStarted extends Error {}

/** Start a run; on a duplicate (same workflow and event) the existing run is returned and nothing starts. */
export async function startRun(env: Env, scope: WorkspaceScope, input: StartInput, create: CreateInstance = (o) => env.AUTOMATION.create(o)): Promise<{ runId: string; duplicate: boolean }> {
  const key = input.dedupeKey ?? input.eventId;
  const runId = key ? await runIdFor(input.workflow.id, key) : newId('wfr');
  const inserted = await scope
    .prepare(
      `INSERT INTO workflow_runs (workspace_id, id, workflow_id, version, conversation_id, origin, trigger_event_id, status, created_at, updated_at)
       VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, 'queued', ?8, ?8) ON CONFLICT(id) DO NOTHING`,
      runId,
      input.workflow.id,
      input.workflow.version,
      input.conversationId,
      input.origin,
      input.eventId,
      Date.now(),
    )
    .run();
  if (inserted.meta.changes === 0) {
    // Seen before. Still queued means the instance may not have been created (we failed between the two): try again.
    const status = await scope.prepare(`SELECT status FROM workflow_runs WHERE workspace_id = ?1 AND id = ?2`, runId).first<string>('status');
    if (status !== 'queued') return { runId, duplicate: true };
  }
  const doc = documentOf(input.workflow);
  const params: RunParams = {
    runId,
    workspaceId: scope.workspaceId,
    conversationId: input.conversationId,
    workflowId: input.workflow.id,
    workflowName: input.workflow.name,
    version: input.workflow.version,
    document: { trigger: doc.trigger, steps: doc.steps },
    trigger: { eventId: input.eventId, type: input.triggerType, message: input.message },
    sla: input.sla ?? null,
  };
  for (let tries = 1; ; tries++) {
    try {
      await create({ id: runId, params });
      return { runId, duplicate: inserted.meta.changes === 0 };
    } catch (err) {
      // Workflows refuses a second instance with the same id: the first create went through.
      if (/already exists|duplicate/i.test(String(err))) return { runId, duplicate: true };
      // A failure to create is usually passing (the service busy, a network blip): the run stays queued and
      // is tried again, here once more and then on the trigger's redelivery; errored only after the last try.
      const attempts = await scope
        .prepare(`UPDATE workflow_runs SET start_attempts = start_attempts + 1, error = ?3, updated_at = ?4 WHERE workspace_id = ?1 AND id = ?2 AND status = 'queued' RETURNING start_attempts`, runId, `could not start: ${String(err)}`, Date.now())
        .first<number>('start_attempts');
      const last = attempts === null || attempts >= MAX_START_ATTEMPTS || (key === null && tries >= ATTEMPTS_PER_CALL);
      if (last) {
        await setRunStatus(scope, runId, 'errored', { error: `could not start after ${attempts ?? tries} tries: ${String(err)}` });
        throw err;
      }
      if (tries >= ATTEMPTS_PER_CALL) throw new RunNotStarted(`run ${runId} not started yet (try ${attempts} of ${MAX_START_ATTEMPTS}): ${String(err)}`);
    }
  }
}

/** Record a run that was not started (rate limit), so the run log says why nothing happened. */
export async function skippedRun(scope: WorkspaceScope, workflow: Workflow, conversationId: string, eventId: string | null, reason: string): Promise<string> {
  const runId = eventId ? await runIdFor(workflow.id, eventId) : newId('wfr');
  const now = Date.now();
  await scope
    .prepare(
      `INSERT INTO workflow_runs (workspace_id, id, workflow_id, version, conversation_id, origin, trigger_event_id, status, reason, created_at, updated_at, finished_at)
       VALUES (?1, ?2, ?3, ?4, ?5, 'event', ?6, 'skipped', ?7, ?8, ?8, ?8) ON CONFLICT(id) DO NOTHING`,
      runId,
      workflow.id,
      workflow.version,
      conversationId,
      eventId,
      reason,
      now,
    )
    .run();
  return runId;
}

/** The effects of a real run: actions through the conversation service, steps recorded in D1. */
export function liveEffects(env: Env, run: RunIdentity, fetcher?: Fetcher): Effects {
  const scope = scopeFor(env, run.workspaceId);
  return {
    context: async (message) => loadEvalContext(env, scope, await conversationState(env, run.workspaceId, run.conversationId), message, Date.now()),
    act: (step, name, message) => applyAction(env, run, step, `${run.runId}${name}`, message, fetcher),
    nextOpen: async (now) => nextOpen(await workspaceCalendar(scope), now),
    waiting: async (on) => {
      await scope
        .prepare(`UPDATE workflow_runs SET status = ?3, updated_at = ?4 WHERE workspace_id = ?1 AND id = ?2 AND status IN ('running', 'waiting')`, run.runId, on ? 'waiting' : 'running', Date.now())
        .run();
    },
    record: (r) => recordStep(scope, run.runId, r),
    now: () => Date.now(),
  };
}

/** The dry run's effects: the same reads, no writes; actions say what they would do. */
export function dryEffects(env: Env, run: RunIdentity): Effects {
  const scope = scopeFor(env, run.workspaceId);
  return {
    context: async (message) => loadEvalContext(env, scope, await conversationState(env, run.workspaceId, run.conversationId), message, Date.now()),
    act: (step) => describeAction(env, run, step),
    nextOpen: async (now) => nextOpen(await workspaceCalendar(scope), now),
    waiting: async () => undefined,
    record: async () => undefined,
    now: () => Date.now(),
  };
}

/** A dry run does not wait: waits pass at once, and no reply arrives (wait_for_reply takes its timeout branch). */
export const dryRuntime: Runtime = {
  do: (_name, fn) => fn(),
  sleep: async () => undefined,
  sleepUntil: async () => undefined,
  waitForReply: async () => null,
};

export { setRunStatus };

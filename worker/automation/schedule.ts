// Scheduled workflows (trigger `schedule`): a cron in a time zone, or one `at`. A run needs a
// conversation, so each slot runs the workflow over the conversations its `scope` matches ("every
// morning, open conversations waiting more than a day: tag them"), at most `limit` of them.
//
// The Worker's cron (wrangler.toml [triggers], every minute) calls runDueSchedules with the tick's
// time. Each slot's runs have ids derived from (workflow, slot, conversation), so a slot fired twice —
// two ticks overlapping, or a tick retried after a crash — starts nothing twice; the slot is moved on
// (compare-and-set on next_run_at) only after its runs started. Cron arithmetic is croner's
// (maintained, no dependencies, time zones through Intl, runs on workerd).
import { Cron } from 'croner';
import type { FieldError } from '../http/problem';
import type { WorkspaceScope } from '../db/scope';
import { validTimeZone } from '../routing/business-hours';
import { evaluate } from './conditions';
import { conversationState, loadEvalContext, scopeFor, workspaceCalendar } from './context';
import type { Condition, Trigger } from './document';
import { startRun } from './runs';
import { findWorkflow, type Workflow } from './store';

type ScheduleTrigger = Extract<Trigger, { type: 'schedule' }>;

/** Schedules fired per tick (the rest wait for the next minute). */
export const DUE_PER_TICK = 50;
/** Conversations looked at per slot, least recently active first. */
export const CANDIDATES_PER_SLOT = 1000;

function cronOf(expr: string, timezone: string): Cron {
  return new Cron(expr, { timezone, mode: '5-part', paused: true });
}

export function scheduleErrors(t: ScheduleTrigger): FieldError[] {
  const errors: FieldError[] = [];
  if ((t.cron === undefined) === (t.at === undefined)) errors.push({ field: '/trigger', message: 'give exactly one of cron or at' });
  if (t.timezone !== undefined && !validTimeZone(t.timezone)) errors.push({ field: '/trigger/timezone', message: 'is not an IANA time zone (such as Europe/Paris)' });
  if (t.cron !== undefined) {
    if (t.cron.trim().split(/\s+/).length !== 5) errors.push({ field: '/trigger/cron', message: 'must have 5 fields: minute hour day-of-month month day-of-week' });
    else {
      try {
        cronOf(t.cron, t.timezone && validTimeZone(t.timezone) ? t.timezone : 'UTC');
      } catch (err) {
        errors.push({ field: '/trigger/cron', message: `is not a valid cron expression: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
  }
  return errors;
}

/** The first slot strictly after `after` (null: none, e.g. an `at` already past). */
export function nextSlot(t: ScheduleTrigger, timezone: string, after: number): number | null {
  if (t.at !== undefined) return t.at > after ? t.at : null;
  const next = cronOf(t.cron!, t.timezone ?? timezone).nextRun(new Date(after));
  return next ? next.getTime() : null;
}

/** After a save or delete: the workflow's next slot, or no row when it is not an enabled scheduled workflow. */
export async function syncSchedule(scope: WorkspaceScope, wf: Workflow | null, workflowId: string, now = Date.now()): Promise<number | null> {
  if (!wf || !wf.enabled || wf.trigger.type !== 'schedule') {
    await scope.prepare(`DELETE FROM workflow_schedules WHERE workspace_id = ?1 AND id = ?2`, workflowId).run();
    return null;
  }
  const t = wf.trigger;
  // An `at` is kept as given even when already past: the next tick fires it once.
  const next = t.at !== undefined ? t.at : nextSlot(t, (await workspaceCalendar(scope)).timezone, now);
  await scope
    .prepare(
      `INSERT INTO workflow_schedules (id, workspace_id, next_run_at, last_slot, updated_at) VALUES (?2, ?1, ?3, NULL, ?4)
       ON CONFLICT(id) DO UPDATE SET next_run_at = excluded.next_run_at, updated_at = excluded.updated_at WHERE workflow_schedules.workspace_id = ?1`,
      wf.id,
      next,
      now,
    )
    .run();
  return next;
}

/** One slot: the workflow over the matching conversations. Returns the runs started (duplicates not counted). */
export async function fireSlot(env: Env, scope: WorkspaceScope, wf: Workflow, slot: number, now: number): Promise<{ matched: number; started: number }> {
  const t = wf.trigger as ScheduleTrigger;
  const limit = t.scope.limit ?? 100;
  const candidates = await scope
    .prepare(`SELECT id FROM conversations WHERE workspace_id = ?1 AND status != 'closed' AND archived_at IS NULL ORDER BY last_activity_at ASC LIMIT ?2`, CANDIDATES_PER_SLOT)
    .all<{ id: string }>();
  let matched = 0;
  let started = 0;
  for (const { id } of candidates.results) {
    if (matched >= limit) break;
    const conversation = await conversationState(env, scope.workspaceId, id);
    if (!conversation || conversation.status === 'closed') continue;
    if (!evaluate(t.scope.when as Condition, await loadEvalContext(env, scope, conversation, null, now))) continue;
    matched++;
    const res = await startRun(env, scope, { workflow: wf, conversationId: id, origin: 'schedule', eventId: null, dedupeKey: `schedule:${slot}:${id}`, triggerType: 'schedule', message: null });
    if (!res.duplicate) started++;
  }
  return { matched, started };
}

/** The cron handler's work: every schedule due at `now` fires its slot, then moves on to its next one. */
export async function runDueSchedules(env: Env, now: number): Promise<{ fired: number; started: number }> {
  const due = await env.DB.prepare(`SELECT id, workspace_id, next_run_at FROM workflow_schedules WHERE next_run_at IS NOT NULL AND next_run_at <= ?1 ORDER BY next_run_at LIMIT ?2`)
    .bind(now, DUE_PER_TICK)
    .all<{ id: string; workspace_id: string; next_run_at: number }>();
  let fired = 0;
  let started = 0;
  for (const row of due.results) {
    const scope = scopeFor(env, row.workspace_id);
    try {
      const wf = await findWorkflow(scope, row.id);
      if (!wf || !wf.enabled || wf.trigger.type !== 'schedule') {
        await syncSchedule(scope, wf, row.id, now);
        continue;
      }
      const slot = row.next_run_at;
      const res = await fireSlot(env, scope, wf, slot, now);
      // Missed slots (the Worker was down) are not caught up: the next one is after now.
      const next = nextSlot(wf.trigger, (await workspaceCalendar(scope)).timezone, Math.max(slot, now));
      await scope
        .prepare(`UPDATE workflow_schedules SET next_run_at = ?3, last_slot = ?4, updated_at = ?5 WHERE workspace_id = ?1 AND id = ?2 AND next_run_at = ?4`, row.id, next, slot, now)
        .run();
      fired++;
      started += res.started;
      console.log(`automation: schedule ${row.id} slot ${new Date(slot).toISOString()}: ${res.matched} conversations matched, ${res.started} runs started`);
    } catch (err) {
      // Left due: the next tick tries the slot again (its runs' ids make that safe).
      console.warn(`automation: schedule ${row.id} failed: ${String(err)}`);
    }
  }
  return { fired, started };
}

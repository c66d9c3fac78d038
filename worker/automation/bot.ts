// Bot flows: an inbox's **default workflow** runs first on every customer message of a conversation
// until the bot part ends — a `handoff` step, the after-hours rule handing off, or an agent taking the
// conversation over. The setting lives in the inbox's settings JSON (`settings.bot`); where each
// conversation stands lives in `bot_conversations` (no row: the bot is still on).
//
// Hours, per inbox, in the workspace calendar: `runs: 'outside_hours'` is the bot gate (the workflow
// runs only while closed); `afterHours` sends a message while closed and then holds the conversation
// (snoozed until the next opening) or hands off at once — instead of running the workflow.
import * as v from 'valibot';
import type { ParleyEvent } from '../events/model';
import type { WorkspaceScope } from '../db/scope';
import { conversationStub } from '../conversations/service';
import { isOpen, nextOpen } from '../routing/business-hours';
import { toHex, utf8 } from '../crypto/bytes';
import { workflowActor } from './actions';
import { workspaceCalendar } from './context';
import { botState, endBot } from './bot-state';
import { findWorkflow, type Workflow } from './store';

export const BotSettings = v.strictObject({
  workflowId: v.nullable(v.pipe(v.string(), v.minLength(1), v.maxLength(100))),
  runs: v.optional(v.picklist(['always', 'outside_hours']), 'always'),
  afterHours: v.optional(
    v.nullable(
      v.strictObject({
        message: v.pipe(v.string(), v.trim(), v.minLength(1, 'must not be empty'), v.maxLength(2000)),
        then: v.picklist(['hold', 'handoff']),
      }),
    ),
    null,
  ),
});
export type BotSettings = v.InferOutput<typeof BotSettings>;


export async function botSettings(scope: WorkspaceScope, inboxId: string): Promise<BotSettings | null> {
  const raw = await scope.prepare(`SELECT settings FROM inboxes WHERE workspace_id = ?1 AND id = ?2`, inboxId).first<string>('settings');
  if (!raw) return null;
  const bot = (JSON.parse(raw) as { bot?: BotSettings }).bot;
  return bot?.workflowId ? bot : null;
}

/** Inboxes whose default is this workflow (a default workflow only ever runs as one). */
export async function defaultOf(scope: WorkspaceScope): Promise<Map<string, string>> {
  const rows = await scope
    .prepare(`SELECT id, json_extract(settings, '$.bot.workflowId') AS workflow_id FROM inboxes WHERE workspace_id = ?1 AND json_extract(settings, '$.bot.workflowId') IS NOT NULL`)
    .all<{ id: string; workflow_id: string }>();
  return new Map(rows.results.map((r) => [r.id, r.workflow_id]));
}

/** A run of the default workflow still going for this conversation (a new message is its reply, not a new run). */
async function liveBotRun(scope: WorkspaceScope, conversationId: string): Promise<boolean> {
  const row = await scope
    .prepare(`SELECT 1 AS x FROM workflow_runs WHERE workspace_id = ?1 AND conversation_id = ?2 AND origin = 'bot' AND status IN ('queued', 'running', 'waiting') LIMIT 1`, conversationId)
    .first<number>('x');
  return row === 1;
}

/** An event that ends the bot: an agent took the conversation over, or wrote to the customer. */
export function takeOverOf(e: ParleyEvent): string | null {
  if (e.type === 'conversation.routed' && (e.data as { trigger?: string }).trigger === 'takeover') return 'taken_over';
  if (e.type === 'message.created' && e.message && e.message.direction === 'outbound' && e.message.authorType === 'agent' && !e.message.isInternalNote) return 'agent_replied';
  return null;
}

export type BotDecision = { run: Workflow } | { skip: string };

/**
 * What the default workflow does with this customer message. `now` is injected (tests drive the calendar).
 * Side effects of the after-hours rule (its message, the hold, the end of the bot) happen here, keyed by
 * the event so a redelivery repeats none of them.
 */
export async function botDecision(env: Env, scope: WorkspaceScope, e: ParleyEvent, now: number): Promise<BotDecision> {
  const settings = await botSettings(scope, e.conversation.inboxId);
  if (!settings?.workflowId) return { skip: 'no default workflow' };
  const state = await botState(scope, e.conversationId);
  if (state) return { skip: `bot ended (${state})` };
  const wf = await findWorkflow(scope, settings.workflowId);
  if (!wf || !wf.enabled) return { skip: 'default workflow disabled or deleted' };
  const calendar = await workspaceCalendar(scope);
  const open = isOpen(calendar, now);
  if (!open && settings.afterHours) {
    const stub = conversationStub(env, scope.workspaceId, e.conversationId);
    const actor = workflowActor(wf.id, wf.name);
    const externalId = `wfa_${toHex(await crypto.subtle.digest('SHA-256', utf8(`after-hours\n${e.id}`))).slice(0, 32)}`;
    await stub.addMessage({ direction: 'outbound', author: actor, text: settings.afterHours.message, externalId, status: e.conversation.channel === 'webchat' ? 'sent' : 'queued' }, 0);
    if (settings.afterHours.then === 'hold') {
      const until = nextOpen(calendar, now);
      if (until !== null) await stub.update({ status: 'snoozed', snoozeUntil: until }, actor);
    }
    await endBot(env, scope, e.conversationId, 'handed_off', settings.afterHours.then === 'hold' ? 'after_hours_hold' : 'after_hours_handoff');
    return { skip: `after hours: ${settings.afterHours.then}` };
  }
  if (open && settings.runs === 'outside_hours') return { skip: 'bot gate: open hours' };
  if (await liveBotRun(scope, e.conversationId)) return { skip: 'a bot run is going on (this message is its reply)' };
  return { run: wf };
}

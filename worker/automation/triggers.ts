// The automation subscriber on the event stream: starts a run for each enabled workflow whose trigger
// an event matches, and hands customers' replies to runs waiting for one (wait_for_reply). Idempotent:
// a run's id derives from (workflow, event id), so a redelivered event starts nothing new.
//
// Loop guard: an event caused by a workflow (its actor is `workflow:<id>`) never triggers that same
// workflow; and a workflow runs at most MAX_RUNS_PER_HOUR times per conversation per hour — beyond
// that the run is recorded as skipped with a log line.
import type { ParleyEvent } from '../events/model';
import type { Subscriber } from '../events/subscribers';
import { isWorkflowActor } from './actions';
import { botDecision, defaultOf, takeOverOf } from './bot';
import { endBot } from './bot-state';
import { scopeFor } from './context';
import type { Trigger, TriggerType } from './document';
import type { Reply, RunMessage } from './interpreter';
import { skippedRun, startRun, type StartInput } from './runs';
import { observeMembership, watchedAudiences, type WatchedAudience } from './segments';
import { recentRunCount, waitingRuns, workflowsTriggeredBy, type WaitingRun, type Workflow } from './store';

export const MAX_RUNS_PER_HOUR = 20;

/** Which trigger types an event can match (cheap, no I/O). */
export function triggerTypesFor(e: ParleyEvent): TriggerType[] {
  switch (e.type) {
    case 'message.received':
      return isCustomerMessage(e) ? ['message.received', 'segment.matched'] : [];
    case 'conversation.created':
      return ['conversation.opened', 'segment.matched'];
    case 'conversation.updated': {
      const types: TriggerType[] = e.tagsAdded?.length ? ['tag.applied'] : [];
      // A conversation handed to another contact (a merge, an identified visitor): check the new one.
      if (typeof (e.data as { contactId?: unknown }).contactId === 'string') types.push('segment.matched');
      return types;
    }
    case 'conversation.status_changed':
      return ['conversation.status_changed'];
    case 'conversation.assigned':
      return ['conversation.assigned'];
    case 'csat.submitted':
      return ['csat.submitted'];
    case 'sla.warning':
      return typeof (e.data as { dueAt?: unknown }).dueAt === 'number' ? ['sla.approaching'] : [];
    default:
      return [];
  }
}

function isCustomerMessage(e: ParleyEvent): boolean {
  return e.type === 'message.received' && (!e.message || (e.message.direction === 'inbound' && !e.message.isInternalNote));
}

/** Whether a workflow's trigger (with its filters) matches an event. */
export function matches(trigger: Trigger, e: ParleyEvent): boolean {
  switch (trigger.type) {
    case 'message.received':
    case 'conversation.opened': {
      if (trigger.type === 'message.received' ? !isCustomerMessage(e) : e.type !== 'conversation.created') return false;
      if (trigger.channels?.length && !trigger.channels.includes(e.conversation.channel)) return false;
      if (trigger.inboxIds?.length && !trigger.inboxIds.includes(e.conversation.inboxId)) return false;
      return true;
    }
    case 'tag.applied':
      return e.type === 'conversation.updated' && (e.tagsAdded ?? []).includes(trigger.tag.toLowerCase());
    case 'conversation.status_changed':
      return e.type === 'conversation.status_changed' && (!trigger.to || (e.data as { to?: string }).to === trigger.to);
    case 'conversation.assigned':
      return e.type === 'conversation.assigned';
    case 'sla.approaching':
      return e.type === 'sla.warning';
    case 'csat.submitted':
      return e.type === 'csat.submitted' && (trigger.maxScore === undefined || Number((e.data as { score?: number }).score) <= trigger.maxScore);
    default:
      return false;
  }
}

/**
 * sla.approaching rides on the SLA core's own warning (its policy's warning percentage, emitted by the
 * conversation's schedule): the run starts then and sleeps on until `minutesBefore` the deadline. A
 * warning that comes later than that starts the steps at once.
 */
function slaTiming(trigger: Trigger, e: ParleyEvent): StartInput['sla'] {
  if (trigger.type !== 'sla.approaching' || e.type !== 'sla.warning') return null;
  const d = e.data as { target: string; dueAt: number };
  return { target: d.target, dueAt: d.dueAt, startAt: d.dueAt - trigger.minutesBefore * 60_000 };
}

function messageOf(e: ParleyEvent): RunMessage {
  return e.message ? { text: e.message.text, channel: e.conversation.channel, direction: e.message.direction } : null;
}

export async function handleAutomationEvents(env: Env, events: ParleyEvent[], now: () => number = Date.now): Promise<void> {
  const cache = new Map<string, Workflow[]>();
  const audienceCache = new Map<string, WatchedAudience[]>();
  const defaults = new Map<string, Map<string, string>>();
  const defaultsOf = async (scope: ReturnType<typeof scopeFor>) => {
    let d = defaults.get(scope.workspaceId);
    if (!d) defaults.set(scope.workspaceId, (d = await defaultOf(scope)));
    return d;
  };
  // The runs waiting for a customer's reply, by conversation: read once per workspace for the whole batch,
  // then kept in step with what the batch itself does (a bot run it starts joins; a take-over drops the bot's).
  const waiting = new Map<string, WaitingRun[]>();
  for (const [workspaceId, conversationIds] of customerMessagesByWorkspace(events)) {
    for (const [conversationId, runs] of await waitingRuns(scopeFor(env, workspaceId), conversationIds)) waiting.set(conversationId, runs);
  }
  for (const e of events) {
    const scope = scopeFor(env, e.workspaceId);
    const takenOver = takeOverOf(e);
    if (takenOver && (await defaultsOf(scope)).has(e.conversation.inboxId)) {
      // endBot cancels the bot's runs: a later customer message of this batch must not be handed to them.
      const ended = await endBot(env, scope, e.conversationId, 'taken_over', takenOver);
      const runs = waiting.get(e.conversationId);
      if (ended && runs) waiting.set(e.conversationId, runs.filter((r) => !r.bot));
      continue;
    }
    // A customer's reply first goes to the runs waiting for one (before this event starts any new run).
    if (isCustomerMessage(e) && e.message) {
      const reply: Reply = { messageId: e.message.id, text: e.message.text, channel: e.conversation.channel, at: e.at };
      for (const { id: runId } of waiting.get(e.conversationId) ?? []) {
        try {
          await (await env.AUTOMATION.get(runId)).sendEvent({ type: 'reply', payload: reply });
        } catch (err) {
          // A run cancelled or finished meanwhile has nobody to tell.
          console.warn(`automation: reply for run ${runId} not delivered: ${String(err)}`);
        }
      }
    }
    // The inbox's default workflow runs first (bot flows); it runs only as the default, never by its trigger.
    const inboxDefaults = await defaultsOf(scope);
    if (isCustomerMessage(e) && inboxDefaults.has(e.conversation.inboxId)) {
      const d = await botDecision(env, scope, e, now());
      if ('run' in d) {
        const { runId } = await startRun(env, scope, { workflow: d.run, conversationId: e.conversationId, origin: 'bot', eventId: e.id, triggerType: 'message.received', message: messageOf(e) });
        waiting.set(e.conversationId, [...(waiting.get(e.conversationId) ?? []), { id: runId, bot: true }]);
      }
    }
    const types = triggerTypesFor(e);
    if (types.length === 0) continue;
    const defaultIds = new Set(inboxDefaults.values());
    let all = cache.get(e.workspaceId);
    if (!all) {
      all = await workflowsTriggeredBy(scope, ['message.received', 'conversation.opened', 'tag.applied', 'conversation.status_changed', 'conversation.assigned', 'csat.submitted', 'sla.approaching', 'segment.matched']);
      cache.set(e.workspaceId, all);
    }
    // segment.matched: only events that can change who the contact is or what they did look, and only
    // when a workflow watches an audience (one D1 round trip for all watched audiences).
    let entered = new Set<string>();
    const watching = types.includes('segment.matched') ? all.filter((wf) => wf.trigger.type === 'segment.matched' && !defaultIds.has(wf.id)) : [];
    if (watching.length > 0 && e.conversation.contactId) {
      let audiences = audienceCache.get(e.workspaceId);
      if (!audiences) {
        audiences = await watchedAudiences(env.DB, e.workspaceId, watching.map((wf) => (wf.trigger as { audienceId: string }).audienceId));
        audienceCache.set(e.workspaceId, audiences);
      }
      entered = await observeMembership(env.DB, e, e.conversation.contactId, audiences, now());
    }
    for (const wf of all) {
      const hit = wf.trigger.type === 'segment.matched' ? entered.has(wf.trigger.audienceId) : types.includes(wf.trigger.type) && matches(wf.trigger, e);
      if (!hit || defaultIds.has(wf.id)) continue;
      if (isWorkflowActor(e.actor, wf.id)) continue; // its own change: the loop guard
      const recent = await recentRunCount(scope, wf.id, e.conversationId, e.at - 3_600_000);
      if (recent >= MAX_RUNS_PER_HOUR) {
        console.warn(`automation: workflow ${wf.id} ("${wf.name}") skipped for conversation ${e.conversationId}: ${recent} runs in the last hour (limit ${MAX_RUNS_PER_HOUR})`);
        await skippedRun(scope, wf, e.conversationId, e.id, `rate limited: ${recent} runs of this workflow for this conversation in the last hour (limit ${MAX_RUNS_PER_HOUR})`);
        continue;
      }
      await startRun(env, scope, { workflow: wf, conversationId: e.conversationId, origin: 'event', eventId: e.id, triggerType: wf.trigger.type, message: messageOf(e), sla: slaTiming(wf.trigger, e) });
    }
  }
}

/** The conversations of the batch's customer messages, by workspace. */
function customerMessagesByWorkspace(events: ParleyEvent[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const e of events) {
    if (!isCustomerMessage(e) || !e.message) continue;
    const ids = out.get(e.workspaceId) ?? [];
    ids.push(e.conversationId);
    out.set(e.workspaceId, ids);
  }
  return out;
}

export const automationTriggers: Subscriber = {
  name: 'automation',
  wants: (e) => triggerTypesFor(e).length > 0 || takeOverOf(e) !== null,
  handle: handleAutomationEvents,
};

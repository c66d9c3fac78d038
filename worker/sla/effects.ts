// What escalation levels and AI alert rules do outside the conversation's own state: reassign through
// the WorkspaceDO (so capacity and queues stay right), notify people (AgentDO feed, e-mail). The
// changes to the conversation itself (priority, tags, flag, unassign) are a plain patch the
// ConversationDO commits with the level's event: localActionPatch.
import type { RoutingResult } from '../conversations/inputs';
import { PRIORITY_RANK, type Conversation, type Priority } from '../conversations/model';
import type { ConversationPatch } from '../conversations/state';
import { customerName } from '../notifications/customer';
import { sendNotification } from '../notifications/send';
import { sendSystemMail } from '../email/outbound';
import type { RoutingDecision } from '../routing/model';
import { workspaceStub } from '../routing/stubs';
import { scopeFor } from '../automation/context';
import { startRun } from '../automation/runs';
import { findWorkflow } from '../automation/store';
import { raisedPriority } from './escalation';
import type { AlertAction, EscalationAction } from './model';

/** One action's outcome, as the `escalation.level` / `alert.fired` events record it. */
export interface ActionResult {
  type: string;
  ok: boolean;
  detail: string;
}

export type Recipients = Extract<EscalationAction, { type: 'notify' }>['recipients'];
export type NotifyChannel = 'in_app' | 'browser' | 'email';

/** Who escalation-made changes are attributed to. */
export const escalationBy = { id: 'escalation', name: 'Escalation' };

/** Actions that change only the conversation: they are applied in the same commit as the level's event. */
export function isLocalAction(a: EscalationAction | AlertAction): boolean {
  return a.type === 'raise_priority' || a.type === 'add_tags' || a.type === 'flag' || a.type === 'set_priority' || (a.type === 'reassign' && a.to === 'queue');
}

/**
 * The patch the local actions make on `state`, with a result per action (by index in `actions`).
 * set_priority (alert rules) never lowers a priority, like auto-prioritization.
 */
export function localActionPatch(state: Conversation, actions: (EscalationAction | AlertAction)[]): { patch: ConversationPatch; results: Map<number, ActionResult> } {
  const patch: ConversationPatch = {};
  const results = new Map<number, ActionResult>();
  let priority: Priority = state.priority;
  let tags = state.tags;
  actions.forEach((a, i) => {
    switch (a.type) {
      case 'raise_priority': {
        const to = raisedPriority(priority, a.to);
        results.set(i, { type: a.type, ok: true, detail: to === priority ? `priority stays ${priority}` : `priority ${priority} → ${to}` });
        priority = to;
        break;
      }
      case 'set_priority': {
        const higher = PRIORITY_RANK[a.priority] > PRIORITY_RANK[priority];
        results.set(i, { type: a.type, ok: true, detail: higher ? `priority ${priority} → ${a.priority}` : `priority stays ${priority}` });
        if (higher) priority = a.priority;
        break;
      }
      case 'add_tags':
        tags = [...tags, ...a.tags];
        results.set(i, { type: a.type, ok: true, detail: `tags + ${a.tags.join(', ')}` });
        break;
      case 'flag':
        patch.flagged = true;
        results.set(i, { type: a.type, ok: true, detail: 'flagged' });
        break;
      case 'reassign':
        if (a.to === 'queue') {
          patch.assigneeId = null;
          results.set(i, { type: 'reassign', ok: true, detail: state.assigneeId ? 'unassigned into the escalation queue' : 'in the escalation queue' });
        }
        break;
    }
  });
  if (priority !== state.priority) patch.priority = priority;
  if (tags !== state.tags) patch.tags = tags;
  return { patch, results };
}

export interface RemoteContext {
  env: Env;
  conversation: Conversation;
  /** The conversation applies a routing decision (its own applyRouting). */
  applyRouting(d: RoutingDecision): Promise<RoutingResult>;
  /** Notification title and body for `notify`. */
  title: string;
  body: string;
  kind: 'escalation' | 'alert';
  /** Unique per level and action (escalation id, level, index): what makes a started workflow run idempotent. */
  key?: string;
}

/** Run one action that reaches outside the conversation (reassign to an agent or a team, notify, start a workflow run). */
export async function runRemoteAction(action: EscalationAction | AlertAction, ctx: RemoteContext): Promise<ActionResult> {
  try {
    switch (action.type) {
      case 'reassign': {
        if (action.to === 'queue') return { type: 'reassign', ok: true, detail: 'queue' };
        const c = ctx.conversation;
        const workspace = workspaceStub(ctx.env, c.workspaceId);
        const decision =
          action.to === 'agent'
            ? await workspace.transfer({ conversation: c, toUserId: action.userId, note: ctx.title, by: escalationBy })
            : await workspace.transfer({ conversation: c, toTeamId: action.teamId, note: ctx.title, by: escalationBy });
        const res = await ctx.applyRouting(decision);
        if (!res.ok) {
          await workspace.release(decision.conversationId, res.conversation);
          return { type: 'reassign', ok: false, detail: `not reassigned: ${res.reason}` };
        }
        return { type: 'reassign', ok: true, detail: decision.reason };
      }
      case 'notify': {
        const channels: NotifyChannel[] = 'channels' in action ? action.channels : ['in_app', 'browser'];
        return await notifyPeople(ctx.env, ctx.conversation, action.recipients, channels, { kind: ctx.kind, title: ctx.title, body: ctx.body });
      }
      case 'workflow': {
        // A run of the workflow's current version on this conversation (worker/automation); keyed by the
        // level and action, so a level that runs again after a restart starts no second run.
        const scope = scopeFor(ctx.env, ctx.conversation.workspaceId);
        const workflow = await findWorkflow(scope, action.workflowId);
        if (!workflow) return { type: 'workflow', ok: false, detail: `skipped: no such workflow (${action.workflowId})` };
        if (!workflow.enabled) return { type: 'workflow', ok: false, detail: `skipped: workflow "${workflow.name}" is disabled` };
        const { runId, duplicate } = await startRun(ctx.env, scope, {
          workflow,
          conversationId: ctx.conversation.id,
          origin: 'escalation',
          eventId: null,
          dedupeKey: ctx.key ?? null,
          triggerType: 'escalation',
          message: null,
        });
        return { type: 'workflow', ok: true, detail: `${duplicate ? 'already started' : 'started'}: run ${runId} of "${workflow.name}"` };
      }
      default:
        return { type: action.type, ok: false, detail: 'not a remote action' };
    }
  } catch (err) {
    return { type: action.type, ok: false, detail: `failed: ${String(err)}` };
  }
}

type UserRow = { id: string; name: string; email: string };

/** The explicit users, the assignee (when asked) and every enabled user with one of the roles, in this workspace. */
export async function recipientsOf(env: Env, c: Conversation, r: Recipients): Promise<UserRow[]> {
  const ids = [...new Set([...r.userIds, ...(r.assignee && c.assigneeId ? [c.assigneeId] : [])])];
  if (ids.length === 0 && r.roles.length === 0) return [];
  const where = [ids.length ? `id IN (${ids.map(() => '?').join(', ')})` : null, r.roles.length ? `role IN (${r.roles.map(() => '?').join(', ')})` : null].filter(Boolean).join(' OR ');
  const rows = await env.DB.prepare(`SELECT id, name, email FROM users WHERE workspace_id = ? AND disabled = 0 AND (${where}) ORDER BY id`)
    .bind(c.workspaceId, ...ids, ...r.roles)
    .all<UserRow>();
  return rows.results;
}

/**
 * In-app and browser notifications go to each person's AgentDO feed (kind 'escalation' / 'alert'; the
 * app raises a browser notification for feed items by its own settings). E-mail goes through the
 * `send_email` binding EMAIL (with NOTIFY_EMAIL_FROM) when deployed with one; outside production the
 * sandbox records the e-mail in `sandbox_outbound` (purpose 'notify') as worker/delivery does for replies;
 * in production without a sender it is skipped and the result says so.
 */
export async function notifyPeople(
  env: Env,
  c: Conversation,
  recipients: Recipients,
  channels: NotifyChannel[],
  n: { kind: 'escalation' | 'alert' | 'followup'; title: string; body: string },
): Promise<ActionResult> {
  const people = await recipientsOf(env, c, recipients);
  if (people.length === 0) return { type: 'notify', ok: false, detail: 'nobody to notify' };
  const notes: string[] = [];
  const at = Date.now();
  if (channels.includes('in_app') || channels.includes('browser')) {
    // Through the notification sender (worker/notifications/send.ts): each person's preferences, repeats
    // folded, the customer named in the body; the rule's own e-mail channel is handled below.
    const customer = await customerName(env, c.workspaceId, c.contactId);
    const sent = await sendNotification(
      env,
      people.map((p) => p.id),
      { workspaceId: c.workspaceId, kind: n.kind, conversationId: c.id, title: n.title, body: n.body ? `${customer}: ${n.body}` : customer, at, actorId: null },
      { inAppOnly: true },
    );
    const told = new Set([...sent.notified, ...sent.folded]);
    const names = people.filter((p) => told.has(p.id)).map((p) => p.name);
    notes.push(names.length ? `in-app: ${names.join(', ')}` : 'in-app: nobody (turned off in their preferences)');
  }
  if (channels.includes('email')) notes.push(await emailPeople(env, c, people, n));
  return { type: 'notify', ok: true, detail: notes.join('; ') };
}

async function emailPeople(env: Env, c: Conversation, people: UserRow[], n: { title: string; body: string }): Promise<string> {
  const to = people.map((p) => p.email);
  const text = `${n.body}\n\nConversation ${c.id}`;
  const sent = await sendSystemMail(env, to.map((addr) => ({ workspaceId: c.workspaceId, inboxId: c.inboxId, to: addr, subject: n.title, text, purpose: 'notify' })));
  if (sent === 'sandbox') return `e-mail (sandbox): ${to.join(', ')}`;
  if (sent === 'skipped') return 'e-mail skipped: no sender (add a send_email binding EMAIL and NOTIFY_EMAIL_FROM)';
  return `e-mail: ${to.join(', ')}`;
}

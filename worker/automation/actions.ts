// What each action does to a conversation, through the same paths agents' changes take: patches and
// messages through the ConversationDO, assignment through the WorkspaceDO's transfer (capacity and team
// modes stay right), escalation through the object's own escalate. Every change is attributed to the
// workflow (actor id `workflow:<id>`), which is how the trigger subscriber recognises a run's own
// changes (the loop guard). `key` (run id + step name) makes the message-writing actions idempotent
// across the Workflows retries of one step; the patches are idempotent by nature (set, not toggle).
import { normalizePhone } from '../contacts/phone';
import type { Actor, Conversation } from '../conversations/model';
import { conversationStub } from '../conversations/service';
import { hmacSha256, toHex, utf8 } from '../crypto/bytes';
import { mergeContext } from '../replies/context';
import { renderFields } from '../replies/merge-fields';
import { workspaceStub } from '../routing/stubs';
import { recentMessages } from '../ai/conversation-context';
import { computeSuggestions } from '../suggestions/service';
import { questionText } from './ask';
import { endBot } from './bot-state';
import type { TemplateMeta } from '../templates/content';
import { templateMessage } from '../templates/outbound';
import { renderTemplate } from '../templates/render';
import { findTemplate, isSendable } from '../templates/store';
import type { ActionStep } from './document';
import { scopeFor } from './context';
import { targetProblem } from '../webhooks/ssrf';
import type { RunMessage } from './interpreter';

export interface RunIdentity {
  runId: string;
  workspaceId: string;
  conversationId: string;
  workflowId: string;
  workflowName: string;
}

/** Who a workflow's changes are attributed to. */
export function workflowActor(workflowId: string, name: string): Actor {
  return { type: 'bot', id: `workflow:${workflowId}`, name: `Workflow: ${name}` };
}

export function isWorkflowActor(actor: Actor | null, workflowId?: string): boolean {
  if (!actor?.id?.startsWith('workflow:')) return false;
  return workflowId === undefined || actor.id === `workflow:${workflowId}`;
}

/** Outbound HTTP for `call_webhook`: the platform's fetch by default; tests pass a receiver at the network edge. */
export type Fetcher = (req: Request) => Promise<Response>;

/**
 * The signing secret of a workflow's webhook calls (Standard Webhooks form, `whsec_` + base64): derived
 * from the deployment's ENCRYPTION_KEY and the workflow id, so nothing extra is stored and a receiver
 * is given it once (GET /api/workflows/:id, managers only).
 */
export async function webhookSecret(env: Env, workflowId: string): Promise<string> {
  const raw = new Uint8Array(await hmacSha256(env.ENCRYPTION_KEY, `workflow-webhook:${workflowId}`));
  return `whsec_${btoa(String.fromCharCode(...raw))}`;
}

/** Standard Webhooks signature: `v1,` + base64(HMAC-SHA256(base64-decoded secret, `${id}.${timestamp}.${body}`)). */
export async function signWebhook(secret: string, id: string, timestamp: number, body: string): Promise<string> {
  const keyBytes = Uint8Array.from(atob(secret.replace(/^whsec_/, '')), (ch) => ch.charCodeAt(0));
  const key = await crypto.subtle.importKey('raw', keyBytes, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign']);
  const sig = new Uint8Array(await crypto.subtle.sign('HMAC', key, utf8(`${id}.${timestamp}.${body}`)));
  return `v1,${btoa(String.fromCharCode(...sig))}`;
}

/**
 * Merge fields for an automated message: {{agent.*}} is the conversation's assignee (the person the
 * customer is talking to), or the workflow's name when nobody is assigned.
 */
async function automationMergeContext(env: Env, run: RunIdentity, c: Conversation | null) {
  const scope = scopeFor(env, run.workspaceId);
  const assignee = c?.assigneeId ? await scope.prepare(`SELECT name, email FROM users WHERE workspace_id = ?1 AND id = ?2`, c.assigneeId).first<{ name: string; email: string }>() : null;
  return mergeContext(scope, assignee ?? { name: `Workflow: ${run.workflowName}`, email: '' }, c);
}

async function stableId(key: string, prefix = 'wfa'): Promise<string> {
  return `${prefix}_${toHex(await crypto.subtle.digest('SHA-256', utf8(key))).slice(0, 32)}`;
}

/**
 * send_template: a library template (WhatsApp: the approved template reference goes to the adapter the way
 * POST /channels/whatsapp/templates sends one; SMS and e-mail: the rendered text) or a saved reply's
 * variant for the channel. A template for another channel, or not approved/active, is not sent (the
 * step says why) rather than retried: nothing would change on a retry.
 */
async function sendTemplate(
  env: Env,
  run: RunIdentity,
  p: { templateId?: string; savedReplyId?: string },
  key: string,
  current: () => Promise<Conversation>,
  write: (text: string, note: boolean) => Promise<Record<string, unknown>>,
): Promise<Record<string, unknown>> {
  const scope = scopeFor(env, run.workspaceId);
  const c = await current();
  if (p.savedReplyId) {
    const reply = await scope.prepare(`SELECT text, variants FROM saved_replies WHERE workspace_id = ?1 AND id = ?2 AND owner_user_id IS NULL`, p.savedReplyId).first<{ text: string; variants: string }>();
    if (!reply) return { sent: false, reason: 'the saved reply was deleted' };
    const variants = JSON.parse(reply.variants || '{}') as Record<string, string>;
    return { sent: true, savedReplyId: p.savedReplyId, ...(await write(variants[c.channel] ?? reply.text, false)) };
  }
  const row = await findTemplate(scope, p.templateId!);
  if (!row) return { sent: false, reason: 'the template was deleted' };
  if (row.channel !== c.channel) return { sent: false, reason: `the template is for ${row.channel}; this conversation is on ${c.channel}` };
  if (!isSendable(row)) return { sent: false, reason: `the template is ${row.status}` };
  const meta = { name: row.name, channel: row.channel, category: row.category as TemplateMeta['category'], language: row.language };
  const rendered = renderTemplate(meta, row.content, await automationMergeContext(env, run, c));
  const msg = templateMessage(meta, row.content, rendered);
  const externalId = await stableId(key);
  if (msg.template) {
    await env.DB.prepare(`INSERT OR IGNORE INTO outbound_options (workspace_id, conversation_id, client_id, options, created_at) VALUES (?, ?, ?, ?, ?)`)
      .bind(run.workspaceId, c.id, externalId, JSON.stringify({ template: msg.template }), Date.now())
      .run();
  }
  const res = await conversationStub(env, run.workspaceId, run.conversationId).addMessage(
    { direction: 'outbound', author: workflowActor(run.workflowId, run.workflowName), text: msg.text, externalId, status: 'queued' },
    0,
  );
  if (!res.ok) throw new Error(`message refused: ${res.reason}`);
  return { sent: true, templateId: row.id, version: row.version, channel: row.channel, messageId: res.message.id, duplicate: res.duplicate, whatsappTemplate: msg.template?.name ?? null };
}

/** Apply one action for real. Returns a short account of what changed (recorded as the step's output). */
export async function applyAction(env: Env, run: RunIdentity, step: ActionStep, key: string, message: RunMessage, fetcher: Fetcher = (r) => fetch(r)): Promise<Record<string, unknown>> {
  const stub = conversationStub(env, run.workspaceId, run.conversationId);
  const actor = workflowActor(run.workflowId, run.workflowName);
  const current = async (): Promise<Conversation> => {
    const c = await stub.state();
    if (!c) throw new Error(`conversation ${run.conversationId} not found`);
    return c;
  };
  const patch = async (p: Parameters<typeof stub.update>[0]) => {
    const res = await stub.update(p, actor);
    if (!res) throw new Error(`conversation ${run.conversationId} not found`);
    if (!res.ok) throw new Error(`${res.field}: ${res.message}`);
    return res.conversation;
  };
  const write = async (text: string, note: boolean) => {
    const c = await current();
    const rendered = renderFields(text, await automationMergeContext(env, run, c));
    const res = await stub.addMessage(
      { direction: 'outbound', author: actor, text: rendered.text, isInternalNote: note, externalId: await stableId(key), status: note || c.channel === 'webchat' ? 'sent' : 'queued' },
      0,
    );
    if (!res.ok) throw new Error(`message refused: ${res.reason}`);
    return { messageId: res.message.id, duplicate: res.duplicate, missing: rendered.missing };
  };
  const transfer = async (to: { toUserId?: string; toTeamId?: string }) => {
    const c = await current();
    const workspace = workspaceStub(env, run.workspaceId);
    const decision = await workspace.transfer({ conversation: c, ...to, note: actor.name, by: { id: actor.id!, name: actor.name! } });
    const res = await stub.applyRouting(decision);
    if (!res.ok) {
      await workspace.release(decision.conversationId, res.conversation);
      throw new Error(`not assigned: ${res.reason}`);
    }
    return { assigneeId: res.conversation.assigneeId, teamId: res.conversation.teamId, reason: decision.reason };
  };

  switch (step.action) {
    // One change the object applies to the tags it holds then: a read-then-write here would drop a tag
    // added by someone else between the read and the write.
    case 'add_tag': {
      const tag = step.params.tag.toLowerCase();
      const res = await stub.update({ addTags: [tag] }, actor);
      if (!res) throw new Error(`conversation ${run.conversationId} not found`);
      if (!res.ok) throw new Error(`${res.field}: ${res.message}`);
      return { tags: res.conversation.tags, changed: res.changed ?? true };
    }
    case 'remove_tag': {
      const tag = step.params.tag.toLowerCase();
      const res = await stub.update({ removeTags: [tag] }, actor);
      if (!res) throw new Error(`conversation ${run.conversationId} not found`);
      if (!res.ok) throw new Error(`${res.field}: ${res.message}`);
      return { tags: res.conversation.tags, changed: res.changed ?? true };
    }
    case 'set_priority':
      return { priority: (await patch({ priority: step.params.priority })).priority };
    case 'set_status': {
      const snoozeUntil = step.params.status === 'snoozed' ? Date.now() + (step.params.snoozeSeconds ?? 3600) * 1000 : undefined;
      const c = await patch({ status: step.params.status, ...(snoozeUntil ? { snoozeUntil } : {}) });
      return { status: c.status, snoozeUntil: c.snoozeUntil };
    }
    case 'assign':
      if (step.params.to === 'unassign') return { assigneeId: (await patch({ assigneeId: null })).assigneeId };
      return transfer(step.params.to === 'agent' ? { toUserId: step.params.userId } : { toTeamId: step.params.teamId });
    case 'move_to_queue': {
      const c = await patch({ teamId: step.params.teamId, assigneeId: null });
      return { teamId: c.teamId, assigneeId: c.assigneeId };
    }
    case 'add_note':
      return write(step.params.text, true);
    case 'send_message':
      return write(step.params.text, false);
    case 'handoff': {
      const out: Record<string, unknown> = {};
      if (step.params.message) out.message = await write(step.params.message, false);
      if (step.params.teamId) Object.assign(out, await transfer({ toTeamId: step.params.teamId }));
      // The bot part ends: later messages no longer run the inbox's default workflow (this run goes on to its end).
      out.botEnded = await endBot(env, scopeFor(env, run.workspaceId), run.conversationId, 'handed_off', 'handoff', run.runId);
      return out;
    }
    case 'send_template':
      return sendTemplate(env, run, step.params, key, current, write);
    case 'schedule_follow_up': {
      const res = await stub.schedule({
        id: await stableId(key, 'fup'),
        kind: 'followup',
        dueAt: Date.now() + step.params.inSeconds * 1000,
        dueField: 'params.inSeconds',
        text: step.params.text ?? null,
        cancelOnReply: step.params.cancelOnReply ?? true,
        by: actor,
      });
      if (!res.ok) throw new Error(`follow-up not scheduled: ${res.field}: ${res.message}`);
      return { followUpId: res.item?.id ?? null, dueAt: res.item?.dueAt ?? null, cancelOnReply: res.item?.cancelOnReply ?? null };
    }
    case 'ask':
      return write(questionText(step.params.text, step.params.options), false);
    case 'answer_from_knowledge': {
      const c = await current();
      const scope = scopeFor(env, run.workspaceId);
      // The assistant's own retrieval and drafting (worker/suggestions/service.ts): the best draft that
      // comes from a published article, sent only when it is confident enough.
      const s = await computeSuggestions(env, scope, c, await recentMessages(env, c));
      const top = s.items.find((d) => (d.kind === 'kb' || d.kind === 'generated') && d.sources.some((src) => src.type === 'article'));
      const confidence = top?.confidence ?? 0;
      const articles = top ? top.sources.filter((src) => src.type === 'article').map((src) => (src as { id?: string }).id ?? null) : [];
      if (!top || confidence < step.params.threshold) return { answered: false, confidence, threshold: step.params.threshold, question: s.question };
      const sent = await write(top.text, false);
      return { answered: true, confidence, threshold: step.params.threshold, question: s.question, articles, ...sent };
    }
    case 'update_contact': {
      const c = await current();
      const scope = scopeFor(env, run.workspaceId);
      const field = step.params.field;
      const value = step.params.value;
      if (field.startsWith('attributes.')) {
        const attr = field.slice('attributes.'.length);
        await scope
          .prepare(`UPDATE contacts SET attributes = json_set(attributes, ?3, json(?4)), updated_at = ?5 WHERE workspace_id = ?1 AND id = ?2`, c.contactId, `$."${attr.replace(/"/g, '')}"`, JSON.stringify(value), Date.now())
          .run();
      } else {
        // Stored as the contact routes store them: e-mail trimmed and lower-cased, phone in E.164 form.
        const text = value === null || String(value).trim() === '' ? null : String(value).trim();
        const stored = text === null ? null : field === 'email' ? text.toLowerCase() : field === 'phone' ? normalizePhone(text) : text;
        await scope.prepare(`UPDATE contacts SET ${field} = ?3, updated_at = ?4 WHERE workspace_id = ?1 AND id = ?2`, c.contactId, stored, Date.now()).run();
      }
      return { contactId: c.contactId, field, value };
    }
    case 'escalate': {
      const res = await stub.escalate({ trigger: 'manual', reason: step.params.reason ?? `Workflow: ${run.workflowName}`, pathId: step.params.pathId ?? null, actor });
      // Already escalated is the state the action wants: not a failure to retry.
      if (!res.ok && res.reason !== 'already_escalated') throw new Error(`not escalated: ${res.reason}`);
      return { escalated: res.ok, reason: res.ok ? null : res.reason };
    }
    case 'call_webhook': {
      // The outbound webhooks' guard (private, loopback, link-local, NAT64… in every spelling; https in production).
      const refused = targetProblem(step.params.url, env.ENVIRONMENT ?? 'production');
      if (refused) throw new Error(`webhook target refused: ${refused}`);
      const c = await current();
      const ctx = await automationMergeContext(env, run, c);
      const headers = new Headers(step.params.headers ?? {});
      headers.set('content-type', headers.get('content-type') ?? 'application/json');
      // In a JSON body a customer's text goes in as string content: a name like `", "refund": true` stays a name.
      const json = /json/i.test(headers.get('content-type') ?? '');
      const escape = json ? (v: string) => JSON.stringify(v).slice(1, -1) : undefined;
      const body = step.params.body !== undefined ? renderFields(step.params.body, ctx, escape).text : JSON.stringify({ runId: run.runId, workflowId: run.workflowId, conversationId: run.conversationId, message });
      const id = await stableId(key);
      const timestamp = Math.floor(Date.now() / 1000);
      const method = step.params.method ?? 'POST';
      headers.set('webhook-id', id);
      headers.set('webhook-timestamp', String(timestamp));
      headers.set('webhook-signature', await signWebhook(await webhookSecret(env, run.workflowId), id, timestamp, body));
      const res = await fetcher(new Request(step.params.url, { method, headers, body: method === 'GET' || method === 'DELETE' ? undefined : body, redirect: 'manual' }));
      const text = (await res.text()).slice(0, 2000);
      // 5xx and 429: the step fails and Workflows retries it (the receiver sees the same webhook-id again).
      if (res.status >= 500 || res.status === 429) throw new Error(`webhook answered ${res.status}`);
      return { status: res.status, body: text };
    }
  }
  return {};
}

/** The dry run's account of an action: what would be applied, with merge fields rendered, nothing changed. */
export async function describeAction(env: Env, run: RunIdentity, step: ActionStep): Promise<Record<string, unknown>> {
  const text = (step.params as { text?: string; message?: string }).text ?? (step.params as { message?: string }).message;
  if (text === undefined) return { wouldApply: step.action, params: step.params };
  const c = await conversationStub(env, run.workspaceId, run.conversationId).state();
  const ctx = await automationMergeContext(env, run, c);
  return { wouldApply: step.action, params: step.params, text: renderFields(text, ctx).text };
}

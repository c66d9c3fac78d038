// The AI assistant of an inbox, run after each customer message is delivered. In 'suggest' mode it
// prepares the drafts agents see on opening the thread; in 'auto-send' it answers by itself only when
// confident, the contact is not a VIP and the knowledge base answered, and otherwise leaves a draft or
// hands off to the team. A customer asking for a human, a human agent replying, or "take over" stops it.
import { waitUntil } from 'cloudflare:workers';
import type { Actor, Conversation, Message } from '../conversations/model';
import { conversationStub, type Delivered, type InboundTarget } from '../conversations/service';
import { database, WorkspaceScope } from '../db/scope';
import { aiConversations } from '../db/schema';
import { renderFields } from '../replies/merge-fields';
import { isVip, recompute } from '../suggestions/service';
import { loadContact, recentMessages } from './conversation-context';
import { aiMode } from './providers';
import { ASSISTANT_MODES, assistantFromRow, loadAiSettings, type AssistantConfig } from './settings';
import { phrases } from './style';
import { detectLanguage } from './text';

export const AI_ACTOR: Actor = { type: 'ai', id: null, name: 'Parley AI' };
export const HANDOFF_TAG = 'ai-handoff';
/** Background drafting may take longer than an agent waiting on a thread. */
const ASSIST_BUDGET_MS = 5000;

const ASKS_FOR_HUMAN = new RegExp(
  [
    String.raw`\b(?:human|real person|a person|live agent|an agent|representative|operator|customer service|someone from your team|talk to someone|speak to someone|speak to a manager)\b`,
    String.raw`\b(?:humano|persona real|hablar con (?:alguien|una persona)|un agente)\b`,
    String.raw`\b(?:atendente|pessoa real|falar com (?:alguém|alguem|uma pessoa))\b`,
    String.raw`\b(?:un humain|une personne|un conseiller)\b`,
    String.raw`\b(?:einen menschen|mitarbeiter sprechen)\b`,
    String.raw`\b(?:un operatore|una persona vera)\b`,
  ].join('|'),
  'i',
);

export function asksForHuman(text: string): boolean {
  return ASKS_FOR_HUMAN.test(text);
}

type AssistState = 'active' | 'taken_over' | 'handed_off';

interface Plan {
  assistant: AssistantConfig | null;
  prewarm: boolean;
}

/** What to do on an inbound message of this inbox, cached per isolate: read on every customer message. */
const plans = new Map<string, { plan: Plan; until: number }>();
const PLAN_CACHE_MS = 5_000;

async function planFor(env: Env, scope: WorkspaceScope, inboxId: string): Promise<Plan> {
  const key = `${scope.workspaceId}/${inboxId}`;
  const hit = plans.get(key);
  if (hit && hit.until > Date.now()) return hit.plan;
  const [assistant, settings] = await scope.d1.batch([
    scope.prepare(`SELECT id, mode, prompt, channels, threshold, handoff_message FROM ai_assistants WHERE workspace_id = ?1 AND id = ?2`, inboxId),
    scope.prepare(`SELECT settings FROM ai_settings WHERE workspace_id = ?1 AND id = ?1`),
  ]);
  const row = (assistant.results as Parameters<typeof assistantFromRow>[0][])[0];
  const raw = (settings.results as { settings: string }[])[0];
  const explicit = raw ? (JSON.parse(raw.settings) as Record<string, unknown>).prewarm : undefined;
  const plan: Plan = {
    assistant: row ? assistantFromRow(row) : null,
    // Pre-computing pays off where drafting is slow (a model in the cloud); locally it is opt-in.
    prewarm: typeof explicit === 'boolean' ? explicit : aiMode(env) === 'cloud',
  };
  plans.set(key, { plan, until: Date.now() + PLAN_CACHE_MS });
  return plan;
}

export function forgetPlans(workspaceId: string): void {
  for (const key of plans.keys()) if (key.startsWith(`${workspaceId}/`)) plans.delete(key);
}

/**
 * Called by deliverInbound after a customer message is stored. Never throws and never delays the
 * delivery: all of the work, reading the inbox's plan included, runs after the response (waitUntil).
 */
export async function afterInbound(env: Env, target: InboundTarget, delivered: Delivered): Promise<void> {
  if (delivered.duplicate || delivered.message.direction !== 'inbound') return;
  const work = async () => {
    const scope = new WorkspaceScope(database(env.DB), env.DB, target.workspaceId);
    const plan = await planFor(env, scope, target.inboxId);
    const active = plan.assistant && plan.assistant.mode !== 'off' ? plan.assistant : null;
    if (active) await assist(env, scope, delivered.conversation, delivered.message, active);
    else if (plan.prewarm) await prewarm(env, scope, delivered.conversation);
  };
  try {
    waitUntil(work().catch((err) => console.warn(`assistant: conversation ${delivered.conversationId}: ${String(err)}`)));
  } catch (err) {
    console.warn(`assistant: skipped for conversation ${delivered.conversationId}: ${String(err)}`);
  }
}

async function prewarm(env: Env, scope: WorkspaceScope, conversation: Conversation, messages?: Message[]): Promise<void> {
  await recompute(env, scope, conversation, messages ?? (await recentMessages(env, conversation)), { budgetMs: ASSIST_BUDGET_MS });
}

async function conversationState(scope: WorkspaceScope, id: string): Promise<AssistState> {
  const row = await scope.find(aiConversations, id);
  return (row?.state as AssistState | undefined) ?? 'active';
}

/**
 * `whileActive`: the assistant's own writes after drafting (which takes seconds) must not undo a take
 * over or handoff that happened meanwhile; they apply only while it is still active.
 */
export async function setState(
  scope: WorkspaceScope,
  conversationId: string,
  state: AssistState,
  fields: { reason?: string | null; byUserId?: string | null; draft?: Record<string, unknown> | null; whileActive?: boolean } = {},
): Promise<void> {
  const now = Date.now();
  await scope
    .prepare(
      `INSERT INTO ai_conversations (id, workspace_id, state, reason, by_user_id, draft, updated_at) VALUES (?2, ?1, ?3, ?4, ?5, ?6, ?7)
       ON CONFLICT(id) DO UPDATE SET state = excluded.state, reason = excluded.reason, by_user_id = excluded.by_user_id,
         draft = CASE WHEN ?8 THEN excluded.draft ELSE ai_conversations.draft END, updated_at = excluded.updated_at
       WHERE ai_conversations.workspace_id = ?1 AND (?9 = 0 OR ai_conversations.state = 'active')`,
      conversationId,
      state,
      fields.reason ?? null,
      fields.byUserId ?? null,
      fields.draft === undefined ? null : JSON.stringify(fields.draft),
      now,
      fields.draft !== undefined ? 1 : 0,
      fields.whileActive ? 1 : 0,
    )
    .run();
}

/** The assistant's work on one customer message. Idempotent: its messages carry ids derived from the customer's. */
export async function assist(env: Env, scope: WorkspaceScope, conversation: Conversation, message: Message, assistant: AssistantConfig): Promise<string> {
  if (!(ASSISTANT_MODES as readonly string[]).includes(assistant.mode) || assistant.mode === 'off') return 'off';
  const [state, messages] = await Promise.all([conversationState(scope, conversation.id), recentMessages(env, conversation)]);
  const channelAllowed = assistant.channels.length === 0 || assistant.channels.includes(conversation.channel);
  if (state !== 'active' || !channelAllowed) {
    // The assistant is out of this conversation; agents still get their drafts.
    await prewarm(env, scope, conversation, messages);
    return state !== 'active' ? state : 'channel_not_allowed';
  }
  if (messages.some((m) => m.direction === 'outbound' && m.authorType === 'agent' && !m.isInternalNote)) {
    await setState(scope, conversation.id, 'taken_over', { reason: 'agent_replied' });
    await prewarm(env, scope, conversation, messages);
    return 'taken_over';
  }
  if (asksForHuman(message.text)) {
    await handOff(env, scope, conversation, message, assistant, 'customer_asked', null);
    return 'handed_off';
  }

  const s = await recompute(env, scope, conversation, messages, { prompt: assistant.prompt, budgetMs: ASSIST_BUDGET_MS });
  const top = s.items[0];
  const confidence = top?.confidence ?? 0;
  const fromKb = Boolean(top && (top.kind === 'kb' || top.kind === 'generated') && top.sources.some((src) => src.type === 'article'));
  const draft = top ? { text: top.text, confidence, sources: top.sources, messageId: message.id } : null;

  if (assistant.mode === 'suggest') {
    await setState(scope, conversation.id, 'active', { draft: draft && { ...draft, reason: 'suggest_mode' }, whileActive: true });
    return 'drafted';
  }
  if (confidence < assistant.threshold) {
    await handOff(env, scope, conversation, message, assistant, 'low_confidence', draft && { ...draft, reason: 'low_confidence' });
    return 'handed_off';
  }
  const [settings, contact] = await Promise.all([loadAiSettings(scope), loadContact(scope, conversation.contactId)]);
  const vip = isVip(contact, settings);
  if (!fromKb || vip) {
    await setState(scope, conversation.id, 'active', { draft: draft && { ...draft, reason: vip ? 'vip' : 'not_from_kb' }, whileActive: true });
    return 'drafted';
  }
  const workspace = await scope.prepare(`SELECT name FROM workspaces WHERE id = ?1`).first<string>('name');
  const text = renderFields(top.text, { agent: { name: workspace ?? AI_ACTOR.name, first_name: workspace ?? AI_ACTOR.name } }).text.trim();
  await sendAsAi(env, scope, conversation, `ai:${message.id}`, text, 'answer', confidence, top.sources);
  await setState(scope, conversation.id, 'active', { draft: null, whileActive: true });
  return 'sent';
}

async function sendAsAi(env: Env, scope: WorkspaceScope, conversation: Conversation, externalId: string, text: string, kind: 'answer' | 'handoff', confidence: number | null, sources: unknown[]): Promise<Message | null> {
  const res = await conversationStub(env, conversation.workspaceId, conversation.id).addMessage(
    { direction: 'outbound', author: AI_ACTOR, text, externalId, status: conversation.channel === 'webchat' ? 'sent' : 'queued' },
    0,
  );
  if (!res.ok) return null;
  await scope
    .prepare(
      `INSERT INTO ai_messages (id, workspace_id, conversation_id, kind, confidence, sources, created_at) VALUES (?2, ?1, ?3, ?4, ?5, ?6, ?7) ON CONFLICT(id) DO NOTHING`,
      res.message.id,
      conversation.id,
      kind,
      confidence,
      JSON.stringify(sources),
      res.message.createdAt,
    )
    .run();
  return res.message;
}

/**
 * Hand the conversation to the team: a handoff message to the customer (auto-send mode only: in
 * suggest mode the assistant never speaks), the ai-handoff tag for the queue, and the assistant stops.
 */
async function handOff(env: Env, scope: WorkspaceScope, conversation: Conversation, message: Message, assistant: AssistantConfig, reason: string, draft: Record<string, unknown> | null): Promise<void> {
  if (assistant.mode === 'auto-send') {
    const text = assistant.handoffMessage?.trim() || phrases(detectLanguage(message.text)).handoff;
    await sendAsAi(env, scope, conversation, `ai-handoff:${message.id}`, text, 'handoff', null, []);
  }
  const stub = conversationStub(env, conversation.workspaceId, conversation.id);
  const current = (await stub.state()) ?? conversation;
  if (!current.tags.includes(HANDOFF_TAG)) await stub.update({ tags: [...current.tags, HANDOFF_TAG], ...(current.priority === 'low' ? { priority: 'normal' } : {}) }, AI_ACTOR);
  await setState(scope, conversation.id, 'handed_off', { reason, draft });
}

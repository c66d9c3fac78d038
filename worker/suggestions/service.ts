// Suggested replies for a conversation: retrieve passages for the customer's latest words, look for an
// earlier reply to this contact that fits, and draft up to three candidates in the workspace's style.
// Candidates are cached per conversation, last message and AI revision, so reopening a thread is instant.
import { loadInbox } from '../ingest/inboxes';
import type { Conversation, Message } from '../conversations/model';
import { newId } from '../db/ids';
import type { WorkspaceScope } from '../db/scope';
import { contactFrom, contactStatement, latestQuestion, recentMessages, toTurns, type ContactFacts } from '../ai/conversation-context';
import { bestPerSource } from '../ai/bm25-retriever';
import type { Draft, HistoryReply, Turn } from '../ai/drafter';
import { drafterFor, retrieverFor } from '../ai/providers';
import { coverage, questionTerms, type Passage, type Retriever } from '../ai/retriever';
import { settingsFrom, settingsStatement, type AiWorkspaceSettings } from '../ai/settings';
import type { Segment } from '../ai/style';
import { detectLanguage, LANGUAGES, type Language } from '../ai/text';
import { nameParts, renderFields } from '../replies/merge-fields';
import { memoriesFrom, memoriesStatement } from '../memories/store';

export interface SuggestionItem extends Draft {
  id: string;
}

export interface Suggestions {
  conversationId: string;
  /** `${lastCustomerSeq}:${messageCount}`: the conversation state these answer. */
  basedOn: string;
  question: string;
  language: Language;
  channel: string;
  retriever: string;
  drafter: string;
  items: SuggestionItem[];
  createdAt: number;
  /** Filled per request. */
  cached?: boolean;
  tookMs?: number;
  /** Fresh results: milliseconds spent retrieving, reading the drafting context (in parallel) and drafting. */
  timings?: { retrieve: number; context: number; draft: number };
}

export function messageKey(c: Pick<Conversation, 'lastCustomerSeq' | 'messageCount'>): string {
  return `${c.lastCustomerSeq}:${c.messageCount}`;
}

interface CacheRow {
  payload: string;
  message_key: string;
  revision: number;
}

export interface CacheState {
  hit: Suggestions | null;
  revision: number;
  key: string | null;
}

/** The cached candidates when still valid, and the current AI revision (what a fresh entry is stored under). */
export async function readCache(scope: WorkspaceScope, conversationId: string): Promise<CacheState> {
  const [cache, rev] = await scope.d1.batch([
    scope.prepare(`SELECT payload, message_key, revision FROM suggestion_cache WHERE workspace_id = ?1 AND conversation_id = ?2`, conversationId),
    scope.prepare(`SELECT revision FROM ai_revisions WHERE workspace_id = ?1`),
  ]);
  const row = (cache.results as CacheRow[])[0];
  const revision = (rev.results as { revision: number }[])[0]?.revision ?? 0;
  if (!row || row.revision !== revision) return { hit: null, revision, key: row?.message_key ?? null };
  return { hit: JSON.parse(row.payload) as Suggestions, revision, key: row.message_key };
}

export function writeCache(scope: WorkspaceScope, s: Suggestions, revision: number): Promise<unknown> {
  return scope
    .prepare(
      `INSERT INTO suggestion_cache (conversation_id, workspace_id, message_key, revision, payload, created_at) VALUES (?2, ?1, ?3, ?4, ?5, ?6)
       ON CONFLICT(conversation_id) DO UPDATE SET message_key = excluded.message_key, revision = excluded.revision, payload = excluded.payload, created_at = excluded.created_at
       WHERE suggestion_cache.workspace_id = ?1`,
      s.conversationId,
      s.basedOn,
      revision,
      JSON.stringify({ ...s, cached: undefined, tookMs: undefined, timings: undefined }),
      s.createdAt,
    )
    .run();
}

export interface SuggestOptions {
  /** Recompute even when the cache is valid. */
  refresh?: boolean;
  /** Extra drafting instructions (an inbox assistant's prompt). */
  prompt?: string | null;
  /** Time budget for a cloud draft. */
  budgetMs?: number;
  /** Messages already read (read alongside the conversation, so a miss costs no extra round trip). */
  messages?: Message[];
  /** The cache, already read. */
  cache?: CacheState;
  /** Runs the cache write after the response when given. */
  waitUntil?: (p: Promise<unknown>) => void;
}

/** Cached or fresh suggestions (merge fields for the agent still unrendered: see forAgent). */
export async function suggestionsFor(env: Env, scope: WorkspaceScope, conversation: Conversation, opts: SuggestOptions = {}): Promise<Suggestions> {
  const started = Date.now();
  const key = messageKey(conversation);
  const [cache, messages] = await Promise.all([
    opts.cache ?? readCache(scope, conversation.id),
    opts.messages ?? recentMessages(env, conversation),
  ]);
  if (opts.refresh) cache.hit = null;
  if (cache.hit && cache.hit.basedOn === key) return { ...cache.hit, cached: true, tookMs: Date.now() - started };
  const fresh = await computeSuggestions(env, scope, conversation, messages, opts);
  const write = writeCache(scope, fresh, cache.revision).catch((err) => console.warn(`suggestions: cache write failed: ${String(err)}`));
  if (opts.waitUntil) opts.waitUntil(write);
  else await write;
  return { ...fresh, cached: false, tookMs: Date.now() - started };
}

/**
 * Compute and store fresh suggestions (after a customer message: the assistant, pre-warming). The AI
 * revision is read first, so a knowledge change during drafting still invalidates the entry.
 */
export async function recompute(env: Env, scope: WorkspaceScope, conversation: Conversation, messages: Message[], opts: SuggestOptions = {}): Promise<Suggestions> {
  const revision = scope.prepare(`SELECT revision FROM ai_revisions WHERE workspace_id = ?1`).first<number>('revision');
  const fresh = await computeSuggestions(env, scope, conversation, messages, opts);
  await writeCache(scope, fresh, (await revision) ?? 0);
  return fresh;
}

function segmentOf(contact: ContactFacts | null, settings: AiWorkspaceSettings, earlierConversations: number): Segment {
  if (contact?.tags.some((t) => settings.vipTags.includes(t.toLowerCase()))) return 'vip';
  return earlierConversations > 0 ? 'returning' : 'new';
}

export function isVip(contact: ContactFacts | null, settings: AiWorkspaceSettings): boolean {
  return segmentOf(contact, settings, 0) === 'vip';
}

interface DraftingContext {
  contact: ContactFacts | null;
  settings: AiWorkspaceSettings;
  workspaceName: string | null;
  history: HistoryReply[];
  earlierConversations: number;
  /** What the team remembers about the customer (worker/memories/), newest first. */
  memories: string[];
}

/**
 * Everything drafting needs besides passages, in one D1 round trip: the contact, the workspace's AI
 * settings and name, and agent replies in this contact's earlier conversations (best match first).
 */
async function draftingContext(scope: WorkspaceScope, conversation: Conversation, question: string): Promise<DraftingContext> {
  const [contact, settings, workspace, rows, count, memories] = await scope.d1.batch([
    contactStatement(scope, conversation.contactId),
    settingsStatement(scope),
    scope.prepare(`SELECT name FROM workspaces WHERE id = ?1`),
    scope.prepare(
      `SELECT s.message_id AS messageId, s.conversation_id AS conversationId, s.body AS text FROM message_search s
       WHERE s.workspace_id = ?1 AND s.inbound = 0 AND s.is_note = 0
         AND s.conversation_id IN (SELECT id FROM conversations WHERE workspace_id = ?1 AND contact_id = ?2 AND id <> ?3 ORDER BY last_activity_at DESC LIMIT 10)
       ORDER BY s.created_at DESC LIMIT 60`,
      conversation.contactId,
      conversation.id,
    ),
    scope.prepare(`SELECT count(*) AS n FROM conversations WHERE workspace_id = ?1 AND contact_id = ?2 AND id <> ?3`, conversation.contactId, conversation.id),
    memoriesStatement(scope, conversation.contactId, 12),
  ]);
  const words = questionTerms(question);
  const history = (rows.results as { messageId: string; conversationId: string; text: string }[])
    .filter((r) => r.text.length >= 20)
    .map((r) => ({ ...r, coverage: coverage(words, r.text) }))
    // At least two of the question's words, and most of them.
    .filter((r) => words.length >= 2 && r.coverage >= 0.6)
    .sort((a, b) => b.coverage - a.coverage)
    .slice(0, 2);
  return {
    contact: contactFrom((contact.results as Parameters<typeof contactFrom>[0][])[0]),
    settings: settingsFrom((settings.results as { settings: string }[])[0]),
    workspaceName: (workspace.results as { name: string }[])[0]?.name ?? null,
    history,
    earlierConversations: (count.results as { n: number }[])[0]?.n ?? 0,
    memories: memoriesFrom(memories.results).map((m) => m.text),
  };
}

/**
 * Passages for the customer's latest message first, then for all their unanswered messages together
 * (the latest may be a follow-up like "and for two people?" that only makes sense with the others).
 */
async function retrieve(env: Env, retriever: Retriever, scope: WorkspaceScope, turns: Turn[], question: string, inboxId: string): Promise<Passage[]> {
  const latest = turns.filter((t) => t.role === 'customer').at(-1)?.text ?? question;
  // The inbox's knowledge tags (retrieval within one business's or brand's articles), from the inbox
  // as loaded and cached per isolate (forgotten when the inbox changes).
  const inbox = await loadInbox(env, inboxId);
  const tags = inbox && inbox.workspaceId === scope.workspaceId ? inbox.knowledgeTags : [];
  if (latest === question) return retriever.search(scope, question, { limit: 3, tags });
  const [forLatest, forAll] = await Promise.all([retriever.search(scope, latest, { limit: 3, tags }), retriever.search(scope, question, { limit: 3, tags })]);
  return bestPerSource([...forLatest, ...forAll], 3);
}

export async function computeSuggestions(env: Env, scope: WorkspaceScope, conversation: Conversation, messages: Message[], opts: SuggestOptions = {}): Promise<Suggestions> {
  const turns = toTurns(messages).slice(-12);
  const question = latestQuestion(turns);
  const base = {
    conversationId: conversation.id,
    basedOn: messageKey(conversation),
    question,
    channel: conversation.channel,
    createdAt: Date.now(),
  };
  const retriever = retrieverFor(env);
  const drafter = drafterFor(env, { budgetMs: opts.budgetMs });
  if (!question) return { ...base, language: 'en', retriever: retriever.name, drafter: drafter.name, items: [] };
  const t0 = Date.now();
  const timed = <T>(p: Promise<T>): Promise<[T, number]> => p.then((v) => [v, Date.now() - t0]);
  const [[passages, retrieveMs], [ctx, contextMs]] = await Promise.all([timed(retrieve(env, retriever, scope, turns, question, conversation.inboxId)), timed(draftingContext(scope, conversation, question))]);
  const { contact, settings } = ctx;
  const preferred = String(contact?.attributes.language ?? '').slice(0, 2).toLowerCase();
  const language: Language = (LANGUAGES as readonly string[]).includes(preferred) ? (preferred as Language) : detectLanguage(question);
  const drafts = await drafter.draft({
    question,
    conversation: turns,
    passages,
    history: ctx.history,
    channel: conversation.channel,
    language,
    style: settings,
    contactName: contact?.name ?? null,
    segment: segmentOf(contact, settings, ctx.earlierConversations),
    workspaceName: ctx.workspaceName ?? 'our team',
    prompt: opts.prompt,
    memories: ctx.memories,
  });
  const idBase = newId('sug');
  return {
    ...base,
    language,
    retriever: retriever.name,
    drafter: drafter.name,
    items: drafts.map((d, i) => ({ ...d, id: `${idBase}-${i}` })),
    timings: { retrieve: retrieveMs, context: contextMs, draft: Date.now() - t0 - Math.max(retrieveMs, contextMs) },
  };
}

/** Fill the agent's merge fields (sign-offs) for the one who looks at the suggestions. */
/**
 * What an agent is shown: the candidates at or above the workspace's threshold (best first), and how
 * many were held back, so the strip can say so instead of offering 0–10 % guesses at full weight.
 */
export function aboveThreshold<T extends { items: { confidence: number }[] }>(s: T, threshold: number): T & { threshold: number; hidden: number } {
  const items = s.items.filter((i) => i.confidence >= threshold);
  return { ...s, items, threshold, hidden: s.items.length - items.length };
}

export function forAgent(s: Suggestions, agent: { name: string | null; email?: string | null }): Suggestions {
  const ctx = { agent: { ...nameParts(agent.name), email: agent.email ?? null } };
  return { ...s, items: s.items.map((item) => ({ ...item, text: renderFields(item.text, ctx).text.trim() })) };
}

// Conversation summaries and follow-up suggestions: on demand, and when a conversation closes (kept
// as its closing summary in the conversation itself; follow-ups beside it in ai_conversations).
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import type { Actor, Conversation } from '../conversations/model';
import { conversationStub } from '../conversations/service';
import { database, WorkspaceScope } from '../db/scope';
import { AI_ACTOR } from './assistant';
import { afterResponse, loadContact } from './conversation-context';
import { summarizerFor } from './providers';
import type { Summary, SummaryMessage } from './summarizer';

const MAX_MESSAGES = 200;
const BULK_LIMIT = 100;

export async function summarizeConversation(env: Env, scope: WorkspaceScope, conversation: Conversation, actor: Actor | null): Promise<Summary & { at: number }> {
  const stub = conversationStub(env, conversation.workspaceId, conversation.id);
  const [messages, contact] = await Promise.all([stub.messages({ limit: MAX_MESSAGES, includeNotes: true }), loadContact(scope, conversation.contactId)]);
  const input: SummaryMessage[] = messages
    .filter((m) => m.authorType !== 'system' && m.text.trim())
    .map((m) => ({
      role: m.isInternalNote ? 'note' : m.direction === 'inbound' ? 'customer' : m.authorType === 'ai' ? 'ai' : 'agent',
      name: m.authorName,
      text: m.text,
      at: m.createdAt,
    }));
  const result = await summarizerFor(env).summarize({ messages: input, contactName: contact?.name ?? null, status: conversation.status });
  const at = Date.now();
  await Promise.all([
    stub.update({ summary: result.summary }, actor),
    scope
      .prepare(
        `INSERT INTO ai_conversations (id, workspace_id, state, follow_ups, summary_at, updated_at) VALUES (?2, ?1, 'active', ?3, ?4, ?4)
         ON CONFLICT(id) DO UPDATE SET follow_ups = excluded.follow_ups, summary_at = excluded.summary_at WHERE ai_conversations.workspace_id = ?1`,
        conversation.id,
        JSON.stringify(result.followUps),
        at,
      )
      .run(),
  ]);
  return { ...result, at };
}

/**
 * After PATCH /api/conversations/:id or POST /api/conversations/bulk closes conversations, summarize
 * them in the background (unless the agent wrote the summary in the same request).
 */
export const summarizeOnClose = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  const bulk = c.req.method === 'POST' && c.req.path.endsWith('/bulk');
  if ((c.req.method !== 'PATCH' && !bulk) || c.res.status !== 200 || !c.get('principal')) return;
  const later = afterResponse(c);
  if (!later) return;
  const p = c.get('principal');
  let ids: string[] = [];
  try {
    const request = (await c.req.json()) as { status?: string; summary?: unknown; action?: string };
    if (!bulk && request.status === 'closed' && request.summary === undefined) ids = [c.req.param('id') ?? ''];
    else if (bulk && (request.action === 'close' || (request.action === 'status' && request.status === 'closed'))) {
      const res = (await c.res.clone().json()) as { results?: { id: string; ok: boolean }[] };
      ids = (res.results ?? []).filter((r) => r.ok).map((r) => r.id);
    }
  } catch {
    return;
  }
  ids = ids.filter(Boolean).slice(0, BULK_LIMIT);
  if (ids.length === 0) return;
  const scope = new WorkspaceScope(database(c.env.DB), c.env.DB, p.workspaceId);
  later(
    (async () => {
      for (const id of ids) {
        try {
          const conversation = await conversationStub(c.env, p.workspaceId, id).state();
          if (conversation?.status === 'closed') await summarizeConversation(c.env, scope, conversation, AI_ACTOR);
        } catch (err) {
          console.warn(`summary on close: conversation ${id}: ${String(err)}`);
        }
      }
    })(),
  );
});

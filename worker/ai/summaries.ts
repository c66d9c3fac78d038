// Conversation summaries and follow-up suggestions: on demand, and when a conversation closes (kept
// as its closing summary in the conversation itself, by the summary-on-close.ts event subscriber; follow-ups beside it in ai_conversations).
import type { Actor, Conversation } from '../conversations/model';
import { conversationStub } from '../conversations/service';
import type { WorkspaceScope } from '../db/scope';
import { loadContact } from './conversation-context';
import { summarizerFor } from './providers';
import type { Summary, SummaryMessage } from './summarizer';

const MAX_MESSAGES = 200;

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


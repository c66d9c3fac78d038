// The customer hears when a person takes over from the AI assistant: "You're now talking with Ana from
// our team." (the workspace's AI setting `takeoverMessage`; empty: nothing is sent). The message goes
// out as the agent's own reply, through the conversation's outbound path (outbox, channel adapter), so
// it shows in the thread and is delivered like any reply.
//
// Once per take over: the assistant's state moves from active to taken_over in one conditional write,
// and only the request that made that move sends. A second take over of the same conversation (a
// double click, a colleague taking it next) finds it taken over already and sends nothing; resuming
// the AI and taking over again is a new take over.
import type { Conversation, Message } from '../conversations/model';
import { conversationStub } from '../conversations/service';
import type { WorkspaceScope } from '../db/scope';
import { nameParts, renderFields } from '../replies/merge-fields';

export interface TakingAgent {
  id: string;
  /** The display name people see (users.name): never an id or an e-mail address. */
  name: string;
}

/** The message for this agent and contact; null when the workspace sends none or nothing is left after filling it. */
export function takeoverText(template: string | null, agent: TakingAgent, contactName: string | null, workspaceName: string | null): string | null {
  if (!template?.trim()) return null;
  const a = nameParts(agent.name);
  const c = nameParts(contactName);
  const text = renderFields(template, {
    // A one-word or e-mail-like name has no first name to split: the whole display name stands in.
    agent: { name: a.name ?? 'our team', first_name: a.first_name ?? a.name ?? 'our team' },
    contact: { name: c.name, first_name: c.first_name, last_name: c.last_name },
    workspace: { name: workspaceName },
  }).text.trim();
  return text || null;
}

/**
 * Stops the assistant on this conversation for the agent; true only for the request that moved it from
 * active (a conversation without a row yet counts as active: the assistant answers it by default).
 */
export async function claimTakeover(scope: WorkspaceScope, conversationId: string, userId: string, now = Date.now()): Promise<boolean> {
  const res = await scope
    .prepare(
      `INSERT INTO ai_conversations (id, workspace_id, state, reason, by_user_id, updated_at) VALUES (?2, ?1, 'taken_over', 'taken_over', ?3, ?4)
       ON CONFLICT(id) DO UPDATE SET state = 'taken_over', reason = 'taken_over', by_user_id = excluded.by_user_id, updated_at = excluded.updated_at
       WHERE ai_conversations.workspace_id = ?1 AND ai_conversations.state = 'active'`,
      conversationId,
      userId,
      now,
    )
    .run();
  return (res.meta.changes ?? 0) > 0;
}

/** Whether the assistant was in this conversation: its inbox has one switched on, or it wrote last. */
export async function assistantInvolved(scope: WorkspaceScope, conversation: Pick<Conversation, 'inboxId' | 'lastMessageAuthorType'>): Promise<boolean> {
  if (conversation.lastMessageAuthorType === 'ai') return true;
  const mode = await scope.prepare(`SELECT mode FROM ai_assistants WHERE workspace_id = ?1 AND id = ?2`, conversation.inboxId).first<string>('mode');
  return mode !== null && mode !== 'off';
}

/** Sends the handoff message as the agent (idempotent per take over through its external id). */
export async function sendTakeoverMessage(env: Env, scope: WorkspaceScope, conversation: Conversation, agent: TakingAgent, template: string | null, takenAt: number): Promise<Message | null> {
  // A resolved conversation is not reopened to say who is there.
  if (conversation.status === 'closed' || !template?.trim()) return null;
  const [contact, workspace] = await Promise.all([
    conversation.contactId ? scope.prepare(`SELECT name FROM contacts WHERE workspace_id = ?1 AND id = ?2`, conversation.contactId).first<string | null>('name') : null,
    scope.prepare(`SELECT name FROM workspaces WHERE id = ?1`).first<string>('name'),
  ]);
  const text = takeoverText(template, agent, contact, workspace);
  if (!text) return null;
  const res = await conversationStub(env, conversation.workspaceId, conversation.id).addMessage(
    {
      direction: 'outbound',
      author: { type: 'agent', id: agent.id, name: agent.name },
      text,
      // No status: the conversation decides it as for any agent reply (web chat sent, others queued for the outbox).
      externalId: `takeover:${conversation.id}:${takenAt}`,
    },
    0,
  );
  return res.ok ? res.message : null;
}

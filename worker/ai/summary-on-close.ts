// The closing summary: when a conversation closes (by an agent, in bulk, or by auto-status), the AI
// summarizes it in the background, unless the agent wrote the summary as they closed it. An
// event-stream subscriber (worker/events/subscribers.ts); idempotent through ai_conversations.summary_at.
import type { ConversationEvent } from '../conversations/model';
import { conversationStub } from '../conversations/service';
import { database, WorkspaceScope } from '../db/scope';
import { closedByBroadcast } from '../broadcasts/model';
import type { ParleyEvent } from '../events/model';
import type { Subscriber } from '../events/subscribers';
import { AI_ACTOR } from './assistant';
import { summarizeConversation } from './summaries';

export const summaryOnClose: Subscriber = {
  name: 'summary-on-close',
  wants: (e) => e.type === 'conversation.status_changed' && (e as ParleyEvent<'conversation.status_changed'>).data.to === 'closed' && !closedByBroadcast(e),
  async handle(env, events) {
    for (const e of events) {
      const stub = conversationStub(env, e.workspaceId, e.conversationId);
      // The agent wrote the summary in the request that closed it: theirs stands.
      const commit = (await stub.events(e.commit.first - 1, e.commit.last - e.commit.first + 1, true)) as unknown as ConversationEvent[];
      if (commit.some((x) => x.type === 'conversation.updated' && 'summary' in x.data)) continue;
      const conversation = await stub.state();
      // Reopened since, or closed again later (that close has an event of its own).
      if (!conversation || conversation.status !== 'closed' || (conversation.closedAt ?? 0) > e.at) continue;
      const scope = new WorkspaceScope(database(env.DB), env.DB, e.workspaceId);
      const done = await scope.prepare(`SELECT summary_at FROM ai_conversations WHERE workspace_id = ? AND id = ?`, e.conversationId).first<number | null>('summary_at');
      if (done !== null && done >= e.at) continue; // a redelivered event: summarized already
      await summarizeConversation(env, scope, conversation, AI_ACTOR);
    }
  },
};

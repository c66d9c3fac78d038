// Memories are extracted when a conversation closes: what the customer said in it, read once, the
// contact's memories updated. An event-stream subscriber (worker/events/subscribers.ts); idempotent
// (the same close read twice writes the same rows: saveExtracted keys them).
import { conversationStub } from '../conversations/service';
import { database, WorkspaceScope } from '../db/scope';
import { closedByBroadcast } from '../broadcasts/model';
import type { ParleyEvent } from '../events/model';
import type { Subscriber } from '../events/subscribers';
import type { ExtractionMessage } from './extract';
import { memoryExtractorFor } from './providers';
import { saveExtracted } from './store';

const MAX_MESSAGES = 200;

export const memoriesOnClose: Subscriber = {
  name: 'memories-on-close',
  wants: (e) => e.type === 'conversation.status_changed' && (e as ParleyEvent<'conversation.status_changed'>).data.to === 'closed' && !closedByBroadcast(e),
  async handle(env, events) {
    // One extraction per conversation a batch closes (a close, reopen and close again reads it once).
    const latest = new Map<string, ParleyEvent>();
    for (const e of events) latest.set(`${e.workspaceId}/${e.conversationId}`, e);
    for (const e of latest.values()) {
      const stub = conversationStub(env, e.workspaceId, e.conversationId);
      const conversation = await stub.state();
      // Reopened since: its next close reads it then (with whatever the customer adds meanwhile).
      if (!conversation || conversation.status !== 'closed') continue;
      const messages = await stub.messages({ limit: MAX_MESSAGES, includeNotes: false });
      const input: ExtractionMessage[] = messages
        .filter((m) => m.authorType !== 'system' && m.text.trim())
        .map((m) => ({ id: m.id, role: m.direction === 'inbound' ? 'customer' : m.authorType === 'ai' ? 'ai' : 'agent', text: m.text }));
      const found = await memoryExtractorFor(env).extract(input);
      await saveExtracted(new WorkspaceScope(database(env.DB), env.DB, e.workspaceId), conversation.contactId, conversation.id, found);
    }
  },
};

// Deleting a conversation: its rows in every D1 table that describes it (the projection, search, tags,
// reads, threads, AI, SLA, CSAT, workflow runs, mentions…) go in one batch with the audit entry. The
// contact stays, and so do the contact's memories and broadcast records (they are the contact's, not
// the conversation's). The ConversationDO deletes its own storage first (durable-objects/conversation.ts).
// Its analytics facts go too, and first its share of the rollups kept from them: the hourly rows are kept
// by deltas (worker/analytics/rollups.ts), so facts deleted without that would stay counted there.
import { forgetConversationStatements } from '../analytics/rollups';
import type { Conversation } from './model';

/** Tables keyed by conversation_id that hold this conversation's data; the conversation row goes last. */
const TABLES = [
  'message_search',
  'conversation_tags',
  'conversation_reads',
  'contact_threads',
  'contact_contexts',
  'email_threads',
  'outbound_messages',
  'outbound_options',
  'ai_messages',
  'suggestion_cache',
  'ai_alerts',
  'escalations',
  'conversation_fact_responses',
  'conversation_fact_cycles',
  'conversation_facts',
  'workflow_runs',
  'csat_surveys',
  'note_mentions',
  'analytics_events',
] as const;

export interface Deleter {
  userId: string;
  name: string;
}

export function deletionStatements(db: D1Database, c: Pick<Conversation, 'id' | 'workspaceId' | 'contactId' | 'channel'>, by: Deleter, now: number): D1PreparedStatement[] {
  // conversation_reads has no workspace_id; the id was checked to be this workspace's before (the route's visible()).
  const rows = TABLES.map((t) =>
    t === 'conversation_reads'
      ? db.prepare(`DELETE FROM conversation_reads WHERE conversation_id = ?`).bind(c.id)
      : db.prepare(`DELETE FROM ${t} WHERE workspace_id = ? AND conversation_id = ?`).bind(c.workspaceId, c.id),
  );
  return [
    // Its search blocks first: with them gone, the message_search trigger that rebuilds a block after each
    // deleted message (redaction's path) finds nothing to rebuild, instead of re-reading the block once per
    // message. The conversations delete trigger would drop it too, but only after all that work.
    db
      .prepare(
        `DELETE FROM conversations_fts WHERE rowid BETWEEN (SELECT rowid * 65536 FROM conversations WHERE workspace_id = ?1 AND id = ?2)
                                                 AND (SELECT rowid * 65536 + 65535 FROM conversations WHERE workspace_id = ?1 AND id = ?2)`,
      )
      .bind(c.workspaceId, c.id),
    // Ahead of the facts deletes: they read its facts rows.
    ...forgetConversationStatements(db, c.id),
    ...rows,
    // Keyed by the conversation's own id (the assistant's state, its draft reply and follow-ups).
    db.prepare(`DELETE FROM ai_conversations WHERE workspace_id = ? AND id = ?`).bind(c.workspaceId, c.id),
    db.prepare(`UPDATE contacts SET last_conversation_id = NULL WHERE workspace_id = ? AND last_conversation_id = ?`).bind(c.workspaceId, c.id),
    db.prepare(`DELETE FROM conversations WHERE workspace_id = ? AND id = ?`).bind(c.workspaceId, c.id),
    db
      .prepare(
        `INSERT OR IGNORE INTO conversation_deletions (conversation_id, workspace_id, contact_id, channel, deleted_by, deleted_by_name, deleted_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
      )
      .bind(c.id, c.workspaceId, c.contactId ?? null, c.channel, by.userId, by.name, now),
  ];
}

// How a ConversationDO's outbox lands in D1: the conversation index row, its tags, message search
// rows, read positions and analytics events. Every statement is idempotent, so a retried batch
// (at-least-once delivery) changes nothing the first one already did.
import { PRIORITY_RANK, type Conversation, type ConversationEvent } from './model';

export interface MessageIndexRow {
  messageId: string;
  body: string;
  seq: number;
  inbound: boolean;
  isNote: boolean;
  createdAt: number;
}

export type OutboxEntry =
  | { kind: 'projection'; payload: Conversation }
  | { kind: 'event'; payload: ConversationEvent }
  | { kind: 'message'; payload: MessageIndexRow }
  | { kind: 'read'; payload: { userId: string; seq: number } };

/** D1 statements for a batch of outbox entries of one conversation. Only the newest projection is written. */
export function projectionStatements(db: D1Database, conv: Conversation, entries: OutboxEntry[]): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = [];
  let latest: Conversation | null = null;
  for (const e of entries) {
    switch (e.kind) {
      case 'projection':
        if (!latest || e.payload.seq >= latest.seq) latest = e.payload;
        break;
      case 'message':
        out.push(
          db
            .prepare(
              `INSERT OR IGNORE INTO message_search (message_id, conversation_id, workspace_id, body, seq, inbound, is_note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .bind(e.payload.messageId, conv.id, conv.workspaceId, e.payload.body, e.payload.seq, e.payload.inbound ? 1 : 0, e.payload.isNote ? 1 : 0, e.payload.createdAt),
        );
        break;
      case 'read':
        out.push(
          db
            .prepare(
              `INSERT INTO conversation_reads (conversation_id, user_id, last_read_seq) VALUES (?, ?, ?)
               ON CONFLICT(user_id, conversation_id) DO UPDATE SET last_read_seq = max(last_read_seq, excluded.last_read_seq)`,
            )
            .bind(conv.id, e.payload.userId, e.payload.seq),
        );
        break;
      case 'event':
        out.push(
          db
            .prepare(
              `INSERT OR IGNORE INTO analytics_events (workspace_id, conversation_id, seq, type, actor_type, actor_id, data, at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .bind(
              conv.workspaceId,
              conv.id,
              e.payload.seq,
              e.payload.type,
              e.payload.actor?.type ?? null,
              e.payload.actor?.id ?? null,
              JSON.stringify(e.payload.data),
              e.payload.at,
            ),
        );
        break;
    }
  }
  if (latest) out.unshift(...conversationRowStatements(db, latest));
  return out;
}

function conversationRowStatements(db: D1Database, c: Conversation): D1PreparedStatement[] {
  const upsert = db
    .prepare(
      `INSERT INTO conversations (id, workspace_id, contact_id, inbox_id, channel, status, priority, priority_rank, assignee_id,
         team_id, subject, tags, snooze_until, closed_at, last_activity_at, last_message_preview, last_message_direction,
         last_message_author_type, waiting_since, message_count, last_customer_seq, seq, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET contact_id = excluded.contact_id, status = excluded.status, priority = excluded.priority,
         priority_rank = excluded.priority_rank, assignee_id = excluded.assignee_id, team_id = excluded.team_id,
         subject = excluded.subject, tags = excluded.tags, snooze_until = excluded.snooze_until, closed_at = excluded.closed_at,
         last_activity_at = excluded.last_activity_at, last_message_preview = excluded.last_message_preview,
         last_message_direction = excluded.last_message_direction, last_message_author_type = excluded.last_message_author_type,
         waiting_since = excluded.waiting_since, message_count = excluded.message_count,
         last_customer_seq = excluded.last_customer_seq, seq = excluded.seq, updated_at = excluded.updated_at
       WHERE excluded.seq >= conversations.seq`,
    )
    .bind(
      c.id,
      c.workspaceId,
      c.contactId,
      c.inboxId,
      c.channel,
      c.status,
      c.priority,
      PRIORITY_RANK[c.priority],
      c.assigneeId,
      c.teamId,
      c.subject,
      JSON.stringify(c.tags),
      c.snoozeUntil,
      c.closedAt,
      c.lastActivityAt,
      c.lastMessagePreview,
      c.lastMessageDirection,
      c.lastMessageAuthorType,
      c.waitingSince,
      c.messageCount,
      c.lastCustomerSeq,
      c.seq,
      c.createdAt,
      c.updatedAt,
    );
  const stmts = [upsert, db.prepare(`DELETE FROM conversation_tags WHERE conversation_id = ?`).bind(c.id)];
  for (const tag of c.tags) {
    stmts.push(db.prepare(`INSERT OR IGNORE INTO conversation_tags (conversation_id, workspace_id, tag) VALUES (?, ?, ?)`).bind(c.id, c.workspaceId, tag));
  }
  return stmts;
}

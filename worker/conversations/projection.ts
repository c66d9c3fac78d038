// How a ConversationDO's outbox lands in D1: the conversation index row (its tags only when they
// changed, only the sequence number for a delivery receipt), message search rows, read positions,
// channel activity and analytics events. Every statement is idempotent, so a retried batch
// (at-least-once delivery) changes nothing the first one already did.
import type { EscalationTrigger } from '../sla/model';
import type { ParleyEvent } from '../events/model';
import { PRIORITY_RANK, type Conversation, type ConversationEvent } from './model';

export interface MessageIndexRow {
  messageId: string;
  body: string;
  seq: number;
  inbound: boolean;
  isNote: boolean;
  createdAt: number;
}

/** One escalation episode as D1 `escalations` has it (upserted by id; the newest `updatedAt` wins). */
export interface EscalationRow {
  id: string;
  pathId: string | null;
  pathName: string | null;
  trigger: EscalationTrigger;
  reason: string;
  level: number;
  startedAt: number;
  resolvedAt: number | null;
  resolution: string | null;
  resolvedBy: string | null;
  /** A note left when resolving it (lands in escalation_notes). */
  note: { id: string; authorId: string | null; authorName: string | null; text: string } | null;
  updatedAt: number;
}

/** An AI alert rule that fired (D1 `ai_alerts`, once per rule and customer message). */
export interface AlertRow {
  id: string;
  ruleId: string;
  ruleName: string;
  reasons: string[];
  sentiment: number | null;
  messageSeq: number;
  createdAt: number;
}

/** The contact wrote on a channel: channel_activity (the messaging windows) learns it with the projection. */
export interface ActivityRow {
  contactId: string;
  channel: string;
  inboxId: string;
  at: number;
}

export type OutboxEntry =
  | { kind: 'projection'; payload: Conversation }
  /** The conversation's tags changed: the batch rewrites conversation_tags from its newest projection. */
  | { kind: 'tags'; payload: { tags: string[] } }
  /** Only the sequence number moved (a delivery receipt): no full row, no tags. */
  | { kind: 'seq'; payload: { seq: number; updatedAt: number } }
  /** Objects written before the event stream stored bare ConversationEvents; both shapes project alike. */
  | { kind: 'event'; payload: ParleyEvent | ConversationEvent }
  | { kind: 'activity'; payload: ActivityRow }
  | { kind: 'message'; payload: MessageIndexRow }
  | { kind: 'read'; payload: { userId: string; seq: number; reset?: boolean } }
  | { kind: 'escalation'; payload: EscalationRow }
  | { kind: 'alert'; payload: AlertRow };

/** D1 statements for a batch of outbox entries of one conversation. Only the newest projection is written. */
export function projectionStatements(db: D1Database, conv: Conversation, entries: OutboxEntry[]): D1PreparedStatement[] {
  const out: D1PreparedStatement[] = [];
  let latest: Conversation | null = null;
  let tags: string[] | null = null;
  let seq: { seq: number; updatedAt: number } | null = null;
  for (const e of entries) {
    switch (e.kind) {
      case 'projection':
        if (!latest || e.payload.seq >= latest.seq) latest = e.payload;
        break;
      case 'tags':
        tags = e.payload.tags;
        break;
      case 'seq':
        if (!seq || e.payload.seq > seq.seq) seq = e.payload;
        break;
      case 'activity':
        out.push(
          db
            .prepare(
              `INSERT INTO channel_activity (workspace_id, contact_id, channel, inbox_id, last_inbound_at) VALUES (?, ?, ?, ?, ?)
               ON CONFLICT(workspace_id, contact_id, channel) DO UPDATE SET last_inbound_at = max(last_inbound_at, excluded.last_inbound_at), inbox_id = excluded.inbox_id`,
            )
            .bind(conv.workspaceId, e.payload.contactId, e.payload.channel, e.payload.inboxId, e.payload.at),
        );
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
               ON CONFLICT(user_id, conversation_id) DO UPDATE SET last_read_seq = ${e.payload.reset ? 'excluded.last_read_seq' : 'max(last_read_seq, excluded.last_read_seq)'}`,
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
      case 'escalation': {
        const r = e.payload;
        out.push(
          db
            .prepare(
              `INSERT INTO escalations (id, workspace_id, conversation_id, path_id, path_name, trigger, reason, level, started_at, resolved_at, resolution, resolved_by, updated_at)
               VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
               ON CONFLICT(id) DO UPDATE SET level = excluded.level, resolved_at = excluded.resolved_at, resolution = excluded.resolution,
                 resolved_by = excluded.resolved_by, updated_at = excluded.updated_at
               WHERE excluded.updated_at >= escalations.updated_at`,
            )
            .bind(r.id, conv.workspaceId, conv.id, r.pathId, r.pathName, r.trigger, r.reason, r.level, r.startedAt, r.resolvedAt, r.resolution, r.resolvedBy, r.updatedAt),
        );
        if (r.note) {
          out.push(
            db
              .prepare(`INSERT OR IGNORE INTO escalation_notes (id, workspace_id, escalation_id, author_id, author_name, text, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
              .bind(r.note.id, conv.workspaceId, r.id, r.note.authorId, r.note.authorName, r.note.text, r.updatedAt),
          );
        }
        break;
      }
      case 'alert':
        out.push(
          db
            .prepare(
              `INSERT OR IGNORE INTO ai_alerts (id, workspace_id, conversation_id, rule_id, rule_name, reasons, sentiment, message_seq, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
            )
            .bind(e.payload.id, conv.workspaceId, conv.id, e.payload.ruleId, e.payload.ruleName, JSON.stringify(e.payload.reasons), e.payload.sentiment, e.payload.messageSeq, e.payload.createdAt),
        );
        break;
    }
  }
  if (latest) out.unshift(...conversationRowStatements(db, latest, tags !== null));
  // A tag change whose projection went out in an earlier batch (the drain cut between them): its own payload.
  else if (tags) out.unshift(...tagStatements(db, conv, tags));
  if (seq && (!latest || seq.seq > latest.seq)) {
    out.push(db.prepare(`UPDATE conversations SET seq = ?, updated_at = max(updated_at, ?) WHERE id = ? AND workspace_id = ? AND seq < ?`).bind(seq.seq, seq.updatedAt, conv.id, conv.workspaceId, seq.seq));
  }
  return out;
}

function conversationRowStatements(db: D1Database, c: Conversation, tags: boolean): D1PreparedStatement[] {
  const upsert = db
    .prepare(
      `INSERT INTO conversations (id, workspace_id, contact_id, inbox_id, channel, status, priority, priority_rank, assignee_id,
         team_id, subject, tags, snooze_until, closed_at, last_activity_at, last_message_preview, last_message_direction,
         last_message_author_type, waiting_since, message_count, last_customer_seq, seq, created_at, updated_at,
         sla_status, sla_due_at, sla_policy_id, escalation_level, escalated_at, archived_at, flagged, csat_score, csat_scale, csat_raw, follow_up_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET contact_id = excluded.contact_id, status = excluded.status, priority = excluded.priority,
         priority_rank = excluded.priority_rank, assignee_id = excluded.assignee_id, team_id = excluded.team_id,
         subject = excluded.subject, tags = excluded.tags, snooze_until = excluded.snooze_until, closed_at = excluded.closed_at,
         last_activity_at = excluded.last_activity_at, last_message_preview = excluded.last_message_preview,
         last_message_direction = excluded.last_message_direction, last_message_author_type = excluded.last_message_author_type,
         waiting_since = excluded.waiting_since, message_count = excluded.message_count,
         last_customer_seq = excluded.last_customer_seq, seq = excluded.seq, updated_at = excluded.updated_at,
         sla_status = excluded.sla_status, sla_due_at = excluded.sla_due_at, sla_policy_id = excluded.sla_policy_id,
         escalation_level = excluded.escalation_level, escalated_at = excluded.escalated_at, archived_at = excluded.archived_at,
         flagged = excluded.flagged, csat_score = excluded.csat_score, csat_scale = excluded.csat_scale, csat_raw = excluded.csat_raw, follow_up_at = excluded.follow_up_at
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
      c.sla?.status ?? null,
      c.sla?.dueAt ?? null,
      c.sla?.policyId ?? null,
      // Only a live escalation shows in lists; resolved episodes stay in `escalations`.
      c.escalation && c.escalation.resolvedAt === null ? c.escalation.level : null,
      c.escalation && c.escalation.resolvedAt === null ? c.escalation.startedAt : null,
      c.archivedAt ?? null,
      c.flagged ? 1 : 0,
      c.csat?.score ?? null,
      c.csat?.scale ?? null,
      c.csat?.raw ?? null,
      c.followUps?.nextAt ?? null,
    );
  return tags ? [upsert, ...tagStatements(db, c, c.tags)] : [upsert];
}

function tagStatements(db: D1Database, c: Pick<Conversation, 'id' | 'workspaceId'>, tags: string[]): D1PreparedStatement[] {
  const stmts = [db.prepare(`DELETE FROM conversation_tags WHERE conversation_id = ?`).bind(c.id)];
  for (const tag of tags) {
    stmts.push(db.prepare(`INSERT OR IGNORE INTO conversation_tags (conversation_id, workspace_id, tag) VALUES (?, ?, ?)`).bind(c.id, c.workspaceId, tag));
  }
  return stmts;
}

/** What one commit puts in the outbox, besides its events: the projection (or only the seq), tags when they changed, the search row, the reply to deliver, the escalation row. */
export type CommitRow =
  | OutboxEntry
  | { kind: 'deliver'; payload: import('../ingest/jobs').DeliverJob };

/**
 * The outbox rows of a commit (pure; the ConversationDO writes them in the commit's transaction).
 * A delivery receipt changes no column of the D1 row but its sequence number, so it projects only that;
 * the sentiment score alone is not in the D1 row, so it projects nothing.
 */
export function commitRows(input: {
  previous: Conversation | null;
  next: Conversation;
  events: ConversationEvent[];
  message?: import('./model').Message;
  /** The commit wrote something of its own (a delivery status, alert rows): project it. */
  wrote: boolean;
  escalation: EscalationRow | null;
  deliver: import('../ingest/jobs').DeliverJob | null;
}): CommitRow[] {
  const { previous, next, events, message } = input;
  const rows: CommitRow[] = [];
  if (message) {
    rows.push({
      kind: 'message',
      payload: { messageId: message.id, body: message.text, seq: message.seq, inbound: message.direction === 'inbound', isNote: message.isInternalNote, createdAt: message.createdAt },
    });
    if (input.deliver) rows.push({ kind: 'deliver', payload: input.deliver });
  }
  const receiptOnly = !message && events.length > 0 && events.every((e) => e.type === 'message.status');
  const projected = !receiptOnly && (events.length > 0 || !!message || input.wrote || JSON.stringify({ ...previous, sentiment: null }) !== JSON.stringify({ ...next, sentiment: null }));
  if (receiptOnly) rows.push({ kind: 'seq', payload: { seq: next.seq, updatedAt: next.updatedAt } });
  if (projected) {
    rows.push({ kind: 'projection', payload: next });
    if ((previous?.tags ?? []).join('\n') !== next.tags.join('\n')) rows.push({ kind: 'tags', payload: { tags: next.tags } });
  }
  if (input.escalation) rows.push({ kind: 'escalation', payload: input.escalation });
  return rows;
}

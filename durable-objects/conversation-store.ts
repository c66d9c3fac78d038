// ConversationDO's own SQLite: the message log, the event log, read positions, the outbox and the
// timer schedule. Plain SQL over ctx.storage.sql; every function here is synchronous.
import { idempotencyKey } from '../worker/conversations/idempotency';
import type { Actor, Attachment, Conversation, ConversationEvent, DeliveryStatus, EmailHeaders, Message } from '../worker/conversations/model';
import type { ServerEvent } from '../worker/conversations/socket-protocol';

// `idem_key` is the external id namespaced by its author (worker/conversations/idempotency.ts): the
// external id alone is not unique (a visitor may send an agent's client id).
const MESSAGE_COLUMNS = `
  id TEXT PRIMARY KEY, seq INTEGER NOT NULL, direction TEXT NOT NULL, author_type TEXT NOT NULL,
  author_id TEXT, author_name TEXT, text TEXT NOT NULL, attachments TEXT NOT NULL,
  is_note INTEGER NOT NULL, external_id TEXT, channel TEXT NOT NULL,
  status TEXT NOT NULL, status_reason TEXT, created_at INTEGER NOT NULL, updated_at INTEGER NOT NULL,
  idem_key TEXT, email TEXT, mentions TEXT`;

/**
 * Objects created before idempotency keys were namespaced have `external_id TEXT UNIQUE` and no
 * `idem_key`: rebuild the table once (SQLite cannot drop a constraint), deriving the key from each row.
 * Runs in the constructor, one synchronous step, so it commits atomically.
 */
const MIGRATE_MESSAGES = `
CREATE TABLE messages_next (${MESSAGE_COLUMNS});
INSERT INTO messages_next SELECT id, seq, direction, author_type, author_id, author_name, text, attachments, is_note,
  external_id, channel, status, status_reason, created_at, updated_at,
  CASE WHEN external_id IS NULL THEN NULL
       WHEN author_type = 'agent' THEN 'agent:' || coalesce(author_id, '') || ':' || external_id
       ELSE author_type || ':' || external_id END,
  NULL, NULL
  FROM messages;
DROP TABLE messages;
ALTER TABLE messages_next RENAME TO messages;
`;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS messages (${MESSAGE_COLUMNS});
CREATE INDEX IF NOT EXISTS messages_seq ON messages(seq);
CREATE UNIQUE INDEX IF NOT EXISTS messages_idem ON messages(idem_key);
CREATE TABLE IF NOT EXISTS events (seq INTEGER PRIMARY KEY, type TEXT NOT NULL, actor TEXT, data TEXT NOT NULL, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS reads (user_id TEXT PRIMARY KEY, last_read_seq INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, payload TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS schedule (kind TEXT PRIMARY KEY, at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS fired_alerts (rule_id TEXT NOT NULL, message_seq INTEGER NOT NULL, PRIMARY KEY (rule_id, message_seq));
`;

export type OutboxKind = 'projection' | 'tags' | 'seq' | 'event' | 'message' | 'read' | 'deliver' | 'escalation' | 'alert' | 'activity';
/**
 * One row per kind in `schedule`; the single alarm is armed at the earliest. 'route' retries a routing
 * call that kept failing; 'followup' is the earliest follow-up or scheduled message (conversation-follow-ups.ts).
 */
export type TimerKind = 'snooze' | 'outbox' | 'sla' | 'auto_status' | 'escalation' | 'route' | 'followup';

export interface OutboxRow {
  id: number;
  kind: OutboxKind;
  payload: string;
}

export class ConversationStore {
  /** The schedule table mirrored in memory: every commit re-states its timers, and most change nothing. */
  #timers = new Map<TimerKind, number>();

  constructor(private readonly sql: SqlStorage) {
    const messages = sql.exec<{ sql: string }>(`SELECT sql FROM sqlite_master WHERE type = 'table' AND name = 'messages'`).toArray()[0];
    if (messages && !messages.sql.includes('idem_key')) sql.exec(MIGRATE_MESSAGES);
    else if (messages) {
      // E-mail headers per message (issue 16) and a note's mentions: objects created before them gain the columns once.
      if (!/\bemail TEXT\b/.test(messages.sql)) sql.exec(`ALTER TABLE messages ADD COLUMN email TEXT`);
      if (!/\bmentions TEXT\b/.test(messages.sql)) sql.exec(`ALTER TABLE messages ADD COLUMN mentions TEXT`);
    }
    sql.exec(SCHEMA);
    this.reloadTimers();
  }

  loadState(): Conversation | null {
    const row = this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'state'`).toArray()[0];
    return row ? (JSON.parse(row.value) as Conversation) : null;
  }

  saveState(state: Conversation): void {
    this.sql.exec(`INSERT INTO meta (key, value) VALUES ('state', ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, JSON.stringify(state));
  }

  meta<T>(key: string): T | null {
    const row = this.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = ?`, key).toArray()[0];
    return row ? (JSON.parse(row.value) as T) : null;
  }

  setMeta(key: string, value: unknown): void {
    if (value === null || value === undefined) this.sql.exec(`DELETE FROM meta WHERE key = ?`, key);
    else this.sql.exec(`INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value`, key, JSON.stringify(value));
  }

  /** The last `limit` customer message texts, oldest first (what AI alert rules read). */
  recentCustomerTexts(limit: number): { seq: number; text: string }[] {
    return this.sql
      .exec<{ seq: number; text: string }>(`SELECT seq, text FROM messages WHERE direction = 'inbound' AND is_note = 0 ORDER BY seq DESC LIMIT ?`, limit)
      .toArray()
      .reverse();
  }

  alertFired(ruleId: string, messageSeq: number): boolean {
    return this.sql.exec(`SELECT 1 FROM fired_alerts WHERE rule_id = ? AND message_seq = ?`, ruleId, messageSeq).toArray().length > 0;
  }

  /** Records that an alert rule fired for a customer message; false when it already had. */
  markAlertFired(ruleId: string, messageSeq: number): boolean {
    return this.sql.exec(`INSERT OR IGNORE INTO fired_alerts (rule_id, message_seq) VALUES (?, ?)`, ruleId, messageSeq).rowsWritten > 0;
  }

  appendEvent(event: ConversationEvent): void {
    this.sql.exec(
      `INSERT INTO events (seq, type, actor, data, at) VALUES (?, ?, ?, ?, ?)`,
      event.seq,
      event.type,
      event.actor ? JSON.stringify(event.actor) : null,
      JSON.stringify(event.data),
      event.at,
    );
  }

  listEvents(after: number, limit: number): ConversationEvent[] {
    return this.sql
      .exec<EventRow>(`SELECT seq, type, actor, data, at FROM events WHERE seq > ? ORDER BY seq LIMIT ?`, after, limit)
      .toArray()
      .map(toEvent);
  }

  insertMessage(m: Message): void {
    this.sql.exec(
      `INSERT INTO messages (id, seq, direction, author_type, author_id, author_name, text, attachments, is_note,
         external_id, channel, status, status_reason, created_at, updated_at, idem_key, email, mentions)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      m.id,
      m.seq,
      m.direction,
      m.authorType,
      m.authorId,
      m.authorName,
      m.text,
      JSON.stringify(m.attachments),
      m.isInternalNote ? 1 : 0,
      m.externalId,
      m.channel,
      m.status,
      m.statusReason,
      m.createdAt,
      m.updatedAt,
      m.externalId === null ? null : idempotencyKey({ type: m.authorType, id: m.authorId }, m.externalId),
      m.email ? JSON.stringify(m.email) : null,
      m.mentions?.length ? JSON.stringify(m.mentions) : null,
    );
  }

  /** The earlier message this one repeats: same external id from the same author (see idempotency.ts). */
  messageByIdempotencyKey(key: string, conversationId: string): Message | null {
    const row = this.sql.exec<MessageRow>(`SELECT * FROM messages WHERE idem_key = ?`, key).toArray()[0];
    return row ? toMessage(row, conversationId) : null;
  }

  messageById(id: string, conversationId: string): Message | null {
    const row = this.sql.exec<MessageRow>(`SELECT * FROM messages WHERE id = ?`, id).toArray()[0];
    return row ? toMessage(row, conversationId) : null;
  }

  /** An event with the message it names, if any (`known`: the message of the commit that made it, saving a read). */
  withMessage(e: ConversationEvent, conversationId: string, known?: Message): ServerEvent {
    const messageId = typeof e.data.messageId === 'string' ? e.data.messageId : null;
    if (!messageId) return e;
    const message = known?.id === messageId && e.type !== 'message.status' ? known : this.messageById(messageId, conversationId);
    return message ? { ...e, message } : e;
  }

  setMessageStatus(id: string, status: DeliveryStatus, reason: string | null, at: number): void {
    this.sql.exec(`UPDATE messages SET status = ?, status_reason = ?, updated_at = ? WHERE id = ?`, status, reason, at, id);
  }

  /** Messages ordered by seq; `before`/`after` are seq cursors. Newest page first when only `before` (or nothing) is given. */
  listMessages(conversationId: string, opts: { after?: number; before?: number; limit: number; includeNotes: boolean }): Message[] {
    const where: string[] = [];
    const args: SqlStorageValue[] = [];
    if (opts.after !== undefined) {
      where.push('seq > ?');
      args.push(opts.after);
    }
    if (opts.before !== undefined) {
      where.push('seq < ?');
      args.push(opts.before);
    }
    if (!opts.includeNotes) where.push('is_note = 0');
    const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
    // Forward paging (after) reads ascending; otherwise take the newest `limit` and return them ascending.
    const order = opts.after !== undefined ? 'ASC' : 'DESC';
    const rows = this.sql
      .exec<MessageRow>(`SELECT * FROM messages ${clause} ORDER BY seq ${order} LIMIT ?`, ...args, opts.limit)
      .toArray()
      .map((r) => toMessage(r, conversationId));
    return order === 'DESC' ? rows.reverse() : rows;
  }

  unreadFor(userId: string): { lastReadSeq: number; unread: number } {
    const lastReadSeq = this.sql.exec<{ s: number }>(`SELECT last_read_seq AS s FROM reads WHERE user_id = ?`, userId).toArray()[0]?.s ?? 0;
    const unread = this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM messages WHERE direction = 'inbound' AND seq > ?`, lastReadSeq).one().n;
    return { lastReadSeq, unread };
  }

  /** Moves a reader's position forward only. Returns true when it moved. */
  markRead(userId: string, seq: number): boolean {
    const cursor = this.sql.exec(
      `INSERT INTO reads (user_id, last_read_seq) VALUES (?, ?)
       ON CONFLICT(user_id) DO UPDATE SET last_read_seq = excluded.last_read_seq WHERE excluded.last_read_seq > reads.last_read_seq`,
      userId,
      seq,
    );
    return cursor.rowsWritten > 0;
  }

  /**
   * Moves a reader's position back to just before the latest customer message, so the conversation counts
   * as unread (one message) for that reader only. Returns the new position, or null when it is already
   * unread for them or there is no customer message to be unread.
   */
  markUnread(userId: string): number | null {
    const last = this.sql.exec<{ s: number | null }>(`SELECT max(seq) AS s FROM messages WHERE direction = 'inbound'`).one().s;
    if (!last) return null;
    const target = last - 1;
    const cursor = this.sql.exec(
      `INSERT INTO reads (user_id, last_read_seq) VALUES (?, ?)
       ON CONFLICT(user_id) DO UPDATE SET last_read_seq = excluded.last_read_seq WHERE reads.last_read_seq > excluded.last_read_seq`,
      userId,
      target,
    );
    return cursor.rowsWritten > 0 ? target : null;
  }

  /** After storage.deleteAll() (the conversation was deleted): empty tables again, so the object stays usable. */
  reset(): void {
    this.#timers.clear();
    this.sql.exec(SCHEMA);
  }

  enqueue(kind: OutboxKind, payload: unknown): void {
    this.sql.exec(`INSERT INTO outbox (kind, payload) VALUES (?, ?)`, kind, JSON.stringify(payload));
  }

  outbox(limit: number): OutboxRow[] {
    return this.sql.exec<{ id: number; kind: OutboxKind; payload: string }>(`SELECT id, kind, payload FROM outbox ORDER BY id LIMIT ?`, limit).toArray();
  }

  outboxSize(): number {
    return this.sql.exec<{ n: number }>(`SELECT count(*) AS n FROM outbox`).one().n;
  }

  dropOutbox(uptoId: number): void {
    this.sql.exec(`DELETE FROM outbox WHERE id <= ?`, uptoId);
  }

  /** Re-read the schedule (after a transaction that threw and was rolled back). */
  reloadTimers(): void {
    this.#timers.clear();
    for (const row of this.sql.exec<{ kind: TimerKind; at: number }>(`SELECT kind, at FROM schedule`)) this.#timers.set(row.kind, row.at);
  }

  /** Set or clear a timer; writes only when it changes. */
  setTimer(kind: TimerKind, at: number | null): void {
    if ((this.#timers.get(kind) ?? null) === at) return;
    if (at === null) {
      this.sql.exec(`DELETE FROM schedule WHERE kind = ?`, kind);
      this.#timers.delete(kind);
    } else {
      this.sql.exec(`INSERT INTO schedule (kind, at) VALUES (?, ?) ON CONFLICT(kind) DO UPDATE SET at = excluded.at`, kind, at);
      this.#timers.set(kind, at);
    }
  }

  /** One timer, read from the table (a key lookup): the table stays the truth the alarm acts on. */
  timer(kind: TimerKind): number | null {
    return this.sql.exec<{ at: number }>(`SELECT at FROM schedule WHERE kind = ?`, kind).toArray()[0]?.at ?? null;
  }

  /** The earliest timer: the one instant the single alarm must be set to. */
  nextTimer(): number | null {
    let min: number | null = null;
    for (const at of this.#timers.values()) if (min === null || at < min) min = at;
    return min;
  }
}

type MessageRow = {
  id: string;
  seq: number;
  direction: string;
  author_type: string;
  author_id: string | null;
  author_name: string | null;
  text: string;
  attachments: string;
  is_note: number;
  external_id: string | null;
  channel: string;
  status: string;
  status_reason: string | null;
  created_at: number;
  updated_at: number;
  email?: string | null;
  mentions?: string | null;
};

type EventRow = { seq: number; type: string; actor: string | null; data: string; at: number };

function toMessage(r: MessageRow, conversationId: string): Message {
  return {
    id: r.id,
    conversationId,
    seq: r.seq,
    direction: r.direction as Message['direction'],
    authorType: r.author_type as Message['authorType'],
    authorId: r.author_id,
    authorName: r.author_name,
    text: r.text,
    attachments: JSON.parse(r.attachments) as Attachment[],
    isInternalNote: r.is_note === 1,
    externalId: r.external_id,
    channel: r.channel,
    status: r.status as DeliveryStatus,
    statusReason: r.status_reason,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
    ...(r.email ? { email: JSON.parse(r.email) as EmailHeaders } : {}),
    ...(r.mentions ? { mentions: JSON.parse(r.mentions) as string[] } : {}),
  };
}

function toEvent(r: EventRow): ConversationEvent {
  return {
    seq: r.seq,
    type: r.type as ConversationEvent['type'],
    actor: r.actor ? (JSON.parse(r.actor) as Actor) : null,
    data: JSON.parse(r.data) as Record<string, unknown>,
    at: r.at,
  };
}

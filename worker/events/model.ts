// The event stream: what every conversation event looks like once it leaves its ConversationDO. Each
// event is committed with the change that caused it, then sent through the object's outbox onto the
// EVENTS queue in sequence order. Subscribers (worker/events/subscribers.ts) are the one place other
// features learn what happened to conversations. Delivery is at least once: `id` is stable (the same
// event always carries the same id), so a subscriber makes itself idempotent on it or on `seq`.
import type { Actor, Conversation, ConversationEvent, ConversationEventType, Message, Status } from '../conversations/model';

/** The conversation as it stood right after the commit that produced the event (enough for conditions and facts). */
export type EventConversation = Pick<Conversation, 'contactId' | 'inboxId' | 'channel' | 'status' | 'priority' | 'assigneeId' | 'teamId' | 'tags' | 'createdAt'> & {
  slaStatus: string | null;
};

export interface ParleyEvent<T extends ConversationEventType = ConversationEventType> {
  /** `<conversationId>:<seq>`: the same event keeps its id across retries and redeliveries. */
  id: string;
  workspaceId: string;
  conversationId: string;
  /** The conversation's sequence number: increasing without gaps per conversation. */
  seq: number;
  type: T;
  at: number;
  actor: Actor | null;
  data: T extends keyof EventData ? EventData[T] : Record<string, unknown>;
  /** The sequence numbers of the commit this event belongs to (one input: a message, a patch, a timer). */
  commit: { first: number; last: number };
  conversation: EventConversation;
  /** For message events: the message itself (text cut to EVENT_TEXT_LIMIT characters; the object keeps it whole). */
  message?: EventMessage;
  /** For `conversation.updated` events that changed tags: what was added and removed. */
  tagsAdded?: string[];
  tagsRemoved?: string[];
}

/**
 * The payload of each event type, as the core emits it (worker/conversations/state.ts,
 * worker/routing/apply.ts, worker/sla/*). Fields not listed may appear; these are the contract.
 */
export interface EventData {
  'conversation.created': { channel: string; inboxId: string };
  /** trigger and note: when routing made it (worker/routing/apply.ts), how (a transfer) and the transfer's note. */
  'conversation.assigned': { from: string | null; to: string | null; trigger?: string; note?: string | null };
  'conversation.status_changed': { from: Status; to: Status; reason?: string | null };
  /** Only the fields that changed: priority, teamId, tags, subject, closingNote, summary, contactId, snoozeUntil… */
  'conversation.updated': Partial<Pick<Conversation, 'priority' | 'teamId' | 'tags' | 'subject' | 'closingNote' | 'summary' | 'contactId'>> & Record<string, unknown>;
  'conversation.routed': { trigger: string; outcome: string; assigneeId: string | null; teamId: string | null; reason?: string } & Record<string, unknown>;
  'message.received': { messageId: string } & Record<string, unknown>;
  'message.created': { messageId: string } & Record<string, unknown>;
  'message.status': { messageId: string; status: string; reason: string | null };
  'sla.applied': Record<string, unknown>;
  'sla.met': { target: string } & Record<string, unknown>;
  'sla.warning': { target: string } & Record<string, unknown>;
  'sla.breached': { target: string } & Record<string, unknown>;
  'escalation.started': { id: string; pathId: string; pathName: string; trigger: string; reason: string; nextLevelAt: number | null };
  'escalation.level': { id: string; level: number; name: string } & Record<string, unknown>;
  'escalation.resolved': { id: string; resolution: string; note: string | null };
  'alert.fired': { ruleId: string; ruleName: string; reasons: string[]; messageSeq: number } & Record<string, unknown>;
  /** score: normalized 1–5; raw: on its scale; surveyId null when a manager recorded it by hand. */
  'csat.submitted': { surveyId: string | null; score: number; raw: number; scale: string; comment: string | null; source: 'survey' | 'manual'; replaced: boolean };
  'followup.scheduled': { id: string; dueAt: number; text: string | null; cancelOnReply: boolean; kind: 'followup' };
  'followup.cancelled': { id: string; reason: 'agent' | 'customer_replied' | 'closed' | 'author_rights'; detail?: string };
  'followup.fired': { id: string; messageId: string | null; reopened: boolean };
  'scheduled_message.scheduled': { id: string; sendAt: number };
  'scheduled_message.updated': { id: string; sendAt: number };
  'scheduled_message.cancelled': { id: string; reason?: 'customer_replied' | 'author_rights'; detail?: string };
}

export interface EventMessage {
  id: string;
  direction: 'inbound' | 'outbound' | 'internal';
  authorType: string;
  authorId: string | null;
  text: string;
  isInternalNote: boolean;
  attachments: number;
  externalId: string | null;
}

/** Message texts travel cut to this many characters: a queue message stays far under its 128 KB limit. */
export const EVENT_TEXT_LIMIT = 2_000;

export function eventConversation(c: Conversation): EventConversation {
  return {
    contactId: c.contactId,
    inboxId: c.inboxId,
    channel: c.channel,
    status: c.status,
    priority: c.priority,
    assigneeId: c.assigneeId,
    teamId: c.teamId,
    tags: c.tags,
    slaStatus: c.sla?.status ?? null,
    createdAt: c.createdAt,
  };
}

export function eventId(conversationId: string, seq: number): string {
  return `${conversationId}:${seq}`;
}

/** Whether a value off the queue has the envelope's shape (anything else goes to dead letters). */
export function isParleyEvent(v: unknown): v is ParleyEvent {
  const e = v as ParleyEvent | null;
  return !!e && typeof e === 'object' && typeof e.id === 'string' && typeof e.workspaceId === 'string' && typeof e.conversationId === 'string' && typeof e.seq === 'number' && typeof e.type === 'string';
}

/**
 * The envelope of one committed event. `previousTags` are the conversation's tags before the commit
 * (null for a new conversation); `message` is the message the commit stored, if any.
 */
export function toParleyEvent(
  c: Conversation,
  e: ConversationEvent,
  commit: { first: number; last: number },
  previousTags: string[] | null,
  message?: Message,
): ParleyEvent {
  const out: ParleyEvent = {
    id: eventId(c.id, e.seq),
    workspaceId: c.workspaceId,
    conversationId: c.id,
    seq: e.seq,
    type: e.type,
    at: e.at,
    actor: e.actor,
    data: e.data as ParleyEvent['data'],
    commit,
    conversation: eventConversation(c),
  };
  if (message && (e.type === 'message.received' || e.type === 'message.created') && e.data.messageId === message.id) {
    out.message = {
      id: message.id,
      direction: message.direction,
      authorType: message.authorType,
      authorId: message.authorId,
      text: message.text.slice(0, EVENT_TEXT_LIMIT),
      isInternalNote: message.isInternalNote,
      attachments: message.attachments.length,
      externalId: message.externalId,
    };
  }
  if (e.type === 'conversation.updated' && Array.isArray(e.data.tags)) {
    const before = new Set(previousTags ?? []);
    const after = new Set(e.data.tags as string[]);
    out.tagsAdded = [...after].filter((t) => !before.has(t));
    out.tagsRemoved = [...before].filter((t) => !after.has(t));
  }
  return out;
}

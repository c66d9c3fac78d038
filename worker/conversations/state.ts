// The conversation state machine as pure functions: every transition takes the current state and
// returns the next state plus the events it produced. ConversationDO only persists what these return.
import {
  PRIORITY_RANK,
  type Actor,
  type AuthorType,
  type Conversation,
  type ConversationEventType,
  type Direction,
  type Priority,
  type Status,
} from './model';

export interface PendingEvent {
  type: ConversationEventType;
  actor: Actor | null;
  data: Record<string, unknown>;
}

export interface Transition {
  state: Conversation;
  events: PendingEvent[];
}

export class TransitionError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
  }
}

export interface NewConversation {
  id: string;
  workspaceId: string;
  contactId: string;
  inboxId: string;
  channel: string;
  subject?: string | null;
  priority?: Priority;
  teamId?: string | null;
  assigneeId?: string | null;
  tags?: string[];
}

const PREVIEW_LENGTH = 140;

export function createConversation(input: NewConversation, now: number, actor: Actor | null): Transition {
  const state: Conversation = {
    id: input.id,
    workspaceId: input.workspaceId,
    contactId: input.contactId,
    inboxId: input.inboxId,
    channel: input.channel,
    status: 'open',
    priority: input.priority ?? 'normal',
    assigneeId: input.assigneeId ?? null,
    teamId: input.teamId ?? null,
    subject: input.subject ?? null,
    tags: normalizeTags(input.tags ?? []),
    snoozeUntil: null,
    closedAt: null,
    closingNote: null,
    summary: null,
    createdAt: now,
    updatedAt: now,
    lastActivityAt: now,
    lastMessagePreview: null,
    lastMessageDirection: null,
    lastMessageAuthorType: null,
    waitingSince: null,
    messageCount: 0,
    seq: 0,
    lastCustomerSeq: 0,
  };
  const events: PendingEvent[] = [{ type: 'conversation.created', actor, data: { channel: state.channel, inboxId: state.inboxId } }];
  if (state.assigneeId) events.push({ type: 'conversation.assigned', actor, data: { from: null, to: state.assigneeId } });
  return { state, events };
}

export interface ReopenPolicy {
  /** An inbound message reopens a closed conversation only this long after it was closed. */
  reopenWindowMs: number;
}

/**
 * Whether an inbound message may land in this conversation. A closed conversation past the reopen
 * window refuses it, and the caller opens a new conversation for the contact instead.
 */
export function acceptsInbound(state: Conversation, now: number, policy: ReopenPolicy): boolean {
  if (state.status !== 'closed') return true;
  // Archived by the auto-status rule: the customer picks it up again, however long ago it closed.
  if (state.archivedAt) return true;
  return state.closedAt !== null && now - state.closedAt <= policy.reopenWindowMs;
}

export interface MessageFacts {
  id: string;
  direction: Direction;
  authorType: AuthorType;
  text: string;
  isInternalNote: boolean;
  hasAttachments: boolean;
}

/**
 * Apply a new message. `seq` is the sequence number the message's event will get, so the customer's
 * latest message can be compared with agents' read positions.
 */
export function applyMessage(state: Conversation, msg: MessageFacts, seq: number, now: number, actor: Actor | null): Transition {
  const next: Conversation = { ...state, updatedAt: now, lastActivityAt: now, messageCount: state.messageCount + 1 };
  const events: PendingEvent[] = [];
  next.lastMessagePreview = preview(msg);
  next.lastMessageDirection = msg.direction;
  next.lastMessageAuthorType = msg.authorType;

  if (msg.direction === 'inbound') {
    next.lastCustomerSeq = seq;
    if (next.waitingSince === null) next.waitingSince = now;
    if (state.status !== 'open') {
      events.push(statusEvent(state.status, 'open', actor, 'customer_replied'));
      next.status = 'open';
      next.snoozeUntil = null;
      next.closedAt = null;
      if (state.archivedAt) next.archivedAt = null;
    }
  } else if (msg.direction === 'outbound' && (msg.authorType === 'agent' || msg.authorType === 'ai' || msg.authorType === 'bot')) {
    // The customer is answered: they are no longer waiting on us.
    next.waitingSince = null;
  }
  events.unshift({
    type: msg.direction === 'inbound' ? 'message.received' : 'message.created',
    actor,
    data: { messageId: msg.id, direction: msg.direction, isInternalNote: msg.isInternalNote },
  });
  return { state: next, events };
}

export interface ConversationPatch {
  status?: Status;
  snoozeUntil?: number | null;
  assigneeId?: string | null;
  teamId?: string | null;
  tags?: string[];
  /** Tags to add and remove against the tags the object holds when it applies the change (not a list read earlier): concurrent adds all stay. */
  addTags?: string[];
  removeTags?: string[];
  priority?: Priority;
  subject?: string | null;
  closingNote?: string | null;
  summary?: string | null;
  /** Agents clear (or set) the flag an AI alert rule or an escalation raised. */
  flagged?: boolean;
  /** Manual archive: true closes the conversation (if it is not) and archives it; false takes it out of the archive, still closed. */
  archived?: boolean;
}

/** Apply an agent's (or the system's) change. Throws TransitionError naming the field on an invalid change. */
export function applyPatch(state: Conversation, patch: ConversationPatch, now: number, actor: Actor | null): Transition {
  const next: Conversation = { ...state };
  const events: PendingEvent[] = [];
  const changed: Record<string, unknown> = {};

  if (patch.status !== undefined && patch.status !== state.status) {
    if (patch.status === 'snoozed') {
      const until = patch.snoozeUntil ?? null;
      if (until === null) throw new TransitionError('snoozeUntil', 'snoozeUntil is required to snooze a conversation');
      if (until <= now) throw new TransitionError('snoozeUntil', 'snoozeUntil must be in the future');
      next.snoozeUntil = until;
    } else {
      next.snoozeUntil = null;
    }
    next.closedAt = patch.status === 'closed' ? now : null;
    if (state.archivedAt && patch.status !== 'closed') next.archivedAt = null;
    next.status = patch.status;
    events.push(statusEvent(state.status, patch.status, actor, 'manual'));
  } else if (patch.status === 'snoozed' && patch.snoozeUntil !== undefined && patch.snoozeUntil !== state.snoozeUntil) {
    // Re-snoozing a snoozed conversation moves its wake-up time.
    if (patch.snoozeUntil === null || patch.snoozeUntil <= now) throw new TransitionError('snoozeUntil', 'snoozeUntil must be in the future');
    next.snoozeUntil = patch.snoozeUntil;
    changed.snoozeUntil = patch.snoozeUntil;
  } else if (patch.status === undefined && patch.snoozeUntil !== undefined && patch.snoozeUntil !== null) {
    // A bare snoozeUntil means "snooze until then".
    if (patch.snoozeUntil <= now) throw new TransitionError('snoozeUntil', 'snoozeUntil must be in the future');
    if (state.status !== 'snoozed') events.push(statusEvent(state.status, 'snoozed', actor, 'manual'));
    else changed.snoozeUntil = patch.snoozeUntil;
    next.status = 'snoozed';
    next.snoozeUntil = patch.snoozeUntil;
    next.closedAt = null;
    if (state.archivedAt) next.archivedAt = null;
  }

  if (patch.archived === true) {
    if (patch.status !== undefined && patch.status !== 'closed') throw new TransitionError('archived', 'an archived conversation is closed: archive it without another status');
    if (next.status !== 'closed') {
      events.push(statusEvent(next.status, 'closed', actor, 'archived'));
      next.status = 'closed';
      next.snoozeUntil = null;
      next.closedAt = now;
    }
    if (!next.archivedAt) {
      next.archivedAt = now;
      changed.archived = true;
    }
  } else if (patch.archived === false && next.archivedAt) {
    next.archivedAt = null;
    changed.archived = false;
  }

  if (patch.assigneeId !== undefined && patch.assigneeId !== state.assigneeId) {
    next.assigneeId = patch.assigneeId;
    events.push({ type: 'conversation.assigned', actor, data: { from: state.assigneeId, to: patch.assigneeId } });
  }
  if (patch.teamId !== undefined && patch.teamId !== state.teamId) {
    next.teamId = patch.teamId;
    changed.teamId = patch.teamId;
  }
  if (patch.tags !== undefined || patch.addTags !== undefined || patch.removeTags !== undefined) {
    const gone = new Set(normalizeTags(patch.removeTags ?? []));
    const tags = normalizeTags([...(patch.tags ?? state.tags), ...(patch.addTags ?? [])]).filter((t) => !gone.has(t));
    if (tags.join('\n') !== state.tags.join('\n')) {
      next.tags = tags;
      changed.tags = tags;
    }
  }
  if (patch.priority !== undefined && patch.priority !== state.priority) {
    if (!(patch.priority in PRIORITY_RANK)) throw new TransitionError('priority', `unknown priority ${patch.priority}`);
    next.priority = patch.priority;
    changed.priority = patch.priority;
  }
  if (patch.flagged !== undefined && patch.flagged !== (state.flagged ?? false)) {
    next.flagged = patch.flagged;
    changed.flagged = patch.flagged;
  }
  for (const field of ['subject', 'closingNote', 'summary'] as const) {
    const value = patch[field];
    if (value !== undefined && value !== state[field]) {
      next[field] = value;
      changed[field] = value;
    }
  }
  if (Object.keys(changed).length > 0) events.push({ type: 'conversation.updated', actor, data: changed });
  if (events.length > 0) next.updatedAt = now;
  return { state: next, events };
}

/** The snooze alarm: a snoozed conversation whose time has come reopens. */
export function wake(state: Conversation, now: number): Transition {
  if (state.status !== 'snoozed' || state.snoozeUntil === null || state.snoozeUntil > now) return { state, events: [] };
  const next: Conversation = { ...state, status: 'open', snoozeUntil: null, updatedAt: now };
  return { state: next, events: [statusEvent('snoozed', 'open', systemActor, 'snooze_expired')] };
}

export const systemActor: Actor = { type: 'system', id: null, name: 'Parley' };

function statusEvent(from: Status, to: Status, actor: Actor | null, reason: string): PendingEvent {
  return { type: 'conversation.status_changed', actor, data: { from, to, reason } };
}

export function normalizeTags(tags: string[]): string[] {
  const seen = new Set<string>();
  for (const raw of tags) {
    const tag = raw.trim().toLowerCase();
    if (tag) seen.add(tag);
  }
  return [...seen].sort();
}

/** The composer's light formatting (**bold**, _italic_, [text](url)) read as plain words in a one-line preview. */
export function plainPreviewText(text: string): string {
  return text
    .replace(/\*\*([^*\n]+)\*\*/g, '$1')
    .replace(/(^|[\s(])_([^_\n]+)_(?=[\s).,!?;:]|$)/g, '$1$2')
    .replace(/\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, '$1');
}

function preview(msg: MessageFacts): string {
  const text = plainPreviewText(msg.text).replace(/\s+/g, ' ').trim();
  const body = text || (msg.hasAttachments ? '[attachment]' : '');
  const clipped = body.length > PREVIEW_LENGTH ? `${body.slice(0, PREVIEW_LENGTH - 1)}…` : body;
  return msg.isInternalNote ? `Note: ${clipped}` : clipped;
}

export { nextDeliveryStatus } from './delivery-status';

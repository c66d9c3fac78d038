// Appending a message to a conversation, as pure functions the ConversationDO calls: the message row
// and the transition it makes (on a new conversation, its creation first, so both are one commit), the
// routing decision folded into that same transition, and the outbound job a queued reply becomes.
import { newId } from '../db/ids';
import type { DeliverJob } from '../ingest/jobs';
import { routingTransition, type RoutingRefusal } from '../routing/apply';
import type { RoutingDecision } from '../routing/model';
import type { IncomingMessage, MessageResult } from './inputs';
import type { Actor, Conversation, Message } from './model';
import type { VisitorConversation } from './socket-protocol';
import { acceptsInbound, applyMessage, applyPatch, createConversation, TransitionError, type NewConversation, type Transition } from './state';

export type Draft = { ok: true; message: Message; transition: Transition } | Extract<MessageResult, { ok: false }>;

export interface DraftContext {
  /** The conversation as stored (null: this object is new and `init` creates it). */
  state: Conversation | null;
  init: NewConversation | null;
  reopenWindowMs: number;
  now: number;
  /** Who holds the thread's reply lock against this user (another agent typing a reply), if anyone. */
  lockHolder: (userId: string) => import('./socket-protocol').Viewer | null;
  /** A web chat visitor is connected: a reply is delivered as it is stored. */
  visitorHere: boolean;
}

/** The message and the transition it makes (on a new conversation: its creation first), or why it is refused. */
export function draftMessage(input: IncomingMessage, ctx: DraftContext): Draft {
  const { now } = ctx;
  if (!ctx.state && !ctx.init) return { ok: false, reason: 'not_found' };
  const created = ctx.state ? null : createConversation(ctx.init!, historyAt(input, now), input.author);
  const state = ctx.state ?? created!.state;
  if (input.direction === 'inbound' && !acceptsInbound(state, now, { reopenWindowMs: ctx.reopenWindowMs })) return { ok: false, reason: 'closed' };
  const isNote = input.isInternalNote === true;
  if (input.replyLock && !isNote && input.direction === 'outbound') {
    const holder = ctx.lockHolder(input.replyLock.userId);
    if (holder) return { ok: false, reason: 'locked', holder };
  }
  const webchatVisitorHere = !isNote && input.direction === 'outbound' && state.channel === 'webchat' && ctx.visitorHere;
  const message: Message = {
    id: newId('msg'),
    conversationId: state.id,
    // The message.received/created event's sequence number: after the creation's own events.
    seq: state.seq + (created?.events.length ?? 0) + 1,
    direction: isNote ? 'internal' : input.direction,
    authorType: input.author.type,
    authorId: input.author.id,
    authorName: input.author.name,
    text: input.text,
    attachments: input.attachments ?? [],
    isInternalNote: isNote,
    externalId: input.externalId ?? null,
    channel: state.channel,
    // Web chat is delivered by the object; every other channel's reply is queued for its provider.
    status: isNote || input.direction === 'inbound' || webchatVisitorHere ? 'delivered' : (input.status ?? (state.channel === 'webchat' ? 'sent' : 'queued')),
    statusReason: null,
    createdAt: input.createdAt ?? now,
    updatedAt: now,
    ...(input.email ? { email: input.email } : {}),
    ...(isNote && input.mentions?.length ? { mentions: input.mentions } : {}),
  };
  const t = applyMessage(
    state,
    { id: message.id, direction: message.direction, authorType: message.authorType, text: message.text, isInternalNote: isNote, hasAttachments: message.attachments.length > 0 },
    message.seq,
    historyAt(input, now),
    input.author,
  );
  return { ok: true, message, transition: created ? { state: t.state, events: [...created.events, ...t.events] } : t };
}

/** The draft's transition with the router's decision applied on top (one commit), or why the decision no longer fits. */
export function withDecision(t: Transition, decision: RoutingDecision, now: number): Transition | RoutingRefusal {
  const routed = routingTransition(t.state, decision, now);
  return typeof routed === 'string' ? routed : { state: routed.state, events: [...t.events, ...routed.events] };
}

/**
 * The transition, closed as well (one commit). A close the workspace's rules refuse (a closing note
 * required) leaves it as it was: the conversation stays open, as a separate close would have.
 */
export function closedToo(t: Transition, actor: Actor): Transition {
  try {
    const closed = applyPatch(t.state, { status: 'closed' }, Date.now(), actor);
    return { state: closed.state, events: [...t.events, ...closed.events] };
  } catch (err) {
    if (err instanceof TransitionError) return t;
    throw err;
  }
}

/** When a message happened to its conversation: its own createdAt for imported history, else now. */
export function historyAt(input: IncomingMessage, now: number): number {
  return input.history && input.createdAt !== undefined ? Math.min(input.createdAt, now) : now;
}

/** Outbound replies on provider channels start 'queued' and are handed to the OUTBOUND queue; notes and web chat never are. */
export function needsDelivery(m: Message): boolean {
  return m.direction === 'outbound' && !m.isInternalNote && m.channel !== 'webchat' && m.status === 'queued';
}

export function deliverJob(c: Conversation, m: Message): DeliverJob {
  return {
    kind: 'deliver',
    workspaceId: c.workspaceId,
    conversationId: c.id,
    contactId: c.contactId,
    inboxId: c.inboxId,
    channel: c.channel,
    messageId: m.id,
    clientId: m.externalId,
    text: m.text,
    attachments: m.attachments,
    authorName: m.authorName,
  };
}

/** What a widget visitor may see of the conversation. */
export function visitorView(c: Conversation): VisitorConversation {
  return { id: c.id, status: c.status, seq: c.seq };
}

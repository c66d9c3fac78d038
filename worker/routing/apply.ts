// How a routing decision lands in a conversation: when routing runs (created or reopened
// unassigned by an inbound message) and the transition that applies a decision with its event.
import type { Actor, Conversation, Message } from '../conversations/model';
import { applyPatch, type ConversationPatch, type Transition } from '../conversations/state';
import type { RoutingDecision } from './model';

export const routingActor: Actor = { type: 'system', id: null, name: 'Routing' };

/** Whether this commit must ask the router: an inbound message on an unassigned conversation that is new (first customer message) or reopened. */
export function routingTrigger(prev: Conversation | null, next: Conversation, message: Message | undefined): 'created' | 'reopened' | null {
  if (!message || message.direction !== 'inbound' || next.assigneeId !== null) return null;
  if (!prev || prev.lastCustomerSeq === 0) return 'created';
  if (prev.status === 'closed') return 'reopened';
  return null;
}

export type RoutingRefusal = 'closed' | 'assignee_changed';

/**
 * The transition for a decision: assignee, team, priority and tags through the ordinary patch (so
 * `conversation.assigned` and `conversation.updated` are emitted as for a manual change), plus
 * `conversation.routed` with the reason. Refuses a decision the conversation has moved past.
 */
export function routingTransition(state: Conversation, d: RoutingDecision, now: number): Transition | RoutingRefusal {
  const manual = d.trigger === 'transfer' || d.trigger === 'takeover';
  if (state.status === 'closed' && !manual) return 'closed';
  if (state.assigneeId !== d.expectAssigneeId) return 'assignee_changed';
  const patch: ConversationPatch = {};
  if (d.outcome === 'assigned') patch.assigneeId = d.assigneeId;
  else if (state.assigneeId !== null) patch.assigneeId = null;
  if (d.teamId !== null || d.trigger === 'transfer') patch.teamId = d.teamId;
  if (d.priority) patch.priority = d.priority;
  if (d.addTags.length > 0) patch.tags = [...state.tags, ...d.addTags];
  const actor: Actor = d.by ? { type: 'agent', id: d.by.id, name: d.by.name } : routingActor;
  const t = applyPatch(state, patch, now, actor);
  // The assignment says how it came about (a transfer and its note) itself: a subscriber reading it
  // must not depend on finding the routed event beside it in the same queue batch.
  t.events = t.events.map((e) => (e.type === 'conversation.assigned' ? { ...e, data: { ...e.data, trigger: d.trigger, note: d.note } } : e));
  const { conversationId: _id, ...data } = d;
  t.events.push({ type: 'conversation.routed', actor, data: data as unknown as Record<string, unknown> });
  t.state = { ...t.state, updatedAt: now };
  return t;
}

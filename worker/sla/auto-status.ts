// Auto-status rules as pure functions (per workspace, worker/sla/model.ts AutoStatusSettings):
// open → pending once our reply has been the last word for pendingAfterMs; pending → closed after
// autoCloseAfterMs idle (the DO sends autoCloseMessage first); closed → archived after archiveAfterMs.
// The ConversationDO keeps nextAutoStatusAt in its schedule table and applies autoStatusTransition at the alarm.
import type { Conversation, Status } from '../conversations/model';
import { systemActor, type PendingEvent } from '../conversations/state';
import type { AutoStatusSettings } from './model';

/** When the auto-status rule next applies to this conversation (null: never, as things stand). */
export function nextAutoStatusAt(conv: Conversation, s: AutoStatusSettings): number | null {
  if (conv.archivedAt != null) return null;
  switch (conv.status) {
    case 'open':
      // Only while the customer owes us the next word: a waiting customer is never parked.
      if (s.pendingAfterMs === null || conv.waitingSince !== null || conv.lastMessageDirection !== 'outbound') return null;
      return conv.lastActivityAt + s.pendingAfterMs;
    case 'pending':
      return s.autoCloseAfterMs === null ? null : conv.lastActivityAt + s.autoCloseAfterMs;
    case 'closed':
      return s.archiveAfterMs === null || conv.closedAt === null ? null : conv.closedAt + s.archiveAfterMs;
    default:
      return null;
  }
}

/**
 * Apply the due rule if any (returns no events when nothing is due yet). On auto-close, `closingMessage`
 * is the message to send as a system message before the close: the returned state is already closed,
 * so the caller should persist the message and this state together rather than re-evaluate afterwards
 * (the message moves lastActivityAt, which would push the rule out again).
 */
export function autoStatusTransition(conv: Conversation, s: AutoStatusSettings, now: number): { state: Conversation; events: PendingEvent[]; closingMessage: string | null } {
  const at = nextAutoStatusAt(conv, s);
  if (at === null || now < at) return { state: conv, events: [], closingMessage: null };
  if (conv.status === 'open') {
    return { state: { ...conv, status: 'pending', snoozeUntil: null, updatedAt: now }, events: [statusEvent('open', 'pending', 'auto_pending')], closingMessage: null };
  }
  if (conv.status === 'pending') {
    const message = s.autoCloseMessage?.trim() ? s.autoCloseMessage : null;
    const state: Conversation = { ...conv, status: 'closed', closedAt: now, snoozeUntil: null, updatedAt: now };
    return { state, events: [statusEvent('pending', 'closed', 'auto_close')], closingMessage: message };
  }
  return {
    state: { ...conv, archivedAt: now, updatedAt: now },
    events: [{ type: 'conversation.updated', actor: systemActor, data: { archivedAt: now, reason: 'auto_archive' } }],
    closingMessage: null,
  };
}

function statusEvent(from: Status, to: Status, reason: string): PendingEvent {
  return { type: 'conversation.status_changed', actor: systemActor, data: { from, to, reason } };
}

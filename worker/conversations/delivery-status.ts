// A message's delivery status only moves forward. Shared by the ConversationDO (receipts arrive out of
// order and twice) and the agent app (a socket frame can outrun the HTTP answer that carries an older status).
import type { DeliveryStatus, Message } from './model';
import type { PendingEvent } from './state';

const DELIVERY_RANK: Record<DeliveryStatus, number> = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 1 };

/**
 * Delivery receipts arrive out of order and more than once: a status only moves forward
 * (queued → sent → delivered → read). `failed` wins over queued/sent but never over delivered/read.
 * Returns null when the incoming status changes nothing.
 */
export function nextDeliveryStatus(current: DeliveryStatus, incoming: DeliveryStatus): DeliveryStatus | null {
  if (incoming === current) return null;
  if (incoming === 'failed') return current === 'queued' || current === 'sent' ? 'failed' : null;
  if (current === 'failed') return incoming === 'delivered' || incoming === 'read' ? incoming : null;
  return DELIVERY_RANK[incoming] > DELIVERY_RANK[current] ? incoming : null;
}

/** A receipt for one message: the status it moves to, the reason kept (only a failure has one) and the event recording it; null when it changes nothing. */
export function deliveryReceipt(message: Pick<Message, 'id' | 'status'>, incoming: DeliveryStatus, reason?: string | null): { status: DeliveryStatus; reason: string | null; event: PendingEvent } | null {
  const status = nextDeliveryStatus(message.status, incoming);
  if (!status) return null;
  const kept = status === 'failed' ? (reason ?? null) : null;
  return { status, reason: kept, event: { type: 'message.status', actor: null, data: { messageId: message.id, status, reason: kept } } };
}

export interface ReceiptInput {
  messageId: string;
  status: DeliveryStatus;
  reason?: string | null;
}

/**
 * One conversation's receipts (of one INGEST batch, or the OUTBOUND consumer's one mark), in order, over
 * its messages as stored (`lookup`): the events and status writes of those that move a status forward —
 * a later receipt for the same message builds on the earlier one's status — and every named message's
 * status after them (null: no such message).
 */
export function foldReceipts(inputs: readonly ReceiptInput[], lookup: (messageId: string) => Pick<Message, 'id' | 'status'> | null) {
  const current = new Map<string, Pick<Message, 'id' | 'status'> | null>();
  const events: PendingEvent[] = [];
  const writes: { id: string; status: DeliveryStatus; reason: string | null }[] = [];
  for (const input of inputs) {
    if (!current.has(input.messageId)) current.set(input.messageId, lookup(input.messageId));
    const message = current.get(input.messageId);
    const receipt = message && deliveryReceipt(message, input.status, input.reason);
    if (!message || !receipt) continue;
    events.push(receipt.event);
    writes.push({ id: message.id, status: receipt.status, reason: receipt.reason });
    current.set(message.id, { id: message.id, status: receipt.status });
  }
  return { events, writes, statuses: Object.fromEntries([...current].map(([id, m]) => [id, m?.status ?? null])) as Record<string, DeliveryStatus | null> };
}

// What one ConversationDO commit records, pure (worker/conversations/commit.ts), and a delivery
// receipt's transition (worker/conversations/delivery-status.ts).
import { describe, expect, it } from 'vitest';
import { assembleCommit } from '../worker/conversations/commit';
import { deliveryReceipt } from '../worker/conversations/delivery-status';
import type { Message } from '../worker/conversations/model';
import { applyPatch, createConversation } from '../worker/conversations/state';

const T0 = 1_700_000_000_000;
const agent = { type: 'agent' as const, id: 'usr_1', name: 'Ann' };
const created = () => createConversation({ id: 'cnv_1', workspaceId: 'ws_1', contactId: 'ct_1', inboxId: 'inb_1', channel: 'sms' }, T0, null);

function reply(over: Partial<Message> = {}): Message {
  return {
    id: 'msg_1',
    conversationId: 'cnv_1',
    seq: 2,
    direction: 'outbound',
    authorType: 'agent',
    authorId: 'usr_1',
    authorName: 'Ann',
    text: 'On its way',
    attachments: [],
    isInternalNote: false,
    externalId: null,
    channel: 'sms',
    status: 'queued',
    statusReason: null,
    createdAt: T0,
    updatedAt: T0,
    ...over,
  };
}

describe('assembleCommit', () => {
  it('a new conversation: events numbered from 1, the state carries the last number, each event in its stream envelope, projected', () => {
    const t = created();
    const c = assembleCommit({ previous: null, state: t.state, events: t.events, wrote: false, at: T0 })!;
    expect(c.events.map((e) => [e.seq, e.type])).toEqual([[1, 'conversation.created']]);
    expect(c.next.seq).toBe(1);
    expect(c.stream.map((e) => [e.id, e.workspaceId, e.seq])).toEqual([['cnv_1:1', 'ws_1', 1]]);
    expect(c.rows.map((r) => r.kind)).toEqual(['projection']);
  });

  it('numbers on from the previous state, and an outbound reply that needs the channel gets its delivery job', () => {
    const previous = { ...created().state, seq: 1 };
    const t = applyPatch(previous, { priority: 'high' }, T0 + 1, agent);
    const c = assembleCommit({ previous, state: t.state, events: t.events, message: reply(), wrote: false, at: T0 + 1 })!;
    expect(c.events.map((e) => e.seq)).toEqual([2]);
    expect(c.rows.map((r) => r.kind)).toEqual(['message', 'deliver', 'projection']);
    expect(c.stream[0]).toMatchObject({ id: 'cnv_1:2', seq: 2 });
  });

  it('nothing changed and nothing else to write: no commit', () => {
    const state = { ...created().state, seq: 1 };
    expect(assembleCommit({ previous: state, state, events: [], wrote: false, at: T0 })).toBeNull();
    expect(assembleCommit({ previous: state, state: { ...state }, events: [], wrote: false, at: T0 })).toBeNull();
    // A write of the caller's own (alert rows) is still a commit, projected, with no event.
    const wrote = assembleCommit({ previous: state, state, events: [], wrote: true, at: T0 })!;
    expect(wrote.events).toEqual([]);
    expect(wrote.rows.map((r) => r.kind)).toEqual(['projection']);
  });
});

describe('deliveryReceipt', () => {
  it('moves the status forward with its event; a failure keeps its reason, other statuses none', () => {
    expect(deliveryReceipt(reply({ status: 'sent' }), 'delivered', 'ignored')).toEqual({
      status: 'delivered',
      reason: null,
      event: { type: 'message.status', actor: null, data: { messageId: 'msg_1', status: 'delivered', reason: null } },
    });
    expect(deliveryReceipt(reply({ status: 'sent' }), 'failed', 'number unreachable')).toMatchObject({ status: 'failed', reason: 'number unreachable' });
  });

  it('a receipt that would move the status back, or repeats it, changes nothing', () => {
    expect(deliveryReceipt(reply({ status: 'read' }), 'delivered')).toBeNull();
    expect(deliveryReceipt(reply({ status: 'sent' }), 'sent')).toBeNull();
  });
});

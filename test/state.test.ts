// The pure conversation state machine.
import { describe, expect, it } from 'vitest';
import { foldReceipts } from '../worker/conversations/delivery-status';
import { acceptsInbound, applyMessage, applyPatch, createConversation, nextDeliveryStatus, TransitionError, wake } from '../worker/conversations/state';

const T0 = 1_700_000_000_000;
const agent = { type: 'agent' as const, id: 'usr_1', name: 'Ann' };
const base = () => createConversation({ id: 'cnv_1', workspaceId: 'ws_1', contactId: 'ct_1', inboxId: 'inb_1', channel: 'webchat' }, T0, null).state;
const msg = (direction: 'inbound' | 'outbound' | 'internal', authorType: 'contact' | 'agent' = direction === 'inbound' ? 'contact' : 'agent', text = 'hi') => ({
  id: 'm',
  direction,
  authorType,
  text,
  isInternalNote: direction === 'internal',
  hasAttachments: false,
});

describe('createConversation', () => {
  it('opens with normal priority and records the creation (and assignment) events', () => {
    const t = createConversation({ id: 'c', workspaceId: 'w', contactId: 'k', inboxId: 'i', channel: 'sms', assigneeId: 'u', tags: ['VIP', ' vip ', 'billing'] }, T0, agent);
    expect(t.state).toMatchObject({ status: 'open', priority: 'normal', assigneeId: 'u', tags: ['billing', 'vip'], seq: 0 });
    expect(t.events.map((e) => e.type)).toEqual(['conversation.created', 'conversation.assigned']);
  });
});

describe('applyMessage', () => {
  it('an inbound message reopens pending and snoozed conversations and starts the waiting clock', () => {
    for (const status of ['pending', 'snoozed'] as const) {
      const state = { ...base(), status, snoozeUntil: status === 'snoozed' ? T0 + 1000 : null };
      const t = applyMessage(state, msg('inbound'), 1, T0 + 5, null);
      expect(t.state.status).toBe('open');
      expect(t.state.snoozeUntil).toBeNull();
      expect(t.state.waitingSince).toBe(T0 + 5);
      expect(t.state.lastCustomerSeq).toBe(1);
      expect(t.events.map((e) => e.type)).toEqual(['message.received', 'conversation.status_changed']);
      expect(t.events[1].data).toMatchObject({ from: status, to: 'open', reason: 'customer_replied' });
    }
  });

  it('an agent reply stops the waiting clock; a note does not', () => {
    const waiting = applyMessage(base(), msg('inbound'), 1, T0 + 1, null).state;
    expect(applyMessage(waiting, msg('internal'), 2, T0 + 2, agent).state.waitingSince).toBe(T0 + 1);
    const replied = applyMessage(waiting, msg('outbound'), 2, T0 + 3, agent);
    expect(replied.state.waitingSince).toBeNull();
    expect(replied.events.map((e) => e.type)).toEqual(['message.created']);
    expect(replied.state.messageCount).toBe(2);
  });

  it('previews are single-line, clipped, and marked for notes', () => {
    const long = 'a\n'.repeat(200);
    const s = applyMessage(base(), msg('outbound', 'agent', long), 1, T0, agent).state;
    expect(s.lastMessagePreview!.length).toBeLessThanOrEqual(140);
    expect(s.lastMessagePreview).not.toContain('\n');
    expect(applyMessage(base(), msg('internal', 'agent', 'secret'), 1, T0, agent).state.lastMessagePreview).toBe('Note: secret');
  });
});

describe('acceptsInbound (reopen window)', () => {
  it('a closed conversation accepts inbound only within the window', () => {
    const closed = { ...base(), status: 'closed' as const, closedAt: T0 };
    expect(acceptsInbound(closed, T0 + 1000, { reopenWindowMs: 5000 })).toBe(true);
    expect(acceptsInbound(closed, T0 + 6000, { reopenWindowMs: 5000 })).toBe(false);
    expect(acceptsInbound(base(), T0 + 1e12, { reopenWindowMs: 0 })).toBe(true);
  });
});

describe('applyPatch', () => {
  it('snoozing needs a future time and names the field otherwise', () => {
    expect(() => applyPatch(base(), { status: 'snoozed' }, T0, agent)).toThrow(TransitionError);
    try {
      applyPatch(base(), { status: 'snoozed', snoozeUntil: T0 - 1 }, T0, agent);
    } catch (e) {
      expect((e as TransitionError).field).toBe('snoozeUntil');
    }
    const t = applyPatch(base(), { status: 'snoozed', snoozeUntil: T0 + 60_000 }, T0, agent);
    expect(t.state).toMatchObject({ status: 'snoozed', snoozeUntil: T0 + 60_000 });
  });

  it('a bare snoozeUntil snoozes; re-snoozing moves the time', () => {
    const s = applyPatch(base(), { snoozeUntil: T0 + 10 }, T0, agent).state;
    expect(s.status).toBe('snoozed');
    const again = applyPatch(s, { status: 'snoozed', snoozeUntil: T0 + 20 }, T0, agent);
    expect(again.state.snoozeUntil).toBe(T0 + 20);
    expect(again.events.map((e) => e.type)).toEqual(['conversation.updated']);
  });

  it('closing stamps closedAt; reopening clears it', () => {
    const closed = applyPatch(base(), { status: 'closed' }, T0 + 1, agent).state;
    expect(closed.closedAt).toBe(T0 + 1);
    expect(applyPatch(closed, { status: 'open' }, T0 + 2, agent).state.closedAt).toBeNull();
  });

  it('assignment, tags, priority and fields produce events only when they change', () => {
    const t = applyPatch(base(), { assigneeId: 'u2', tags: ['B', 'a', 'b'], priority: 'urgent', subject: 'Keys' }, T0, agent);
    expect(t.state).toMatchObject({ assigneeId: 'u2', tags: ['a', 'b'], priority: 'urgent', subject: 'Keys' });
    expect(t.events.map((e) => e.type)).toEqual(['conversation.assigned', 'conversation.updated']);
    expect(applyPatch(t.state, { assigneeId: 'u2', tags: ['a', 'b'], priority: 'urgent' }, T0, agent).events).toEqual([]);
  });
});

describe('wake', () => {
  it('reopens a snoozed conversation whose time has come, and only then', () => {
    const s = { ...base(), status: 'snoozed' as const, snoozeUntil: T0 + 100 };
    expect(wake(s, T0 + 99).events).toEqual([]);
    const t = wake(s, T0 + 100);
    expect(t.state).toMatchObject({ status: 'open', snoozeUntil: null });
    expect(t.events[0].data).toMatchObject({ reason: 'snooze_expired' });
    expect(wake(base(), T0 + 1e9).events).toEqual([]);
  });
});

describe('nextDeliveryStatus', () => {
  it('moves forward only, whatever order receipts arrive in', () => {
    expect(nextDeliveryStatus('queued', 'sent')).toBe('sent');
    expect(nextDeliveryStatus('read', 'delivered')).toBeNull();
    expect(nextDeliveryStatus('delivered', 'sent')).toBeNull();
    expect(nextDeliveryStatus('sent', 'read')).toBe('read');
    expect(nextDeliveryStatus('sent', 'sent')).toBeNull();
  });
  it('failed beats queued/sent but never delivered/read', () => {
    expect(nextDeliveryStatus('sent', 'failed')).toBe('failed');
    expect(nextDeliveryStatus('delivered', 'failed')).toBeNull();
    expect(nextDeliveryStatus('failed', 'delivered')).toBe('delivered');
    expect(nextDeliveryStatus('failed', 'sent')).toBeNull();
  });
});

describe('foldReceipts', () => {
  it("applies one conversation's receipts in order, each building on the one before, and reports every message's status after them", () => {
    const stored = new Map([
      ['m1', { id: 'm1', status: 'queued' as const }],
      ['m2', { id: 'm2', status: 'read' as const }],
    ]);
    const looked: string[] = [];
    const { events, writes, statuses } = foldReceipts(
      [
        { messageId: 'm1', status: 'sent' },
        { messageId: 'm1', status: 'read' },
        { messageId: 'm1', status: 'delivered' }, // late: read already
        { messageId: 'm2', status: 'failed', reason: 'carrier' }, // never over read
        { messageId: 'm3', status: 'sent' }, // no such message
      ],
      (id) => (looked.push(id), stored.get(id) ?? null),
    );
    expect(writes).toEqual([
      { id: 'm1', status: 'sent', reason: null },
      { id: 'm1', status: 'read', reason: null },
    ]);
    expect(events.map((e) => e.data)).toEqual([
      { messageId: 'm1', status: 'sent', reason: null },
      { messageId: 'm1', status: 'read', reason: null },
    ]);
    expect(statuses).toEqual({ m1: 'read', m2: 'read', m3: null });
    // Each message is looked up once, however many receipts name it.
    expect(looked).toEqual(['m1', 'm2', 'm3']);
  });
  it("keeps a failure's reason", () => {
    const { writes } = foldReceipts([{ messageId: 'm1', status: 'failed', reason: 'unreachable' }], () => ({ id: 'm1', status: 'sent' }));
    expect(writes).toEqual([{ id: 'm1', status: 'failed', reason: 'unreachable' }]);
  });
});

describe('list preview of formatted replies', () => {
  it('reads bold, italic and links as plain words, and leaves snake_case alone', async () => {
    const { plainPreviewText } = await import('../worker/conversations/state');
    expect(plainPreviewText('A **taxi** is booked for _10:40_, see [the map](https://maps.example/x).')).toBe('A taxi is booked for 10:40, see the map.');
    expect(plainPreviewText('booking_ready_v2 and 2**3')).toBe('booking_ready_v2 and 2**3');
  });
});

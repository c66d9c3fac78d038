// Issue 16, defect 4: what a reply changes shows live in the open thread — its delivery status, and the
// conversation's SLA (the first reply meets the first-response target) — without a reload.
import { describe, expect, it } from 'vitest';
import { nextDeliveryStatus } from '../../worker/conversations/delivery-status';
import { mergeMessage } from '../../web/app/state/message-merge';
import type { ThreadMessage } from '../../web/app/lib/types';
import { call, newWorkspace, visitorConversation, webchatInbox } from '../helpers';
import { openSocket } from '../sockets';

describe('the open thread after a reply', () => {
  it('the reply’s event carries the conversation as it now stands: the SLA’s first-response clock is met live', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const policy = await call('POST', '/api/sla/policies', { token: ws.token, body: { name: 'Standard', businessHours: false, targets: { firstResponse: 3600_000, resolution: 86_400_000 } } });
    expect(policy.status).toBe(201);
    const conv = await visitorConversation(inbox.websiteToken, 'Is the pool heated?');
    const sock = await openSocket(`/api/conversations/${conv.id}/ws?access_token=${ws.token}`);
    const hello = await sock.next((f) => f.t === 'hello');
    expect(hello.conversation.sla.clocks.find((c: { target: string }) => c.target === 'firstResponse').metAt).toBeNull();

    const sent = await call('POST', `/api/conversations/${conv.id}/messages`, { token: ws.token, body: { text: 'Yes, all year round.' } });
    expect(sent.status).toBe(201);
    const frame = await sock.next((f) => f.t === 'event' && f.event.conversation && f.event.seq > hello.seq && f.event.conversation.sla?.clocks.some((c: { target: string; metAt: number | null }) => c.target === 'firstResponse' && c.metAt !== null));
    // It came with the reply's own commit, not with some later conversation.* event.
    const commitTypes = sock.frames.filter((f) => f.t === 'event' && f.event.seq <= frame.event.seq && f.event.seq > hello.seq).map((f) => f.event.type);
    expect(commitTypes).toContain('message.created');
    expect(commitTypes.every((t: string) => !t.startsWith('conversation.'))).toBe(true);
    sock.close();
  });
});

describe('mergeMessage (the app’s view of one message seen twice)', () => {
  const msg = (over: Partial<ThreadMessage>): ThreadMessage => ({ id: 'm1', seq: 3, direction: 'outbound', authorType: 'agent', authorId: 'u1', text: 'hi', attachments: [], isInternalNote: false, status: 'queued', statusReason: null, externalId: 'c1', createdAt: 1, ...over }) as ThreadMessage;

  it('a late HTTP answer saying "queued" does not undo the "sent" the socket already brought', () => {
    expect(mergeMessage(msg({ status: 'sent' }), msg({ status: 'queued' })).status).toBe('sent');
    expect(mergeMessage(msg({ status: 'delivered' }), msg({ status: 'failed', statusReason: 'late' })).status).toBe('delivered');
  });

  it('newer statuses and fields still win', () => {
    const m = mergeMessage(msg({ status: 'sent' }), msg({ status: 'read', text: 'hi!' }));
    expect(m.status).toBe('read');
    expect(m.text).toBe('hi!');
    expect(mergeMessage(msg({ status: 'sent' }), msg({ status: 'failed', statusReason: 'invalid number' }))).toMatchObject({ status: 'failed', statusReason: 'invalid number' });
    expect(nextDeliveryStatus('failed', 'delivered')).toBe('delivered');
  });
});

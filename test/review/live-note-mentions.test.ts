// A note's mentions travel with the note: the live frame that brings it to another agent's open thread
// carries them (the app marks each "@Name" from these ids at once, not after a reload), and so do the
// catch-up events a reconnecting tab reads.
import { describe, expect, it } from 'vitest';
import { addMember, call, newWorkspace, unique, visitorConversation, webchatInbox } from '../helpers';
import { openSocket } from '../sockets';

describe('mentions on the live note', () => {
  it('the socket frame and the catch-up events carry the mention ids', async () => {
    const A = await newWorkspace('Live mentions');
    const staff = await addMember(A, 'staff');
    const inbox = await webchatInbox(A);
    const conv = await visitorConversation(inbox.websiteToken, 'Is the spa open?', { name: 'Lia Live' });
    const sock = await openSocket(`/api/conversations/${conv.id}/ws?access_token=${staff.token}`);
    await sock.next((f) => f.t === 'hello');

    const sent = await call('POST', `/api/conversations/${conv.id}/messages`, { token: A.token, body: { text: '@staff can you check?', isInternalNote: true, mentions: [staff.userId], clientId: unique('c') } });
    expect(sent.status).toBe(201);
    const frame = await sock.next((f) => f.t === 'event' && f.event.message?.id === sent.body.message.id);
    expect(frame.event.message).toMatchObject({ isInternalNote: true, text: '@staff can you check?', mentions: [staff.userId] });
    sock.close();

    const events = await call('GET', `/api/conversations/${conv.id}/events?after=0`, { token: staff.token });
    expect(events.status).toBe(200);
    const stored = events.body.items.find((e: { message?: { id: string } }) => e.message?.id === sent.body.message.id);
    expect(stored.message.mentions).toEqual([staff.userId]);

    // A note without mentions carries none.
    const plain = await call('POST', `/api/conversations/${conv.id}/messages`, { token: A.token, body: { text: 'just a note', isInternalNote: true, clientId: unique('c') } });
    expect(plain.body.message.mentions).toBeUndefined();
  });
});

// Previewing a template for a real contact: the contact came in through the Airbnb channel (a signed
// Guesty webhook), so the reservation context is what the channel recorded. Merge fields read as the
// guest should see them, and every field without a value is named.
import { describe, expect, it } from 'vitest';
import { createInbox, post, standardHeaders, STANDARD_SECRET, threadOf } from '../channels/helpers';
import { addMember, call, eventually, expectProblem, newWorkspace, unique, type Workspace } from '../helpers';

async function bookingGuest(ws: Workspace) {
  const inbox = await createInbox(ws, 'airbnb', { signingSecret: STANDARD_SECRET, apiToken: 'guesty-token' });
  const guestId = unique('guest');
  const body = JSON.stringify({
    event: 'reservation.messageReceived',
    reservationId: 'res_airbnb_7781',
    conversation: {
      _id: unique('gc'),
      guestId,
      integration: { platform: 'airbnb2' },
      meta: { guestName: 'Ana García', reservations: [{ _id: 'res_airbnb_7781', confirmationCode: 'HMQ8ZK2', checkIn: '2026-12-10T15:00:00.000Z', checkOut: '2026-12-14', listing: 'Casa Maré', money: { totalPaid: 1234.5, currency: 'EUR' } }] },
    },
    message: { _id: unique('post'), body: 'Can we arrive early?', type: 'fromGuest', module: { type: 'airbnb2' }, createdAt: new Date().toISOString() },
  });
  expect((await post('airbnb', inbox.id, body, await standardHeaders(body))).status).toBe(200);
  const thread = await threadOf(ws, ws.workspaceId, 'airbnb', guestId);
  const patched = await call('PATCH', `/api/contacts/${thread.contact.id}`, { token: ws.token, body: { email: 'ana@example.com', attributes: { roomType: 'Sea view' } } });
  expect(patched.status, JSON.stringify(patched.body)).toBe(200);
  return { contactId: thread.contact.id, conversationId: thread.conversationId };
}

describe('template preview', () => {
  it("renders for a contact: custom attributes, the platform's confirmation code (not our record id), dates in the workspace's zone; missing fields named", async () => {
    const ws = await newWorkspace('Casa Azul');
    expect((await call('PATCH', '/api/workspace', { token: ws.token, body: { timezone: 'Europe/Madrid' } })).status).toBe(200);
    const guest = await bookingGuest(ws);
    const t = await call('POST', '/api/templates', {
      token: ws.token,
      body: {
        name: 'Arrival',
        channel: 'sms',
        category: 'marketing',
        language: 'en',
        body: 'Hi {{contact.first_name}} ({{contact.email}}), booking {{reservation.reference}} in our {{contact.room_type}} room starts {{reservation.check_in}}. Tier: {{contact.loyalty_tier}}. {{order.reference}}',
      },
    });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    const res = await call('GET', `/api/templates/${t.body.id}/preview?contactId=${guest.contactId}`, { token: ws.token });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    // 15:00 UTC is 16:00 in Madrid in December.
    expect(res.body.body).toBe('Hi Ana (ana@example.com), booking HMQ8ZK2 in our Sea view room starts Thu, 10 Dec 2026, 16:00. Tier:.');
    expect(res.body.body).not.toContain('res_airbnb_7781');
    expect(res.body.body).not.toContain('{{');
    expect(res.body.missing).toEqual(['contact.loyalty_tier', 'order.reference']);
    expect(res.body).toMatchObject({ contactId: guest.contactId, conversationId: guest.conversationId, version: 1 });
    // Marketing SMS: the footer is part of what is sent and counted.
    expect(res.body.text).toBe(`${res.body.body}\nReply STOP to opt out`);
    expect(res.body.sms).toMatchObject({ encoding: 'GSM-7', characters: [...res.body.text].length, segments: 1, footer: 'Reply STOP to opt out' });
  });

  it('fills WhatsApp parameters through variables and lists the parameters in order for the send', async () => {
    const ws = await newWorkspace('Casa Azul');
    const guest = await bookingGuest(ws);
    const t = await call('POST', '/api/templates', {
      token: ws.token,
      body: {
        name: 'stay_confirmed',
        channel: 'whatsapp',
        category: 'confirmation',
        language: 'en',
        header: { format: 'text', text: 'Booking {{1}}' },
        body: 'Hi {{1}}, see you on {{2}}. Your host: {{3}}.',
        footer: 'Casa Azul',
        variables: { '1': 'contact.firstName', '2': 'reservation.check_out', '3': 'contact.host_name', 'header.1': 'reservation.reference' },
      },
    });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    const res = await call('GET', `/api/templates/${t.body.id}/preview?contactId=${guest.contactId}`, { token: ws.token });
    expect(res.body).toMatchObject({ header: 'Booking HMQ8ZK2', body: 'Hi Ana, see you on Mon, 14 Dec 2026. Your host: .', footer: 'Casa Azul', parameters: { header: ['HMQ8ZK2'], body: ['Ana', 'Mon, 14 Dec 2026', ''] }, missing: ['contact.host_name'], sms: null });
  });

  it('without a contact every contact field is missing; a contact out of reach is not found', async () => {
    const ws = await newWorkspace();
    const guest = await bookingGuest(ws);
    const t = await call('POST', '/api/templates', { token: ws.token, body: { name: 'Hi', channel: 'sms', category: 'utility', language: 'en', body: 'Hi {{contact.first_name}}, from {{workspace.name}}' } });
    const bare = await call('GET', `/api/templates/${t.body.id}/preview`, { token: ws.token });
    expect(bare.body).toMatchObject({ body: 'Hi, from Test workspace', missing: ['contact.first_name'], contactId: null });
    // The personal role reaches only contacts of conversations assigned to it.
    const personal = await addMember(ws, 'personal');
    expectProblem(await call('GET', `/api/templates/${t.body.id}/preview?contactId=${guest.contactId}`, { token: personal.token }), 404);
    // Once the guest's conversation is assigned to them, they preview for that guest.
    expect((await call('PATCH', `/api/conversations/${guest.conversationId}`, { token: ws.token, body: { assigneeId: personal.userId } })).status).toBe(200);
    const mine = await eventually(async () => {
      const r = await call('GET', `/api/templates/${t.body.id}/preview?contactId=${guest.contactId}`, { token: personal.token });
      return r.status === 200 ? r : null;
    });
    expect(mine.body).toMatchObject({ body: 'Hi Ana, from Test workspace', conversationId: guest.conversationId });
    const staff = await addMember(ws, 'staff');
    expect((await call('GET', `/api/templates/${t.body.id}/preview?contactId=${guest.contactId}`, { token: staff.token })).body.body).toBe('Hi Ana, from Test workspace');
    const other = await newWorkspace();
    const theirs = await call('POST', '/api/templates', { token: other.token, body: { name: 'Hi', channel: 'sms', category: 'utility', language: 'en', body: 'Hi {{contact.first_name}}' } });
    expectProblem(await call('GET', `/api/templates/${theirs.body.id}/preview?contactId=${guest.contactId}`, { token: other.token }), 404);
  });
});

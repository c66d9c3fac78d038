// Saved replies: management, the composer's picker list, per-channel variants and merge fields filled
// from the contact, the agent, the conversation and the reservation or order the channels recorded.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { addMember, call, expectProblem, newWorkspace } from '../helpers';
import { customer, customerSays, kbWorkspace } from './support';

const reply = (over: Record<string, unknown> = {}) => ({ name: 'Check-in info', shortcut: 'checkin', category: 'Arrival', text: 'Hi {{contact.first_name|there}}, check-in is from 4 pm.', ...over });

describe('saved replies', () => {
  it('creates, lists (what the agent app calls), changes and deletes', async () => {
    const ws = await newWorkspace();
    const created = await call('POST', '/api/saved-replies', { token: ws.token, body: reply({ variants: { sms: 'Check-in 4pm. Code by SMS the day before.' } }) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^srp_/), name: 'Check-in info', shortcut: 'checkin', category: 'Arrival', usageCount: 0 });
    await call('POST', '/api/saved-replies', { token: ws.token, body: reply({ name: 'Wifi', shortcut: 'wifi', category: 'Stay', text: 'The Wi-Fi password is on the router.' }) });

    const list = await call('GET', '/api/saved-replies', { token: ws.token });
    expect(list.body.items.map((r: { name: string; text: string }) => r.name)).toEqual(['Check-in info', 'Wifi']);
    expect(list.body.items[0].text).toBe('Hi {{contact.first_name|there}}, check-in is from 4 pm.');
    expect(list.body.categories).toEqual(['Arrival', 'Stay']);
    expect((await call('GET', '/api/saved-replies?channel=sms', { token: ws.token })).body.items[0]).toMatchObject({ text: 'Check-in 4pm. Code by SMS the day before.', channel: 'sms' });
    expect((await call('GET', '/api/saved-replies?q=/wifi', { token: ws.token })).body.items.map((r: { shortcut: string }) => r.shortcut)).toEqual(['wifi']);
    expect((await call('GET', '/api/saved-replies?q=password', { token: ws.token })).body.items).toHaveLength(1);
    expect((await call('GET', '/api/saved-replies?category=Stay', { token: ws.token })).body.items).toHaveLength(1);

    const changed = await call('PATCH', `/api/saved-replies/${created.body.id}`, { token: ws.token, body: { name: 'Arrival', variants: {} } });
    expect(changed.body).toMatchObject({ name: 'Arrival', variants: {} });
    expect((await call('DELETE', `/api/saved-replies/${created.body.id}`, { token: ws.token })).status).toBe(204);
    expectProblem(await call('GET', `/api/saved-replies/${created.body.id}`, { token: ws.token }), 404);
    expect((await call('GET', '/api/saved-replies/fields', { token: ws.token })).body.fields.contact).toContain('first_name');
  });

  it('refuses unknown merge fields, duplicate shortcuts and other workspaces; personal users read only', async () => {
    const ws = await newWorkspace();
    expectProblem(await call('POST', '/api/saved-replies', { token: ws.token, body: reply({ text: 'Hi {{customer.name}}' }) }), 400, 'text');
    expectProblem(await call('POST', '/api/saved-replies', { token: ws.token, body: reply({ variants: { sms: '{{agent.salary}}' } }) }), 400, 'variants.sms');
    expectProblem(await call('POST', '/api/saved-replies', { token: ws.token, body: reply({ shortcut: 'has space' }) }), 400, 'shortcut');
    expectProblem(await call('POST', '/api/saved-replies', { token: ws.token, body: reply({ text: '' }) }), 400, 'text');
    const first = await call('POST', '/api/saved-replies', { token: ws.token, body: reply() });
    expectProblem(await call('POST', '/api/saved-replies', { token: ws.token, body: reply({ shortcut: 'CHECKIN' }) }), 409, 'shortcut');
    expectProblem(await call('PATCH', `/api/saved-replies/${first.body.id}`, { token: ws.token, body: {} }), 400);

    const other = await newWorkspace();
    expectProblem(await call('GET', `/api/saved-replies/${first.body.id}`, { token: other.token }), 404);
    expectProblem(await call('PATCH', `/api/saved-replies/${first.body.id}`, { token: other.token, body: { name: 'x' } }), 404);
    expect((await call('GET', '/api/saved-replies', { token: other.token })).body.items).toEqual([]);
    const personal = await addMember(ws, 'personal');
    expect((await call('GET', '/api/saved-replies', { token: personal.token })).body.items).toHaveLength(1);
    expectProblem(await call('POST', '/api/saved-replies', { token: personal.token, body: reply({ shortcut: 'x' }) }), 403);
  });

  it("renders for a conversation: its channel's variant, contact, agent and reservation fields, and what is missing", async () => {
    const ws = await kbWorkspace('rental');
    const ana = await customer(ws, 'airbnb', { attributes: { roomType: 'Sea view' } });
    const { conversationId } = await customerSays(ws, 'airbnb', ana, 'When can we check in?');
    // What the booking channels record about a reservation (contact_contexts).
    await env.DB.prepare(`INSERT INTO contact_contexts (id, workspace_id, contact_id, conversation_id, channel, kind, reference, data) VALUES (?, ?, ?, ?, 'airbnb', 'reservation', 'HMX42', ?)`)
      .bind('ctx_test1', ws.workspaceId, ana.contactId, conversationId, JSON.stringify({ checkIn: '2026-07-01', checkOut: '2026-07-08', guests: 3, listing: { name: 'Casa Maré' } }))
      .run();
    const r = await call('POST', '/api/saved-replies', {
      token: ws.token,
      body: {
        name: 'Booking confirmation',
        text: 'generic',
        variants: { airbnb: 'Hi {{contact.first_name}}! Your {{contact.room_type}} stay ({{reservation.reference}}) at {{reservation.listing_name}} runs {{reservation.check_in}} to {{reservation.check_out}} for {{reservation.guests}} guests. Order: {{order.reference}} — {{agent.first_name}}, {{workspace.name}}' },
      },
    });
    const rendered = await call('POST', `/api/saved-replies/${r.body.id}/render`, { token: ws.token, body: { conversationId } });
    expect(rendered.status, JSON.stringify(rendered.body)).toBe(200);
    expect(rendered.body).toEqual({
      id: r.body.id,
      channel: 'airbnb',
      text: 'Hi Ana! Your Sea view stay (HMX42) at Casa Maré runs Wed, 1 Jul 2026 to Wed, 8 Jul 2026 for 3 guests. Order: — Manager, Casa Azul Rentals',
      missing: ['order.reference'],
    });
    expect((await call('GET', `/api/saved-replies/${r.body.id}`, { token: ws.token })).body.usageCount).toBe(1);
    // Without a conversation only the agent and workspace are known; a channel still picks the variant.
    const bare = await call('POST', `/api/saved-replies/${r.body.id}/render`, { token: ws.token, body: {} });
    expect(bare.body.text).toBe('generic');
    const other = await newWorkspace();
    expectProblem(await call('POST', `/api/saved-replies/${r.body.id}/render`, { token: ws.token, body: { conversationId: 'cnv_nope' } }), 404);
    expectProblem(await call('POST', `/api/saved-replies/${r.body.id}/render`, { token: other.token, body: { conversationId } }), 404);
  });

  it("a booking reply reads as the guest should see it: the platform's confirmation code, dates in the workspace's zone, money with its currency (issue 16, 1)", async () => {
    const ws = await kbWorkspace('rental');
    expect((await call('PATCH', '/api/workspace', { token: ws.token, body: { timezone: 'Europe/Lisbon' } })).status).toBe(200);
    const ana = await customer(ws, 'airbnb');
    const { conversationId } = await customerSays(ws, 'airbnb', ana, 'Is my booking confirmed?');
    // As the Guesty-based booking channels record it: our reference is the platform's record id.
    await env.DB.prepare(`INSERT INTO contact_contexts (id, workspace_id, contact_id, conversation_id, channel, kind, reference, data) VALUES (?, ?, ?, ?, 'airbnb', 'reservation', 'res_airbnb_demo_110', ?)`)
      .bind('ctx_test2', ws.workspaceId, ana.contactId, conversationId, JSON.stringify({ platform: 'airbnb', confirmationCode: 'HMQ8ZK2', listing: 'Casa Maré', checkIn: '2026-12-10T06:30:56.998Z', checkOut: '2026-12-14', amount: 1234.5, currency: 'EUR' }))
      .run();
    const r = await call('POST', '/api/saved-replies', {
      token: ws.token,
      body: { name: 'Booking', shortcut: 'booking', text: 'Your booking {{reservation.reference}} at {{reservation.property}} runs from {{reservation.check_in}} to {{reservation.check_out}}; total {{reservation.total}}.' },
    });
    const rendered = await call('POST', `/api/saved-replies/${r.body.id}/render`, { token: ws.token, body: { conversationId } });
    expect(rendered.body.text).toBe('Your booking HMQ8ZK2 at Casa Maré runs from Thu, 10 Dec 2026, 06:30 to Mon, 14 Dec 2026; total €1,234.50.');
    expect(rendered.body.text).not.toContain('res_airbnb_demo_110');
    expect(rendered.body.missing).toEqual([]);
  });
});

// The template library's API: create, list with filters, change (each change a version), restore,
// delete; what each channel refuses (Meta's limits, gaps in {{n}}, unknown merge fields); SMS counts;
// who may write and who may see.
import { describe, expect, it } from 'vitest';
import { addMember, call, expectProblem, newWorkspace, type Workspace } from '../helpers';

const sms = (over: Record<string, unknown> = {}) => ({ name: 'Check-in reminder', channel: 'sms', category: 'reminder', language: 'en', body: 'Hi {{contact.first_name}}, check-in opens at 4pm.', ...over });
const wa = (over: Record<string, unknown> = {}) => ({
  name: 'booking_confirmation',
  channel: 'whatsapp',
  category: 'confirmation',
  language: 'en_US',
  header: { format: 'text', text: 'Booking {{1}}' },
  body: 'Hi {{1}}, your stay at {{2}} is confirmed. See you soon!',
  footer: 'Casa Azul Rentals',
  buttons: [{ type: 'QUICK_REPLY', text: 'Change dates' }, { type: 'QUICK_REPLY', text: 'Cancel' }],
  variables: { '1': 'contact.firstName', '2': 'reservation.property', 'header.1': 'reservation.reference' },
  ...over,
});

async function create(ws: Workspace, body: Record<string, unknown>) {
  const res = await call('POST', '/api/templates', { token: ws.token, body });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

describe('template library', () => {
  it('creates, lists with filters, reads, changes and deletes', async () => {
    const ws = await newWorkspace();
    const t = await create(ws, sms());
    expect(t).toMatchObject({ id: expect.stringMatching(/^tpl_/), channel: 'sms', status: 'active', version: 1, sendable: true, canSendOutsideWindow: false, sms: { encoding: 'GSM-7', segments: 1, footer: null } });
    const w = await create(ws, wa());
    expect(w).toMatchObject({ status: 'draft', version: 1, sendable: false, canSendOutsideWindow: false, whatsapp: { name: 'booking_confirmation', language: 'en_US', category: 'UTILITY' } });
    expect(w.whatsapp.components).toEqual([
      { type: 'HEADER', format: 'TEXT', text: 'Booking {{1}}', example: { header_text: ['HMK2Q8ZP'] } },
      { type: 'BODY', text: 'Hi {{1}}, your stay at {{2}} is confirmed. See you soon!', example: { body_text: [['Maria', 'Casa Azul']] } },
      { type: 'FOOTER', text: 'Casa Azul Rentals' },
      { type: 'BUTTONS', buttons: [{ type: 'QUICK_REPLY', text: 'Change dates' }, { type: 'QUICK_REPLY', text: 'Cancel' }] },
    ]);
    await create(ws, { name: 'Spring offer', channel: 'email', category: 'marketing', language: 'en', subject: 'Spring at Casa Azul', html: '<p>20% off in April.</p>' });

    const names = async (q: string) => ((await call('GET', `/api/templates${q}`, { token: ws.token })).body.items as { name: string }[]).map((i) => i.name).sort();
    expect(await names('')).toEqual(['Check-in reminder', 'Spring offer', 'booking_confirmation']);
    expect(await names('?channel=whatsapp')).toEqual(['booking_confirmation']);
    expect(await names('?category=marketing')).toEqual(['Spring offer']);
    expect(await names('?status=active')).toEqual(['Check-in reminder', 'Spring offer']);
    expect(await names('?status=draft&channel=whatsapp')).toEqual(['booking_confirmation']);
    expectProblem(await call('GET', '/api/templates?status=live', { token: ws.token }), 400, 'status');

    const patched = await call('PATCH', `/api/templates/${t.id}`, { token: ws.token, body: { body: 'Hi {{contact.first_name}}, check-in opens at 3pm.' } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ version: 2, body: 'Hi {{contact.first_name}}, check-in opens at 3pm.', name: 'Check-in reminder' });
    // Nothing changed: no new version.
    expect((await call('PATCH', `/api/templates/${t.id}`, { token: ws.token, body: { category: 'reminder' } })).body.version).toBe(2);
    expectProblem(await call('PATCH', `/api/templates/${t.id}`, { token: ws.token, body: { channel: 'email' } }), 400, 'channel');
    expectProblem(await call('POST', '/api/templates', { token: ws.token, body: sms() }), 409, 'name');
    // The same name in another language is another template.
    expect((await call('POST', '/api/templates', { token: ws.token, body: sms({ language: 'es' }) })).status).toBe(201);

    expect((await call('DELETE', `/api/templates/${t.id}`, { token: ws.token })).status).toBe(204);
    expectProblem(await call('GET', `/api/templates/${t.id}`, { token: ws.token }), 404);
    expectProblem(await call('GET', `/api/templates/${t.id}/versions`, { token: ws.token }), 404);
    expectProblem(await call('DELETE', `/api/templates/${t.id}`, { token: ws.token }), 404);
  });

  it('keeps every change as a version; restoring makes a new version equal to the old one', async () => {
    const ws = await newWorkspace();
    const t = await create(ws, sms());
    await call('PATCH', `/api/templates/${t.id}`, { token: ws.token, body: { body: 'Second text' } });
    await call('PATCH', `/api/templates/${t.id}`, { token: ws.token, body: { name: 'Arrival', category: 'marketing' } });
    const versions = await call('GET', `/api/templates/${t.id}/versions`, { token: ws.token });
    expect(versions.body.current).toBe(3);
    expect(versions.body.items.map((v: any) => [v.version, v.change, v.name, v.category, v.body])).toEqual([
      [3, 'edited', 'Arrival', 'marketing', 'Second text'],
      [2, 'edited', 'Check-in reminder', 'reminder', 'Second text'],
      [1, 'created', 'Check-in reminder', 'reminder', 'Hi {{contact.first_name}}, check-in opens at 4pm.'],
    ]);
    const restored = await call('POST', `/api/templates/${t.id}/versions/1/restore`, { token: ws.token });
    expect(restored.status, JSON.stringify(restored.body)).toBe(200);
    expect(restored.body).toMatchObject({ version: 4, name: 'Check-in reminder', category: 'reminder', body: 'Hi {{contact.first_name}}, check-in opens at 4pm.' });
    const after = (await call('GET', `/api/templates/${t.id}/versions`, { token: ws.token })).body.items;
    expect(after[0]).toMatchObject({ version: 4, change: 'restored from version 1', body: after[3].body, name: after[3].name });
    expect(after).toHaveLength(4);
    expectProblem(await call('POST', `/api/templates/${t.id}/versions/9/restore`, { token: ws.token }), 404);
    expectProblem(await call('POST', `/api/templates/${t.id}/versions/zero/restore`, { token: ws.token }), 400, 'version');
  });

  it("refuses WhatsApp templates outside Meta's rules, naming the field", async () => {
    const ws = await newWorkspace();
    const bad = (over: Record<string, unknown>) => call('POST', '/api/templates', { token: ws.token, body: wa(over) });
    expectProblem(await bad({ name: 'Booking Confirmation' }), 400, 'name');
    expectProblem(await bad({ name: 'a'.repeat(513) }), 400, 'name');
    expectProblem(await bad({ body: `Hi {{1}}, ${'x'.repeat(1020)} ok {{2}} bye` }), 400, 'body');
    expectProblem(await bad({ header: { format: 'text', text: `Booking {{1}} ${'x'.repeat(60)}` } }), 400, 'header.text');
    expectProblem(await bad({ footer: 'f'.repeat(61) }), 400, 'footer');
    expectProblem(await bad({ buttons: Array.from({ length: 11 }, (_, i) => ({ type: 'QUICK_REPLY', text: `Option ${i}` })) }), 400, 'buttons');
    expectProblem(await bad({ buttons: [{ type: 'URL', text: 'Open', url: 'javascript:alert(1)' }] }), 400, 'buttons.0.url');
    expectProblem(await bad({ buttons: [{ type: 'PHONE_NUMBER', text: 'Call us' }] }), 400, 'buttons.0.phoneNumber');
    // Parameters numbered without gaps, each mapped to a known merge field, none at the very start or end.
    const gap = await bad({ body: 'Hi {{1}}, your stay at {{3}} is confirmed.', variables: { '1': 'contact.first_name', '3': 'reservation.property', 'header.1': 'reservation.reference' } });
    expectProblem(gap, 400, 'body');
    expect(gap.body.detail).toMatch(/without gaps/);
    expectProblem(await bad({ variables: { '1': 'contact.first_name', 'header.1': 'reservation.reference' } }), 400, 'variables.2');
    expectProblem(await bad({ variables: { '1': 'contact.first_name', '2': 'reservation.property', '3': 'contact.email', 'header.1': 'reservation.reference' } }), 400, 'variables.3');
    const unknown = await bad({ variables: { '1': 'guest.first_name', '2': 'reservation.property', 'header.1': 'reservation.reference' } });
    expectProblem(unknown, 400, 'variables.1');
    expect(unknown.body.detail).toMatch(/unknown merge field/);
    expectProblem(await bad({ variables: { '1': 'agent.shoe_size', '2': 'reservation.property', 'header.1': 'reservation.reference' } }), 400, 'variables.1');
    expectProblem(await bad({ body: '{{1}} is confirmed at {{2}}.' }), 400, 'body');
    expectProblem(await bad({ body: 'Hi {{contact.first_name}}, confirmed at {{1}} and {{2}}.' }), 400, 'body');
    expectProblem(await bad({ header: { format: 'image' } }), 400, 'header.mediaUrl');
    // Fields of other channels are refused, not dropped.
    expectProblem(await bad({ subject: 'Hello' }), 400, 'subject');
    expectProblem(await call('POST', '/api/templates', { token: ws.token, body: sms({ buttons: [{ type: 'QUICK_REPLY', text: 'Yes' }] }) }), 400, 'buttons');
    // At the limits it is fine.
    const edge = await bad({ name: 'x'.repeat(512), body: `Hi {{1}} ${'y'.repeat(1024 - 22)} at {{2}} ok`, footer: 'f'.repeat(60), buttons: Array.from({ length: 10 }, (_, i) => ({ type: 'QUICK_REPLY', text: `Option ${i}` })) });
    expect(edge.status, JSON.stringify(edge.body)).toBe(201);
  });

  it('refuses unknown merge fields and raw placeholders in SMS and e-mail, and bad enums', async () => {
    const ws = await newWorkspace();
    const unknown = await call('POST', '/api/templates', { token: ws.token, body: sms({ body: 'Hi {{guest.name}}' }) });
    expectProblem(unknown, 400, 'body');
    expect(unknown.body.detail).toMatch(/unknown merge field \{\{guest\.name\}\}/);
    expectProblem(await call('POST', '/api/templates', { token: ws.token, body: sms({ body: 'Hi {{1}}, welcome' }) }), 400, 'body');
    expectProblem(await call('POST', '/api/templates', { token: ws.token, body: sms({ body: 'x'.repeat(1601) }) }), 400, 'body');
    expectProblem(await call('POST', '/api/templates', { token: ws.token, body: sms({ channel: 'fax' }) }), 400, 'channel');
    expectProblem(await call('POST', '/api/templates', { token: ws.token, body: sms({ category: 'spam' }) }), 400, 'category');
    expectProblem(await call('POST', '/api/templates', { token: ws.token, body: sms({ language: 'English' }) }), 400, 'language');
    expectProblem(await call('POST', '/api/templates', { token: ws.token, body: { name: 'Mail', channel: 'email', category: 'utility', language: 'en', body: 'Hi' } }), 400, 'subject');
    expectProblem(await call('POST', '/api/templates', { token: ws.token, body: { name: 'Mail', channel: 'email', category: 'utility', language: 'en', subject: 'Hi {{agent.shoe_size}}', body: 'Hi' } }), 400, 'subject');
  });

  it('counts SMS as carriers bill them: GSM-7 or UCS-2, marketing footer included per language', async () => {
    const ws = await newWorkspace();
    const count = (body: Record<string, unknown>) => call('POST', '/api/templates/count-sms', { token: ws.token, body });
    expect((await count({ body: 'a'.repeat(160) })).body).toMatchObject({ encoding: 'GSM-7', characters: 160, segments: 1, footer: null });
    expect((await count({ body: 'a'.repeat(161) })).body).toMatchObject({ encoding: 'GSM-7', segments: 2, perSegment: 153 });
    // One character outside GSM-7 and the whole text is UCS-2: 70 per single message.
    expect((await count({ body: `${'a'.repeat(69)}ł` })).body).toMatchObject({ encoding: 'UCS-2', characters: 70, segments: 1, nonGsmCharacters: ['ł'] });
    expect((await count({ body: `${'a'.repeat(70)}ł` })).body).toMatchObject({ encoding: 'UCS-2', segments: 2, perSegment: 67 });
    // The footer counts: 140 + "\n" + "Reply STOP to opt out" (21) = 162 → two segments.
    const footed = await count({ body: 'a'.repeat(140), category: 'marketing', language: 'en' });
    expect(footed.body).toMatchObject({ encoding: 'GSM-7', characters: 162, segments: 2, footer: 'Reply STOP to opt out' });
    expect(footed.body.text.endsWith('\nReply STOP to opt out')).toBe(true);
    expect((await count({ body: 'a'.repeat(138), category: 'marketing', language: 'en' })).body).toMatchObject({ characters: 160, segments: 1 });
    expect((await count({ body: 'Hola', category: 'marketing', language: 'es' })).body.footer).toBe('Responde STOP para darte de baja');
    expect((await count({ body: 'Olá', category: 'marketing', language: 'pt_BR' })).body.footer).toBe('Responda STOP para cancelar');
    const fr = await count({ body: 'Bonjour', category: 'marketing', language: 'fr' });
    // "Répondez": é is in GSM-7, so the French footer does not force UCS-2.
    expect(fr.body).toMatchObject({ footer: 'Répondez STOP pour vous désabonner', encoding: 'GSM-7' });
    expect((await count({ body: 'Deals! Reply STOP to end', category: 'marketing' })).body.footer).toBeNull();
    expect((await count({ body: 'Hi', category: 'reminder' })).body.footer).toBeNull();

    const t = await create(ws, sms({ category: 'marketing', body: `Spring sale ${'b'.repeat(130)}` }));
    expect(t.sms).toMatchObject({ encoding: 'GSM-7', segments: 2, footer: 'Reply STOP to opt out' });
    expectProblem(await count({}), 400, 'body');
  });

  it('managers write; staff and personal read; another workspace sees nothing', async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    const [staff, personal] = await Promise.all([addMember(ws, 'staff'), addMember(ws, 'personal')]);
    const t = await create(ws, sms());
    for (const who of [staff, personal]) {
      expectProblem(await call('POST', '/api/templates', { token: who.token, body: sms({ name: 'Nope' }) }), 403);
      expectProblem(await call('PATCH', `/api/templates/${t.id}`, { token: who.token, body: { body: 'changed' } }), 403);
      expectProblem(await call('DELETE', `/api/templates/${t.id}`, { token: who.token }), 403);
      expectProblem(await call('POST', `/api/templates/${t.id}/versions/1/restore`, { token: who.token }), 403);
      expectProblem(await call('POST', `/api/templates/${t.id}/submit`, { token: who.token, body: {} }), 403);
      expect((await call('GET', `/api/templates/${t.id}`, { token: who.token })).status).toBe(200);
      expect((await call('GET', '/api/templates', { token: who.token })).body.items).toHaveLength(1);
      expect((await call('GET', `/api/templates/${t.id}/versions`, { token: who.token })).status).toBe(200);
    }
    for (const [method, path] of [['GET', ''], ['PATCH', ''], ['DELETE', ''], ['GET', '/versions'], ['GET', '/preview'], ['POST', '/versions/1/restore'], ['POST', '/submit']] as const) {
      expectProblem(await call(method, `/api/templates/${t.id}${path}`, { token: other.token, body: method === 'PATCH' ? { body: 'mine now' } : method === 'POST' ? {} : undefined }), 404);
    }
    expect((await call('GET', '/api/templates', { token: other.token })).body.items).toEqual([]);
    expect((await call('GET', `/api/templates/${t.id}`, { token: ws.token })).body).toMatchObject({ version: 1, body: t.body });
    expectProblem(await call('GET', '/api/templates'), 401);
  });
});

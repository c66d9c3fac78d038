// /api/broadcasts: drafts and their validation (inbox and template channels agree, WhatsApp only with
// an approved template, one audience form), draft-only changes, roles, the preview with skip reasons.
import { describe, expect, it } from 'vitest';
import { createInbox } from '../channels/helpers';
import { addMember, call, expectProblem, unique } from '../helpers';
import { audience, draft, PROMO, smsSetup } from './setup';

describe('broadcast drafts', () => {
  it('creates, lists, reads, changes and deletes a draft with zeroed stats', async () => {
    const { ws, inbox, templateId } = await smsSetup();
    const created = await call('POST', '/api/broadcasts', { token: ws.token, body: { name: 'Spring sale', inboxId: inbox.id, templateId, filter: PROMO } });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body).toMatchObject({ name: 'Spring sale', status: 'draft', inboxId: inbox.id, templateId, audienceId: null, filter: PROMO });
    expect(created.body.stats).toEqual({ recipients: 0, skipped: 0, queued: 0, sent: 0, delivered: 0, read: 0, failed: 0, cancelled: 0, opened: 0, machineOpened: 0, clicked: 0, replied: 0, unsubscribed: 0 });
    expect(created.body.tracking).toBe(true);
    const id = created.body.id;

    const list = await call('GET', '/api/broadcasts', { token: ws.token });
    expect(list.body.items.map((b: any) => b.id)).toEqual([id]);

    const aud = await call('POST', '/api/audiences', { token: ws.token, body: { name: unique('promo'), filter: PROMO } });
    const patched = await call('PATCH', `/api/broadcasts/${id}`, { token: ws.token, body: { name: 'Spring sale 2', audienceId: aud.body.id } });
    expect(patched.status, JSON.stringify(patched.body)).toBe(200);
    expect(patched.body).toMatchObject({ name: 'Spring sale 2', audienceId: aud.body.id, filter: null });

    expect((await call('DELETE', `/api/broadcasts/${id}`, { token: ws.token })).status).toBe(204);
    expect((await call('GET', `/api/broadcasts/${id}`, { token: ws.token })).status).toBe(404);
  });

  it('refuses a template of another channel, an unapproved WhatsApp template, unknown references and two audiences', async () => {
    const { ws, inbox, templateId } = await smsSetup();
    const mail = await call('POST', '/api/templates', { token: ws.token, body: { name: unique('news'), channel: 'email', category: 'marketing', language: 'en', subject: 'News', body: 'Hello' } });
    expect(mail.status, JSON.stringify(mail.body)).toBe(201);
    expectProblem(await call('POST', '/api/broadcasts', { token: ws.token, body: { name: 'x', inboxId: inbox.id, templateId: mail.body.id, filter: PROMO } }), 400, 'templateId');

    const wa = await createInbox(ws, 'whatsapp', { phoneNumberId: '106540352242922', accessToken: 'tok', appSecret: 's', verifyToken: 'v', businessAccountId: '555000111' });
    const waTemplate = await call('POST', '/api/templates', { token: ws.token, body: { name: 'spring_offer', channel: 'whatsapp', category: 'marketing', language: 'en', body: 'Hello {{1}}, spring offer inside.', variables: { '1': 'contact.first_name' }, examples: { '1': 'Ana' } } });
    expect(waTemplate.status, JSON.stringify(waTemplate.body)).toBe(201);
    const notApproved = await call('POST', '/api/broadcasts', { token: ws.token, body: { name: 'x', inboxId: wa.id, templateId: waTemplate.body.id, filter: PROMO } });
    expectProblem(notApproved, 400, 'templateId');
    expect(JSON.stringify(notApproved.body)).toContain('approved');

    expectProblem(await call('POST', '/api/broadcasts', { token: ws.token, body: { name: 'x', inboxId: 'inb_nope', templateId, filter: PROMO } }), 400, 'inboxId');
    expectProblem(await call('POST', '/api/broadcasts', { token: ws.token, body: { name: 'x', inboxId: inbox.id, templateId: 'tpl_nope', filter: PROMO } }), 400, 'templateId');
    expectProblem(await call('POST', '/api/broadcasts', { token: ws.token, body: { name: 'x', inboxId: inbox.id, templateId } }), 400, 'audienceId');
    expectProblem(await call('POST', '/api/broadcasts', { token: ws.token, body: { name: 'x', inboxId: inbox.id, templateId, filter: { field: 'tags', op: 'nope', value: 1 } } }), 400, /filter/);
    expectProblem(await call('POST', '/api/broadcasts', { token: ws.token, body: { name: '', inboxId: inbox.id, templateId, filter: PROMO } }), 400, 'name');
  });

  it('is for managers only; a sent broadcast can no longer be changed or deleted', async () => {
    const { ws, inbox, templateId } = await smsSetup();
    const b = await draft(ws, inbox.id, templateId, { scheduledAt: Date.now() + 3600_000 });
    const staff = await addMember(ws, 'staff');
    expect((await call('GET', '/api/broadcasts', { token: staff.token })).status).toBe(403);
    expect((await call('POST', `/api/broadcasts/${b.id}/send`, { token: staff.token })).status).toBe(403);

    const scheduled = await call('POST', `/api/broadcasts/${b.id}/schedule`, { token: ws.token, body: { at: '2099-01-01T09:00', timezone: 'Europe/Madrid' } });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(202);
    expectProblem(await call('PATCH', `/api/broadcasts/${b.id}`, { token: ws.token, body: { name: 'late' } }), 409, 'status');
    expectProblem(await call('DELETE', `/api/broadcasts/${b.id}`, { token: ws.token }), 409, 'status');
    expectProblem(await call('POST', `/api/broadcasts/${b.id}/send`, { token: ws.token }), 409, 'status');
    expect((await call('POST', `/api/broadcasts/${b.id}/cancel`, { token: ws.token })).body.status).toBe('cancelled');
  });

  it('schedule validates the zone and the time', async () => {
    const { ws, inbox, templateId } = await smsSetup();
    const b = await draft(ws, inbox.id, templateId);
    expectProblem(await call('POST', `/api/broadcasts/${b.id}/schedule`, { token: ws.token, body: { at: '2099-01-01T09:00', timezone: 'Mars/Olympus' } }), 400, 'timezone');
    expectProblem(await call('POST', `/api/broadcasts/${b.id}/schedule`, { token: ws.token, body: { at: 'tomorrow', timezone: 'UTC' } }), 400, 'at');
    expectProblem(await call('POST', `/api/broadcasts/${b.id}/schedule`, { token: ws.token, body: { at: '2001-01-01T09:00', timezone: 'UTC' } }), 400, 'at');
  });

  it('preview renders the first recipients and says who would be skipped and why', async () => {
    const { ws, inbox, templateId } = await smsSetup();
    const a = await audience(ws);
    const b = await draft(ws, inbox.id, templateId);
    const res = await call('POST', `/api/broadcasts/${b.id}/preview`, { token: ws.token, body: { limit: 10 } });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.counted).toBe(5);
    expect(res.body.skipped).toEqual({ sms_opt_out: 1, blocked: 1, no_identity: 1 });
    const byId = new Map(res.body.sample.map((s: any) => [s.contact.id, s]));
    const first = byId.get(a.ok[0].id) as any;
    expect(first.skipReason).toBeNull();
    expect(first.message.text).toMatch(/^Hi Ana, 20% off this week: http:\/\/[^ ]+\/t\/c\/[\w-]+\.0/);
    expect((byId.get(a.blocked.id) as any)).toMatchObject({ skipReason: 'blocked', message: null });
    expect((byId.get(a.noIdentity.id) as any).skipReason).toBe('no_identity');
  });
});

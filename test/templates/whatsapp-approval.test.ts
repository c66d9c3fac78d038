// WhatsApp template review end to end: submit (the sandbox transport records the Graph API request and
// answers as Meta does), then Meta's verdict arrives as a signed `message_template_status_update`
// webhook through the real webhook route and INGEST queue. Signatures are computed here independently
// of the adapter (test/channels/helpers.ts).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { createInbox, post, sandboxRequests, sign } from '../channels/helpers';
import { call, eventually, expectProblem, newWorkspace, type Workspace } from '../helpers';
import { applyTemplateStatus } from '../../worker/templates/approval';

const APP_SECRET = 'wa-template-app-secret';
const WABA = '102290129340398';

async function setup() {
  const ws = await newWorkspace('Casa Azul');
  const inbox = await createInbox(ws, 'whatsapp', { phoneNumberId: '106540352242922', accessToken: 'EAAtest', appSecret: APP_SECRET, verifyToken: 'verify-me', businessAccountId: WABA });
  const created = await call('POST', '/api/templates', {
    token: ws.token,
    body: {
      name: 'checkin_reminder',
      channel: 'whatsapp',
      category: 'reminder',
      language: 'en_US',
      body: 'Hi {{1}}, check-in for {{2}} opens at 4pm.',
      buttons: [{ type: 'URL', text: 'House guide', url: 'https://casa-azul.example/guide' }],
      variables: { '1': 'contact.first_name', '2': 'reservation.reference' },
    },
  });
  expect(created.status, JSON.stringify(created.body)).toBe(201);
  return { ws, inbox, template: created.body };
}

function verdict(providerTemplateId: string, event: string, reason = 'NONE', time = Math.floor(Date.now() / 1000)) {
  return JSON.stringify({
    entry: [{ id: WABA, time, changes: [{ value: { event, message_template_id: Number(providerTemplateId), message_template_name: 'checkin_reminder', message_template_language: 'en_US', reason }, field: 'message_template_status_update' }] }],
    object: 'whatsapp_business_account',
  });
}

const statusOf = (ws: Workspace, id: string, want: string) =>
  eventually(async () => {
    const t = await call('GET', `/api/templates/${id}`, { token: ws.token });
    return t.body.status === want ? t.body : null;
  });

describe('WhatsApp template approval', () => {
  it('draft → pending on submit (Graph API request recorded) → approved by the signed webhook; editing sends it back to draft', async () => {
    const { ws, inbox, template } = await setup();
    expect(template).toMatchObject({ status: 'draft', canSendOutsideWindow: false });
    const submitted = await call('POST', `/api/templates/${template.id}/submit`, { token: ws.token, body: {} });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(200);
    expect(submitted.body).toMatchObject({ status: 'pending', inboxId: inbox.id, submittedVersion: 1, providerTemplateId: expect.stringMatching(/^\d{15}$/), canSendOutsideWindow: false });

    const [req] = (await sandboxRequests(ws)).filter((r) => r.purpose === 'template');
    expect(req).toMatchObject({ method: 'POST', url: `https://graph.facebook.com/v21.0/${WABA}/message_templates`, channel: 'whatsapp', inboxId: inbox.id, responseStatus: 200 });
    expect(req.headers.authorization).toBe('Bearer [redacted]');
    expect(JSON.parse(req.body)).toEqual({
      name: 'checkin_reminder',
      language: 'en_US',
      category: 'UTILITY',
      components: [
        { type: 'BODY', text: 'Hi {{1}}, check-in for {{2}} opens at 4pm.', example: { body_text: [['Maria', 'HMK2Q8ZP']] } },
        { type: 'BUTTONS', buttons: [{ type: 'URL', text: 'House guide', url: 'https://casa-azul.example/guide' }] },
      ],
    });
    expectProblem(await call('POST', `/api/templates/${template.id}/submit`, { token: ws.token, body: {} }), 409);

    // Meta's side, played by the simulator: a provider-exact, signed webhook the caller delivers.
    const hook = await call('POST', '/api/dev/simulate/template-status', { token: ws.token, body: { templateId: template.id, event: 'APPROVED' } });
    expect(hook.status, JSON.stringify(hook.body)).toBe(200);
    expect(JSON.parse(hook.body.body).entry[0].changes[0]).toMatchObject({ field: 'message_template_status_update', value: { event: 'APPROVED', message_template_id: Number(submitted.body.providerTemplateId), message_template_name: 'checkin_reminder', message_template_language: 'en_US' } });
    expect((await post('whatsapp', inbox.id, hook.body.body, hook.body.headers)).status).toBe(200);
    const approved = await statusOf(ws, template.id, 'approved');
    expect(approved).toMatchObject({ statusReason: null, canSendOutsideWindow: true, sendable: true, version: 1 });

    // A new body is not what Meta approved: back to draft, as a new version.
    const edited = await call('PATCH', `/api/templates/${template.id}`, { token: ws.token, body: { body: 'Hi {{1}}, check-in for {{2}} opens at 3pm.' } });
    expect(edited.body).toMatchObject({ status: 'draft', version: 2, canSendOutsideWindow: false, providerTemplateId: submitted.body.providerTemplateId });
    // Resubmitting edits the template Meta already has.
    const again = await call('POST', `/api/templates/${template.id}/submit`, { token: ws.token, body: { inboxId: inbox.id } });
    expect(again.body).toMatchObject({ status: 'pending', submittedVersion: 2, providerTemplateId: submitted.body.providerTemplateId });
    const edit = (await sandboxRequests(ws)).filter((r) => r.purpose === 'template')[0];
    expect(edit.url).toBe(`https://graph.facebook.com/v21.0/${submitted.body.providerTemplateId}`);
    expect(JSON.parse(edit.body)).toMatchObject({ category: 'UTILITY', components: [{ type: 'BODY', text: 'Hi {{1}}, check-in for {{2}} opens at 3pm.' }, { type: 'BUTTONS' }] });
  });

  it('a rejection arrives with its reason; a wrong signature changes nothing', async () => {
    const { ws, inbox, template } = await setup();
    const submitted = await call('POST', `/api/templates/${template.id}/submit`, { token: ws.token, body: {} });
    const id = submitted.body.providerTemplateId as string;
    const forged = verdict(id, 'APPROVED');
    expectProblem(await post('whatsapp', inbox.id, forged, { 'content-type': 'application/json', 'x-hub-signature-256': await sign.hub('not-the-app-secret', forged) }), 401);
    const body = verdict(id, 'REJECTED', 'INVALID_FORMAT');
    expect((await post('whatsapp', inbox.id, body, { 'content-type': 'application/json', 'x-hub-signature-256': await sign.hub(APP_SECRET, body) })).status).toBe(200);
    const rejected = await statusOf(ws, template.id, 'rejected');
    expect(rejected).toMatchObject({ statusReason: 'INVALID_FORMAT', canSendOutsideWindow: false, sendable: false });
    // A rejected template is fixed and submitted again.
    const fixed = await call('PATCH', `/api/templates/${template.id}`, { token: ws.token, body: { body: 'Hello {{1}}, check-in for {{2}} opens at 4pm.' } });
    expect(fixed.body).toMatchObject({ status: 'draft', statusReason: null, version: 2 });
    expect((await call('POST', `/api/templates/${template.id}/submit`, { token: ws.token, body: {} })).body.status).toBe('pending');
  });

  it('status updates are idempotent and ordered: an older verdict, a template of another account or an unknown template change nothing', async () => {
    const { ws, inbox, template } = await setup();
    const submitted = await call('POST', `/api/templates/${template.id}/submit`, { token: ws.token, body: {} });
    const id = submitted.body.providerTemplateId as string;
    const target = { id: inbox.id, workspaceId: ws.workspaceId, config: { businessAccountId: WABA } };
    const ev = (event: string, at: number, over: Record<string, unknown> = {}) => ({ type: 'template_status' as const, providerTemplateId: id, name: 'checkin_reminder', language: 'en_US', event, reason: null, businessAccountId: WABA, at, ...over });
    const now = Date.now();
    expect(await applyTemplateStatus(env, target, ev('APPROVED', now))).toBe('applied');
    expect(await applyTemplateStatus(env, target, ev('APPROVED', now))).toBe('applied');
    expect(await applyTemplateStatus(env, target, ev('REJECTED', now - 60_000))).toBe('stale');
    expect(await applyTemplateStatus(env, target, ev('PAUSED', now, { businessAccountId: '999' }))).toBe('unknown');
    expect(await applyTemplateStatus(env, target, ev('PAUSED', now, { providerTemplateId: '123456789012345' }))).toBe('unknown');
    expect((await call('GET', `/api/templates/${template.id}`, { token: ws.token })).body.status).toBe('approved');
    expect(await applyTemplateStatus(env, target, ev('PAUSED', now + 1000, { reason: 'Quality: low' }))).toBe('applied');
    expect((await call('GET', `/api/templates/${template.id}`, { token: ws.token })).body).toMatchObject({ status: 'paused', statusReason: 'Quality: low', canSendOutsideWindow: false });
  });

  it('only WhatsApp templates are submitted, through an inbox that has a business account', async () => {
    const ws = await newWorkspace();
    const smsT = await call('POST', '/api/templates', { token: ws.token, body: { name: 'Hi', channel: 'sms', category: 'utility', language: 'en', body: 'Hi' } });
    expectProblem(await call('POST', `/api/templates/${smsT.body.id}/submit`, { token: ws.token, body: {} }), 409);
    const waT = await call('POST', '/api/templates', { token: ws.token, body: { name: 'hello', channel: 'whatsapp', category: 'utility', language: 'en', body: 'Hello there' } });
    expectProblem(await call('POST', `/api/templates/${waT.body.id}/submit`, { token: ws.token, body: {} }), 400, 'inboxId');
    const inbox = await createInbox(ws, 'whatsapp', { phoneNumberId: '1', accessToken: 'EAAtest', appSecret: APP_SECRET, verifyToken: 'v' });
    expectProblem(await call('POST', `/api/templates/${waT.body.id}/submit`, { token: ws.token, body: {} }), 400, 'inboxId');
    const web = await call('POST', '/api/inboxes', { token: ws.token, body: { channel: 'webchat', name: 'Chat' } });
    expectProblem(await call('POST', `/api/templates/${waT.body.id}/submit`, { token: ws.token, body: { inboxId: web.body.id } }), 400, 'inboxId');
    expect((await call('PATCH', `/api/inboxes/${inbox.id}`, { token: ws.token, body: { config: { businessAccountId: WABA } } })).status).toBe(200);
    expect((await call('POST', `/api/templates/${waT.body.id}/submit`, { token: ws.token, body: {} })).body.status).toBe('pending');
  });
});

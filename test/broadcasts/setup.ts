// Broadcast test fixtures: an SMS inbox (Twilio, sandbox transport), an SMS template with a link, and
// an audience of contacts tagged 'promo': one sendable and one of each skip reason.
import { env, introspectWorkflowInstance, SELF } from 'cloudflare:test';
import { createInbox, sign } from '../channels/helpers';
import { BASE, call, createContact, eventually, newWorkspace, unique, type Workspace } from '../helpers';

export const TOKEN = 'twilio-auth-token';
let phoneCounter = 0;
export const phone = () => `+1555${String(Date.now() % 1000).padStart(3, '0')}${String(++phoneCounter).padStart(4, '0')}`;

export async function smsSetup() {
  const ws = await newWorkspace();
  const inbox = await createInbox(ws, 'sms', { accountSid: 'AC0123456789', authToken: TOKEN, phoneNumber: '+15557654321' });
  const t = await call('POST', '/api/templates', {
    token: ws.token,
    body: { name: unique('spring'), channel: 'sms', category: 'marketing', language: 'en', body: 'Hi {{contact.first_name}}, 20% off this week: https://shop.example/spring?src=sms' },
  });
  if (t.status !== 201) throw new Error(`template: ${t.status} ${JSON.stringify(t.body)}`);
  return { ws, inbox, templateId: t.body.id as string };
}

export async function smsContact(ws: Workspace, extra: Record<string, unknown> = {}) {
  const number = phone();
  const c = await createContact(ws, { name: `Ana ${unique('x')}`, phone: number, tags: ['promo'], identities: [{ channel: 'sms', externalId: number }], ...extra });
  return { ...c, number };
}

export async function audience(ws: Workspace) {
  const ok = [await smsContact(ws), await smsContact(ws)];
  const optedOut = await smsContact(ws, { subscriptions: { sms: 'unsubscribed' } });
  const blocked = await smsContact(ws, { blocked: true });
  // A web chat identity only: nothing to send an SMS to.
  const noIdentity = await createContact(ws, { tags: ['promo'] });
  return { ok, optedOut, blocked, noIdentity };
}

export const PROMO = { field: 'tags', op: 'has', value: 'promo' };

export async function draft(ws: Workspace, inboxId: string, templateId: string, extra: Record<string, unknown> = {}) {
  const res = await call('POST', '/api/broadcasts', { token: ws.token, body: { name: unique('Spring sale'), inboxId, templateId, filter: PROMO, ...extra } });
  if (res.status !== 201) throw new Error(`broadcast: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; status: string };
}

/** Sends a draft through the real workflow, sleeps disabled, and waits for it to complete. */
export async function sendAndComplete(ws: Workspace, id: string) {
  const instance = await introspectWorkflowInstance(env.BROADCASTS, id);
  await instance.modify(async (m) => {
    await m.disableSleeps();
  });
  const res = await call('POST', `/api/broadcasts/${id}/send`, { token: ws.token });
  if (res.status !== 202) throw new Error(`send: ${res.status} ${JSON.stringify(res.body)}`);
  await instance.waitForStatus('complete');
  await instance.dispose();
}

export async function broadcast(ws: Workspace, id: string) {
  return (await call('GET', `/api/broadcasts/${id}`, { token: ws.token })).body;
}

export async function recipients(ws: Workspace, id: string, status?: string) {
  const res = await call('GET', `/api/broadcasts/${id}/recipients${status ? `?status=${status}` : ''}`, { token: ws.token });
  if (res.status !== 200) throw new Error(`recipients: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items as any[];
}

/** Every recipient handed to the outbound path and sent by it (the sandbox answered). */
export async function settled(ws: Workspace, id: string, sendable: number) {
  return eventually(async () => {
    const b = await broadcast(ws, id);
    return b.stats.sent === sendable && b.stats.queued === 0 ? b : null;
  });
}

/** SMS requests the sandbox transport recorded for a number (what Twilio would have received). */
export async function smsTo(workspaceId: string, number: string) {
  const rows = await env.DB.prepare(`SELECT body FROM sandbox_outbound WHERE workspace_id = ? AND channel = 'sms' AND purpose = 'send'`).bind(workspaceId).all<{ body: string }>();
  return rows.results.map((r) => Object.fromEntries(new URLSearchParams(r.body))).filter((f) => f.To === number);
}

export async function twilioStatus(inboxId: string, params: [string, string][]) {
  const url = `${BASE}/webhooks/sms/${inboxId}`;
  return call('POST', `/webhooks/sms/${inboxId}`, {
    body: new URLSearchParams(params).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': await sign.twilio(TOKEN, url, params) },
  });
}

export function fetchRaw(path: string, init: RequestInit = {}) {
  return SELF.fetch(`${BASE}${path}`, { redirect: 'manual', ...init });
}

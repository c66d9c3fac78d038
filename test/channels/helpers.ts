// Channel test helpers: inboxes with credentials, provider-exact signing done independently of the
// adapters (WebCrypto here, so a bug in an adapter's check cannot hide behind the same code), and
// waiting for what the queues produce.
import { env } from 'cloudflare:test';
import waText from '../fixtures/providers/whatsapp_cloud_text_message.json';
import { BASE, call, eventually, unique, type Workspace } from '../helpers';

const enc = new TextEncoder();

async function hmac(hash: 'SHA-1' | 'SHA-256', key: Uint8Array, data: string): Promise<Uint8Array> {
  const k = await crypto.subtle.importKey('raw', key as Uint8Array<ArrayBuffer>, { name: 'HMAC', hash }, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', k, enc.encode(data)));
}
const hex = (b: Uint8Array) => [...b].map((x) => x.toString(16).padStart(2, '0')).join('');
const b64 = (b: Uint8Array) => btoa(String.fromCharCode(...b));

export const sign = {
  hub: async (secret: string, body: string) => `sha256=${hex(await hmac('SHA-256', enc.encode(secret), body))}`,
  line: async (secret: string, body: string) => b64(await hmac('SHA-256', enc.encode(secret), body)),
  uber: async (secret: string, body: string) => hex(await hmac('SHA-256', enc.encode(secret), body)),
  hex256: async (secret: string, data: string) => hex(await hmac('SHA-256', enc.encode(secret), data)),
  twilio: async (token: string, url: string, params: [string, string][]) => {
    const sorted = [...params].sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
    return b64(await hmac('SHA-1', enc.encode(token), url + sorted.map(([k, v]) => k + v).join('')));
  },
  standard: async (secret: string, id: string, ts: number, body: string) => {
    const key = secret.startsWith('whsec_') ? Uint8Array.from(atob(secret.slice(6)), (c) => c.charCodeAt(0)) : enc.encode(secret);
    return `v1,${b64(await hmac('SHA-256', key, `${id}.${ts}.${body}`))}`;
  },
};

export const STANDARD_SECRET = 'whsec_' + btoa('parley-test-signing-secret-0123456789');

export async function standardHeaders(body: string, secret = STANDARD_SECRET, id = unique('msg'), ts = Math.floor(Date.now() / 1000)) {
  return { 'content-type': 'application/json', 'webhook-id': id, 'webhook-timestamp': String(ts), 'webhook-signature': await sign.standard(secret, id, ts, body) };
}

export async function createInbox(ws: Workspace, channel: string, config: Record<string, unknown>, name = `${channel} inbox`) {
  const res = await call('POST', '/api/inboxes', { token: ws.token, body: { channel, name, config } });
  if (res.status !== 201) throw new Error(`inbox failed: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; channel: string };
}

export function webhookUrl(channel: string, inboxId: string, query = '') {
  return `${BASE}/webhooks/${channel}/${inboxId}${query}`;
}

export async function post(channel: string, inboxId: string, body: string, headers: Record<string, string>, query = '') {
  return call('POST', `/webhooks/${channel}/${inboxId}${query}`, { body, headers });
}

/** Conversations of a contact found by channel identity, once the consumer has made them. */
export async function contactByIdentity(workspaceId: string, channel: string, externalId: string) {
  return env.DB.prepare(`SELECT c.* FROM contact_identities ci JOIN contacts c ON c.id = ci.contact_id WHERE ci.workspace_id = ? AND ci.channel = ? AND ci.external_id = ?`)
    .bind(workspaceId, channel, externalId)
    .first<{ id: string; name: string | null; phone: string | null; email: string | null; subscriptions: string }>();
}

export async function threadOf(ws: Workspace, workspaceId: string, channel: string, externalId: string, minMessages = 1, timeoutMs = 8000) {
  return eventually(async () => {
    const contact = await contactByIdentity(workspaceId, channel, externalId);
    if (!contact) return null;
    const conv = await env.DB.prepare(`SELECT conversation_id FROM contact_threads WHERE workspace_id = ? AND contact_id = ?`).bind(workspaceId, contact.id).first<string>('conversation_id');
    if (!conv) return null;
    const msgs = await call('GET', `/api/conversations/${conv}/messages?limit=200`, { token: ws.token });
    if (msgs.status !== 200 || msgs.body.items.length < minMessages) return null;
    return { contact, conversationId: conv, messages: msgs.body.items as any[] };
  }, timeoutMs);
}

export async function deadLetters(ws: Workspace, status = 'all') {
  const res = await call('GET', `/api/admin/dead-letters?status=${status}`, { token: ws.token });
  if (res.status !== 200) throw new Error(`dead letters: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items as any[];
}

export async function sandboxRequests(ws: Workspace, messageId?: string) {
  const res = await call('GET', `/api/channels/sandbox/outbound${messageId ? `?messageId=${messageId}` : ''}`, { token: ws.token });
  if (res.status !== 200) throw new Error(`sandbox: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items as any[];
}

/** An agent reply, and its message once the delivery consumer has settled it (sent or failed). */
export async function replyAndSettle(ws: Workspace, conversationId: string, text: string, timeoutMs = 8000) {
  const sent = await call('POST', `/api/conversations/${conversationId}/messages`, { token: ws.token, body: { text } });
  if (sent.status !== 201) throw new Error(`reply failed: ${sent.status} ${JSON.stringify(sent.body)}`);
  const id = sent.body.message.id as string;
  return eventually(async () => {
    const msgs = await call('GET', `/api/conversations/${conversationId}/messages?limit=200`, { token: ws.token });
    const m = msgs.body.items.find((x: any) => x.id === id);
    return m && m.status !== 'queued' ? m : null;
  }, timeoutMs);
}

/** The app secret the WhatsApp inboxes of the message-path tests are created with. */
export const WA_APP_SECRET = 'made-up-app-secret-for-fixtures';

/** A WhatsApp Cloud API text-message webhook (the provider fixture) from `from`, saying `text`, with a fresh message id. */
export function waTextBody(from: string, text: string, name = 'Sheena Nelson'): string {
  const body = structuredClone(waText.body) as any;
  const value = body.entry[0].changes[0].value;
  value.contacts[0].wa_id = from;
  value.contacts[0].profile.name = name;
  value.messages[0].from = from;
  value.messages[0].id = `wamid.${unique()}`;
  value.messages[0].text.body = text;
  return JSON.stringify(body);
}

/** POSTs a WhatsApp webhook body signed with `appSecret`, as Meta does; the Worker must answer 200. */
export async function postWhatsApp(inboxId: string, raw: string, appSecret = WA_APP_SECRET): Promise<void> {
  const res = await post('whatsapp', inboxId, raw, { 'content-type': 'application/json', 'x-hub-signature-256': await sign.hub(appSecret, raw) });
  if (res.status !== 200) throw new Error(`whatsapp webhook → ${res.status}`);
}

// Cloudflare Email Workers entry: mail routed to this Worker is matched to the e-mail inbox whose
// `address` it was sent to and put, raw, on the INGEST queue (the consumer parses it with postal-mime).
// Unknown or disabled mailboxes are rejected at SMTP time, so the sender gets a bounce, not silence.
// A mail answering a broadcast's `List-Unsubscribe: <mailto:…?subject=unsubscribe TOKEN>` unsubscribes
// the contact instead of opening a conversation (even on a disabled mailbox: an opt-out is honoured).
import { Hono } from 'hono';
import { decryptJson } from '../crypto/secrets';
import { Problem } from '../http/problem';
import { channelEnabledIn } from '../ingest/inboxes';
import { spillLargeBody, type IngestJob } from '../ingest/jobs';
import { unsubscribe } from '../broadcasts/tracking';

export interface InboundMail {
  from: string;
  to: string;
  raw: ReadableStream | string;
  headers?: Headers;
  setReject(reason: string): void;
}

const addressCache = new Map<string, Promise<string | null>>();

async function addressOf(env: Env, sealed: string): Promise<string | null> {
  let hit = addressCache.get(sealed);
  if (!hit) {
    if (addressCache.size > 1000) addressCache.clear();
    hit = decryptJson<{ address?: string }>(env.ENCRYPTION_KEY, sealed).then((c) => (c.address ? String(c.address).toLowerCase().trim() : null), () => null);
    addressCache.set(sealed, hit);
  }
  return hit;
}

type InboxRow = { id: string; workspace_id: string; enabled: number; config_encrypted: string; ws_settings: string | null };

export async function inboxForAddress(env: Env, address: string): Promise<InboxRow | null> {
  const rows = await env.DB.prepare(
    `SELECT i.id, i.workspace_id, i.enabled, i.config_encrypted, w.settings AS ws_settings FROM inboxes i JOIN workspaces w ON w.id = i.workspace_id WHERE i.channel = 'email'`,
  ).all<InboxRow>();
  const wanted = address.toLowerCase().trim();
  // Plus-addressing (support+tag@…) reaches the base mailbox.
  const base = wanted.replace(/\+[^@]*@/, '@');
  for (const r of rows.results) {
    const a = await addressOf(env, r.config_encrypted);
    if (a && (a === wanted || a === base)) return r;
  }
  return null;
}

/** The Subject of a raw message (headers unfolded; only what an unsubscribe mail needs, so no MIME decoding). */
export function rawSubject(raw: string): string | null {
  const end = raw.search(/\r?\n\r?\n/);
  const head = (end < 0 ? raw : raw.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
  return /^subject:[ \t]*(.*)$/im.exec(head)?.[1]?.trim() ?? null;
}

/** A mailto: unsubscribe for this inbox's workspace, acted on; false when the mail is anything else. */
async function mailUnsubscribe(env: Env, workspaceId: string, subject: string | null): Promise<boolean> {
  const m = /^unsubscribe\s+([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i.exec(subject ?? '');
  if (!m) return false;
  // The token must be this workspace's: a mail to one mailbox does not unsubscribe anyone elsewhere.
  return (await unsubscribe(env, m[1], Date.now(), workspaceId)) !== null;
}

/** Accept one message: returns the queued job, 'unsubscribed' for a mailto: unsubscribe, or null when it was rejected. */
export async function handleEmail(mail: InboundMail, env: Env): Promise<IngestJob | 'unsubscribed' | null> {
  const inbox = await inboxForAddress(env, mail.to);
  if (!inbox) {
    mail.setReject('Unknown mailbox');
    return null;
  }
  const raw = typeof mail.raw === 'string' ? mail.raw : await new Response(mail.raw).text();
  if (await mailUnsubscribe(env, inbox.workspace_id, mail.headers?.get('subject') ?? rawSubject(raw))) return 'unsubscribed';
  let settings: Record<string, unknown> = {};
  try {
    settings = inbox.ws_settings ? (JSON.parse(inbox.ws_settings) as Record<string, unknown>) : {};
  } catch {
    settings = {};
  }
  if (!inbox.enabled || !channelEnabledIn(settings, 'email')) {
    mail.setReject('This mailbox is not accepting mail');
    return null;
  }
  const job = await spillLargeBody(env, {
    kind: 'email',
    workspaceId: inbox.workspace_id,
    inboxId: inbox.id,
    channel: 'email',
    raw: { method: 'EMAIL', url: `mailto:${mail.to}`, headers: { 'x-envelope-from': mail.from, 'x-envelope-to': mail.to, 'content-type': 'message/rfc822' }, body: raw, receivedAt: Date.now() },
  });
  await env.INGEST.send(job, { contentType: 'json' });
  return job;
}

/** POST /api/dev/email?from=&to= with a raw RFC 822 body: the Email Worker path, for the simulator and tests (never in production). */
export const emailDevRoutes = new Hono<{ Bindings: Env }>();
emailDevRoutes.post('/email', async (c) => {
  if (c.env.ENVIRONMENT !== 'development' && c.env.ENVIRONMENT !== 'test') throw Problem.notFound('Route');
  const to = c.req.query('to');
  const from = c.req.query('from') ?? 'sender@example.com';
  if (!to) throw Problem.badRequest('to', 'the ?to= query parameter is required');
  let rejected: string | null = null;
  const job = await handleEmail({ from, to, raw: await c.req.text(), setReject: (r) => (rejected = r) }, c.env);
  if (!job) throw new Problem(422, 'Rejected', rejected ?? 'rejected');
  if (job === 'unsubscribed') return c.json({ queued: false, unsubscribed: true }, 202);
  return c.json({ queued: true, inboxId: job.inboxId }, 202);
});

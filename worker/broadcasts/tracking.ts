// What happens to a broadcast message after it is handed over: delivery statuses from the channels'
// status webhooks (message.status on the event stream), replies attributed to the latest broadcast
// the contact received, and the tracked link, open pixel and unsubscribe hits. All idempotent: a
// repeated event or hit changes nothing more (clicks are counted per hit by design).
import { setSubscriptionStatement, subscriptionStatus, SUBSCRIPTION_CHANNELS } from '../contacts/subscriptions';
import type { ParleyEvent } from '../events/model';
import type { Subscriber } from '../events/subscribers';
import { advance } from './model';
import { verifyUnsubscribeToken } from './unsubscribe-token';

/** A reply counts for a broadcast this long after it went out. */
export const REPLY_WINDOW_MS = 7 * 24 * 3600_000;
/** A click this soon after the message was sent or delivered is a link scanner, not a person. */
export const MACHINE_CLICK_MS = 1000;
const SCANNERS = /bot|crawler|spider|preview|scanner|proofpoint|mimecast|barracuda|safelinks|urldefense|headless/i;

type RecipientRow = { broadcast_id: string; contact_id: string; status: string };

/**
 * The compare-and-set UPDATE for one status report on a recipient as last seen (`row.status`): a concurrent
 * report is not overwritten by an older one, and a redelivered report (its status already reached)
 * never gets this far (advance() says null), so the counts stay exact.
 */
function statusStatement(env: Env, row: RecipientRow, next: string, e: ParleyEvent<'message.status'>): D1PreparedStatement {
  const col = next === 'sent' ? 'sent_at' : next === 'delivered' ? 'delivered_at' : next === 'read' ? 'read_at' : next === 'failed' ? 'failed_at' : null;
  return env.DB.prepare(
    `UPDATE broadcast_recipients SET status = ?, reason = CASE WHEN ? = 'failed' THEN ? ELSE reason END${col ? `, ${col} = coalesce(${col}, ?)` : ''}
     ${next === 'delivered' || next === 'read' ? ', sent_at = coalesce(sent_at, ?)' : ''}
     WHERE broadcast_id = ? AND contact_id = ? AND status = ?`,
  ).bind(next, next, e.data.reason ?? null, ...(col ? [e.at] : []), ...(next === 'delivered' || next === 'read' ? [e.at] : []), row.broadcast_id, row.contact_id, row.status);
}

/**
 * Status reports of a whole queue batch: one read of the recipients they concern and their updates in
 * order, for one db.batch (a big send's delivery and read receipts arrive by the thousand). Several
 * reports for one message chain: each update's compare-and-set expects the status the previous one set,
 * and db.batch runs them in order in one transaction.
 */
async function statusStatements(env: Env, events: ParleyEvent<'message.status'>[]): Promise<D1PreparedStatement[]> {
  if (events.length === 0) return [];
  const ids = [...new Set(events.map((e) => e.data.messageId))];
  const rows = await env.DB.prepare(`SELECT message_id, broadcast_id, contact_id, status FROM broadcast_recipients WHERE message_id IN (SELECT value FROM json_each(?))`)
    .bind(JSON.stringify(ids))
    .all<RecipientRow & { message_id: string }>();
  const byMessage = new Map(rows.results.map((r) => [r.message_id, r]));
  const out: D1PreparedStatement[] = [];
  for (const e of events) {
    const row = byMessage.get(e.data.messageId);
    if (!row) continue;
    const next = advance(row.status, e.data.status);
    if (!next) continue;
    out.push(statusStatement(env, row, next, e));
    byMessage.set(e.data.messageId, { ...row, status: next });
  }
  return out;
}

/** The broadcast message itself: its id reaches the recipient row even if a status report overtakes the sender's own write. */
function createdStatement(env: Env, e: ParleyEvent<'message.created'>): D1PreparedStatement | null {
  const m = e.message;
  if (!m || m.authorType !== 'broadcast' || !m.externalId) return null;
  const [broadcastId, contactId] = m.externalId.split(':');
  return env.DB.prepare(
    `UPDATE broadcast_recipients SET message_id = ?, conversation_id = ?, status = CASE WHEN status = 'sending' THEN 'queued' ELSE status END
     WHERE broadcast_id = ? AND contact_id = ? AND message_id IS NULL`,
  ).bind(m.id, e.conversationId, broadcastId, contactId);
}

function receivedStatement(env: Env, e: ParleyEvent<'message.received'>): D1PreparedStatement {
  return env.DB.prepare(
    `UPDATE broadcast_recipients SET replied_at = ?1 WHERE rowid = (
       SELECT rowid FROM broadcast_recipients
       WHERE workspace_id = ?2 AND contact_id = ?3 AND message_id IS NOT NULL AND coalesce(sent_at, queued_at) BETWEEN ?4 AND ?1
       ORDER BY coalesce(sent_at, queued_at) DESC LIMIT 1) AND replied_at IS NULL`,
  ).bind(e.at, e.workspaceId, e.conversation.contactId, e.at - REPLY_WINDOW_MS);
}

export const broadcastTracking: Subscriber = {
  name: 'broadcast-tracking',
  wants: (e) => e.type === 'message.status' || e.type === 'message.received' || (e.type === 'message.created' && e.message?.authorType === 'broadcast'),
  // At most three round trips per queue batch, whatever its size: the messages' ids first (a status
  // report may name a message whose id only this batch brings), then one read of the recipients the
  // reports concern, then their updates and the replies together.
  async handle(env, events) {
    const created = events.filter((e) => e.type === 'message.created').map((e) => createdStatement(env, e as ParleyEvent<'message.created'>)).filter((s) => s !== null);
    if (created.length) await env.DB.batch(created);
    const updates = await statusStatements(env, events.filter((e) => e.type === 'message.status') as ParleyEvent<'message.status'>[]);
    const replies = events.filter((e) => e.type === 'message.received').map((e) => receivedStatement(env, e as ParleyEvent<'message.received'>));
    if (updates.length || replies.length) await env.DB.batch([...updates, ...replies]);
  },
};

type TokenRow = { broadcast_id: string; contact_id: string; workspace_id: string; links: string; sent_at: number | null; delivered_at: number | null; queued_at: number | null; channel: string };

async function byToken(env: Env, token: string): Promise<TokenRow | null> {
  if (!/^[A-Za-z0-9_-]{10,64}$/.test(token)) return null;
  return env.DB.prepare(
    `SELECT r.broadcast_id, r.contact_id, r.workspace_id, r.links, r.sent_at, r.delivered_at, r.queued_at, i.channel
     FROM broadcast_recipients r JOIN broadcasts b ON b.id = r.broadcast_id JOIN inboxes i ON i.id = b.inbox_id WHERE r.token = ?`,
  )
    .bind(token)
    .first<TokenRow>();
}

/**
 * A tracked link hit: the target to redirect to (null: unknown token or link), counted as a click or,
 * for HEAD requests, known scanners and hits within a second of delivery, as a machine click.
 */
export async function recordClick(env: Env, ref: string, hit: { method: string; userAgent: string | null; now: number }): Promise<{ url: string; machine: boolean } | null> {
  const m = /^([A-Za-z0-9_-]+)\.(\d{1,3})$/.exec(ref);
  if (!m) return null;
  const r = await byToken(env, m[1]);
  const url = r ? (JSON.parse(r.links) as string[])[Number(m[2])] : undefined;
  if (!r || !url) return null;
  const deliveredAt = Math.max(r.delivered_at ?? 0, r.sent_at ?? 0);
  const machine = hit.method === 'HEAD' || SCANNERS.test(hit.userAgent ?? '') || (deliveredAt > 0 && hit.now - deliveredAt < MACHINE_CLICK_MS);
  await env.DB.prepare(
    machine
      ? `UPDATE broadcast_recipients SET machine_clicks = machine_clicks + 1 WHERE broadcast_id = ? AND contact_id = ?`
      : `UPDATE broadcast_recipients SET clicks = clicks + 1, clicked_at = coalesce(clicked_at, ?3) WHERE broadcast_id = ?1 AND contact_id = ?2`,
  )
    .bind(r.broadcast_id, r.contact_id, ...(machine ? [] : [hit.now]))
    .run();
  return { url, machine };
}

/**
 * Machine opens. Mail providers that fetch images through their own proxy load the pixel without
 * anyone reading the mail: Apple Mail Privacy Protection prefetches every image when the message
 * reaches the device, and Google's and Yahoo's image proxies fetch on arrival too at times. Such a
 * fetch is recognised by who asks:
 * - Apple's proxies send the bare user agent "Mozilla/5.0" (no platform, no engine: no real mail client
 *   or browser does) and come from Apple's networks (AS714, AS6185, read from request.cf.asn);
 * - Google's image proxy says "GoogleImageProxy" (via ggpht.com), Yahoo's "YahooMailProxy";
 * and by when: within MACHINE_OPEN_MS of the message being sent or delivered, which is prefetch
 * timing. The same proxy later is a person opening the mail through it (Gmail fetches on open), so it
 * counts as a human open. Link scanners' user agents and HEAD requests are machines at any time.
 * Limits: a device offline when the mail arrived prefetches later and counts as a human open; clicks
 * stay the reliable measure.
 */
export const MACHINE_OPEN_MS = 60_000;
const APPLE_ASNS = new Set([714, 6185]);
const IMAGE_PROXIES = /GoogleImageProxy|YahooMailProxy/i;

export interface PixelHit {
  method: string;
  userAgent: string | null;
  /** Cloudflare's request.cf.asn of the fetcher, when known. */
  asn: number | null;
  now: number;
}

export function isMachineOpen(hit: PixelHit, deliveredAt: number | null): boolean {
  const ua = (hit.userAgent ?? '').trim();
  if (hit.method === 'HEAD' || SCANNERS.test(ua)) return true;
  const proxy = ua === 'Mozilla/5.0' || IMAGE_PROXIES.test(ua) || (hit.asn !== null && APPLE_ASNS.has(hit.asn));
  // Not yet sent (no time to compare with): a fetch before the message left is nobody reading it.
  if (deliveredAt === null) return proxy;
  return proxy && hit.now - deliveredAt < MACHINE_OPEN_MS;
}

/** An open pixel hit: the recipient's first human open (and a count), or a machine open kept apart. */
export async function recordOpen(env: Env, token: string, hit: PixelHit): Promise<{ machine: boolean } | null> {
  const r = await byToken(env, token);
  if (!r) return null;
  const deliveredAt = Math.max(r.delivered_at ?? 0, r.sent_at ?? 0) || null;
  const machine = isMachineOpen(hit, deliveredAt);
  await env.DB.prepare(
    machine
      ? `UPDATE broadcast_recipients SET machine_opens = machine_opens + 1, machine_opened_at = coalesce(machine_opened_at, ?3) WHERE broadcast_id = ?1 AND contact_id = ?2`
      : `UPDATE broadcast_recipients SET opens = opens + 1, opened_at = coalesce(opened_at, ?3) WHERE broadcast_id = ?1 AND contact_id = ?2`,
  )
    .bind(r.broadcast_id, r.contact_id, hit.now)
    .run();
  return { machine };
}

export type UnsubscribeResult = { channel: string; already: boolean };

/**
 * One-click unsubscribe (RFC 8058) by a signed token (worker/broadcasts/unsubscribe-token.ts): the
 * contact's subscription on the token's channel becomes unsubscribed, from a source only the customer
 * may reverse, and the broadcast counts it. Null when the token is forged or altered, or names a
 * contact its workspace does not have (or, with `onlyWorkspace`, is another workspace's). Idempotent: a second request changes nothing (not even the time).
 */
export async function unsubscribe(env: Env, token: string, now: number, onlyWorkspace?: string): Promise<UnsubscribeResult | null> {
  const ref = await verifyUnsubscribeToken(env.JWT_SECRET, token);
  if (!ref || !(SUBSCRIPTION_CHANNELS as readonly string[]).includes(ref.channel)) return null;
  if (onlyWorkspace !== undefined && ref.workspaceId !== onlyWorkspace) return null;
  type Row = { id: string; merged_into: string | null; subscriptions: string | null };
  const find = (id: string) => env.DB.prepare(`SELECT id, merged_into, subscriptions FROM contacts WHERE workspace_id = ? AND id = ?`).bind(ref.workspaceId, id).first<Row>();
  let contact = await find(ref.contactId);
  if (!contact) return null;
  // Merged since the mail went out: the opt-out belongs to the contact it became.
  if (contact.merged_into) contact = (await find(contact.merged_into)) ?? contact;
  const already = subscriptionStatus(contact.subscriptions, ref.channel) === 'unsubscribed';
  const statements = [
    env.DB.prepare(`UPDATE broadcast_recipients SET unsubscribed_at = coalesce(unsubscribed_at, ?) WHERE broadcast_id = ? AND contact_id = ? AND workspace_id = ?`).bind(now, ref.broadcastId, ref.contactId, ref.workspaceId),
  ];
  if (!already) statements.unshift(setSubscriptionStatement(env.DB, ref.workspaceId, contact.id, ref.channel, 'unsubscribed', ref.channel === 'email' ? 'email_unsubscribe' : 'broadcast_unsubscribe', now));
  await env.DB.batch(statements);
  return { channel: ref.channel, already };
}

/** The channel a valid token unsubscribes from (the GET page shows its button only then). */
export async function unsubscribeTarget(env: Env, token: string): Promise<{ channel: string } | null> {
  const ref = await verifyUnsubscribeToken(env.JWT_SECRET, token);
  if (!ref) return null;
  const known = await env.DB.prepare(`SELECT 1 FROM contacts WHERE workspace_id = ? AND id = ?`).bind(ref.workspaceId, ref.contactId).first();
  return known ? { channel: ref.channel } : null;
}

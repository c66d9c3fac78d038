// What happens to a broadcast message after it is handed over: delivery statuses from the channels'
// status webhooks (message.status on the event stream), replies attributed to the latest broadcast
// the contact received, and the tracked link, open pixel and unsubscribe hits. All idempotent: a
// repeated event or hit changes nothing more (clicks are counted per hit by design).
import { setSubscriptionStatement, unsubscribeEmail } from '../contacts/subscriptions';
import type { ParleyEvent } from '../events/model';
import type { Subscriber } from '../events/subscribers';
import { advance } from './model';

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

export async function recordOpen(env: Env, token: string, now: number): Promise<boolean> {
  const res = await env.DB.prepare(`UPDATE broadcast_recipients SET opened_at = coalesce(opened_at, ?) WHERE token = ?`).bind(now, token).run();
  return (res.meta.changes ?? 0) > 0;
}

/** Whether the token names a recipient (the unsubscribe page shows its button only then). */
export async function unsubscribeTarget(env: Env, token: string): Promise<{ channel: string } | null> {
  const r = await byToken(env, token);
  return r ? { channel: r.channel } : null;
}

/** One-click unsubscribe (RFC 8058): the contact's subscription on the broadcast's channel becomes unsubscribed. */
export async function unsubscribe(env: Env, token: string, now: number): Promise<boolean> {
  const r = await byToken(env, token);
  if (!r) return false;
  if (r.channel === 'email') await unsubscribeEmail(env, r.workspace_id, r.contact_id, now);
  else await setSubscriptionStatement(env.DB, r.workspace_id, r.contact_id, r.channel, 'unsubscribed', 'broadcast_unsubscribe', now).run();
  await env.DB.prepare(`UPDATE broadcast_recipients SET unsubscribed_at = coalesce(unsubscribed_at, ?) WHERE broadcast_id = ? AND contact_id = ?`).bind(now, r.broadcast_id, r.contact_id).run();
  return true;
}

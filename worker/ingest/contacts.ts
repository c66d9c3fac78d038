// Contact resolution for inbound events: a channel identity (workspace, channel, external id) names one
// contact; a new identity creates its contact, and a phone or e-mail that another contact already has
// becomes a merge suggestion (never an automatic merge: two people can share a family phone).
import type { ContactProfile, SubscriptionKeyword } from '../channels/types';
import { newId } from '../db/ids';

export interface ResolvedContact {
  id: string;
  name: string | null;
  created: boolean;
  /** When this contact last wrote on the channel (null: never, or not known yet). */
  lastInboundAt: number | null;
}

type Row = { contact_id: string; merged_into: string | null; name: string | null; phone: string | null; email: string | null; avatar_url: string | null; last_inbound_at: number | null };

async function byIdentity(env: Env, workspaceId: string, channel: string, externalId: string): Promise<Row | null> {
  return env.DB.prepare(
    `SELECT ci.contact_id, c.merged_into, c.name, c.phone, c.email, c.avatar_url, a.last_inbound_at FROM contact_identities ci
     JOIN contacts c ON c.id = ci.contact_id
     LEFT JOIN channel_activity a ON a.workspace_id = ci.workspace_id AND a.contact_id = ci.contact_id AND a.channel = ci.channel
     WHERE ci.workspace_id = ? AND ci.channel = ? AND ci.external_id = ?`,
  )
    .bind(workspaceId, channel, externalId)
    .first<Row>();
}

/** Follow merges to the surviving contact. */
async function survivor(env: Env, workspaceId: string, id: string, mergedInto: string | null): Promise<string> {
  let current = id;
  let next = mergedInto;
  for (let hops = 0; next && hops < 5; hops++) {
    current = next;
    next = await env.DB.prepare(`SELECT merged_into FROM contacts WHERE id = ? AND workspace_id = ?`).bind(current, workspaceId).first<string | null>('merged_into');
  }
  return current;
}

function clean(profile: ContactProfile) {
  return {
    name: profile.name?.trim().slice(0, 200) || null,
    phone: profile.phone?.trim() || null,
    email: profile.email?.trim().toLowerCase() || null,
    avatarUrl: profile.avatarUrl?.trim() || null,
  };
}

export async function resolveContact(env: Env, inbox: { id: string; workspaceId: string; channel: string }, profile: ContactProfile): Promise<ResolvedContact> {
  const ws = inbox.workspaceId;
  const p = clean(profile);
  const externalId = profile.externalId.slice(0, 300);
  const found = await byIdentity(env, ws, inbox.channel, externalId);
  if (found) {
    const id = await survivor(env, ws, found.contact_id, found.merged_into);
    // Fill in what the provider tells us and we did not know; never overwrite what agents edited.
    const fills = (!found.name && p.name) || (!found.phone && p.phone) || (!found.email && p.email) || (!found.avatar_url && p.avatarUrl);
    if (fills && id === found.contact_id) {
      await env.DB.prepare(
        `UPDATE contacts SET name = coalesce(name, ?), phone = coalesce(phone, ?), email = coalesce(email, ?), avatar_url = coalesce(avatar_url, ?), updated_at = ? WHERE id = ? AND workspace_id = ?`,
      )
        .bind(p.name, p.phone, p.email, p.avatarUrl, Date.now(), id, ws)
        .run();
      await suggestMerges(env, ws, id, { phone: found.phone ? null : p.phone, email: found.email ? null : p.email });
    }
    return { id, name: found.name ?? p.name, created: false, lastInboundAt: id === found.contact_id ? found.last_inbound_at : null };
  }

  const id = newId('ct');
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(`INSERT INTO contacts (id, workspace_id, name, email, phone, avatar_url, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`).bind(
      id,
      ws,
      p.name,
      p.email,
      p.phone,
      p.avatarUrl,
      now,
      now,
    ),
    env.DB.prepare(`INSERT OR IGNORE INTO contact_identities (id, workspace_id, contact_id, channel, external_id, inbox_id) VALUES (?, ?, ?, ?, ?, ?)`).bind(
      newId('cid'),
      ws,
      id,
      inbox.channel,
      externalId,
      inbox.id,
    ),
  ]);
  const owner = await byIdentity(env, ws, inbox.channel, externalId);
  if (owner && owner.contact_id !== id) {
    // Another delivery of the same sender won the race: drop our empty twin and use theirs.
    await env.DB.prepare(`DELETE FROM contacts WHERE id = ? AND workspace_id = ?`).bind(id, ws).run();
    return { id: await survivor(env, ws, owner.contact_id, owner.merged_into), name: owner.name, created: false, lastInboundAt: null };
  }
  await suggestMerges(env, ws, id, { phone: p.phone, email: p.email });
  return { id, name: p.name, created: true, lastInboundAt: null };
}

/** Record suggestions both ways (each contact's sidebar shows the other) for contacts sharing a phone or e-mail. */
export async function suggestMerges(env: Env, workspaceId: string, contactId: string, keys: { phone: string | null; email: string | null }): Promise<number> {
  const checks: [reason: 'phone' | 'email', value: string][] = [];
  if (keys.phone) checks.push(['phone', keys.phone]);
  if (keys.email) checks.push(['email', keys.email]);
  let count = 0;
  for (const [reason, value] of checks) {
    const others = await env.DB.prepare(
      `SELECT id FROM contacts WHERE workspace_id = ? AND ${reason} = ? AND id != ? AND merged_into IS NULL ORDER BY created_at LIMIT 10`,
    )
      .bind(workspaceId, value, contactId)
      .all<{ id: string }>();
    if (others.results.length === 0) continue;
    const stmts = others.results.flatMap((o) => [
      env.DB.prepare(`INSERT OR IGNORE INTO merge_suggestions (id, workspace_id, contact_id, candidate_id, reason, value) VALUES (?, ?, ?, ?, ?, ?)`).bind(newId('mrs'), workspaceId, contactId, o.id, reason, value),
      env.DB.prepare(`INSERT OR IGNORE INTO merge_suggestions (id, workspace_id, contact_id, candidate_id, reason, value) VALUES (?, ?, ?, ?, ?, ?)`).bind(newId('mrs'), workspaceId, o.id, contactId, reason, value),
    ]);
    await env.DB.batch(stmts);
    count += others.results.length;
  }
  return count;
}

/** STOP / START keywords: the contact's subscription on this channel. HELP changes nothing. */
export async function applyKeyword(env: Env, workspaceId: string, contactId: string, channel: string, keyword: SubscriptionKeyword): Promise<void> {
  if (keyword === 'help') return;
  const status = keyword === 'stop' ? 'unsubscribed' : 'subscribed';
  await env.DB.prepare(`UPDATE contacts SET subscriptions = json_set(coalesce(subscriptions, '{}'), ?, ?), updated_at = ? WHERE id = ? AND workspace_id = ?`)
    .bind(`$.${channel}`, status, Date.now(), contactId, workspaceId)
    .run();
}

export async function touchChannelActivity(env: Env, workspaceId: string, contactId: string, channel: string, inboxId: string, at: number): Promise<void> {
  await env.DB.prepare(
    `INSERT INTO channel_activity (workspace_id, contact_id, channel, inbox_id, last_inbound_at) VALUES (?, ?, ?, ?, ?)
     ON CONFLICT(workspace_id, contact_id, channel) DO UPDATE SET last_inbound_at = max(last_inbound_at, excluded.last_inbound_at), inbox_id = excluded.inbox_id`,
  )
    .bind(workspaceId, contactId, channel, inboxId, at)
    .run();
}

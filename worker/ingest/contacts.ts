// Contact resolution for inbound events: a channel identity (workspace, channel, external id) names one
// contact; a new identity creates its contact, and a phone or e-mail that another contact already has
// becomes a merge suggestion (never an automatic merge: two people can share a family phone).
import { setSubscriptionStatement } from '../contacts/subscriptions';
import type { ContactProfile, SubscriptionKeyword } from '../channels/types';
import { newId } from '../db/ids';

export interface ResolvedContact {
  id: string;
  name: string | null;
  created: boolean;
  /** When this contact last wrote on the channel (null: never, or not known yet). */
  lastInboundAt: number | null;
  /** The contact's tags (SLA policies, escalation paths and alert rules match on them). */
  tags: string[];
  /** The contact's current conversation for the thread scope asked about: null when it has none, undefined when not looked up. */
  threadId?: string | null;
  /** Blocked by an agent: nothing they send reaches the inbox. */
  blocked: boolean;
}

/** What the identity lookup returns (exported for the consumer, which looks a batch's senders up at once). */
export type IdentityRow = {
  contact_id: string;
  merged_into: string | null;
  name: string | null;
  phone: string | null;
  email: string | null;
  avatar_url: string | null;
  tags: string | null;
  last_inbound_at: number | null;
  thread_id: string | null;
  blocked: number | null;
};

/**
 * The identity with everything a message needs next, in one read: the contact, its tags, its
 * activity on the channel and (given a thread scope) its current conversation.
 */
export function identityQuery(env: Env, workspaceId: string, channel: string, externalId: string, scope: string | null): D1PreparedStatement {
  return env.DB.prepare(
    `SELECT ci.contact_id, c.merged_into, c.name, c.phone, c.email, c.avatar_url, c.tags, c.blocked, a.last_inbound_at, t.conversation_id AS thread_id
     FROM contact_identities ci
     JOIN contacts c ON c.id = ci.contact_id
     LEFT JOIN channel_activity a ON a.workspace_id = ci.workspace_id AND a.contact_id = ci.contact_id AND a.channel = ci.channel
     LEFT JOIN contact_threads t ON t.workspace_id = ci.workspace_id AND t.contact_id = ci.contact_id AND t.scope = ?4
     WHERE ci.workspace_id = ?1 AND ci.channel = ?2 AND ci.external_id = ?3`,
  ).bind(workspaceId, channel, externalId, scope);
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

/** A merged identity (rare): the survivor's tags and thread, read apart. */
async function survivorFacts(env: Env, workspaceId: string, contactId: string, scope: string | null): Promise<{ tags: string[]; threadId: string | null | undefined; blocked: boolean }> {
  const row = await env.DB.prepare(
    `SELECT c.tags, c.blocked, t.conversation_id AS thread_id FROM contacts c
     LEFT JOIN contact_threads t ON t.workspace_id = c.workspace_id AND t.contact_id = c.id AND t.scope = ?3
     WHERE c.id = ?2 AND c.workspace_id = ?1`,
  )
    .bind(workspaceId, contactId, scope)
    .first<{ tags: string | null; thread_id: string | null; blocked: number | null }>();
  return { tags: parseTags(row?.tags), threadId: scope === null ? undefined : (row?.thread_id ?? null), blocked: row?.blocked === 1 };
}

export function parseTags(raw: string | null | undefined): string[] {
  try {
    const tags = raw ? (JSON.parse(raw) as unknown) : [];
    return Array.isArray(tags) ? tags.filter((t): t is string => typeof t === 'string') : [];
  } catch {
    return [];
  }
}

/** The external id as identities store it. */
export function identityKey(profile: ContactProfile): string {
  return profile.externalId.slice(0, 300);
}

function clean(profile: ContactProfile) {
  return {
    name: profile.name?.trim().slice(0, 200) || null,
    phone: profile.phone?.trim() || null,
    email: profile.email?.trim().toLowerCase() || null,
    avatarUrl: profile.avatarUrl?.trim() || null,
    country: /^[A-Za-z]{2}$/.test(profile.country?.trim() ?? '') ? profile.country!.trim().toUpperCase() : null,
  };
}

/**
 * The contact a channel identity names, created with the identity when new. A known sender costs one
 * read; a new one a second round trip, a batch that creates the contact and identity, claims the first
 * thread pointer (`newThreadId`) for `scope`, records merge suggestions and reads the result back.
 * Two deliveries of a new sender racing: the identity's unique key picks one contact, the other's
 * empty twin is deleted in the same batch.
 */
export async function resolveContact(
  env: Env,
  inbox: { id: string; workspaceId: string; channel: string },
  profile: ContactProfile,
  thread: { scope: string; newThreadId: string } | null = null,
  /** The lookup's answer when the caller already made it (`identityQuery` with the same scope; null: not found). */
  prefetched?: IdentityRow | null,
): Promise<ResolvedContact> {
  const ws = inbox.workspaceId;
  const p = clean(profile);
  const externalId = identityKey(profile);
  const scope = thread?.scope ?? null;
  const found = prefetched !== undefined ? prefetched : await identityQuery(env, ws, inbox.channel, externalId, scope).first<IdentityRow>();
  if (found) return known(env, ws, found, p, scope);

  const id = newId('ct');
  const now = Date.now();
  const ours = `EXISTS (SELECT 1 FROM contacts WHERE id = ?1 AND workspace_id = ?2)`;
  const stmts = [
    env.DB.prepare(`INSERT INTO contacts (id, workspace_id, name, email, phone, avatar_url, country, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`).bind(id, ws, p.name, p.email, p.phone, p.avatarUrl, p.country, now, now),
    env.DB.prepare(`INSERT OR IGNORE INTO contact_identities (id, workspace_id, contact_id, channel, external_id, inbox_id) VALUES (?, ?, ?, ?, ?, ?)`).bind(newId('cid'), ws, id, inbox.channel, externalId, inbox.id),
    // Another delivery of the same sender won the race: drop our empty twin.
    env.DB.prepare(`DELETE FROM contacts WHERE id = ?1 AND workspace_id = ?2 AND NOT EXISTS (SELECT 1 FROM contact_identities WHERE workspace_id = ?2 AND contact_id = ?1)`).bind(id, ws),
  ];
  if (thread) {
    stmts.push(env.DB.prepare(`INSERT OR IGNORE INTO contact_threads (workspace_id, contact_id, scope, conversation_id) SELECT ?2, ?1, ?3, ?4 WHERE ${ours}`).bind(id, ws, thread.scope, thread.newThreadId));
  }
  for (const [reason, value] of [['phone', p.phone], ['email', p.email]] as const) {
    if (!value) continue;
    // Both ways (each contact's sidebar shows the other), only for a contact this batch really created.
    for (const [from, to] of [['?1', 'o.id'], ['o.id', '?1']]) {
      stmts.push(
        env.DB.prepare(
          `INSERT OR IGNORE INTO merge_suggestions (id, workspace_id, contact_id, candidate_id, reason, value)
           SELECT 'mrs_' || upper(hex(randomblob(12))), ?2, ${from}, ${to}, ?3, ?4 FROM contacts o
           WHERE o.workspace_id = ?2 AND o.${reason} = ?4 AND o.id != ?1 AND o.merged_into IS NULL AND ${ours}
           ORDER BY o.created_at LIMIT 10`,
        ).bind(id, ws, reason, value),
      );
    }
  }
  stmts.push(identityQuery(env, ws, inbox.channel, externalId, scope));
  const results = await env.DB.batch<IdentityRow>(stmts);
  const owner = results[results.length - 1].results[0];
  if (!owner) throw new Error(`contact identity ${inbox.channel}:${externalId} vanished while it was created`);
  if (owner.contact_id !== id) return known(env, ws, owner, p, scope, false);
  return { id, name: p.name, created: true, lastInboundAt: null, tags: [], threadId: scope === null ? undefined : owner.thread_id, blocked: false };
}

async function known(env: Env, ws: string, found: IdentityRow, p: ReturnType<typeof clean>, scope: string | null, fill = true): Promise<ResolvedContact> {
  const id = await survivor(env, ws, found.contact_id, found.merged_into);
  if (id !== found.contact_id) {
    const facts = await survivorFacts(env, ws, id, scope);
    return { id, name: found.name ?? p.name, created: false, lastInboundAt: null, tags: facts.tags, threadId: facts.threadId, blocked: facts.blocked };
  }
  // Fill in what the provider tells us and we did not know; never overwrite what agents edited.
  const fills = (!found.name && p.name) || (!found.phone && p.phone) || (!found.email && p.email) || (!found.avatar_url && p.avatarUrl);
  if (fill && fills) {
    await env.DB.prepare(
      `UPDATE contacts SET name = coalesce(name, ?), phone = coalesce(phone, ?), email = coalesce(email, ?), avatar_url = coalesce(avatar_url, ?), updated_at = ? WHERE id = ? AND workspace_id = ?`,
    )
      .bind(p.name, p.phone, p.email, p.avatarUrl, Date.now(), id, ws)
      .run();
    await suggestMerges(env, ws, id, { phone: found.phone ? null : p.phone, email: found.email ? null : p.email });
  }
  return { id, name: found.name ?? p.name, created: false, lastInboundAt: found.last_inbound_at, tags: parseTags(found.tags), threadId: scope === null ? undefined : found.thread_id, blocked: found.blocked === 1 };
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
  await setSubscriptionStatement(env.DB, workspaceId, contactId, channel, keyword === 'stop' ? 'unsubscribed' : 'subscribed', 'sms_keyword').run();
}

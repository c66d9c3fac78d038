// Per-channel subscription status of a contact: whether marketing (broadcasts) may reach them on SMS,
// WhatsApp or e-mail, who said so and when. Stored in contacts.subscriptions as
// { sms: { status, source, changedAt }, … }; a channel without an entry is 'unknown'. Rows written
// before migration 0017 held a bare status string, which still reads correctly here.
export const SUBSCRIPTION_CHANNELS = ['sms', 'whatsapp', 'email'] as const;
export type SubscriptionChannel = (typeof SUBSCRIPTION_CHANNELS)[number];
export type SubscriptionStatus = 'subscribed' | 'unsubscribed' | 'unknown';

/** Where a change came from: an agent's edit, a CSV import, a keyword the customer sent, an unsubscribe link. */
export type SubscriptionSource = 'agent' | 'import' | 'api' | 'sms_keyword' | 'email_unsubscribe' | 'legacy' | (string & {});

export interface Subscription {
  status: SubscriptionStatus;
  source: SubscriptionSource | null;
  changedAt: number | null;
}

/**
 * Sources that are the customer's own word (an SMS STOP, an unsubscribe link). An opt-out from one of
 * these is theirs to take back (START, resubscribing): an agent, an API key or an import may not
 * subscribe them again or forget that they said no.
 */
export const CUSTOMER_SOURCES: readonly string[] = ['sms_keyword', 'email_unsubscribe', 'broadcast_unsubscribe'];

/** The customer's own opt-out on a channel, if that is what stands there now. */
export function customerOptOut(stored: unknown, channel: string): { source: string; changedAt: number | null } | null {
  const entry = ((typeof stored === 'string' ? safeParse(stored) : stored) as Record<string, unknown> | null)?.[channel];
  if (!entry || typeof entry !== 'object') return null;
  const e = entry as Partial<Subscription>;
  return e.status === 'unsubscribed' && typeof e.source === 'string' && CUSTOMER_SOURCES.includes(e.source) ? { source: e.source, changedAt: typeof e.changedAt === 'number' ? e.changedAt : null } : null;
}

/** The first edit that would undo a customer's own opt-out (any change of its status), with why it may not. */
export function customerOptOutConflict(stored: unknown, edits: Record<string, SubscriptionStatus>): { channel: string; reason: string } | null {
  for (const [channel, status] of Object.entries(edits)) {
    const out = status === 'unsubscribed' ? null : customerOptOut(stored, channel);
    if (out) return { channel, reason: `the contact unsubscribed from ${channel} themselves (${SOURCE_WORDS[out.source] ?? out.source}${out.changedAt ? ` on ${new Date(out.changedAt).toISOString().slice(0, 10)}` : ''}); only they can opt back in` };
  }
  return null;
}
const SOURCE_WORDS: Record<string, string> = { sms_keyword: 'by replying STOP', email_unsubscribe: 'with an unsubscribe link', broadcast_unsubscribe: 'with an unsubscribe link' };

/**
 * SQL for a contacts.subscriptions value after merging `patch` (an SQL expression giving a JSON object)
 * into `column`, with the customer's own opt-outs put back over it: an import cannot undo one even if
 * the customer's STOP lands between its read and its write.
 */
export function patchKeepingCustomerOptOuts(column: string, patch: string): string {
  const sources = CUSTOMER_SOURCES.map((s) => `'${s}'`).join(', ');
  return `json_patch(json_patch(coalesce(${column}, '{}'), ${patch}), coalesce((SELECT json_group_object(o.key, json(o.value)) FROM json_each(coalesce(${column}, '{}')) o
    WHERE o.type = 'object' AND CASE WHEN o.type = 'object' THEN json_extract(o.value, '$.status') = 'unsubscribed' AND json_extract(o.value, '$.source') IN (${sources}) END), '{}'))`;
}

/** The status on one channel from the stored JSON (object or text), legacy strings included. */
export function subscriptionStatus(stored: unknown, channel: string): SubscriptionStatus {
  let map = stored;
  if (typeof stored === 'string') {
    try {
      map = JSON.parse(stored || '{}');
    } catch {
      return 'unknown';
    }
  }
  const entry = (map as Record<string, unknown> | null)?.[channel];
  const status = typeof entry === 'string' ? entry : (entry as { status?: unknown } | undefined)?.status;
  return status === 'subscribed' || status === 'unsubscribed' ? status : 'unknown';
}

/** The API shape: every channel present, 'unknown' where nothing was ever said. */
export function subscriptionsJson(stored: unknown): Record<SubscriptionChannel, Subscription> & Record<string, Subscription> {
  const map = (typeof stored === 'string' ? safeParse(stored) : stored) as Record<string, unknown> | null;
  const out: Record<string, Subscription> = {};
  for (const ch of new Set([...SUBSCRIPTION_CHANNELS, ...Object.keys(map ?? {})])) {
    const entry = map?.[ch];
    const status = subscriptionStatus(map, ch);
    const obj = entry && typeof entry === 'object' ? (entry as Partial<Subscription>) : null;
    out[ch] = { status, source: obj?.source ?? (typeof entry === 'string' ? 'legacy' : null), changedAt: typeof obj?.changedAt === 'number' ? obj.changedAt : null };
  }
  return out as Record<SubscriptionChannel, Subscription>;
}

function safeParse(s: string): unknown {
  try {
    return JSON.parse(s || '{}');
  } catch {
    return {};
  }
}

/**
 * One statement setting a channel's subscription (keeps the other channels). `unknown` removes the entry.
 * Bound parameters only: the channel is part of the JSON path, so it is checked against the known list.
 */
export function setSubscriptionStatement(db: D1Database, workspaceId: string, contactId: string, channel: string, status: SubscriptionStatus, source: SubscriptionSource, at = Date.now()): D1PreparedStatement {
  if (!/^[a-z][a-z0-9_-]{0,39}$/.test(channel)) throw new Error(`not a channel: ${channel}`);
  if (status === 'unknown') {
    return db.prepare(`UPDATE contacts SET subscriptions = json_remove(coalesce(subscriptions, '{}'), ?), updated_at = ? WHERE id = ? AND workspace_id = ?`).bind(`$.${channel}`, at, contactId, workspaceId);
  }
  return db
    .prepare(`UPDATE contacts SET subscriptions = json_set(coalesce(subscriptions, '{}'), ?, json_object('status', ?, 'source', ?, 'changedAt', ?)), updated_at = ? WHERE id = ? AND workspace_id = ?`)
    .bind(`$.${channel}`, status, source, at, at, contactId, workspaceId);
}

/** The contact's stored map after applying edits (for the PATCH route, which writes the whole column). */
export function applySubscriptionEdits(stored: unknown, edits: Record<string, SubscriptionStatus>, source: SubscriptionSource, at: number): Record<string, unknown> {
  const map = { ...((typeof stored === 'string' ? safeParse(stored) : stored) as Record<string, unknown> | null) };
  for (const [ch, status] of Object.entries(edits)) {
    // An edit to the status it already has keeps its original source and time.
    if (subscriptionStatus(map, ch) === status) continue;
    if (status === 'unknown') delete map[ch];
    else map[ch] = { status, source, changedAt: at };
  }
  return map;
}

/**
 * E-mail unsubscribe as the customer's own word: the contact's e-mail subscription becomes
 * 'unsubscribed' (source email_unsubscribe). A broadcast's signed link goes through
 * worker/broadcasts/tracking.ts `unsubscribe`, which writes the same and counts it for the broadcast.
 */
export async function unsubscribeEmail(env: Pick<Env, 'DB'>, workspaceId: string, contactId: string, at = Date.now()): Promise<boolean> {
  const res = await setSubscriptionStatement(env.DB, workspaceId, contactId, 'email', 'unsubscribed', 'email_unsubscribe', at).run();
  return (res.meta.changes ?? 0) > 0;
}

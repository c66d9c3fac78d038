// A broadcast's audience at send time: its saved audience's filter as it is now (or the inline one),
// walked in stable keyset pages, each contact with the facts that decide whether it may be sent to.
import { parseFilter, type Filter } from '../audiences/filter';
import { pageAudience } from '../audiences/resolve';
import { skipReason, type SkipReason } from './model';
import type { BroadcastRow } from './store';

export async function broadcastFilter(db: D1Database, b: Pick<BroadcastRow, 'workspace_id' | 'audience_id' | 'filter'>): Promise<Filter> {
  if (b.audience_id) {
    const row = await db.prepare(`SELECT filter FROM audiences WHERE workspace_id = ? AND id = ?`).bind(b.workspace_id, b.audience_id).first<{ filter: string }>();
    if (!row) throw new Error('the audience was deleted');
    return parseFilter(JSON.parse(row.filter));
  }
  return parseFilter(JSON.parse(b.filter ?? '{}'));
}

export interface Candidate {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  reason: SkipReason | null;
}

/** One page of the audience with each contact's skip reason on `channel` (null: sendable). */
export async function candidatePage(db: D1Database, workspaceId: string, filter: Filter, channel: string, after: [number, string] | null, limit: number) {
  // The channel is part of the SQL text (pageAudience takes columns, not parameters): an inbox's channel is one of ours, checked anyway.
  if (!/^[a-z][a-z0-9_-]{0,39}$/.test(channel)) throw new Error(`not a channel: ${channel}`);
  const columns = `c.id, c.name, c.email, c.phone, c.blocked, c.subscriptions, c.created_at AS createdAt,
    EXISTS (SELECT 1 FROM contact_identities ci WHERE ci.workspace_id = c.workspace_id AND ci.contact_id = c.id AND ci.channel = '${channel}') AS hasIdentity`;
  const page = await pageAudience(db, workspaceId, filter, { after, limit, columns });
  const items: Candidate[] = page.items.map((r) => ({
    id: String(r.id),
    name: (r.name as string | null) ?? null,
    email: (r.email as string | null) ?? null,
    phone: (r.phone as string | null) ?? null,
    reason: skipReason({ blocked: r.blocked as number, subscriptions: r.subscriptions, hasIdentity: r.hasIdentity as number }, channel),
  }));
  return { items, next: page.next };
}

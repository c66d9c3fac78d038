// Resolving an audience filter against the contacts of a workspace: the live count with a sample
// (preview), keyset pages of matching contacts (what a broadcast walks at send time), and whether one
// contact matches (a workflow's `segment.matched`, a routing condition). Merged contacts never match.
import { fromBase64Url, toBase64Url, utf8 } from '../crypto/bytes';
import { compileFilter, parseFilter, type Filter } from './filter';

export const SAMPLE_SIZE = 10;
export const PAGE_MAX = 1000;

export interface SampleContact {
  id: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  tags: string[];
  lastActivityAt: number | null;
}

const SAMPLE_COLUMNS = `c.id, c.name, c.email, c.phone, c.tags, c.last_activity_at AS lastActivityAt, c.created_at AS createdAt`;

/** The SQL condition (over `contacts c`) of a filter in a workspace, with its parameters. */
export function where(workspaceId: string, filter: Filter, now: number) {
  const f = compileFilter(filter, now);
  return { sql: `c.workspace_id = ? AND c.merged_into IS NULL AND ${f.sql}`, params: [workspaceId, ...f.params] };
}

const toSample = (r: Record<string, unknown>): SampleContact => ({
  id: String(r.id),
  name: (r.name as string | null) ?? null,
  email: (r.email as string | null) ?? null,
  phone: (r.phone as string | null) ?? null,
  tags: JSON.parse(String(r.tags ?? '[]')) as string[],
  lastActivityAt: r.lastActivityAt === null || r.lastActivityAt === undefined ? null : Number(r.lastActivityAt),
});

/** How many contacts match, and up to ten of them (most recently active first). One D1 round trip. */
export async function previewAudience(db: D1Database, workspaceId: string, filter: Filter, now = Date.now()): Promise<{ count: number; sample: SampleContact[] }> {
  const w = where(workspaceId, filter, now);
  const [count, sample] = await db.batch<Record<string, unknown>>([
    db.prepare(`SELECT count(*) AS n FROM contacts c WHERE ${w.sql}`).bind(...w.params),
    db.prepare(`SELECT ${SAMPLE_COLUMNS} FROM contacts c WHERE ${w.sql} ORDER BY c.last_activity_at DESC, c.id DESC LIMIT ${SAMPLE_SIZE}`).bind(...w.params),
  ]);
  return { count: Number(count.results[0]?.n ?? 0), sample: sample.results.map(toSample) };
}

export async function countAudience(db: D1Database, workspaceId: string, filter: Filter, now = Date.now()): Promise<number> {
  const w = where(workspaceId, filter, now);
  const row = await db.prepare(`SELECT count(*) AS n FROM contacts c WHERE ${w.sql}`).bind(...w.params).first<{ n: number }>();
  return Number(row?.n ?? 0);
}

/** An opaque cursor: the (created_at, id) of the last contact of the previous page. */
export function encodeCursor(createdAt: number, id: string): string {
  return toBase64Url(utf8(JSON.stringify([createdAt, id])));
}
export function decodeCursor(cursor: string): [number, string] | null {
  try {
    const v = JSON.parse(new TextDecoder().decode(fromBase64Url(cursor))) as unknown;
    return Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'string' ? [v[0], v[1]] : null;
  } catch {
    return null;
  }
}

/**
 * One page of matching contacts in (created_at, id) order: stable while contacts change, so a broadcast
 * resolving its audience page by page neither skips nor repeats anyone who matched throughout.
 */
export async function pageAudience(
  db: D1Database,
  workspaceId: string,
  filter: Filter,
  opts: { after?: [number, string] | null; limit?: number; columns?: string; now?: number } = {},
): Promise<{ items: Record<string, unknown>[]; next: [number, string] | null }> {
  const limit = Math.min(Math.max(opts.limit ?? 100, 1), PAGE_MAX);
  const w = where(workspaceId, filter, opts.now ?? Date.now());
  const after = opts.after ? ` AND (c.created_at > ? OR (c.created_at = ? AND c.id > ?))` : '';
  const params = opts.after ? [...w.params, opts.after[0], opts.after[0], opts.after[1]] : w.params;
  const rows = await db
    .prepare(`SELECT ${opts.columns ?? `${SAMPLE_COLUMNS}`} FROM contacts c WHERE ${w.sql}${after} ORDER BY c.created_at, c.id LIMIT ${limit + 1}`)
    .bind(...params)
    .all<Record<string, unknown>>();
  const items = rows.results.slice(0, limit);
  const last = items[items.length - 1];
  return { items, next: rows.results.length > limit && last ? [Number(last.createdAt ?? last.created_at), String(last.id)] : null };
}

export const sampleOf = toSample;

/**
 * Whether one contact matches a filter now (a saved audience's filter, or one given inline). Unparseable
 * filters (a saved one can only be valid) throw FilterError.
 */
export async function contactMatches(env: Pick<Env, 'DB'>, workspaceId: string, contactId: string, filter: unknown, now = Date.now()): Promise<boolean> {
  const w = where(workspaceId, parseFilter(filter), now);
  return !!(await env.DB.prepare(`SELECT 1 FROM contacts c WHERE c.id = ? AND ${w.sql}`).bind(contactId, ...w.params).first());
}

/** Whether a contact is in a saved audience (false when the audience does not exist in this workspace). */
export async function contactInAudience(env: Pick<Env, 'DB'>, workspaceId: string, contactId: string, audienceId: string, now = Date.now()): Promise<boolean> {
  const row = await env.DB.prepare(`SELECT filter FROM audiences WHERE workspace_id = ? AND id = ?`).bind(workspaceId, audienceId).first<{ filter: string }>();
  return row ? contactMatches(env, workspaceId, contactId, JSON.parse(row.filter), now) : false;
}

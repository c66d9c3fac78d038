// /api/audiences: saved contact filters with a live count, the preview while building one, and the
// paged member list broadcasts will walk. Managers only: an audience reads the whole contact directory
// (counts, samples, every page), which the personal role must not see and staff do not target.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { newId } from '../db/ids';
import { Problem, uniqueViolationField } from '../http/problem';
import { IdParam } from '../http/schemas';
import { valid } from '../http/validate';
import { parseFilter, type Filter } from './filter';
import { countAudience, decodeCursor, encodeCursor, pageAudience, previewAudience, sampleOf } from './resolve';
import { CreateBody, PageQuery, PatchBody, PreviewBody } from './schemas';

export const audienceRoutes = new Hono<AppEnv>();
const manager = requireRole('manager');

type Row = { id: string; name: string; filter: string; created_by: string | null; created_at: number; updated_at: number };
const toJson = (r: Row) => ({ id: r.id, name: r.name, filter: JSON.parse(r.filter) as Filter, createdBy: r.created_by, createdAt: r.created_at, updatedAt: r.updated_at });

async function load(db: D1Database, workspaceId: string, id: string): Promise<Row> {
  const row = await db.prepare(`SELECT * FROM audiences WHERE workspace_id = ? AND id = ?`).bind(workspaceId, id).first<Row>();
  if (!row) throw Problem.notFound('Audience');
  return row;
}

function nameTaken(e: unknown): never {
  if (uniqueViolationField(e)) throw Problem.conflict('an audience with this name exists', 'name');
  throw e;
}

audienceRoutes.post(
  '/preview',
  describeRoute({ tags: ['audiences'], summary: 'Count and sample (up to 10) of the contacts a filter matches', description: 'The live size while an audience is being built.' }),
  manager,
  valid('json', PreviewBody),
  async (c) => c.json(await previewAudience(c.env.DB, c.get('principal').workspaceId, c.req.valid('json').filter)),
);

audienceRoutes.get('/', describeRoute({ tags: ['audiences'], summary: 'Saved audiences (without counts: GET one for its live count)' }), manager, async (c) => {
  const rows = await c.env.DB.prepare(`SELECT * FROM audiences WHERE workspace_id = ? ORDER BY name LIMIT 500`).bind(c.get('principal').workspaceId).all<Row>();
  return c.json({ items: rows.results.map(toJson) });
});

audienceRoutes.post('/', describeRoute({ tags: ['audiences'], summary: 'Save an audience {name, filter}' }), manager, valid('json', CreateBody), async (c) => {
  const p = c.get('principal');
  const body = c.req.valid('json');
  const id = newId('aud');
  const now = Date.now();
  await c.env.DB.prepare(`INSERT INTO audiences (id, workspace_id, name, filter, created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)`)
    .bind(id, p.workspaceId, body.name, JSON.stringify(body.filter), p.userId, now, now)
    .run()
    .catch(nameTaken);
  const row = await load(c.env.DB, p.workspaceId, id);
  return c.json({ ...toJson(row), count: await countAudience(c.env.DB, p.workspaceId, body.filter) }, 201);
});

audienceRoutes.get('/:id', describeRoute({ tags: ['audiences'], summary: 'An audience with its live count' }), manager, valid('param', IdParam), async (c) => {
  const ws = c.get('principal').workspaceId;
  const row = await load(c.env.DB, ws, c.req.valid('param').id);
  return c.json({ ...toJson(row), count: await countAudience(c.env.DB, ws, parseFilter(JSON.parse(row.filter))) });
});

audienceRoutes.patch('/:id', describeRoute({ tags: ['audiences'], summary: 'Rename an audience or change its filter' }), manager, valid('param', IdParam), valid('json', PatchBody), async (c) => {
  const ws = c.get('principal').workspaceId;
  const { id } = c.req.valid('param');
  const body = c.req.valid('json');
  const row = await load(c.env.DB, ws, id);
  const filter = body.filter ?? parseFilter(JSON.parse(row.filter));
  await c.env.DB.prepare(`UPDATE audiences SET name = ?, filter = ?, updated_at = ? WHERE workspace_id = ? AND id = ?`)
    .bind(body.name ?? row.name, JSON.stringify(filter), Date.now(), ws, id)
    .run()
    .catch(nameTaken);
  return c.json({ ...toJson(await load(c.env.DB, ws, id)), count: await countAudience(c.env.DB, ws, filter) });
});

audienceRoutes.delete('/:id', describeRoute({ tags: ['audiences'], summary: 'Delete an audience' }), manager, valid('param', IdParam), async (c) => {
  const ws = c.get('principal').workspaceId;
  const id = c.req.valid('param').id;
  // A workflow started by this audience would silently never run again: name it instead.
  const users = await c.env.DB.prepare(
    `SELECT name FROM workflows WHERE workspace_id = ? AND deleted_at IS NULL AND trigger_type = 'segment.matched' AND json_extract(document, '$.trigger.audienceId') = ? ORDER BY name LIMIT 5`,
  )
    .bind(ws, id)
    .all<{ name: string }>();
  if (users.results.length) throw Problem.conflict(`Workflows start when a contact joins this audience: ${users.results.map((r) => `"${r.name}"`).join(', ')}. Change or delete them first.`, 'id');
  const [res] = await c.env.DB.batch([
    c.env.DB.prepare(`DELETE FROM audiences WHERE workspace_id = ? AND id = ?`).bind(ws, id),
    c.env.DB.prepare(`DELETE FROM segment_members WHERE workspace_id = ? AND audience_id = ?`).bind(ws, id),
  ]);
  if (!res.meta.changes) throw Problem.notFound('Audience');
  return c.body(null, 204);
});

audienceRoutes.get(
  '/:id/contacts',
  describeRoute({ tags: ['audiences'], summary: "The audience's contacts, paged in a stable order (?cursor=)", description: 'Keyset pages by (createdAt, id): what a broadcast resolves at send time.' }),
  manager,
  valid('param', IdParam),
  valid('query', PageQuery),
  async (c) => {
    const ws = c.get('principal').workspaceId;
    const row = await load(c.env.DB, ws, c.req.valid('param').id);
    const q = c.req.valid('query');
    const after = q.cursor ? decodeCursor(q.cursor) : null;
    if (q.cursor && !after) throw Problem.badRequest('query.cursor', 'is not a cursor this endpoint issued');
    const page = await pageAudience(c.env.DB, ws, parseFilter(JSON.parse(row.filter)), { after, limit: q.limit ?? 100 });
    return c.json({ items: page.items.map(sampleOf), nextCursor: page.next ? encodeCursor(...page.next) : null });
  },
);

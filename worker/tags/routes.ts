// /api/tags: the workspace's tag list (conversations may carry others; this is the list pickers offer).
import { eq } from 'drizzle-orm';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { newId } from '../db/ids';
import { tags } from '../db/schema';
import { Problem } from '../http/problem';
import { TagName } from '../http/schemas';
import { valid } from '../http/validate';

const TagBody = v.object({ name: TagName, color: v.optional(v.nullable(v.pipe(v.string(), v.regex(/^#[0-9a-fA-F]{6}$/, 'must be a #rrggbb colour')))) });
export const tagRoutes = new Hono<AppEnv>();

tagRoutes.get('/', describeRoute({ tags: ['tags'], summary: 'The workspace tag list' }), async (c) => {
  return c.json({ items: (await c.get('scope').list(tags)).map(({ workspaceId: _w, ...t }) => t) });
});

tagRoutes.post('/', describeRoute({ tags: ['tags'], summary: 'Add a tag' }), requireRole('manager', 'staff'), valid('json', TagBody), async (c) => {
  const scope = c.get('scope');
  const body = c.req.valid('json');
  const name = body.name.toLowerCase();
  if ((await scope.list(tags, eq(tags.name, name))).length) throw Problem.conflict('This tag exists', 'name');
  const id = newId('tag');
  await scope.insert(tags, { id, name, color: body.color ?? null });
  return c.json({ id, name, color: body.color ?? null }, 201);
});

tagRoutes.delete('/:id', describeRoute({ tags: ['tags'], summary: 'Remove a tag from the list' }), requireRole('manager'), async (c) => {
  const res = await c.get('scope').prepare(`DELETE FROM tags WHERE workspace_id = ? AND id = ?`, c.req.param('id')).run();
  if (res.meta.changes === 0) throw Problem.notFound('Tag');
  return c.body(null, 204);
});

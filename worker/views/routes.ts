// /api/views: saved views of the conversation list (worker/views/store.ts has the rules). Every role
// keeps its own; managers may share one with the workspace, where the others see it read-only.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../app-env';
import { IdParam } from '../http/schemas';
import { valid } from '../http/validate';
import type { SavedFilters } from './model';
import { CreateViewBody, OrderBody, PatchViewBody } from './schema';
import { createView, deleteView, listViews, reorderViews, updateView } from './store';

export const viewRoutes = new Hono<AppEnv>();

viewRoutes.get(
  '/',
  describeRoute({ tags: ['views'], summary: 'Saved views: your own (in your order), then the shared ones', description: 'Each has `editable`: whether you may rename, change, share or delete it.' }),
  async (c) => c.json({ items: await listViews(c.get('scope'), c.get('principal')) }),
);

viewRoutes.post(
  '/',
  describeRoute({ tags: ['views'], summary: 'Save a list filter as a view', description: 'At most 50 per agent; names are unique per agent. `shared: true` needs the manager role.' }),
  valid('json', CreateViewBody),
  async (c) => {
    const body = c.req.valid('json');
    return c.json(await createView(c.get('scope'), c.get('principal'), { ...body, filters: body.filters as SavedFilters }), 201);
  },
);

viewRoutes.put(
  '/order',
  describeRoute({ tags: ['views'], summary: 'Reorder your own saved views', description: '`ids` lists every one of your views exactly once.' }),
  valid('json', OrderBody),
  async (c) => c.json({ items: await reorderViews(c.get('scope'), c.get('principal'), c.req.valid('json').ids) }),
);

viewRoutes.patch(
  '/:id',
  describeRoute({ tags: ['views'], summary: 'Rename, change the filter of, share or unshare a saved view', description: 'Its owner, or a manager for a shared view.' }),
  valid('param', IdParam),
  valid('json', PatchViewBody),
  async (c) => {
    const body = c.req.valid('json');
    return c.json(await updateView(c.get('scope'), c.get('principal'), c.req.valid('param').id, { ...body, filters: body.filters as SavedFilters | undefined }));
  },
);

viewRoutes.delete(
  '/:id',
  describeRoute({ tags: ['views'], summary: 'Delete a saved view', description: 'Its owner, or a manager for a shared view.' }),
  valid('param', IdParam),
  async (c) => {
    await deleteView(c.get('scope'), c.get('principal'), c.req.valid('param').id);
    return c.body(null, 204);
  },
);

// GET /api/live: one WebSocket per agent tab for list updates, presence and notifications (WorkspaceDO).
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { LiveIdentity } from './socket-protocol';
import type { AppEnv } from '../app-env';
import { Problem } from '../http/problem';

export const liveRoutes = new Hono<AppEnv>();

liveRoutes.get('/live', describeRoute({ tags: ['live'], summary: 'WebSocket: conversation list changes, presence and notifications' }), async (c) => {
  if (c.req.header('upgrade') !== 'websocket') throw new Problem(426, 'Upgrade required', 'Connect with a WebSocket');
  const p = c.get('principal');
  const who: LiveIdentity = { userId: p.userId, name: p.name, role: p.role, teamIds: p.teamIds, workspaceId: p.workspaceId };
  const headers = new Headers(c.req.raw.headers);
  headers.set('x-parley-identity', JSON.stringify(who));
  return c.env.WORKSPACES.get(c.env.WORKSPACES.idFromName(p.workspaceId)).fetch(new Request(c.req.url, { headers }));
});

liveRoutes.get('/presence', describeRoute({ tags: ['live'], summary: 'Agents online right now' }), async (c) => {
  const p = c.get('principal');
  return c.json({ items: await c.env.WORKSPACES.get(c.env.WORKSPACES.idFromName(p.workspaceId)).online() });
});

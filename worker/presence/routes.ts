// The agent's own presence and live connection: GET /api/live (one WebSocket per tab: list updates,
// presence and notifications, through the WorkspaceDO), who is online, the caller's presence (away /
// online, tabs, timings, through their AgentDO) and their notification feed.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../app-env';
import type { LiveIdentity } from '../conversations/socket-protocol';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { DEFAULT_PRESENCE } from '../routing/presence';
import { NotificationsQuery, PresenceBody, ReadBody } from '../routing/schemas';
import { agentStub } from '../routing/stubs';

export const presenceRoutes = new Hono<AppEnv>();

presenceRoutes.get('/live', describeRoute({ tags: ['live'], summary: 'WebSocket: conversation list changes, presence and notifications' }), async (c) => {
  if (c.req.header('upgrade') !== 'websocket') throw new Problem(426, 'Upgrade required', 'Connect with a WebSocket');
  const p = c.get('principal');
  const who: LiveIdentity = { userId: p.userId, name: p.name, role: p.role, teamIds: p.teamIds, workspaceId: p.workspaceId, credentialId: p.credentialId, via: p.via };
  const headers = new Headers(c.req.raw.headers);
  headers.set('x-parley-identity', JSON.stringify(who));
  return c.env.WORKSPACES.get(c.env.WORKSPACES.idFromName(p.workspaceId)).fetch(new Request(c.req.url, { headers }));
});

presenceRoutes.get('/presence', describeRoute({ tags: ['live'], summary: 'Agents online right now' }), async (c) => {
  const p = c.get('principal');
  return c.json({ items: await c.env.WORKSPACES.get(c.env.WORKSPACES.idFromName(p.workspaceId)).online() });
});

presenceRoutes.get('/me/presence', describeRoute({ tags: ['presence'], summary: 'Your presence, open tabs and presence timings' }), async (c) => {
  const p = c.get('principal');
  const details = await agentStub(c.env, p.workspaceId, p.userId).details();
  return c.json(details ?? { status: 'offline', since: null, manualAway: false, tabs: 0, config: DEFAULT_PRESENCE });
});

presenceRoutes.put('/me/presence', describeRoute({ tags: ['presence'], summary: 'Set yourself away (no new conversations) or back online' }), valid('json', PresenceBody), async (c) => {
  const p = c.get('principal');
  const snap = await agentStub(c.env, p.workspaceId, p.userId).setAway({ workspaceId: p.workspaceId, userId: p.userId, name: p.name }, c.req.valid('json').status === 'away');
  return c.json({ status: snap.status, since: snap.since });
});

presenceRoutes.get('/me/notifications', describeRoute({ tags: ['presence'], summary: 'Your notification feed, newest first (`before`: an id cursor)' }), valid('query', NotificationsQuery), async (c) => {
  const p = c.get('principal');
  const q = c.req.valid('query');
  return c.json(await agentStub(c.env, p.workspaceId, p.userId).notifications({ limit: q.limit ?? 50, before: q.before, unreadOnly: q.unread === 'true' }));
});

presenceRoutes.post('/me/notifications/read', describeRoute({ tags: ['presence'], summary: 'Mark notifications read (all of them without `ids`)' }), valid('json', ReadBody), async (c) => {
  const p = c.get('principal');
  return c.json(await agentStub(c.env, p.workspaceId, p.userId).markRead(c.req.valid('json').ids));
});

// The caller's notification settings and news: preferences (kind x channel), where they were mentioned,
// who may be mentioned in a conversation (the composer's autocomplete), and mobile push tokens. All
// personal: every route reads or changes the caller's own rows only.
import { and, eq, ne } from 'drizzle-orm';
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../app-env';
import { canSeeConversation } from '../auth/principal';
import { conversationStub } from '../conversations/service';
import { newId } from '../db/ids';
import { pushTokens } from '../db/schema';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { listMentions, mentionable } from './mentions';
import { loadPreferences, NOTIFY_CHANNELS, NOTIFY_KINDS, savePreferences } from './preferences';
import { MentionsQuery, PreferencesBody, PushSubscriptionBody, PushTokenBody } from './schemas';
import { endpointProblem, vapidKeys, WEB_PLATFORM } from './webpush';

export const notificationRoutes = new Hono<AppEnv>();

notificationRoutes.get('/me/notification-preferences', describeRoute({ tags: ['notifications'], summary: 'Your notification preferences: for each kind of news, the channels that carry it' }), async (c) => {
  const p = c.get('principal');
  return c.json({ preferences: await loadPreferences(c.get('scope'), p.userId), kinds: NOTIFY_KINDS, channels: NOTIFY_CHANNELS });
});

notificationRoutes.put(
  '/me/notification-preferences',
  describeRoute({ tags: ['notifications'], summary: 'Change your notification preferences (kinds and channels left out stay as they are)' }),
  valid('json', PreferencesBody),
  async (c) => {
    const p = c.get('principal');
    return c.json({ preferences: await savePreferences(c.get('scope'), p.userId, c.req.valid('json').preferences), kinds: NOTIFY_KINDS, channels: NOTIFY_CHANNELS });
  },
);

notificationRoutes.get('/me/mentions', describeRoute({ tags: ['notifications'], summary: 'Notes that mention you, newest first, in conversations you can see (`before`: the last item’s `at`)' }), valid('query', MentionsQuery), async (c) => {
  const q = c.req.valid('query');
  return c.json(await listMentions(c.get('scope'), c.get('principal'), { limit: q.limit ?? 50, before: q.before }));
});

notificationRoutes.get('/conversations/:id/mentionable', describeRoute({ tags: ['notifications'], summary: 'Agents you may mention in this conversation’s notes, and whether each can see it' }), async (c) => {
  const p = c.get('principal');
  const view = await conversationStub(c.env, p.workspaceId, c.req.param('id')).view(p.userId);
  if (!view) throw Problem.notFound('Conversation');
  if (!canSeeConversation(p, view)) throw Problem.forbidden('This conversation is not assigned to you or your teams');
  return c.json({ items: await mentionable(c.get('scope'), view) });
});

notificationRoutes.get('/me/push-tokens', describeRoute({ tags: ['notifications'], summary: 'Your mobile devices’ push tokens' }), async (c) => {
  const p = c.get('principal');
  const rows = await c.get('scope').list(pushTokens, and(eq(pushTokens.userId, p.userId), ne(pushTokens.platform, WEB_PLATFORM)));
  rows.sort((a, b) => b.createdAt - a.createdAt);
  return c.json({ items: rows.map(({ workspaceId: _w, userId: _u, keys: _k, ...r }) => r) });
});

notificationRoutes.post('/me/push-tokens', describeRoute({ tags: ['notifications'], summary: 'Register a mobile device’s push token (the same token again refreshes it)' }), valid('json', PushTokenBody), async (c) => {
  const p = c.get('principal');
  const scope = c.get('scope');
  const body = c.req.valid('json');
  const now = Date.now();
  const existing = (await scope.list(pushTokens, and(eq(pushTokens.userId, p.userId), eq(pushTokens.token, body.token))))[0];
  if (existing) {
    await scope.update(pushTokens, existing.id, { platform: body.platform, deviceName: body.deviceName ?? existing.deviceName, lastSeenAt: now });
    const { workspaceId: _w, userId: _u, keys: _k, ...r } = { ...existing, platform: body.platform, deviceName: body.deviceName ?? existing.deviceName, lastSeenAt: now };
    return c.json({ item: r }, 200);
  }
  const item = { id: newId('ptk'), platform: body.platform, token: body.token, deviceName: body.deviceName ?? null, createdAt: now, lastSeenAt: now };
  await scope.insert(pushTokens, { ...item, userId: p.userId });
  return c.json({ item }, 201);
});

notificationRoutes.delete('/me/push-tokens/:id', describeRoute({ tags: ['notifications'], summary: 'Revoke one of your push tokens' }), async (c) => {
  const p = c.get('principal');
  const scope = c.get('scope');
  const res = await scope.db.delete(pushTokens).where(scope.where(pushTokens, eq(pushTokens.id, c.req.param('id')), eq(pushTokens.userId, p.userId), ne(pushTokens.platform, WEB_PLATFORM)));
  if (res.meta.changes === 0) throw Problem.notFound('Push token');
  return c.body(null, 204);
});

// Browser push (Web Push) subscriptions: stored in push_tokens as platform 'web' (worker/notifications/webpush.ts).
type WebRow = typeof pushTokens.$inferSelect;
const subscriptionView = (r: WebRow) => ({ id: r.id, endpoint: r.token, createdAt: r.createdAt, lastSeenAt: r.lastSeenAt });

notificationRoutes.get('/push/vapid-public-key', describeRoute({ tags: ['notifications'], summary: 'The server’s VAPID public key, for PushManager.subscribe (null when this deployment has no push keys)' }), (c) => {
  return c.json({ publicKey: vapidKeys(c.env)?.publicKey ?? null });
});

notificationRoutes.get('/me/push-subscriptions', describeRoute({ tags: ['notifications'], summary: 'Your browsers’ push subscriptions' }), async (c) => {
  const p = c.get('principal');
  const rows = await c.get('scope').list(pushTokens, and(eq(pushTokens.userId, p.userId), eq(pushTokens.platform, WEB_PLATFORM)));
  rows.sort((a, b) => b.createdAt - a.createdAt);
  return c.json({ items: rows.map(subscriptionView) });
});

notificationRoutes.post('/me/push-subscriptions', describeRoute({ tags: ['notifications'], summary: 'Register this browser’s push subscription (PushSubscription.toJSON(); the same endpoint again replaces its keys)' }), valid('json', PushSubscriptionBody), async (c) => {
  const p = c.get('principal');
  const scope = c.get('scope');
  const body = c.req.valid('json');
  const why = endpointProblem(body.endpoint, c.env.ENVIRONMENT);
  if (why) throw Problem.badRequest('endpoint', why);
  const keys = { p256dh: body.keys.p256dh, auth: body.keys.auth };
  const now = Date.now();
  const existing = (await scope.list(pushTokens, and(eq(pushTokens.userId, p.userId), eq(pushTokens.token, body.endpoint), eq(pushTokens.platform, WEB_PLATFORM))))[0];
  if (existing) {
    await scope.update(pushTokens, existing.id, { keys, lastSeenAt: now });
    return c.json({ item: subscriptionView({ ...existing, lastSeenAt: now }) }, 200);
  }
  const row = { id: newId('wps'), userId: p.userId, platform: WEB_PLATFORM, token: body.endpoint, keys, deviceName: null, createdAt: now, lastSeenAt: now };
  await scope.insert(pushTokens, row);
  return c.json({ item: subscriptionView({ ...row, workspaceId: p.workspaceId }) }, 201);
});

notificationRoutes.delete('/me/push-subscriptions/:id', describeRoute({ tags: ['notifications'], summary: 'Remove one of your browsers’ push subscriptions' }), async (c) => {
  const p = c.get('principal');
  const scope = c.get('scope');
  const res = await scope.db.delete(pushTokens).where(scope.where(pushTokens, eq(pushTokens.id, c.req.param('id')), eq(pushTokens.userId, p.userId), eq(pushTokens.platform, WEB_PLATFORM)));
  if (res.meta.changes === 0) throw Problem.notFound('Push subscription');
  return c.body(null, 204);
});

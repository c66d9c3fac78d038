// The Hono app: one visible middleware chain, then the routes by area.
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { secureHeaders } from 'hono/secure-headers';
import type { AppEnv } from './app-env';
import { authRoutes } from './auth/routes';
import { contactRoutes } from './contacts/routes';
import { liveRoutes } from './conversations/live-routes';
import { conversationRoutes } from './conversations/routes';
import { seedDemo } from './dev/seed';
import { mountDocs } from './docs/routes';
import { fileRoutes } from './files/routes';
import { MAX_UPLOAD_BYTES } from './files/attachments';
import { onError, Problem, problemResponse } from './http/problem';
import { inboxRoutes } from './inboxes/routes';
import { userRoutes } from './users/routes';
import { demoPage, widgetRoutes } from './webchat/routes';

const api = new Hono<AppEnv>();
api.route('/', authRoutes);
api.route('/', conversationRoutes);
api.route('/', contactRoutes);
api.route('/', inboxRoutes);
api.route('/', userRoutes);
api.route('/', fileRoutes);
api.route('/', liveRoutes);
api.post('/dev/seed', async (c) => {
  if (c.env.ENVIRONMENT !== 'development') throw Problem.notFound('Route');
  return c.json(await seedDemo(c.env));
});
// The floor for benchmarks: Worker → Durable Object → one SQLite write → back. Development only.
api.post('/dev/probe/:n', async (c) => {
  if (c.env.ENVIRONMENT !== 'development') throw Problem.notFound('Route');
  const stub = c.env.PROBES.get(c.env.PROBES.idFromName(c.req.param('n')));
  return c.json({ n: await stub.write() });
});

export const app = new Hono<{ Bindings: Env }>();
app.onError(onError);
const apiHeaders = secureHeaders({ crossOriginResourcePolicy: 'same-origin' });
// A 101 from a Durable Object carries immutable headers; upgrades pass through untouched.
app.use('/api/*', (c, next) => (c.req.header('upgrade') === 'websocket' ? next() : apiHeaders(c, next)));
app.use('/api/*', async (c, next) => {
  const limit = c.req.path === '/api/files' ? MAX_UPLOAD_BYTES : 1024 * 1024;
  return bodyLimit({ maxSize: limit, onError: () => problemResponse(new Problem(413, 'Payload too large', `Request bodies are limited to ${limit} bytes`)) })(c, next);
});
app.use('/widget/api/*', bodyLimit({ maxSize: 64 * 1024, onError: () => problemResponse(new Problem(413, 'Payload too large')) }));
app.get('/healthz', (c) => c.json({ ok: true }));
app.get('/demo', demoPage);
app.route('/widget/api', widgetRoutes);
app.route('/api', api);
mountDocs(app);
app.all('/api/*', () => problemResponse(Problem.notFound('Route')));
app.notFound((c) => (c.env.ASSETS ? c.env.ASSETS.fetch(c.req.raw) : problemResponse(Problem.notFound('Route'))));

// Public tracking endpoints of broadcasts (no login: the recipient's random token is the credential):
// /t/c/<token>.<n> redirects to a tracked link, /t/o/<token> is the e-mail open pixel, /u/<token> the
// unsubscribe page (GET: a button, never an action, since mail scanners follow links; POST: RFC 8058
// one-click, what List-Unsubscribe-Post sends, and what the button submits).
import { Hono } from 'hono';
import { htmlResponse } from '../http/security-headers';
import { recordClick, recordOpen, unsubscribe, unsubscribeTarget } from './tracking';

export const trackingRoutes = new Hono<{ Bindings: Env }>();

const PIXEL = Uint8Array.from(atob('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'), (ch) => ch.charCodeAt(0));
const NO_STORE = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;

trackingRoutes.on(['GET', 'HEAD'], '/t/c/:ref', async (c) => {
  const hit = await recordClick(c.env, c.req.param('ref'), { method: c.req.method, userAgent: c.req.header('user-agent') ?? null, now: Date.now() });
  if (!hit) return c.text('Not found', 404);
  return new Response(null, { status: 302, headers: { location: hit.url, ...NO_STORE } });
});

trackingRoutes.get('/t/o/:token', async (c) => {
  await recordOpen(c.env, c.req.param('token'), Date.now());
  // Always the pixel: an unknown token must not show as a broken image or tell anything.
  return new Response(PIXEL, { headers: { 'content-type': 'image/gif', ...NO_STORE } });
});

trackingRoutes.get('/u/:token', async (c) => {
  const target = await unsubscribeTarget(c.env, c.req.param('token'));
  if (!target) return htmlResponse(c.req.url, page('Link not valid', '<p>This unsubscribe link is not valid.</p>'), {}, 404);
  const what = target.channel === 'email' ? 'e-mails' : target.channel === 'sms' ? 'text messages' : 'messages';
  return htmlResponse(c.req.url, page('Unsubscribe', `<p>Stop receiving marketing ${what} from us?</p><form method="post"><button type="submit">Unsubscribe</button></form>`));
});

trackingRoutes.post('/u/:token', async (c) => {
  const ok = await unsubscribe(c.env, c.req.param('token'), Date.now());
  if (!ok) return htmlResponse(c.req.url, page('Link not valid', '<p>This unsubscribe link is not valid.</p>'), {}, 404);
  return htmlResponse(c.req.url, page('Unsubscribed', '<p>You will not receive these messages any more.</p>'));
});

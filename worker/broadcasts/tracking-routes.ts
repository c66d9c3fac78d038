// Public tracking endpoints of broadcasts (no login): /t/c/<token>.<n> redirects to a tracked link and
// /t/o/<token> is the e-mail open pixel (the recipient's random token is the credential); /u/<token>
// is the unsubscribe link (a signed token naming workspace, contact and channel). GET /u shows a small
// page with a button and never acts, since mail scanners follow links; POST is RFC 8058 one-click,
// what a mail client sends for List-Unsubscribe-Post and what the button submits: no login, no
// confirmation, no redirect (RFC 8058 forbids one), and the same answer when repeated.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import { Problem } from '../http/problem';
import { htmlResponse } from '../http/security-headers';
import { valid } from '../http/validate';
import { recordClick, recordOpen, unsubscribe, unsubscribeTarget } from './tracking';

export const trackingRoutes = new Hono<{ Bindings: Env }>();

const PIXEL = Uint8Array.from(atob('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7'), (ch) => ch.charCodeAt(0));
const NO_STORE = { 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' };
const TokenParam = v.object({ token: v.pipe(v.string(), v.maxLength(800)) });

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title></head><body><main><h1>${title}</h1>${body}</main></body></html>`;
const what = (channel: string) => (channel === 'email' ? 'e-mails' : channel === 'sms' ? 'text messages' : 'messages');

trackingRoutes.on(['GET', 'HEAD'], '/t/c/:ref', async (c) => {
  const hit = await recordClick(c.env, c.req.param('ref'), { method: c.req.method, userAgent: c.req.header('user-agent') ?? null, now: Date.now() });
  if (!hit) return c.text('Not found', 404);
  return new Response(null, { status: 302, headers: { location: hit.url, ...NO_STORE } });
});

trackingRoutes.on(['GET', 'HEAD'], '/t/o/:token', async (c) => {
  const asn = (c.req.raw as Request & { cf?: { asn?: unknown } }).cf?.asn;
  await recordOpen(c.env, c.req.param('token'), { method: c.req.method, userAgent: c.req.header('user-agent') ?? null, asn: typeof asn === 'number' ? asn : null, now: Date.now() });
  // Always the pixel: an unknown token must not show as a broken image or tell anything.
  return new Response(c.req.method === 'HEAD' ? null : PIXEL, { headers: { 'content-type': 'image/gif', ...NO_STORE } });
});

// The page is HTML for people (not part of the JSON API description).
trackingRoutes.get('/u/:token', async (c) => {
  const target = await unsubscribeTarget(c.env, c.req.param('token'));
  if (!target) return htmlResponse(c.req.url, page('Link not valid', '<p>This unsubscribe link is not valid.</p>'), {}, 404);
  // The button posts what a one-click client posts: one code path for both.
  return htmlResponse(
    c.req.url,
    page('Unsubscribe', `<p>Stop receiving marketing ${what(target.channel)} from us?</p><form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button></form>`),
  );
});

trackingRoutes.post(
  '/u/:token',
  describeRoute({
    tags: ['broadcasts'],
    summary: 'One-click unsubscribe (RFC 8058; public, by the signed link token)',
    description:
      "What a mail client POSTs for a broadcast's List-Unsubscribe / List-Unsubscribe-Post headers (body `List-Unsubscribe=One-Click`, not required) and what the /u page's button submits. Unsubscribes the contact on the token's channel, no login, no confirmation; 200 with a short page, the same when repeated. 404 problem for a forged or altered token or one naming a contact its workspace does not have.",
    security: [],
  }),
  valid('param', TokenParam),
  async (c) => {
    const done = await unsubscribe(c.env, c.req.valid('param').token, Date.now());
    if (!done) throw new Problem(404, 'Not found', 'This unsubscribe link is not valid');
    return htmlResponse(c.req.url, page('Unsubscribed', `<p>You will not receive marketing ${what(done.channel)} from us any more.</p>`));
  },
);

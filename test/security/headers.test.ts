// Defect 4 (issue 15): every HTML page carries a strict content security policy (no inline script but
// what the page itself declares, by hash), frame protection, nosniff, a Referrer-Policy and HSTS on
// https; the chat frame is embeddable only by the inbox's allowed origins, which session creation
// enforces too. The agent app and the frame come from dist/ (npm test builds it first).
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call, expectProblem, newWorkspace, webchatInbox } from '../helpers';

async function get(url: string) {
  const res = await SELF.fetch(url);
  return { status: res.status, headers: res.headers, text: await res.text() };
}

/** The CSP's directives by name. */
function directives(res: { headers: Headers }): Record<string, string[]> {
  const csp = res.headers.get('content-security-policy');
  expect(csp, 'content-security-policy').toBeTruthy();
  return Object.fromEntries(
    csp!
      .split(';')
      .map((d) => d.trim().split(/\s+/))
      .filter((d) => d[0])
      .map(([name, ...values]) => [name, values]),
  );
}

async function sha256Source(text: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text)));
  return `'sha256-${btoa(String.fromCharCode(...digest))}'`;
}

/** Every inline <script> and <style> block of a page must be allowed by a hash in the matching directive. */
async function expectInlineBlocksHashed(html: string, csp: Record<string, string[]>) {
  for (const [, attrs, body] of html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)) {
    if (/\ssrc=/.test(attrs)) continue;
    expect(csp['script-src']).toContain(await sha256Source(body));
  }
  for (const [, body] of html.matchAll(/<style[^>]*>([\s\S]*?)<\/style>/g)) expect(csp['style-src']).toContain(await sha256Source(body));
  expect(html).not.toMatch(/\sstyle="/);
  expect(html).not.toMatch(/\son[a-z]+="/);
}

function expectStrict(csp: Record<string, string[]>) {
  expect(csp['script-src']).toContain("'self'");
  for (const directive of ['script-src', 'style-src', 'default-src']) {
    expect(csp[directive], directive).not.toContain("'unsafe-inline'");
    expect(csp[directive], directive).not.toContain("'unsafe-eval'");
  }
  expect(csp['object-src']).toEqual(["'none'"]);
  expect(csp['base-uri']).toEqual(["'none'"]);
}

function expectBaseHeaders(headers: Headers) {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  // Pages under /api keep the API's stricter no-referrer.
  expect(['same-origin', 'no-referrer']).toContain(headers.get('referrer-policy'));
}

describe('the agent app', () => {
  it('index.html (any app path) has a strict CSP, may not be framed, and has no inline script', async () => {
    for (const path of ['/', '/conversations/cv_123']) {
      const res = await get(`${BASE}${path}`);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toContain('text/html');
      expect(res.text).toContain('<div id="app">');
      const csp = directives(res);
      expectStrict(csp);
      expect(csp['frame-ancestors']).toEqual(["'none'"]);
      expect(res.headers.get('x-frame-options')).toBe('DENY');
      expectBaseHeaders(res.headers);
      await expectInlineBlocksHashed(res.text, csp);
      // Plain http (local development) gets no HSTS.
      expect(res.headers.get('strict-transport-security')).toBeNull();
    }
  });

  it('sends HSTS on https', async () => {
    const res = await get('https://parley.test/');
    expect(res.headers.get('strict-transport-security')).toMatch(/max-age=\d{7,}/);
  });
});

describe('pages the Worker renders', () => {
  it('/api/docs and /demo allow exactly their own inline blocks', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    for (const path of ['/api/docs', `/demo?token=${inbox.websiteToken}`, '/api/dev/simulator']) {
      const res = await get(`${BASE}${path}`);
      expect(res.status, path).toBe(200);
      const csp = directives(res);
      expectStrict(csp);
      expect(csp['frame-ancestors']).toEqual(["'none'"]);
      expectBaseHeaders(res.headers);
      await expectInlineBlocksHashed(res.text, csp);
    }
    // The demo embeds the chat frame from our origin.
    expect(directives(await get(`${BASE}/demo?token=${inbox.websiteToken}`))['frame-src']).toEqual(["'self'"]);
  });
});

describe('the chat frame and allowed origins', () => {
  it('is framed by any site while the list is empty, then only by the allowed origins and our own pages', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const frame = (token: string) => get(`${BASE}/widget/frame.html?websiteToken=${encodeURIComponent(token)}`);

    const open = await frame(inbox.websiteToken);
    expect(open.status).toBe(200);
    expect(open.text).toContain('<div id="app">');
    expect(directives(open)['frame-ancestors']).toEqual(['*']);
    expectStrict(directives(open));
    expectBaseHeaders(open.headers);
    await expectInlineBlocksHashed(open.text, directives(open));
    expect(open.headers.get('x-frame-options')).toBeNull();

    const patch = await call('PATCH', `/api/inboxes/${inbox.id}`, { token: ws.token, body: { settings: { allowedOrigins: ['https://Shop.example/', 'https://*.brand.example'] } } });
    expect(patch.status).toBe(200);
    expect(patch.body.settings.allowedOrigins).toEqual(['https://shop.example', 'https://*.brand.example']);
    expect(directives(await frame(inbox.websiteToken))['frame-ancestors']).toEqual(["'self'", 'https://shop.example', 'https://*.brand.example']);
    // An unknown token: our own pages only.
    expect(directives(await frame('wt_unknown'))['frame-ancestors']).toEqual(["'self'"]);
  });

  it('session creation refuses a page of another site once the inbox names its sites', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const session = (origin: string) => call('POST', '/widget/api/session', { body: { websiteToken: inbox.websiteToken }, headers: { origin } });
    expect((await session('https://anywhere.example')).status).toBe(200);

    await call('PATCH', `/api/inboxes/${inbox.id}`, { token: ws.token, body: { settings: { allowedOrigins: ['https://shop.example', 'https://*.brand.example'] } } });
    expectProblem(await session('https://evil.example'), 403, 'Origin');
    expectProblem(await session('http://shop.example'), 403, 'Origin');
    expectProblem(await session('https://brand.example'), 403, 'Origin');
    expect((await session('https://shop.example')).status).toBe(200);
    expect((await session('https://eu.brand.example')).status).toBe(200);
    // The frame itself calls from our origin; server-side callers send no Origin.
    expect((await session(BASE)).status).toBe(200);
    expect((await call('POST', '/widget/api/session', { body: { websiteToken: inbox.websiteToken } })).status).toBe(200);
  });

  it('takes only well-formed origins (they go into a header): 400 naming the entry', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    for (const bad of ['https://shop.example; script-src *', 'javascript:alert(1)', 'shop.example', 'https://shop.example/path', "'unsafe-inline'", 'https://*']) {
      const res = await call('PATCH', `/api/inboxes/${inbox.id}`, { token: ws.token, body: { settings: { allowedOrigins: ['https://ok.example', bad] } } });
      expectProblem(res, 400, 'settings.allowedOrigins.1');
    }
  });
});

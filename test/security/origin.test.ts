// Defect 5 (issue 15): the session cookie is only good from our own origin for anything that changes
// state or opens a socket, and JSON routes refuse bodies of other media types instead of reading `{}`.
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, call, expectProblem, login, newWorkspace, unique, visitorConversation, webchatInbox } from '../helpers';

const EVIL = 'https://evil.example';

async function sessionCookie(email: string): Promise<string> {
  const res = await login(email);
  expect(res.status).toBe(200);
  return /parley_session=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
}

describe('Origin check on cookie-authenticated requests', () => {
  it('refuses a state-changing request with the cookie from another origin (403 problem naming Origin) and changes nothing', async () => {
    const ws = await newWorkspace();
    const cookie = await sessionCookie(ws.email);
    const name = unique('tag-');
    const forged = await call('POST', '/api/tags', { body: { name }, headers: { cookie, origin: EVIL } });
    expectProblem(forged, 403, 'Origin');
    const tags = await call('GET', '/api/tags', { token: ws.token });
    expect(JSON.stringify(tags.body)).not.toContain(name);

    // The same request from our own origin, or without Origin (not a browser), goes through.
    expect((await call('POST', '/api/tags', { body: { name }, headers: { cookie, origin: BASE } })).status).toBe(201);
    expect((await call('POST', '/api/tags', { body: { name: unique('tag-') }, headers: { cookie } })).status).toBe(201);
  });

  it('lets reads through, and never checks a Bearer token (another site cannot attach one)', async () => {
    const ws = await newWorkspace();
    const cookie = await sessionCookie(ws.email);
    expect((await call('GET', '/api/me', { headers: { cookie, origin: EVIL } })).status).toBe(200);
    expect((await call('POST', '/api/tags', { token: ws.token, body: { name: unique('tag-') }, headers: { origin: EVIL } })).status).toBe(201);
    // "null" (a sandboxed frame) is another origin too.
    expectProblem(await call('POST', '/api/tags', { body: { name: unique('tag-') }, headers: { cookie, origin: 'null' } }), 403, 'Origin');
  });

  it('refuses WebSocket upgrades with the cookie from another origin, on the live feed and on a conversation', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const conv = await visitorConversation(inbox.websiteToken);
    const cookie = await sessionCookie(ws.email);
    for (const path of ['/api/live', `/api/conversations/${conv.id}/ws`]) {
      const forged = await SELF.fetch(`${BASE}${path}`, { headers: { upgrade: 'websocket', cookie, origin: EVIL } });
      expect(forged.status, path).toBe(403);
      expect(forged.headers.get('content-type')).toContain('application/problem+json');
      expect(forged.webSocket).toBeNull();
      const ours = await SELF.fetch(`${BASE}${path}`, { headers: { upgrade: 'websocket', cookie, origin: BASE } });
      expect(ours.status, path).toBe(101);
      ours.webSocket!.accept();
      ours.webSocket!.close();
    }
  });
});

describe('JSON routes and other media types', () => {
  it('answers 415 problem+json naming Content-Type to a form, text/plain or untyped body, and does nothing', async () => {
    const ws = await newWorkspace();
    const name = unique('tag-');
    const bodies: [string, Record<string, string>][] = [
      [`name=${encodeURIComponent(name)}`, { 'content-type': 'application/x-www-form-urlencoded' }],
      [JSON.stringify({ name }), { 'content-type': 'text/plain' }],
      [JSON.stringify({ name }), {}],
    ];
    for (const [body, headers] of bodies) {
      const res = await SELF.fetch(`${BASE}/api/tags`, { method: 'POST', headers: { authorization: `Bearer ${ws.token}`, ...headers }, body: new TextEncoder().encode(body) });
      const parsed = { status: res.status, headers: res.headers, body: await res.json() };
      expectProblem(parsed, 415, 'Content-Type');
    }
    const tags = await call('GET', '/api/tags', { token: ws.token });
    expect(JSON.stringify(tags.body)).not.toContain(name);
    // The widget's JSON routes too.
    const inbox = await webchatInbox(ws);
    const res = await SELF.fetch(`${BASE}/widget/api/session`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ websiteToken: inbox.websiteToken }) });
    expect(res.status).toBe(415);
  });

  it('still reads JSON with a charset or a +json type, and a bodiless request as {}', async () => {
    const ws = await newWorkspace();
    expect((await call('POST', '/api/tags', { token: ws.token, body: { name: unique('tag-') }, headers: { 'content-type': 'application/json; charset=utf-8' } })).status).toBe(201);
    expect((await call('POST', '/api/tags', { token: ws.token, body: { name: unique('tag-') }, headers: { 'content-type': 'application/merge-patch+json' } })).status).toBe(201);
    // No body and no type: validated as {} (here: a 400 naming the missing field, not a 415).
    expectProblem(await call('POST', '/api/tags', { token: ws.token }), 400, 'name');
  });
});

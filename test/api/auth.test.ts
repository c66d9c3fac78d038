// Sign-up, login (and its rate limit), logout, /api/me and API keys, through the real Worker.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { addMember, call, expectProblem, freshIp, login, newWorkspace, PASSWORD, unique } from '../helpers';

function jwtPayload(token: string): Record<string, unknown> {
  const b64 = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
  return JSON.parse(atob(b64 + '==='.slice((b64.length + 3) % 4)));
}

function signupBody(over: Record<string, unknown> = {}) {
  return { workspaceName: 'Acme', name: 'Ada', email: `${unique('ada')}@example.com`, password: PASSWORD, ...over };
}

describe('POST /api/auth/signup', () => {
  it('creates a workspace with its manager, returns a token and sets an HttpOnly session cookie', async () => {
    const body = signupBody();
    const res = await call('POST', '/api/auth/signup', { body });
    expect(res.status).toBe(201);
    expect(res.body.token).toEqual(expect.any(String));
    expect(res.body.user).toMatchObject({ email: body.email, name: 'Ada', role: 'manager' });
    expect(res.body.user.workspaceId).toMatch(/^ws_/);
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/parley_session=[^;]+/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Lax/i);
    expect(cookie).toContain(res.body.token);

    const me = await call('GET', '/api/me', { token: res.body.token });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: res.body.user.id, role: 'manager', email: body.email });
    expect(me.body.workspace).toMatchObject({ id: res.body.user.workspaceId, name: 'Acme', timezone: 'UTC' });
  });

  it('stores the e-mail lower-cased and answers 409 naming `email` for a duplicate (any case)', async () => {
    const email = `${unique('dup')}@example.com`;
    const first = await call('POST', '/api/auth/signup', { body: signupBody({ email: email.toUpperCase() }) });
    expect(first.status).toBe(201);
    expect(first.body.user.email).toBe(email);
    const again = await call('POST', '/api/auth/signup', { body: signupBody({ email }) });
    expectProblem(again, 409, 'email');
  });

  it('rejects a bad e-mail and a short password with 400 problem+json naming each field', async () => {
    const res = await call('POST', '/api/auth/signup', { body: signupBody({ email: 'not-an-email', password: 'short' }) });
    expectProblem(res, 400, 'email');
    expectProblem(res, 400, 'password');
    expectProblem(await call('POST', '/api/auth/signup', { body: signupBody({ workspaceName: '   ' }) }), 400, 'workspaceName');
    const missing = await call('POST', '/api/auth/signup', { body: { email: `${unique('m')}@example.com` } });
    expectProblem(missing, 400, 'password');
    expectProblem(missing, 400, 'name');
  });

  it('answers malformed or non-object JSON with a 400 problem, never a 500', async () => {
    const headers = { 'content-type': 'application/json' };
    expectProblem(await call('POST', '/api/auth/signup', { body: '{"email": ', headers }), 400);
    expectProblem(await call('POST', '/api/auth/login', { body: 'nope', headers }), 400);
    expectProblem(await call('POST', '/api/auth/signup', { body: '[1,2,3]', headers }), 400);
    expectProblem(await call('POST', '/api/auth/signup', { body: 'null', headers }), 400);
    const ws = await newWorkspace();
    expectProblem(await call('POST', '/api/contacts', { token: ws.token, body: '{"name":', headers }), 400);
  });
});

describe('POST /api/auth/login', () => {
  it('logs in with the right password (token, user, cookie) and the cookie alone authenticates', async () => {
    const ws = await newWorkspace();
    const res = await login(ws.email.toUpperCase());
    expect(res.status).toBe(200);
    expect(res.body.user).toMatchObject({ id: ws.userId, workspaceId: ws.workspaceId, role: 'manager', email: ws.email });
    const cookie = res.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/HttpOnly/i);
    const pair = /parley_session=[^;]+/.exec(cookie)![0];
    const me = await call('GET', '/api/me', { headers: { cookie: pair } });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(ws.userId);
  });

  it('answers 401 for a wrong password and for an unknown e-mail, with the same message', async () => {
    const ws = await newWorkspace();
    const wrong = await login(ws.email, 'wrong password!');
    expectProblem(wrong, 401);
    expect(wrong.headers.get('set-cookie')).toBeNull();
    const unknown = await login(`${unique('nobody')}@example.com`, 'whatever123');
    expectProblem(unknown, 401);
    expect(unknown.body.detail).toBe(wrong.body.detail);
  });

  it('a successful login clears the failure count of that e-mail from that address', async () => {
    const ws = await newWorkspace();
    const ip = freshIp();
    for (let i = 0; i < 3; i++) expectProblem(await login(ws.email, 'wrong password', ip), 401);
    expect((await login(ws.email, PASSWORD, ip)).status).toBe(200);
    for (let i = 0; i < 3; i++) expectProblem(await login(ws.email, 'wrong password', ip), 401);
    expect((await login(ws.email, PASSWORD, ip)).status).toBe(200);
  });

  it('a disabled user cannot log in', async () => {
    const ws = await newWorkspace();
    const staff = await addMember(ws, 'staff');
    expect((await call('PATCH', `/api/users/${staff.userId}`, { token: ws.token, body: { disabled: true } })).status).toBe(200);
    expectProblem(await login(staff.email), 401);
  });
});

describe('POST /api/auth/logout', () => {
  it('revokes the session: the row is gone and the token no longer authenticates; other sessions live on', async () => {
    const ws = await newWorkspace();
    const second = await login(ws.email);
    const sid = jwtPayload(ws.token).sid as string;
    expect(await env.DB.prepare(`SELECT 1 AS x FROM sessions WHERE id = ?`).bind(sid).first()).not.toBeNull();
    // Use the token first so a cached principal would exist if revocation did not evict it.
    expect((await call('GET', '/api/me', { token: ws.token })).status).toBe(200);

    const out = await call('POST', '/api/auth/logout', { token: ws.token });
    expect(out.status).toBe(204);
    expect(out.headers.get('set-cookie') ?? '').toMatch(/parley_session=;|Max-Age=0|Expires=Thu, 01 Jan 1970/i);
    expect(await env.DB.prepare(`SELECT 1 AS x FROM sessions WHERE id = ?`).bind(sid).first()).toBeNull();
    expectProblem(await call('GET', '/api/me', { token: ws.token }), 401);
    expectProblem(await call('POST', '/api/auth/logout', { token: ws.token }), 401);
    expect((await call('GET', '/api/me', { token: second.body.token })).status).toBe(200);
  });

  it('needs a credential', async () => {
    expectProblem(await call('POST', '/api/auth/logout'), 401);
  });
});

describe('GET /api/me', () => {
  it('returns the caller with role and teams', async () => {
    const ws = await newWorkspace();
    const team = await call('POST', '/api/teams', { token: ws.token, body: { name: 'Support' } });
    const staff = await addMember(ws, 'staff', [team.body.id]);
    const me = await call('GET', '/api/me', { token: staff.token });
    expect(me.status).toBe(200);
    expect(me.body.user).toMatchObject({ id: staff.userId, role: 'staff', teamIds: [team.body.id], workspaceId: ws.workspaceId });
    expect(me.body.user).not.toHaveProperty('passwordHash');
  });

  it('answers 401 without a credential, with garbage, and with a token signed by another secret', async () => {
    expectProblem(await call('GET', '/api/me'), 401);
    expectProblem(await call('GET', '/api/me', { token: 'garbage' }), 401);
    expectProblem(await call('GET', '/api/me', { headers: { authorization: 'Basic dXNlcjpwYXNz' } }), 401);
    const ws = await newWorkspace();
    const [h, p] = ws.token.split('.');
    expectProblem(await call('GET', '/api/me', { token: `${h}.${p}.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA` }), 401);
  });
});

describe('API keys', () => {
  it('creates a key shown once, lists it without its secret, authenticates as Bearer, and stops working once revoked', async () => {
    const ws = await newWorkspace();
    const created = await call('POST', '/api/api-keys', { token: ws.token, body: { name: 'CI' } });
    expect(created.status).toBe(201);
    expect(created.body.key).toMatch(/^pk_key_[0-9A-Z]+\.[A-Za-z0-9_-]+$/);
    const { id, key } = created.body as { id: string; key: string };

    const list = await call('GET', '/api/api-keys', { token: ws.token });
    expect(list.status).toBe(200);
    const row = list.body.items.find((k: { id: string }) => k.id === id);
    expect(row).toMatchObject({ id, name: 'CI', userId: ws.userId, revokedAt: null, lastUsedAt: null });
    expect(JSON.stringify(list.body)).not.toContain(key.split('.')[1]);
    expect(JSON.stringify(list.body)).not.toMatch(/secret/i);

    const me = await call('GET', '/api/me', { token: key });
    expect(me.status).toBe(200);
    expect(me.body.user.id).toBe(ws.userId);
    const used = await call('GET', '/api/api-keys', { token: ws.token });
    expect(used.body.items.find((k: { id: string }) => k.id === id).lastUsedAt).toEqual(expect.any(Number));

    // A wrong secret for a real key id is refused.
    expectProblem(await call('GET', '/api/me', { token: `pk_${id}.${'x'.repeat(43)}` }), 401);

    expect((await call('DELETE', `/api/api-keys/${id}`, { token: ws.token })).status).toBe(204);
    expectProblem(await call('GET', '/api/me', { token: key }), 401);
    const after = await call('GET', '/api/api-keys', { token: ws.token });
    expect(after.body.items.find((k: { id: string }) => k.id === id).revokedAt).toEqual(expect.any(Number));
  });

  it('a key acts with its owner role; staff see and revoke only their own keys', async () => {
    const ws = await newWorkspace();
    const staff = await addMember(ws, 'staff');
    const mine = await call('POST', '/api/api-keys', { token: staff.token, body: { name: 'staff key' } });
    const mgrKey = await call('POST', '/api/api-keys', { token: ws.token, body: { name: 'manager key' } });
    expectProblem(await call('POST', '/api/inboxes', { token: mine.body.key, body: { channel: 'webchat', name: 'x' } }), 403);

    const staffList = await call('GET', '/api/api-keys', { token: staff.token });
    expect(staffList.body.items.map((k: { id: string }) => k.id)).toEqual([mine.body.id]);
    const mgrList = await call('GET', '/api/api-keys', { token: ws.token });
    expect(mgrList.body.items.map((k: { id: string }) => k.id).sort()).toEqual([mine.body.id, mgrKey.body.id].sort());

    expectProblem(await call('DELETE', `/api/api-keys/${mgrKey.body.id}`, { token: staff.token }), 404);
    expect((await call('GET', '/api/me', { token: mgrKey.body.key })).status).toBe(200);
    // Managers may revoke any key of their workspace.
    expect((await call('DELETE', `/api/api-keys/${mine.body.id}`, { token: ws.token })).status).toBe(204);
    expectProblem(await call('GET', '/api/me', { token: mine.body.key }), 401);
  });

  it('validates the name and needs a credential', async () => {
    const ws = await newWorkspace();
    expectProblem(await call('POST', '/api/api-keys', { token: ws.token, body: { name: '' } }), 400, 'name');
    expectProblem(await call('POST', '/api/api-keys', { body: { name: 'x' } }), 401);
  });
});

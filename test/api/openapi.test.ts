// The API's self-description and its edges: /api/openapi.json, /api/docs, unknown routes, body limits.
import { describe, expect, it } from 'vitest';
import { call, expectProblem, newWorkspace } from '../helpers';

describe('/api/openapi.json', () => {
  it('is OpenAPI 3.1 and lists the main paths with their methods', async () => {
    const res = await call('GET', '/api/openapi.json');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/application\/json/);
    expect(res.body.openapi).toMatch(/^3\.1\./);
    expect(res.body.info.title).toEqual(expect.any(String));
    const paths = res.body.paths as Record<string, Record<string, { tags?: string[]; summary?: string }>>;
    const expected: [string, string[]][] = [
      ['/api/auth/signup', ['post']],
      ['/api/auth/login', ['post']],
      ['/api/auth/logout', ['post']],
      ['/api/me', ['get']],
      ['/api/api-keys', ['get', 'post']],
      ['/api/conversations', ['get', 'post']],
      ['/api/conversations/{id}', ['get', 'patch']],
      ['/api/conversations/{id}/messages', ['get', 'post']],
      ['/api/conversations/{id}/events', ['get']],
      ['/api/conversations/bulk', ['post']],
      ['/api/contacts', ['get', 'post']],
      ['/api/contacts/{id}', ['get', 'patch']],
      ['/api/contacts/{id}/merge', ['post']],
      ['/api/inboxes', ['get', 'post']],
      ['/api/inboxes/{id}', ['get', 'patch']],
      ['/api/users', ['get', 'post']],
      ['/api/teams', ['get', 'post']],
      ['/api/tags', ['get', 'post']],
      ['/api/workspace', ['patch']],
      ['/api/files', ['post']],
      ['/api/views', ['get', 'post']],
      ['/api/views/{id}', ['patch', 'delete']],
      ['/api/views/order', ['put']],
    ];
    for (const [path, methods] of expected) {
      expect(paths[path], path).toBeDefined();
      for (const m of methods) {
        expect(paths[path][m], `${m.toUpperCase()} ${path}`).toBeDefined();
        expect(paths[path][m].summary, `${m.toUpperCase()} ${path} summary`).toEqual(expect.any(String));
      }
    }
  });

  it('documents request schemas and query parameters from the validators', async () => {
    const res = await call('GET', '/api/openapi.json');
    const signup = res.body.paths['/api/auth/signup'].post;
    const schema = JSON.stringify(signup.requestBody);
    for (const field of ['workspaceName', 'email', 'password']) expect(schema).toContain(field);
    const list = res.body.paths['/api/conversations'].get;
    const names = (list.parameters ?? []).map((p: { name: string }) => p.name);
    expect(names).toEqual(expect.arrayContaining(['status', 'assignee', 'q', 'sort', 'cursor', 'limit']));
    expect(res.body.components?.securitySchemes?.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
  });
});

describe('/api/docs', () => {
  it('is an HTML page that renders the spec', async () => {
    const res = await call('GET', '/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/text\/html/);
    expect(res.body).toMatch(/<html/i);
    expect(res.body).toContain('/api/openapi.json');
  });
});

describe('edges', () => {
  it('an unknown /api route is a 401 problem without a credential (routes are not enumerable) and a 404 with one', async () => {
    expectProblem(await call('GET', '/api/nope'), 401);
    expectProblem(await call('POST', '/api/nope/deeper', { body: {} }), 401);
    const ws = await newWorkspace();
    expectProblem(await call('GET', '/api/definitely-not-a-route', { token: ws.token }), 404);
    expectProblem(await call('DELETE', '/api/conversations', { token: ws.token }), 404);
  });

  it('dev-only routes are hidden outside development', async () => {
    expectProblem(await call('POST', '/api/dev/seed'), 404);
  });

  it('refuses bodies over the limit with a 413 problem', async () => {
    const ws = await newWorkspace();
    const big = JSON.stringify({ name: 'x'.repeat(1024 * 1024 + 10) });
    expectProblem(await call('POST', '/api/contacts', { token: ws.token, body: big, headers: { 'content-type': 'application/json' } }), 413);
  });

  it('sends security headers on API responses', async () => {
    const res = await call('GET', '/api/me');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-frame-options')).toEqual(expect.any(String));
  });

  it('/healthz answers', async () => {
    const res = await call('GET', '/healthz');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ ok: true });
  });
});

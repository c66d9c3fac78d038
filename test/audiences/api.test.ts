// /api/audiences over HTTP: preview, CRUD with live counts, paged members, bad filters named by field
// and pointer, workspace isolation and role scoping (managers only).
import { beforeAll, describe, expect, it } from 'vitest';
import { contactInAudience } from '../../worker/audiences/resolve';
import { env } from 'cloudflare:test';
import { addMember, call, createContact, expectProblem, newWorkspace, type Workspace } from '../helpers';

let ws: Workspace;
const vip = { field: 'tags', op: 'has', value: 'vip' };
const ids: string[] = [];

beforeAll(async () => {
  ws = await newWorkspace('Audiences');
  for (let i = 0; i < 13; i++) ids.push((await createContact(ws, { name: `VIP ${i}`, tags: ['vip', i % 2 ? 'odd' : 'even'], attributes: { n: i } })).id);
  await createContact(ws, { name: 'Regular', tags: ['regular'] });
});

describe('preview', () => {
  it('counts every match and samples at most 10', async () => {
    const res = await call('POST', '/api/audiences/preview', { token: ws.token, body: { filter: vip } });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(13);
    expect(res.body.sample).toHaveLength(10);
    expect(res.body.sample[0]).toEqual(expect.objectContaining({ id: expect.any(String), name: expect.stringMatching(/^VIP/), tags: expect.arrayContaining(['vip']) }));
    const odd = await call('POST', '/api/audiences/preview', { token: ws.token, body: { filter: { all: [vip, { field: 'tags', op: 'has', value: 'odd' }, { field: 'attributes.n', op: 'gte', value: 5 }] } } });
    expect(odd.body.count).toBe(4); // 5, 7, 9, 11
  });

  it('a bad node is a 400 problem naming its field and JSON pointer', async () => {
    const res = await call('POST', '/api/audiences/preview', { token: ws.token, body: { filter: { any: [vip, { field: 'tags', op: 'between', value: 1 }] } } });
    expectProblem(res, 400, 'filter.any.1.op');
    expect(res.body.detail).toContain('/filter/any/1/op');
    expectProblem(await call('POST', '/api/audiences/preview', { token: ws.token, body: { filter: 'vip' } }), 400, 'filter');
    expectProblem(await call('POST', '/api/audiences/preview', { token: ws.token, body: {} }), 400, 'filter');
    expectProblem(await call('POST', '/api/audiences/preview', { token: ws.token, body: { filter: { field: 'attributes.a"b', op: 'eq', value: 1 } } }), 400, 'filter.field');
  });
});

describe('large filters', () => {
  it('a 150-value in list previews; too many conditions are a 400 naming the one past the limit', async () => {
    const ns = Array.from({ length: 150 }, (_, i) => i + 100);
    ns[149] = 3;
    const res = await call('POST', '/api/audiences/preview', { token: ws.token, body: { filter: { field: 'attributes.n', op: 'in', value: ns } } });
    expect(res.status).toBe(200);
    expect(res.body.count).toBe(1);
    const wide = { any: Array.from({ length: 50 }, (_, i) => ({ field: `attributes.k${i}`, op: 'eq', value: i })) };
    const bad = await call('POST', '/api/audiences/preview', { token: ws.token, body: { filter: wide } });
    expectProblem(bad, 400, 'filter.any.45');
    expect(bad.body.detail).toMatch(/at most 90 values/);
  });
});

describe('saved audiences', () => {
  it('create, read with live count, list, rename, refilter, delete', async () => {
    const created = await call('POST', '/api/audiences', { token: ws.token, body: { name: 'VIPs', filter: vip } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'VIPs', filter: vip, count: 13 });
    const id = created.body.id as string;
    expectProblem(await call('POST', '/api/audiences', { token: ws.token, body: { name: 'VIPs', filter: vip } }), 409, 'name');

    const extra = await createContact(ws, { tags: ['VIP'] });
    expect((await call('GET', `/api/audiences/${id}`, { token: ws.token })).body.count).toBe(14);
    expect(await contactInAudience(env, ws.workspaceId, extra.id, id)).toBe(true);
    expect((await call('GET', '/api/audiences', { token: ws.token })).body.items.map((a: { id: string }) => a.id)).toContain(id);

    const patched = await call('PATCH', `/api/audiences/${id}`, { token: ws.token, body: { name: 'Even VIPs', filter: { all: [vip, { field: 'tags', op: 'has', value: 'even' }] } } });
    expect(patched.body).toMatchObject({ name: 'Even VIPs', count: 7 });
    expect(await contactInAudience(env, ws.workspaceId, extra.id, id)).toBe(false);
    expectProblem(await call('PATCH', `/api/audiences/${id}`, { token: ws.token, body: { filter: { not: [] } } }), 400, 'filter.not');
    expectProblem(await call('PATCH', `/api/audiences/${id}`, { token: ws.token, body: {} }), 400);

    expect((await call('DELETE', `/api/audiences/${id}`, { token: ws.token })).status).toBe(204);
    expectProblem(await call('GET', `/api/audiences/${id}`, { token: ws.token }), 404);
    expect(await contactInAudience(env, ws.workspaceId, extra.id, id)).toBe(false);
  });

  it('pages members with a cursor, each once', async () => {
    const { body } = await call('POST', '/api/audiences', { token: ws.token, body: { name: 'Paged', filter: vip } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { status: number; body: { items: { id: string }[]; nextCursor: string | null } } = await call('GET', `/api/audiences/${body.id}/contacts?limit=4${cursor ? `&cursor=${cursor}` : ''}`, { token: ws.token });
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((i) => i.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen.length).toBe(new Set(seen).size);
    expect(seen).toEqual(expect.arrayContaining(ids));
    expectProblem(await call('GET', `/api/audiences/${body.id}/contacts?cursor=garbage`, { token: ws.token }), 400, 'query.cursor');
  });

  it('another workspace sees none of it', async () => {
    const { body } = await call('POST', '/api/audiences', { token: ws.token, body: { name: 'Mine', filter: vip } });
    const other = await newWorkspace('Other');
    expectProblem(await call('GET', `/api/audiences/${body.id}`, { token: other.token }), 404);
    expectProblem(await call('DELETE', `/api/audiences/${body.id}`, { token: other.token }), 404);
    expect((await call('POST', '/api/audiences/preview', { token: other.token, body: { filter: vip } })).body.count).toBe(0);
  });

  it('staff and personal users are refused (audiences read the whole directory)', async () => {
    const { body } = await call('POST', '/api/audiences', { token: ws.token, body: { name: 'Roles', filter: vip } });
    for (const role of ['staff', 'personal'] as const) {
      const m = await addMember(ws, role);
      expectProblem(await call('POST', '/api/audiences/preview', { token: m.token, body: { filter: vip } }), 403);
      expectProblem(await call('GET', '/api/audiences', { token: m.token }), 403);
      expectProblem(await call('GET', `/api/audiences/${body.id}/contacts`, { token: m.token }), 403);
      expectProblem(await call('POST', '/api/audiences', { token: m.token, body: { name: 'x', filter: vip } }), 403);
    }
  });
});

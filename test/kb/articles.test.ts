// The knowledge base through its API: sources of every kind, validation, roles, workspaces, versions
// with diff and restore, publishing and what search sees, files, imported pages, categories and tags.
import { afterEach, describe, expect, it } from 'vitest';
import { setPageFetcher } from '../../worker/kb/import';
import { addMember, call, expectProblem, newWorkspace } from '../helpers';

const article = (over: Record<string, unknown> = {}) => ({ title: 'Parking', body: '<p>Each apartment has a free <b>garage</b> space.</p>', ...over });

async function search(token: string, q: string) {
  const res = await call('GET', `/api/kb/search?q=${encodeURIComponent(q)}`, { token });
  expect(res.status).toBe(200);
  return res.body.items as { articleId: string; title: string; snippet: string }[];
}

describe('articles', () => {
  it('creates a draft with sanitized HTML and plain text; only publishing makes it searchable', async () => {
    const ws = await newWorkspace();
    const created = await call('POST', '/api/kb/articles', { token: ws.token, body: article({ body: '<p onclick="x()">Free <b>garage</b> space.</p><script>steal()</script>', tags: ['Car', 'car', ' parking '] }) });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ kind: 'article', status: 'draft', version: 1, body: '<p>Free <b>garage</b> space.</p>', bodyText: 'Free garage space.', tags: ['car', 'parking'], language: 'en' });
    expect(created.body.workspaceId).toBeUndefined();
    expect(await search(ws.token, 'garage')).toEqual([]);

    const published = await call('PATCH', `/api/kb/articles/${created.body.id}`, { token: ws.token, body: { status: 'published' } });
    expect(published.body).toMatchObject({ status: 'published', version: 2 });
    expect(published.body.publishedAt).toBeGreaterThan(0);
    expect((await search(ws.token, 'where is the garage'))[0]).toMatchObject({ articleId: created.body.id, snippet: 'Free garage space.' });

    await call('PATCH', `/api/kb/articles/${created.body.id}`, { token: ws.token, body: { status: 'draft' } });
    expect(await search(ws.token, 'garage')).toEqual([]);
  });

  it('creates Q&A pairs from a question and a plain-text answer', async () => {
    const ws = await newWorkspace();
    const res = await call('POST', '/api/kb/articles', { token: ws.token, body: { kind: 'qa', question: 'Can we bring a dog?', answer: 'Yes, dogs are welcome <for €30>.', status: 'published' } });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ kind: 'qa', title: 'Can we bring a dog?', body: '<p>Yes, dogs are welcome &lt;for €30&gt;.</p>' });
    expect((await search(ws.token, 'pets allowed?'))[0].articleId).toBe(res.body.id);
  });

  it('answers bad input with problem+json naming the field', async () => {
    const ws = await newWorkspace();
    expectProblem(await call('POST', '/api/kb/articles', { token: ws.token, body: { body: '<p>x</p>' } }), 400, 'title');
    expectProblem(await call('POST', '/api/kb/articles', { token: ws.token, body: { title: 'x' } }), 400, 'body');
    expectProblem(await call('POST', '/api/kb/articles', { token: ws.token, body: article({ body: '<script>only()</script>' }) }), 400, 'body');
    expectProblem(await call('POST', '/api/kb/articles', { token: ws.token, body: article({ status: 'live' }) }), 400, 'status');
    expectProblem(await call('POST', '/api/kb/articles', { token: ws.token, body: article({ categoryId: 'kbc_nope' }) }), 400, 'categoryId');
    expectProblem(await call('POST', '/api/kb/articles', { token: ws.token, body: article({ tags: ['x'.repeat(51)] }) }), 400, /tags/);
    const a = await call('POST', '/api/kb/articles', { token: ws.token, body: article() });
    expectProblem(await call('PATCH', `/api/kb/articles/${a.body.id}`, { token: ws.token, body: {} }), 400);
    expectProblem(await call('GET', '/api/kb/articles?limit=0', { token: ws.token }), 400, 'limit');
    expectProblem(await call('GET', '/api/kb/articles?cursor=nonsense', { token: ws.token }), 400, 'cursor');
    expectProblem(await call('GET', '/api/kb/search?q=', { token: ws.token }), 400, 'q');
    expectProblem(await call('POST', '/api/kb/import', { token: ws.token, body: { articles: [article(), { title: 'No body' }] } }), 400, 'articles.1.body');
  });

  it('keeps workspaces apart and lets the personal role read only', async () => {
    const a = await newWorkspace();
    const b = await newWorkspace();
    const own = await call('POST', '/api/kb/articles', { token: a.token, body: article({ status: 'published' }) });
    expectProblem(await call('GET', `/api/kb/articles/${own.body.id}`, { token: b.token }), 404);
    expectProblem(await call('PATCH', `/api/kb/articles/${own.body.id}`, { token: b.token, body: { title: 'Mine' } }), 404);
    expectProblem(await call('DELETE', `/api/kb/articles/${own.body.id}`, { token: b.token }), 404);
    expect(await search(b.token, 'garage')).toEqual([]);
    expect((await call('GET', '/api/kb/articles', { token: b.token })).body.items).toEqual([]);

    const personal = await addMember(a, 'personal');
    expect((await call('GET', `/api/kb/articles/${own.body.id}`, { token: personal.token })).status).toBe(200);
    expectProblem(await call('POST', '/api/kb/articles', { token: personal.token, body: article() }), 403);
    expectProblem(await call('PATCH', `/api/kb/articles/${own.body.id}`, { token: personal.token, body: { title: 'x' } }), 403);
    const staff = await addMember(a, 'staff');
    expect((await call('POST', '/api/kb/articles', { token: staff.token, body: article() })).status).toBe(201);
    expectProblem(await call('POST', '/api/kb/import', { token: staff.token, body: { articles: [article()] } }), 403);
    expectProblem(await call('GET', '/api/kb/articles', {}), 401);
  });

  it('lists newest change first with filters and a cursor', async () => {
    const ws = await newWorkspace();
    const cat = await call('POST', '/api/kb/categories', { token: ws.token, body: { name: 'Arrival' } });
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await call('POST', '/api/kb/articles', { token: ws.token, body: article({ title: `Article ${i}`, status: i % 2 ? 'published' : 'draft', tags: i === 4 ? ['late'] : [], categoryId: i === 3 ? cat.body.id : null }) })).body.id);
    const page1 = await call('GET', '/api/kb/articles?limit=2', { token: ws.token });
    expect(page1.body.items.map((a: { id: string }) => a.id)).toEqual([ids[4], ids[3]]);
    expect(page1.body.items[0].excerpt).toBe('Each apartment has a free garage space.');
    expect(page1.body.items[0].body).toBeUndefined();
    const page2 = await call('GET', `/api/kb/articles?limit=2&cursor=${page1.body.nextCursor}`, { token: ws.token });
    expect(page2.body.items.map((a: { id: string }) => a.id)).toEqual([ids[2], ids[1]]);
    expect((await call('GET', '/api/kb/articles?status=published', { token: ws.token })).body.items).toHaveLength(2);
    expect((await call('GET', '/api/kb/articles?tag=late', { token: ws.token })).body.items.map((a: { id: string }) => a.id)).toEqual([ids[4]]);
    expect((await call('GET', `/api/kb/articles?categoryId=${cat.body.id}`, { token: ws.token })).body.items.map((a: { id: string }) => a.id)).toEqual([ids[3]]);
    expect((await call('GET', '/api/kb/articles?q=article%202', { token: ws.token })).body.items.map((a: { id: string }) => a.id)).toEqual([ids[2]]);
    expect((await call('GET', '/api/kb/tags', { token: ws.token })).body.items).toEqual([{ tag: 'late', count: 1 }]);
  });
});

describe('versions', () => {
  it('records every change; diffs any two versions; restores content as a new version', async () => {
    const ws = await newWorkspace();
    const a = await call('POST', '/api/kb/articles', { token: ws.token, body: article({ body: '<p>Check-in from 4 pm.</p><p>No parties.</p>', status: 'published' }) });
    const id = a.body.id;
    await call('PATCH', `/api/kb/articles/${id}`, { token: ws.token, body: { body: '<p>Check-in from 3 pm.</p><p>No parties.</p>', note: 'Earlier check-in' } });
    await call('PATCH', `/api/kb/articles/${id}`, { token: ws.token, body: { title: 'Parking and arrival', tags: ['arrival'] } });
    // Saving the same content again makes no version.
    const same = await call('PATCH', `/api/kb/articles/${id}`, { token: ws.token, body: { title: 'Parking and arrival' } });
    expect(same.body.version).toBe(3);

    const history = await call('GET', `/api/kb/articles/${id}/versions`, { token: ws.token });
    expect(history.body.items.map((v: { version: number; note: string | null; authorName: string }) => [v.version, v.note, v.authorName])).toEqual([
      [3, null, 'Manager'],
      [2, 'Earlier check-in', 'Manager'],
      [1, 'Created', 'Manager'],
    ]);
    const v1 = await call('GET', `/api/kb/articles/${id}/versions/1`, { token: ws.token });
    expect(v1.body).toMatchObject({ version: 1, title: 'Parking', bodyText: 'Check-in from 4 pm.\n\nNo parties.' });

    const diff = await call('GET', `/api/kb/articles/${id}/diff?from=1&to=3`, { token: ws.token });
    expect(diff.body.title).toEqual([{ op: 'equal', text: 'Parking' }, { op: 'insert', text: ' and arrival' }]);
    expect(diff.body.body[0]).toMatchObject({ op: 'change', from: 'Check-in from 4 pm.', to: 'Check-in from 3 pm.' });
    expect(diff.body.tags).toEqual({ added: ['arrival'], removed: [] });
    expect((await call('GET', `/api/kb/articles/${id}/diff`, { token: ws.token })).body).toMatchObject({ from: 2, to: 3 });

    const restored = await call('POST', `/api/kb/articles/${id}/restore`, { token: ws.token, body: { version: 1 } });
    expect(restored.body).toMatchObject({ version: 4, title: 'Parking', bodyText: 'Check-in from 4 pm.\n\nNo parties.', status: 'published', tags: [] });
    expect((await call('GET', `/api/kb/articles/${id}/versions`, { token: ws.token })).body.items[0].note).toBe('Restored version 1');
    expect((await search(ws.token, 'check-in 4 pm'))[0].snippet).toContain('4 pm');
    expectProblem(await call('POST', `/api/kb/articles/${id}/restore`, { token: ws.token, body: { version: 99 } }), 404);
    expectProblem(await call('GET', `/api/kb/articles/${id}/versions/abc`, { token: ws.token }), 400, 'version');
  });

  it('refuses an edit based on an old version (409 naming baseVersion)', async () => {
    const ws = await newWorkspace();
    const a = await call('POST', '/api/kb/articles', { token: ws.token, body: article() });
    await call('PATCH', `/api/kb/articles/${a.body.id}`, { token: ws.token, body: { title: 'Theirs', baseVersion: 1 } });
    expectProblem(await call('PATCH', `/api/kb/articles/${a.body.id}`, { token: ws.token, body: { title: 'Mine', baseVersion: 1 } }), 409, 'baseVersion');
  });

  it('deletes a source with its versions and index entries', async () => {
    const ws = await newWorkspace();
    const a = await call('POST', '/api/kb/articles', { token: ws.token, body: article({ status: 'published' }) });
    expect((await call('DELETE', `/api/kb/articles/${a.body.id}`, { token: ws.token })).status).toBe(204);
    expect(await search(ws.token, 'garage')).toEqual([]);
    expectProblem(await call('GET', `/api/kb/articles/${a.body.id}/versions`, { token: ws.token }), 404);
  });
});

describe('categories', () => {
  it('creates, renames, counts and deletes categories (sources stay, uncategorized)', async () => {
    const ws = await newWorkspace();
    const cat = await call('POST', '/api/kb/categories', { token: ws.token, body: { name: 'Arrival', description: 'Before you come' } });
    expect(cat.status).toBe(201);
    expectProblem(await call('POST', '/api/kb/categories', { token: ws.token, body: { name: 'Arrival' } }), 409, 'name');
    const a = await call('POST', '/api/kb/articles', { token: ws.token, body: article({ categoryId: cat.body.id, status: 'published' }) });
    // The category name is a keyword of its sources.
    expect((await search(ws.token, 'arrival'))[0].articleId).toBe(a.body.id);
    await call('PATCH', `/api/kb/categories/${cat.body.id}`, { token: ws.token, body: { name: 'Arriving' } });
    expect((await call('GET', '/api/kb/categories', { token: ws.token })).body.items).toMatchObject([{ name: 'Arriving', articleCount: 1 }]);
    expect((await call('DELETE', `/api/kb/categories/${cat.body.id}`, { token: ws.token })).status).toBe(204);
    expect((await call('GET', `/api/kb/articles/${a.body.id}`, { token: ws.token })).body.categoryId).toBeNull();
  });
});

describe('files', () => {
  it('imports Markdown, HTML and text files; refuses other types', async () => {
    const ws = await newWorkspace();
    const md = await call('POST', '/api/kb/files?name=house-rules.md&status=published&tags=rules,house', { token: ws.token, body: '# House rules\n\n- Quiet after **10 pm**\n- No smoking inside', headers: { 'content-type': 'text/markdown' } });
    expect(md.status).toBe(201);
    expect(md.body).toMatchObject({ kind: 'file', title: 'House rules', sourceName: 'house-rules.md', tags: ['house', 'rules'] });
    expect(md.body.body).toContain('<li>Quiet after <strong>10 pm</strong></li>');
    const html = await call('POST', '/api/kb/files?name=pool.html', { token: ws.token, body: '<html><title>Pool</title><body><nav>menu</nav><main><p>Open 9 to 20.</p><script>x()</script></main></body></html>' });
    expect(html.body).toMatchObject({ title: 'Pool', bodyText: 'Open 9 to 20.' });
    const txt = await call('POST', '/api/kb/files?name=notes.txt', { token: ws.token, body: 'Line one\n\nLine <two>', headers: { 'content-type': 'text/plain' } });
    expect(txt.body.body).toBe('<p>Line one</p>\n<p>Line &lt;two&gt;</p>');
    expectProblem(await call('POST', '/api/kb/files?name=menu.pdf', { token: ws.token, body: '%PDF', headers: { 'content-type': 'application/pdf' } }), 415, 'name');
    expectProblem(await call('POST', '/api/kb/files', { token: ws.token, body: 'x' }), 400, 'name');
    expectProblem(await call('POST', '/api/kb/files?name=empty.txt', { token: ws.token, body: '   ', headers: { 'content-type': 'text/plain' } }), 400);
    expect((await search(ws.token, 'can I smoke inside?'))[0].articleId).toBe(md.body.id);
  });
});

describe('web pages', () => {
  // A fake origin: the test serves it, so imports run without the internet.
  let page = '<html><head><title>Pets | Casa Azul</title></head><body><nav>Home</nav><main><h1>Pets</h1><p>Dogs are welcome for €30.</p></main></body></html>';
  let etag = '"v1"';
  const requests: { url: string; ifNoneMatch: string | null }[] = [];
  setPageFetcher(async (url, init) => {
    const headers = new Headers(init?.headers);
    requests.push({ url, ifNoneMatch: headers.get('if-none-match') });
    if (url === 'https://help.casa-azul.test/old') return new Response(null, { status: 301, headers: { location: '/pets' } });
    if (url === 'https://help.casa-azul.test/to-private') return new Response(null, { status: 302, headers: { location: 'http://169.254.169.254/latest/meta-data' } });
    if (url === 'https://help.casa-azul.test/missing') return new Response('nope', { status: 404 });
    if (url === 'https://help.casa-azul.test/image.png') return new Response('PNG', { headers: { 'content-type': 'image/png' } });
    if (headers.get('if-none-match') === etag) return new Response(null, { status: 304, headers: { etag } });
    return new Response(page, { headers: { 'content-type': 'text/html; charset=utf-8', etag } });
  });
  afterEach(() => (requests.length = 0));

  it('imports a page by URL (following redirects), cleaned to its main text', async () => {
    const ws = await newWorkspace();
    const res = await call('POST', '/api/kb/import-url', { token: ws.token, body: { url: 'https://help.casa-azul.test/old', status: 'published' } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    expect(res.body).toMatchObject({ kind: 'url', title: 'Pets | Casa Azul', sourceUrl: 'https://help.casa-azul.test/pets', bodyText: 'Pets\n\nDogs are welcome for €30.' });
    expect(requests.map((r) => r.url)).toEqual(['https://help.casa-azul.test/old', 'https://help.casa-azul.test/pets']);
    expect((await search(ws.token, 'can I bring my dog'))[0].articleId).toBe(res.body.id);
  });

  it('re-fetches: unchanged (304 or same text) keeps the version; changed text makes a new one', async () => {
    const ws = await newWorkspace();
    const created = await call('POST', '/api/kb/import-url', { token: ws.token, body: { url: 'https://help.casa-azul.test/pets', status: 'published' } });
    const again = await call('POST', `/api/kb/articles/${created.body.id}/refetch`, { token: ws.token });
    expect(again.body).toMatchObject({ changed: false, article: { version: 1 } });
    expect(requests.at(-1)?.ifNoneMatch).toBe('"v1"');

    page = page.replace('€30', '€35');
    etag = '"v2"';
    const changed = await call('POST', `/api/kb/articles/${created.body.id}/refetch`, { token: ws.token });
    expect(changed.body).toMatchObject({ changed: true, article: { version: 2, bodyText: 'Pets\n\nDogs are welcome for €35.' } });
    expect((await call('GET', `/api/kb/articles/${created.body.id}/versions`, { token: ws.token })).body.items[0].note).toBe('Re-fetched from https://help.casa-azul.test/pets');

    const art = await call('POST', '/api/kb/articles', { token: ws.token, body: article() });
    expectProblem(await call('POST', `/api/kb/articles/${art.body.id}/refetch`, { token: ws.token }), 400, 'id');
  });

  it('refuses private addresses (also behind redirects), errors and non-text pages', async () => {
    const ws = await newWorkspace();
    expectProblem(await call('POST', '/api/kb/import-url', { token: ws.token, body: { url: 'http://127.0.0.1:8787/admin' } }), 400, 'url');
    expectProblem(await call('POST', '/api/kb/import-url', { token: ws.token, body: { url: 'https://help.casa-azul.test/to-private' } }), 400, 'url');
    expectProblem(await call('POST', '/api/kb/import-url', { token: ws.token, body: { url: 'https://help.casa-azul.test/missing' } }), 502, 'url');
    expectProblem(await call('POST', '/api/kb/import-url', { token: ws.token, body: { url: 'https://help.casa-azul.test/image.png' } }), 415, 'url');
    expectProblem(await call('POST', '/api/kb/import-url', { token: ws.token, body: { url: 'javascript:alert(1)' } }), 400, 'url');
  });
});

describe('demo knowledge (npm start)', () => {
  it('seeds Q&A pairs, house rules, saved replies and a suggesting web chat assistant, once', async () => {
    const { env } = await import('cloudflare:test');
    const { seedDemoKnowledge } = await import('../../worker/kb/demo');
    const ws = await newWorkspace('Casa Azul Rentals');
    const inbox = await call('POST', '/api/inboxes', { token: ws.token, body: { channel: 'webchat', name: 'Website chat' } });
    await seedDemoKnowledge(env, ws.workspaceId);
    await seedDemoKnowledge(env, ws.workspaceId);
    const list = await call('GET', '/api/kb/articles?limit=100', { token: ws.token });
    expect(list.body.items).toHaveLength(11);
    expect((await search(ws.token, 'Can we bring our dog?'))[0].title).toBe('Are pets allowed?');
    expect((await call('GET', '/api/saved-replies', { token: ws.token })).body.items).toHaveLength(4);
    expect((await call('GET', '/api/ai/assistants', { token: ws.token })).body.items).toMatchObject([{ inboxId: inbox.body.id, mode: 'suggest' }]);
  });
});

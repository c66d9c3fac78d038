// /api/contacts: create (with identities), list and search, one contact with identities,
// conversations and timeline, update, and merge.
import { beforeAll, describe, expect, it } from 'vitest';
import { hmacSha256, toHex } from '../../worker/crypto/bytes';
import { addMember, call, createContact, type Res, eventually, expectProblem, listWhen, newWorkspace, unique, visitor, visitorConversation, visitorSays, webchatInbox, type Workspace } from '../helpers';

let ws: Workspace;
let inbox: Awaited<ReturnType<typeof webchatInbox>>;
beforeAll(async () => {
  ws = await newWorkspace();
  inbox = await webchatInbox(ws);
});

/** A visitor the website vouches for (identity verification): their token follows merges. */
const verified = async (identifier = unique('user-')) => ({ identifier, identifierHash: toHex(await hmacSha256(inbox.config.identitySecret, identifier)) });

const get = (id: string) => call('GET', `/api/contacts/${id}`, { token: ws.token });
const listIds = async (query = '') => {
  const res = await call('GET', `/api/contacts${query}`, { token: ws.token });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return (res.body.items as { id: string }[]).map((c) => c.id);
};

describe('POST /api/contacts', () => {
  it('creates a contact with normalized fields and identities', async () => {
    const ext = unique('wa');
    const res = await call('POST', '/api/contacts', {
      token: ws.token,
      body: {
        name: '  Grace Hopper ',
        email: 'Grace@Navy.MIL',
        phone: '+1 (202) 555-0147',
        tags: ['Admiral', 'admiral', ' cobol '],
        attributes: { plan: 'gold', seats: 3, beta: true },
        subscriptions: { sms: 'subscribed' },
        identities: [{ channel: 'whatsapp', externalId: ext }],
      },
    });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      name: 'Grace Hopper',
      email: 'grace@navy.mil',
      phone: '+12025550147',
      tags: ['admiral', 'cobol'],
      attributes: { plan: 'gold', seats: 3, beta: true },
      subscriptions: { sms: { status: 'subscribed', source: 'agent' }, email: { status: 'unknown' } },
      blocked: false,
      mergedInto: null,
    });
    expect(res.body.id).toMatch(/^ct_/);
    expect(res.body).not.toHaveProperty('workspaceId');
    const one = await get(res.body.id);
    expect(one.body.identities).toEqual([expect.objectContaining({ channel: 'whatsapp', externalId: ext })]);
  });

  it('answers 409 naming the identity when a channel identity already belongs to another contact', async () => {
    const ext = unique('dup');
    await createContact(ws, { identities: [{ channel: 'sms', externalId: ext }] });
    const again = await call('POST', '/api/contacts', { token: ws.token, body: { name: 'Twin', identities: [{ channel: 'email', externalId: unique('e') }, { channel: 'sms', externalId: ext }] } });
    expectProblem(again, 409, 'identities.1.externalId');
    expect(await listIds(`?q=Twin`)).toEqual([]);
    // Identities are per workspace: another workspace may use the same one.
    const other = await newWorkspace();
    expect((await call('POST', '/api/contacts', { token: other.token, body: { identities: [{ channel: 'sms', externalId: ext }] } })).status).toBe(201);
  });

  it('validates fields naming each', async () => {
    const bad = async (body: Record<string, unknown>, field: string) => expectProblem(await call('POST', '/api/contacts', { token: ws.token, body }), 400, field);
    await bad({ email: 'nope' }, 'email');
    await bad({ phone: 'call me maybe' }, 'phone');
    await bad({ avatarUrl: 'not a url' }, 'avatarUrl');
    await bad({ tags: ['ok', ''] }, 'tags.1');
    await bad({ identities: [{ channel: '', externalId: 'x' }] }, 'identities.0.channel');
    await bad({ identities: [{ channel: 'sms' }] }, 'identities.0.externalId');
    await bad({ subscriptions: { sms: 'maybe' } }, 'subscriptions.sms');
    await bad({ attributes: { nested: { no: 1 } } }, 'attributes.nested');
    await bad({ blocked: 'yes' }, 'blocked');
  });
});

describe('GET /api/contacts', () => {
  it('searches by name, e-mail and phone digits, filters by tag, and pages with a cursor', async () => {
    const tag = unique('tag').toLowerCase();
    const a = await createContact(ws, { name: 'Zora Neale', email: 'zora@harlem.example', phone: '+1 555 777 1234', tags: [tag] });
    const b = await createContact(ws, { name: 'Langston Hughes', tags: [tag] });
    const c = await createContact(ws, { name: 'Countee Cullen', tags: [tag] });
    expect(await listIds('?q=Zora')).toEqual([a.id]);
    expect(await listIds('?q=zora')).toEqual([a.id]);
    expect(await listIds('?q=HARLEM.example')).toEqual([a.id]);
    expect(await listIds('?q=777-1234')).toEqual([a.id]);
    expect(await listIds(`?tag=${tag}`)).toEqual([c.id, b.id, a.id]);
    expect(await listIds(`?tag=${tag.toUpperCase()}`)).toEqual([c.id, b.id, a.id]);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res: Res = await call('GET', `/api/contacts?tag=${tag}&limit=2${cursor ? `&cursor=${cursor}` : ''}`, { token: ws.token });
      expect(res.status).toBe(200);
      seen.push(...res.body.items.map((x: { id: string }) => x.id));
      cursor = res.body.nextCursor;
    } while (cursor && seen.length < 10);
    expect(seen).toEqual([c.id, b.id, a.id]);
  });

  it('long search terms and odd input are answered, never a 500; user input is not a wildcard', async () => {
    const z = await createContact(ws, { name: 'Wildcard Test' });
    for (const q of ['x'.repeat(200), '%', '_', '%%', "'", '"', '\\', '(', '🙂']) {
      const res = await call('GET', `/api/contacts?q=${encodeURIComponent(q)}`, { token: ws.token });
      expect(res.status, `q=${q}: ${JSON.stringify(res.body)}`).toBe(200);
      expect(res.body.items.map((x: { id: string }) => x.id)).not.toContain(z.id);
    }
    const longTag = await call('GET', `/api/contacts?tag=${'t'.repeat(100)}`, { token: ws.token });
    expect(longTag.status, JSON.stringify(longTag.body)).toBe(200);
    expect(longTag.body.items).toEqual([]);
    expectProblem(await call('GET', `/api/contacts?q=${'x'.repeat(201)}`, { token: ws.token }), 400, 'q');
  });

  it('rejects bad cursors and limits with a 400 problem', async () => {
    const b64 = (s: string) => btoa(s).replace(/=+$/, '');
    for (const cursor of ['garbage!!', b64('"x"'), b64('[1]'), b64('{"a":1}'), b64('[null,null]')]) {
      expectProblem(await call('GET', `/api/contacts?cursor=${encodeURIComponent(cursor)}`, { token: ws.token }), 400, 'cursor');
    }
    expectProblem(await call('GET', '/api/contacts?limit=0', { token: ws.token }), 400, 'limit');
  });
});

describe('GET /api/contacts/:id', () => {
  it('returns identities, conversations and the activity timeline', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'Timeline hello', { name: 'Tim Line' });
    await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { status: 'pending' } });
    const res = await eventually(async () => {
      const r = await get(conv.contactId);
      const types = (r.body.timeline ?? []).map((e: { type: string }) => e.type);
      return r.body.conversations?.length === 1 && types.includes('conversation.status_changed') ? r : null;
    });
    expect(res.body).toMatchObject({ id: conv.contactId, name: 'Tim Line' });
    expect(res.body.identities).toEqual([expect.objectContaining({ channel: 'webchat', inboxId: inbox.id })]);
    expect(res.body.conversations[0]).toMatchObject({ id: conv.id, status: 'pending', contactId: conv.contactId });
    const types = res.body.timeline.map((e: { type: string }) => e.type);
    expect(types).toEqual(expect.arrayContaining(['conversation.created', 'message.received', 'conversation.status_changed']));
    const at = res.body.timeline.map((e: { at: number }) => e.at);
    expect([...at].sort((x, y) => y - x)).toEqual(at);
    expectProblem(await get('ct_00000000000000000000'), 404);
  });
});

describe('PATCH /api/contacts/:id', () => {
  it('updates fields, normalizes them, and validates', async () => {
    const c = await createContact(ws, { name: 'Old Name' });
    const res = await call('PATCH', `/api/contacts/${c.id}`, { token: ws.token, body: { name: 'New Name', email: 'NEW@example.com', tags: ['B', 'a'], blocked: true } });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: c.id, name: 'New Name', email: 'new@example.com', tags: ['a', 'b'], blocked: true });
    expect(res.body.updatedAt).toBeGreaterThanOrEqual(res.body.createdAt);
    expect((await get(c.id)).body.name).toBe('New Name');
    expect((await call('PATCH', `/api/contacts/${c.id}`, { token: ws.token, body: { email: null } })).body.email).toBeNull();
    expectProblem(await call('PATCH', `/api/contacts/${c.id}`, { token: ws.token, body: {} }), 400);
    expectProblem(await call('PATCH', `/api/contacts/${c.id}`, { token: ws.token, body: { email: 'bad' } }), 400, 'email');
    expectProblem(await call('PATCH', '/api/contacts/ct_00000000000000000000', { token: ws.token, body: { name: 'x' } }), 404);
  });

  it('the personal role may edit but not block the contacts of conversations assigned to them', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'assigned to personal');
    const personal = await addMember(ws, 'personal');
    expect((await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { assigneeId: personal.userId } })).status).toBe(200);
    await listWhen(ws.token, { assignee: personal.userId }, (p) => p.items.length === 1);
    expectProblem(await call('PATCH', `/api/contacts/${conv.contactId}`, { token: personal.token, body: { blocked: true } }), 403);
    expect((await call('PATCH', `/api/contacts/${conv.contactId}`, { token: personal.token, body: { name: 'Renamed' } })).status).toBe(200);
    expect((await get(conv.contactId)).body).toMatchObject({ name: 'Renamed', blocked: false });
  });

  it('a blocked web chat contact cannot write', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'first');
    await call('PATCH', `/api/contacts/${conv.contactId}`, { token: ws.token, body: { blocked: true } });
    expectProblem(await call('POST', '/widget/api/messages', { token: conv.visitorToken, body: { text: 'spam', clientId: unique('c') } }), 403);
  });
});

describe('POST /api/contacts/:id/merge', () => {
  it('moves identities and conversations to the target; the source is marked merged and leaves the list; the merge is on the timeline', async () => {
    const target = await createContact(ws, { name: 'Target Person', tags: ['t'], attributes: { tier: 'gold' } });
    const srcConv = await visitorConversation(inbox.websiteToken, 'I am the source', { name: 'Source Person', email: 'source@example.com', ...(await verified()) });
    const source = srcConv.contactId;
    await call('PATCH', `/api/contacts/${source}`, { token: ws.token, body: { tags: ['s'], attributes: { tier: 'bronze', lang: 'es' } } });
    // The projection must know the conversation's contact before the merge looks it up.
    await listWhen(ws.token, { contactId: source }, (p) => p.items.length === 1);
    const sourceIdentities = (await get(source)).body.identities.map((i: { id: string }) => i.id);

    const res = await call('POST', `/api/contacts/${target.id}/merge`, { token: ws.token, body: { sourceId: source } });
    expect(res.status).toBe(200);
    expect(res.body.moved).toEqual({ identities: 1, conversations: 1 });
    expect(res.body.contact).toMatchObject({ id: target.id, name: 'Target Person', email: 'source@example.com', tags: ['s', 't'], attributes: { tier: 'gold', lang: 'es' } });

    const after = await eventually(async () => {
      const r = await get(target.id);
      return r.body.conversations?.length === 1 ? r : null;
    });
    expect(after.body.identities.map((i: { id: string }) => i.id)).toEqual(expect.arrayContaining(sourceIdentities));
    expect(after.body.conversations[0]).toMatchObject({ id: srcConv.id, contactId: target.id });
    const merged = after.body.timeline.find((e: { type: string }) => e.type === 'contact.merged');
    expect(merged).toMatchObject({ actorId: ws.userId, data: { sourceId: source, targetId: target.id } });

    expect((await call('GET', `/api/conversations/${srcConv.id}`, { token: ws.token })).body.contactId).toBe(target.id);
    const src = await get(source);
    expect(src.status).toBe(200);
    expect(src.body.mergedInto).toBe(target.id);
    expect(src.body.identities).toEqual([]);
    expect(await listIds('?q=Source Person')).toEqual([]);
    expect(await listIds(`?q=Target Person`)).toEqual([target.id]);
    await listWhen(ws.token, { contactId: target.id }, (p) => p.items.length === 1 && p.items[0].id === srcConv.id);

    // The (verified) visitor carries on as the surviving contact, in the same conversation.
    const back = await visitor(inbox.websiteToken, { visitorToken: srcConv.visitorToken });
    expect(back.contactId).toBe(target.id);
    expect(back.conversationId).toBe(srcConv.id);
    const said = await visitorSays(back.visitorToken, 'still me');
    expect(said.conversationId).toBe(srcConv.id);
  });

  it('a widget still holding a pre-merge verified visitor token keeps writing into the same conversation', async () => {
    const target = await createContact(ws, { name: 'Survivor' });
    const conv = await visitorConversation(inbox.websiteToken, 'before merge', await verified());
    await listWhen(ws.token, { contactId: conv.contactId }, (p) => p.items.length === 1);
    expect((await call('POST', `/api/contacts/${target.id}/merge`, { token: ws.token, body: { sourceId: conv.contactId } })).status).toBe(200);
    const said = await visitorSays(conv.visitorToken, 'after merge, old token');
    expect(said.conversationId).toBe(conv.id);
    const view = await call('GET', `/api/conversations/${conv.id}`, { token: ws.token });
    expect(view.body).toMatchObject({ contactId: target.id, messageCount: 2 });
    const history = await call('GET', '/widget/api/messages', { token: conv.visitorToken });
    expect(history.body.conversationId).toBe(conv.id);
    expect(history.body.items.map((m: { text: string }) => m.text)).toEqual(['before merge', 'after merge, old token']);
  });

  it('refuses merging into itself, an already merged source, unknown contacts', async () => {
    const a = await createContact(ws);
    const b = await createContact(ws);
    expectProblem(await call('POST', `/api/contacts/${a.id}/merge`, { token: ws.token, body: { sourceId: a.id } }), 400, 'sourceId');
    expectProblem(await call('POST', `/api/contacts/${a.id}/merge`, { token: ws.token, body: { sourceId: 'ct_00000000000000000000' } }), 400, 'sourceId');
    expectProblem(await call('POST', `/api/contacts/${a.id}/merge`, { token: ws.token, body: {} }), 400, 'sourceId');
    expectProblem(await call('POST', '/api/contacts/ct_00000000000000000000/merge', { token: ws.token, body: { sourceId: a.id } }), 404);
    expect((await call('POST', `/api/contacts/${a.id}/merge`, { token: ws.token, body: { sourceId: b.id } })).status).toBe(200);
    expectProblem(await call('POST', `/api/contacts/${a.id}/merge`, { token: ws.token, body: { sourceId: b.id } }), 400, 'sourceId');
    // A merged contact cannot be a merge target either.
    const c = await createContact(ws);
    expectProblem(await call('POST', `/api/contacts/${b.id}/merge`, { token: ws.token, body: { sourceId: c.id } }), 404);
  });
});

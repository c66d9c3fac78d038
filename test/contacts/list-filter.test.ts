// GET /api/contacts with ?filter= (an audience filter, as the contacts page and its export send it) and the
// per-item `channels`: filters narrow the list, combine with search and paging, bad filters are 400s
// naming the node, and the personal role's reach still applies under a filter.
import { describe, expect, it } from 'vitest';
import { addMember, call, createContact, expectProblem, newWorkspace } from '../helpers';

const list = (token: string, query: Record<string, string>) => call('GET', `/api/contacts?${new URLSearchParams(query)}`, { token });

describe('GET /api/contacts ?filter=', () => {
  it('filters by tags, channel and subscription, with search and paging, and lists each contact’s channels', async () => {
    const ws = await newWorkspace('Contacts list');
    const ada = await createContact(ws, { name: 'Ada Vip', tags: ['vip'], subscriptions: { sms: 'subscribed' }, identities: [{ channel: 'sms', externalId: '+15550001' }, { channel: 'webchat', externalId: 'w-ada' }] });
    const bob = await createContact(ws, { name: 'Bob Vip', tags: ['vip'], subscriptions: { sms: 'unsubscribed' }, identities: [{ channel: 'whatsapp', externalId: '15550002' }] });
    const cy = await createContact(ws, { name: 'Cy Plain', identities: [{ channel: 'webchat', externalId: 'w-cy' }] });

    const ids = (r: { body: { items: { id: string }[] } }) => r.body.items.map((i) => i.id).sort();
    const vip = await list(ws.token, { filter: JSON.stringify({ field: 'tags', op: 'has', value: 'VIP' }) });
    expect(vip.status).toBe(200);
    expect(ids(vip)).toEqual([ada.id, bob.id].sort());

    const smsSubscribed = await list(ws.token, { filter: JSON.stringify({ all: [{ field: 'tags', op: 'has', value: 'vip' }, { field: 'subscribed.sms', op: 'eq', value: 'subscribed' }] }) });
    expect(ids(smsSubscribed)).toEqual([ada.id]);

    const onWebchat = await list(ws.token, { filter: JSON.stringify({ field: 'channel', op: 'is', value: 'webchat' }) });
    expect(ids(onWebchat)).toEqual([ada.id, cy.id].sort());
    const withSearch = await list(ws.token, { q: 'plain', filter: JSON.stringify({ field: 'channel', op: 'is', value: 'webchat' }) });
    expect(ids(withSearch)).toEqual([cy.id]);
    // A name with a digit in it is searched as text: it does not match every phone holding that digit.
    const dee = await createContact(ws, { name: 'Dee 5th', phone: '+1 555 0100' });
    expect(ids(await list(ws.token, { q: 'Cy 5' }))).toEqual([]);
    expect(ids(await list(ws.token, { q: 'dee 5' }))).toEqual([dee.id]);
    expect(ids(await list(ws.token, { q: '555-01' }))).toEqual([dee.id]);

    // Never active (no conversations yet): 'within 30 days' matches nobody, 'exists: false' everybody.
    expect((await list(ws.token, { filter: JSON.stringify({ field: 'lastActivityAt', op: 'within', value: '30d' }) })).body.items).toEqual([]);
    expect(ids(await list(ws.token, { filter: JSON.stringify({ field: 'lastActivityAt', op: 'exists', value: false }) }))).toEqual([ada.id, bob.id, cy.id, dee.id].sort());

    const all = await list(ws.token, {});
    const adaItem = all.body.items.find((i: { id: string }) => i.id === ada.id);
    expect(adaItem.channels).toEqual(['sms', 'webchat']);
    expect(adaItem.subscriptions.sms).toMatchObject({ status: 'subscribed', source: 'agent' });
    expect(all.body.items.find((i: { id: string }) => i.id === bob.id).channels).toEqual(['whatsapp']);

    // Paging under a filter walks every match once.
    const first = await list(ws.token, { limit: '1', filter: JSON.stringify({ field: 'tags', op: 'has', value: 'vip' }) });
    expect(first.body.items).toHaveLength(1);
    const second = await list(ws.token, { limit: '1', cursor: first.body.nextCursor, filter: JSON.stringify({ field: 'tags', op: 'has', value: 'vip' }) });
    expect([first.body.items[0].id, second.body.items[0].id].sort()).toEqual([ada.id, bob.id].sort());
    expect(second.body.nextCursor).toBeNull();
  });

  it('answers a bad filter with a 400 naming the node', async () => {
    const ws = await newWorkspace('Contacts list bad');
    expectProblem(await list(ws.token, { filter: '{nope' }), 400, 'filter');
    expectProblem(await list(ws.token, { filter: JSON.stringify({ any: [{ field: 'tags', op: 'has', value: 'x' }, { field: 'tags', op: 'sideways', value: 'x' }] }) }), 400, 'filter.any.1.op');
    expectProblem(await list(ws.token, { filter: JSON.stringify({ field: 'attributes.a b', op: 'eq', value: 1 }) }), 400, 'filter.field');
  });

  it('keeps the personal role to its own contacts under any filter', async () => {
    const ws = await newWorkspace('Contacts list personal');
    const personal = await addMember(ws, 'personal');
    await createContact(ws, { name: 'Stranger', tags: ['vip'] });
    const res = await list(personal.token, { filter: JSON.stringify({ field: 'tags', op: 'has', value: 'vip' }) });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([]);
  });
});

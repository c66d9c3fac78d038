// Saved replies management: workspace replies are the managers'; staff keep personal ones that only
// they see; the editor's preview fills a text for a sample conversation.
import { describe, expect, it } from 'vitest';
import { addMember, call, expectProblem, newWorkspace, visitorConversation, webchatInbox, listWhen } from '../helpers';

describe('personal and workspace saved replies', () => {
  it('staff create, change and delete only their personal replies; others never see them', async () => {
    const ws = await newWorkspace();
    const [ana, ben] = await Promise.all([addMember(ws, 'staff'), addMember(ws, 'staff')]);
    const shared = await call('POST', '/api/saved-replies', { token: ws.token, body: { name: 'Hours', text: 'We open at 9.' } });
    expect(shared.body.personal).toBe(false);
    expectProblem(await call('POST', '/api/saved-replies', { token: ana.token, body: { name: 'Mine', text: 'Hi' } }), 403);
    const mine = await call('POST', '/api/saved-replies', { token: ana.token, body: { name: 'Mine', shortcut: 'mine', text: 'Hi {{contact.first_name|there}}', personal: true, variants: { whatsapp: 'Hola 👋' } } });
    expect(mine.status).toBe(201);
    expect(mine.body).toMatchObject({ personal: true, variants: { whatsapp: 'Hola 👋' } });
    expect(mine.body.ownerUserId).toBeUndefined();

    const names = async (token: string) => (await call('GET', '/api/saved-replies', { token })).body.items.map((r: { name: string }) => r.name).sort();
    expect(await names(ana.token)).toEqual(['Hours', 'Mine']);
    expect(await names(ben.token)).toEqual(['Hours']);
    expect(await names(ws.token)).toEqual(['Hours']);
    expectProblem(await call('GET', `/api/saved-replies/${mine.body.id}`, { token: ben.token }), 404);
    expectProblem(await call('POST', `/api/saved-replies/${mine.body.id}/render`, { token: ws.token, body: {} }), 404);
    expectProblem(await call('PATCH', `/api/saved-replies/${mine.body.id}`, { token: ws.token, body: { name: 'Taken' } }), 404);

    expectProblem(await call('PATCH', `/api/saved-replies/${shared.body.id}`, { token: ana.token, body: { name: 'Changed' } }), 403);
    expectProblem(await call('DELETE', `/api/saved-replies/${shared.body.id}`, { token: ana.token }), 403);
    expect((await call('PATCH', `/api/saved-replies/${mine.body.id}`, { token: ana.token, body: { category: 'Mine' } })).body.category).toBe('Mine');
    expect((await call('POST', `/api/saved-replies/${mine.body.id}/render`, { token: ana.token, body: { channel: 'whatsapp' } })).body.text).toBe('Hola 👋');
    expect((await call('DELETE', `/api/saved-replies/${mine.body.id}`, { token: ana.token })).status).toBe(204);
    expect((await call('PATCH', `/api/saved-replies/${shared.body.id}`, { token: ws.token, body: { name: 'Opening hours' } })).body.name).toBe('Opening hours');
  });

  it('previews an unsaved text for a sample conversation, listing what would be missing', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const conv = await visitorConversation(inbox.websiteToken, 'Hello', { name: 'Marta Ruiz' });
    await listWhen(ws.token, {}, (p) => p.items.some((i) => i.id === conv.id));
    const text = 'Hi {{contact.first_name}}, {{agent.first_name}} here. Your booking {{reservation.reference}}.';
    const res = await call('POST', '/api/saved-replies/preview', { token: ws.token, body: { text, conversationId: conv.id } });
    expect(res.body).toEqual({ text: 'Hi Marta, Manager here. Your booking.', missing: ['reservation.reference'] });
    const alone = await call('POST', '/api/saved-replies/preview', { token: ws.token, body: { text: 'Hi {{contact.first_name|there}}' } });
    expect(alone.body).toEqual({ text: 'Hi there', missing: [] });
    expectProblem(await call('POST', '/api/saved-replies/preview', { token: ws.token, body: { text: 'Hi {{customer.name}}' } }), 400, 'text');
    const personal = await addMember(ws, 'personal');
    expectProblem(await call('POST', '/api/saved-replies/preview', { token: personal.token, body: { text: 'x' } }), 403);
  });
});

// GET /api/conversations/:id/suggestions: candidates from the knowledge base and the contact's history,
// shaped by channel, language, the workspace's tone and the contact's segment; cached per last message.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { addMember, call, eventually, expectProblem, newWorkspace } from '../helpers';
import { deliverInbound } from '../../worker/conversations/service';
import { customer, customerSays, kbWorkspace, suggestions } from './support';

describe('suggested replies', () => {
  it('answers from the knowledge base: greeting by name, the passage, a closing, sources cited', async () => {
    const ws = await kbWorkspace('rental');
    const ana = await customer(ws, 'webchat');
    const { conversationId } = await customerSays(ws, 'webchat', ana, 'Hi, what time is check-in on Saturday?');
    const s = await suggestions(ws.token, conversationId);
    expect(s.items.length).toBeGreaterThanOrEqual(1);
    expect(s.items.length).toBeLessThanOrEqual(3);
    const [first] = s.items;
    expect(first.text).toMatch(/^Hi Ana! Check-in is from 4 pm/);
    expect(first.sources[0]).toMatchObject({ type: 'article', id: ws.articles['rental-checkin'], title: 'Check-in time and arriving' });
    expect(first.confidence).toBeGreaterThan(0.5);
    expect(s).toMatchObject({ cached: false, language: 'en', channel: 'webchat', retriever: 'bm25', drafter: 'extractive', question: 'Hi, what time is check-in on Saturday?' });
    for (const item of s.items) expect(item.sources.length + (item.kind === 'fallback' ? 1 : 0)).toBeGreaterThan(0);
  });

  it('is cached per conversation and last message; a new message, a KB change or refresh recompute', async () => {
    const ws = await kbWorkspace('rental');
    const ana = await customer(ws, 'webchat');
    const { conversationId } = await customerSays(ws, 'webchat', ana, 'Can we bring our dog?');
    const first = await suggestions(ws.token, conversationId);
    const again = await eventually(async () => {
      const s = await suggestions(ws.token, conversationId);
      return s.cached ? s : null;
    });
    expect(again.items).toEqual(first.items);
    expect(again.basedOn).toBe(first.basedOn);

    await customerSays(ws, 'webchat', ana, 'And where can we park the car?');
    const next = await suggestions(ws.token, conversationId);
    expect(next.cached).toBe(false);
    expect(next.basedOn).not.toBe(first.basedOn);
    expect(next.items[0].sources[0].id).toBe(ws.articles['rental-parking']);

    await eventually(async () => (await suggestions(ws.token, conversationId)).cached);
    await call('PATCH', `/api/kb/articles/${ws.articles['rental-parking']}`, { token: ws.token, body: { body: '<p>Parking is free in the garage under the building, space 12.</p>' } });
    const afterKb = await suggestions(ws.token, conversationId);
    expect(afterKb.cached).toBe(false);
    expect(afterKb.items[0].text).toContain('space 12');

    await eventually(async () => (await suggestions(ws.token, conversationId)).cached);
    expect((await suggestions(ws.token, conversationId, '?refresh=true')).cached).toBe(false);
  });

  it('fits the channel: SMS within two segments, e-mail with a sign-off by the agent who looks', async () => {
    const ws = await kbWorkspace('rental');
    const sms = await customer(ws, 'sms');
    const bySms = await customerSays(ws, 'sms', sms, 'We want to cancel our booking for next month, do we get a refund and how long does it take?');
    for (const item of (await suggestions(ws.token, bySms.conversationId)).items) expect(item.text.length).toBeLessThanOrEqual(320);

    const mail = await customer(ws, 'email');
    const byMail = await customerSays(ws, 'email', mail, 'Hello, is there a city tax to pay when we arrive?');
    const [first] = (await suggestions(ws.token, byMail.conversationId)).items;
    expect(first.text.startsWith('Hi Ana!\n\n')).toBe(true);
    expect(first.text).toMatch(/\n\nBest,\nManager$/);
    const staff = await addMember(ws, 'staff');
    const [forStaff] = (await suggestions(staff.token, byMail.conversationId)).items;
    expect(forStaff.text).toMatch(/\n\nBest,\nstaff$/);
  });

  it("speaks the customer's language (or the contact's preferred one)", async () => {
    const ws = await kbWorkspace('rental');
    const es = await customerSays(ws, 'webchat', await customer(ws, 'webchat'), 'Hola, ¿puedo llevar a mi perro? Es un dog pequeño');
    const s = await suggestions(ws.token, es.conversationId);
    expect(s.language).toBe('es');
    expect(s.items[0].text.startsWith('¡Hola, Ana!')).toBe(true);
    const pt = await customer(ws, 'webchat', { attributes: { language: 'pt-BR' } });
    const byPt = await customerSays(ws, 'webchat', pt, 'Is there parking?');
    expect((await suggestions(ws.token, byPt.conversationId)).items[0].text.startsWith('Olá, Ana!')).toBe(true);
  });

  it("follows the workspace's tone and formality; VIPs get the formal treatment", async () => {
    const ws = await kbWorkspace('rental');
    const put = await call('PUT', '/api/ai/settings', { token: ws.token, body: { tone: 'neutral', formality: 'formal' } });
    expect(put.body).toMatchObject({ tone: 'neutral', formality: 'formal', vipTags: ['vip'] });
    const c = await customerSays(ws, 'webchat', await customer(ws, 'webchat'), 'Where can I park my car?');
    const [formal] = (await suggestions(ws.token, c.conversationId)).items;
    expect(formal.text).toMatch(/^Hello Ana García, /);
    expect(formal.text).toMatch(/Please let us know if you have any further questions\.$/);

    await call('PUT', '/api/ai/settings', { token: ws.token, body: { tone: 'warm', formality: 'informal' } });
    const vip = await customerSays(ws, 'webchat', await customer(ws, 'webchat', { tags: ['VIP'] }), 'Where can I park my car?');
    expect((await suggestions(ws.token, vip.conversationId)).items[0].text).toMatch(/^Hello Ana García, It's always a pleasure to help you\./);
    expectProblem(await call('PUT', '/api/ai/settings', { token: ws.token, body: { tone: 'sarcastic' } }), 400, 'tone');
    const staff = await addMember(ws, 'staff');
    expectProblem(await call('PUT', '/api/ai/settings', { token: staff.token, body: { tone: 'warm' } }), 403);
  });

  it("offers an earlier agent reply to the same contact, citing that conversation", async () => {
    const ws = await kbWorkspace('restaurant');
    await call('PATCH', '/api/workspace', { token: ws.token, body: { settings: { reopenWindowHours: 0 } } });
    const ana = await customer(ws, 'whatsapp');
    const before = await customerSays(ws, 'whatsapp', ana, 'Do you have a table by the window for two?');
    await call('POST', `/api/conversations/${before.conversationId}/messages`, { token: ws.token, body: { text: 'Yes! Window tables for two are held for 15 minutes, just tell us your name when you book.' } });
    await call('PATCH', `/api/conversations/${before.conversationId}`, { token: ws.token, body: { status: 'closed' } });
    // The earlier reply is searchable once the conversation's projection has landed.
    await eventually(async () => env.DB.prepare(`SELECT 1 FROM message_search WHERE conversation_id = ? AND inbound = 0`).bind(before.conversationId).first());
    const now = await customerSays(ws, 'whatsapp', ana, 'Can I get a window table for two tonight?');
    expect(now.conversationId).not.toBe(before.conversationId);
    const s = await suggestions(ws.token, now.conversationId);
    const history = s.items.find((i) => i.kind === 'history');
    expect(history?.sources).toEqual([{ type: 'conversation', id: before.conversationId, messageId: expect.any(String) }]);
    expect(history?.text).toContain('Window tables for two');
  });

  it('with nothing in the knowledge base, offers an acknowledgement; with no customer message, nothing', async () => {
    const ws = await kbWorkspace('clinic');
    const c = await customerSays(ws, 'webchat', await customer(ws, 'webchat'), 'Do you sell surfboards?');
    // A 0 % acknowledgement is below the default threshold (0.3): held back, and counted.
    const held = await suggestions(ws.token, c.conversationId);
    expect(held).toMatchObject({ items: [], hidden: 1, threshold: 0.3 });
    // The threshold is a workspace setting (managers); at 0 every candidate is offered.
    expectProblem(await call('PUT', '/api/ai/settings', { token: ws.token, body: { suggestionThreshold: 1.5 } }), 400, 'suggestionThreshold');
    expect((await call('PUT', '/api/ai/settings', { token: ws.token, body: { suggestionThreshold: 0 } })).body.suggestionThreshold).toBe(0);
    const s = await suggestions(ws.token, c.conversationId);
    expect(s.items).toHaveLength(1);
    expect(s.items[0]).toMatchObject({ kind: 'fallback', sources: [], confidence: 0 });
    expect(s.hidden).toBe(0);

    const contact = await customer(ws, 'webchat');
    const inbox = (await call('POST', '/api/inboxes', { token: ws.token, body: { channel: 'webchat', name: 'Agent side' } })).body.id;
    const started = await call('POST', '/api/conversations', { token: ws.token, body: { contactId: contact.contactId, inboxId: inbox, text: 'Hello from us' } });
    expect((await suggestions(ws.token, started.body.conversation.id)).items).toEqual([]);
  });

  it('only for conversations the caller may see', async () => {
    const ws = await kbWorkspace('rental');
    const c = await customerSays(ws, 'webchat', await customer(ws, 'webchat'), 'Wifi password?');
    const other = await newWorkspace();
    expectProblem(await call('GET', `/api/conversations/${c.conversationId}/suggestions`, { token: other.token }), 404);
    const personal = await addMember(ws, 'personal');
    expectProblem(await call('GET', `/api/conversations/${c.conversationId}/suggestions`, { token: personal.token }), 403);
    expectProblem(await call('GET', `/api/conversations/${c.conversationId}/suggestions`, {}), 401);
    expectProblem(await call('GET', `/api/conversations/${c.conversationId}/suggestions?refresh=maybe`, { token: ws.token }), 400, 'refresh');
  });
});

describe('one workspace, several businesses: an inbox draws on its own articles', () => {
  it('scopes suggestions to the inbox knowledgeTags; other inboxes see everything; bad tags are a 400 naming the field', async () => {
    const labelledSet = (await import('../fixtures/kb/labelled-set.json')).default;
    const ws = await newWorkspace('Restaurant and clinic');
    const ids: Record<string, string> = {};
    for (const [type, tag] of [['restaurant', 'Brand-Trattoria '], ['clinic', 'brand-clinic']] as const) {
      const b = labelledSet.businesses.find((x) => x.type === type)!;
      const res = await call('POST', '/api/kb/import', { token: ws.token, body: { articles: b.articles.map((a) => ({ kind: a.kind, title: a.title, body: a.body, tags: [...a.tags, tag], status: 'published' })) } });
      expect(res.status).toBe(201);
      b.articles.forEach((a, i) => (ids[a.key] = res.body.ids[i]));
    }
    const inbox = async (name: string, settings: Record<string, unknown>) => {
      const res = await call('POST', '/api/inboxes', { token: ws.token, body: { channel: 'webchat', name, settings } });
      expect(res.status).toBe(201);
      return res.body;
    };
    const clinic = await inbox('Clinic chat', { knowledgeTags: [' Brand-Clinic ', 'brand-clinic'] });
    expect(clinic.settings.knowledgeTags).toEqual(['brand-clinic']);
    const shared = await inbox('Shared chat', {});
    const kb = { ...ws, articles: ids, inboxes: {} };
    const ask = async (inboxId: string, text: string) => {
      const who = await customer(ws, 'webchat');
      const res = await deliverInbound(env, { workspaceId: ws.workspaceId, contactId: who.contactId, inboxId, channel: 'webchat' }, { direction: 'inbound', author: { type: 'contact', id: who.contactId, name: who.name }, text, externalId: `in-${crypto.randomUUID()}` });
      return { ...(await suggestions(kb.token, res.conversationId)), conversationId: res.conversationId };
    };
    const restaurantIds = new Set(Object.entries(ids).filter(([k]) => k.startsWith('rest-')).map(([, id]) => id));
    const scoped = await ask(clinic.id, 'Are you open on Sundays? And is there parking?');
    const cited = scoped.items.flatMap((i) => i.sources.filter((s) => s.type === 'article').map((s) => s.id));
    expect(cited.length).toBeGreaterThan(0);
    expect(cited.some((id) => restaurantIds.has(id))).toBe(false);
    // Without knowledge tags the inbox sees both businesses (the same question reaches a restaurant article).
    const open = await ask(shared.id, 'Are you open on Sundays? And is there parking?');
    expect(open.items.flatMap((i) => i.sources.map((s) => s.id)).some((id) => restaurantIds.has(id))).toBe(true);

    // Cached suggestions were drawn from the clinic's articles: other tags recompute them on the next read.
    const conversationId = scoped.conversationId;
    expect((await suggestions(kb.token, conversationId)).cached).toBe(true);
    const untagged = await call('PATCH', `/api/inboxes/${clinic.id}`, { token: ws.token, body: { settings: { knowledgeTags: [] } } });
    expect(untagged.status).toBe(200);
    const widened = await suggestions(kb.token, conversationId);
    expect(widened.cached).toBe(false);
    expect(widened.items.flatMap((i) => i.sources.map((s) => s.id)).some((id) => restaurantIds.has(id))).toBe(true);
    // A change that leaves the tags alone keeps the cache.
    expect((await call('PATCH', `/api/inboxes/${clinic.id}`, { token: ws.token, body: { name: 'Clinic web chat' } })).status).toBe(200);
    expect((await suggestions(kb.token, conversationId)).cached).toBe(true);

    const bad = await call('PATCH', `/api/inboxes/${clinic.id}`, { token: ws.token, body: { settings: { knowledgeTags: ['ok', ''] } } });
    expectProblem(bad, 400, /^settings\.knowledgeTags/);
  });
});

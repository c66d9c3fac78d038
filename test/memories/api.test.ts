// /api/contacts/:id/memories and extraction when a conversation closes (through the EVENTS stream).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { memoriesOnClose } from '../../worker/memories/on-close';
import type { ParleyEvent } from '../../worker/events/model';
import { addMember, call, createContact, eventually, expectProblem, newWorkspace, visitorSays, visitor, webchatInbox } from '../helpers';

async function guestConversation(text: string) {
  const ws = await newWorkspace();
  const inbox = await webchatInbox(ws);
  const v = await visitor(inbox.websiteToken, { name: 'Ana García' });
  const { conversationId } = await visitorSays(v.visitorToken, text);
  const conv = await eventually(async () => (await call('GET', `/api/conversations/${conversationId}`, { token: ws.token })).body?.contactId && (await call('GET', `/api/conversations/${conversationId}`, { token: ws.token })).body);
  return { ws, conversationId, contactId: conv.contactId as string };
}

const closeEvent = (workspaceId: string, conversationId: string): ParleyEvent =>
  ({ id: `evt-${conversationId}`, workspaceId, conversationId, seq: 1, type: 'conversation.status_changed', data: { from: 'open', to: 'closed' }, at: Date.now() }) as unknown as ParleyEvent;

describe('contact memories API', () => {
  it('creates, lists, edits and forgets memories; bad input names the field', async () => {
    const ws = await newWorkspace();
    const contact = await createContact(ws);
    const base = `/api/contacts/${contact.id}/memories`;
    const created = await call('POST', base, { token: ws.token, body: { type: 'preference', text: '  Likes the room with the balcony ' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ type: 'preference', text: 'Likes the room with the balcony', origin: 'agent', createdBy: ws.userId, source: { conversationId: null, messageId: null } });
    // The same words again refresh the one memory instead of adding a second.
    expect((await call('POST', base, { token: ws.token, body: { type: 'fact', text: 'likes the room with the balcony!' } })).status).toBe(201);
    const list = await call('GET', base, { token: ws.token });
    expect(list.body.items).toHaveLength(1);
    expect(list.body.items[0].type).toBe('fact');

    const patched = await call('PATCH', `${base}/${created.body.id}`, { token: ws.token, body: { text: 'Likes room 12 (balcony)' } });
    expect(patched.body).toMatchObject({ text: 'Likes room 12 (balcony)', type: 'fact' });

    expectProblem(await call('POST', base, { token: ws.token, body: { type: 'mood', text: 'x' } }), 400, 'type');
    expectProblem(await call('POST', base, { token: ws.token, body: { type: 'fact', text: '   ' } }), 400, 'text');
    expectProblem(await call('POST', base, { token: ws.token, body: { type: 'fact', text: 'x'.repeat(501) } }), 400, 'text');
    expectProblem(await call('POST', base, { token: ws.token, body: { type: 'fact', text: 'x', source: { messageId: 'msg_1' } } }), 400, 'source.conversationId');
    expectProblem(await call('POST', base, { token: ws.token, body: { type: 'fact', text: 'x', source: { conversationId: 'conv_elsewhere' } } }), 400, 'source.conversationId');
    expectProblem(await call('PATCH', `${base}/${created.body.id}`, { token: ws.token, body: { type: 'fact', text: '' } }), 400, 'text');

    expect((await call('DELETE', `${base}/${created.body.id}`, { token: ws.token })).status).toBe(204);
    expect((await call('GET', base, { token: ws.token })).body.items).toEqual([]);
    expect((await call('DELETE', `${base}/${created.body.id}`, { token: ws.token })).status).toBe(404);
    expect((await call('PATCH', `${base}/${created.body.id}`, { token: ws.token, body: { text: 'back?' } })).status).toBe(404);
  });

  it('is scoped to the workspace and to the contacts the caller may reach', async () => {
    const ws = await newWorkspace();
    const other = await newWorkspace();
    const contact = await createContact(ws);
    const base = `/api/contacts/${contact.id}/memories`;
    const m = await call('POST', base, { token: ws.token, body: { type: 'fact', text: 'Vegetarian' } });
    expect((await call('GET', base, { token: other.token })).status).toBe(404);
    expect((await call('POST', base, { token: other.token, body: { type: 'fact', text: 'x' } })).status).toBe(404);
    const otherContact = await createContact(other);
    // A memory id from another contact is not found through this one.
    expect((await call('PATCH', `/api/contacts/${otherContact.id}/memories/${m.body.id}`, { token: other.token, body: { text: 'mine now' } })).status).toBe(404);
    expect((await call('DELETE', `/api/contacts/${otherContact.id}/memories/${m.body.id}`, { token: other.token })).status).toBe(404);
    // The personal role only reaches contacts of conversations assigned to them.
    const personal = await addMember(ws, 'personal');
    expect((await call('GET', base, { token: personal.token })).status).toBe(404);
    const staff = await addMember(ws, 'staff');
    expect((await call('GET', base, { token: staff.token })).body.items).toHaveLength(1);
    expect((await call('POST', base, { token: staff.token, body: { type: 'goal', text: 'Moving to Lisbon in spring' } })).status).toBe(201);
  });
});

describe('memories extracted on close', () => {
  it('remembers what the customer said when the conversation closes, once, and keeps the team’s edits and deletions', async () => {
    const { ws, conversationId, contactId } = await guestConversation("Hi, I'm allergic to peanuts. Also we'd prefer a quiet room, please contact me by WhatsApp.");
    await call('POST', `/api/conversations/${conversationId}/messages`, { token: ws.token, body: { text: "Noted! Are you allergic to anything else? I'm allergic to cats myself." } });
    expect((await call('PATCH', `/api/conversations/${conversationId}`, { token: ws.token, body: { status: 'closed' } })).status).toBe(200);
    const base = `/api/contacts/${contactId}/memories`;
    const items = await eventually(async () => {
      const r = await call('GET', base, { token: ws.token });
      return r.body.items.length >= 3 ? (r.body.items as { id: string; text: string; type: string; origin: string; source: { conversationId: string } }[]) : null;
    });
    expect(items.map((m) => m.text)).toEqual(expect.arrayContaining(['Allergic to peanuts', 'Prefers a quiet room', 'Prefers to be contacted by WhatsApp']));
    expect(items.every((m) => m.origin === 'extracted' && m.source.conversationId === conversationId)).toBe(true);
    expect(items.some((m) => /cats/.test(m.text))).toBe(false);

    // The team edits one and forgets another; the same close delivered again changes neither.
    const allergy = items.find((m) => m.text === 'Allergic to peanuts')!;
    const room = items.find((m) => m.text === 'Prefers a quiet room')!;
    await call('PATCH', `${base}/${allergy.id}`, { token: ws.token, body: { text: 'Severe peanut allergy (carries an EpiPen)' } });
    await call('DELETE', `${base}/${room.id}`, { token: ws.token });
    const before = (await call('GET', base, { token: ws.token })).body.items;
    await memoriesOnClose.handle(env, [closeEvent(ws.workspaceId, conversationId), closeEvent(ws.workspaceId, conversationId)]);
    const after = (await call('GET', base, { token: ws.token })).body.items;
    expect(after).toEqual(before);
    expect(after.map((m: { text: string }) => m.text)).toContain('Severe peanut allergy (carries an EpiPen)');
    expect(after.map((m: { text: string }) => m.text)).not.toContain('Prefers a quiet room');
  });

  it('suggested replies carry the memories to the drafting model', async () => {
    const { ws, conversationId, contactId } = await guestConversation('Hello, what do you serve at breakfast?');
    await call('POST', `/api/contacts/${contactId}/memories`, { token: ws.token, body: { type: 'fact', text: 'Allergic to peanuts' } });
    const { computeSuggestions } = await import('../../worker/suggestions/service');
    const { FakeAi, FakeVectorize } = await import('../ai/fakes');
    const { database, WorkspaceScope } = await import('../../worker/db/scope');
    const { conversationStub } = await import('../../worker/conversations/service');
    const ai = new FakeAi();
    const cloud = { ...env, AI: ai, VECTORIZE: new FakeVectorize(), AI_MODE: 'cloud' } as unknown as Env;
    const scope = new WorkspaceScope(database(env.DB), env.DB, ws.workspaceId);
    // Drafting needs a passage to ground on: one knowledge-base article about breakfast.
    await call('POST', '/api/kb/articles', { token: ws.token, body: { title: 'Breakfast', body: 'Breakfast is served from 7 to 10 with pastries, fruit and eggs.', status: 'published' } });
    const stub = conversationStub(env, ws.workspaceId, conversationId);
    const conversation = (await stub.state())!;
    const messages = await stub.messages({ limit: 20, includeNotes: false });
    await computeSuggestions(cloud, scope, conversation, messages);
    const prompts = ai.textCalls.map((c) => c.messages[0].content);
    expect(prompts.length).toBeGreaterThan(0);
    expect(prompts[0]).toContain('Allergic to peanuts');
  });
});

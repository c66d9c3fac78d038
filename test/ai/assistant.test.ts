// The AI assistant of an inbox: suggest or auto-send; auto-send only when confident, not a VIP and
// answered from the knowledge base; handoff on request or low confidence; take over stops it.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { assist } from '../../worker/ai/assistant';
import { settingsWithDefaults, type AssistantConfig } from '../../worker/ai/settings';
import { conversationStub } from '../../worker/conversations/service';
import { database, WorkspaceScope } from '../../worker/db/scope';
import { addMember, call, eventually, expectProblem, newWorkspace, visitor, visitorSays, webchatInbox } from '../helpers';
import { kbWorkspace } from './support';

const config = (inboxId: string, over: Partial<AssistantConfig> = {}): AssistantConfig => ({ inboxId, mode: 'auto-send', prompt: null, channels: [], threshold: 0.6, handoffMessage: null, ...over });

async function setup(name = 'Ana') {
  const ws = await kbWorkspace('rental');
  const inbox = await webchatInbox(ws);
  const v = await visitor(inbox.websiteToken, { name });
  const scope = new WorkspaceScope(database(env.DB), env.DB, ws.workspaceId);
  /** The visitor writes (with the assistant as configured at that moment); returns the conversation and message. */
  const says = async (text: string) => {
    const said = await visitorSays(v.visitorToken, text);
    const stub = conversationStub(env, ws.workspaceId, said.conversationId);
    const [message] = await stub.messages({ after: said.message.seq - 1, limit: 1, includeNotes: false });
    return { conversation: (await stub.state())!, message, conversationId: said.conversationId };
  };
  const messages = async (conversationId: string) => (await call('GET', `/api/conversations/${conversationId}/messages`, { token: ws.token })).body.items as { text: string; authorType: string; authorName: string; id: string }[];
  const state = async (conversationId: string) => (await call('GET', `/api/conversations/${conversationId}/assistant`, { token: ws.token })).body;
  return { ws, inbox, v, scope, says, messages, state };
}

describe('assistant settings', () => {
  it('configures an inbox assistant; validates; managers only; lists every inbox', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const put = await call('PUT', `/api/ai/assistants/${inbox.id}`, { token: ws.token, body: { mode: 'auto-send', prompt: 'We are a family rental business.', channels: ['webchat'], threshold: 0.8, handoffMessage: 'A colleague will take over.' } });
    expect(put.status).toBe(200);
    const list = await call('GET', '/api/ai/assistants', { token: ws.token });
    expect(list.body.items).toEqual([{ inboxId: inbox.id, inboxName: 'Site chat', inboxChannel: 'webchat', mode: 'auto-send', prompt: 'We are a family rental business.', channels: ['webchat'], threshold: 0.8, handoffMessage: 'A colleague will take over.' }]);
    expectProblem(await call('PUT', `/api/ai/assistants/${inbox.id}`, { token: ws.token, body: { mode: 'auto-send', threshold: 1.5 } }), 400, 'threshold');
    expectProblem(await call('PUT', `/api/ai/assistants/${inbox.id}`, { token: ws.token, body: { mode: 'yolo' } }), 400, 'mode');
    const staff = await addMember(ws, 'staff');
    expectProblem(await call('PUT', `/api/ai/assistants/${inbox.id}`, { token: staff.token, body: { mode: 'off' } }), 403);
    const other = await newWorkspace();
    expectProblem(await call('PUT', `/api/ai/assistants/${inbox.id}`, { token: other.token, body: { mode: 'off' } }), 404);
  });
});

describe('auto-send, end to end', () => {
  it('answers a knowledge-base question by itself, marked as AI with its confidence and sources', async () => {
    const t = await setup();
    await call('PUT', `/api/ai/assistants/${t.inbox.id}`, { token: t.ws.token, body: { mode: 'auto-send', threshold: 0.6 } });
    const { conversationId } = await t.says('Hi! What time is check-in?');
    const ai = await eventually(async () => (await t.messages(conversationId)).find((m) => m.authorType === 'ai'));
    expect(ai.authorName).toBe('Parley AI');
    expect(ai.text).toMatch(/^Hi Ana! Check-in is from 4 pm/);
    const s = await t.state(conversationId);
    expect(s).toMatchObject({ mode: 'auto-send', state: 'active', messages: [{ messageId: ai.id, kind: 'answer', sources: [{ type: 'article', id: t.ws.articles['rental-checkin'] }] }] });
    expect(s.messages[0].confidence).toBeGreaterThanOrEqual(0.6);
    // The visitor sees the answer in the widget.
    const history = await call('GET', '/widget/api/messages', { token: t.v.visitorToken });
    expect(history.body.items.map((m: { text: string }) => m.text)).toContain(ai.text);
  });

  it('hands off when the customer asks for a human: handoff message, tag, and the assistant stops', async () => {
    const t = await setup();
    await call('PUT', `/api/ai/assistants/${t.inbox.id}`, { token: t.ws.token, body: { mode: 'auto-send', handoffMessage: 'Sure — a colleague will reply here in a moment.' } });
    const { conversationId } = await t.says('Can I talk to a real person please?');
    const handoff = await eventually(async () => (await t.messages(conversationId)).find((m) => m.authorType === 'ai'));
    expect(handoff.text).toBe('Sure — a colleague will reply here in a moment.');
    const conv = await eventually(async () => {
      const c = await call('GET', `/api/conversations/${conversationId}`, { token: t.ws.token });
      return c.body.tags.includes('ai-handoff') ? c.body : null;
    });
    expect(conv.status).toBe('open');
    expect(await t.state(conversationId)).toMatchObject({ state: 'handed_off', reason: 'customer_asked', messages: [{ kind: 'handoff', confidence: null }] });
  });
});

describe('assistant decisions', () => {
  it('low confidence hands off with the default message in the customer’s language', async () => {
    const t = await setup();
    const { conversation, message, conversationId } = await t.says('¿Venden tablas de surf?');
    expect(await assist(env, t.scope, conversation, message, config(t.inbox.id))).toBe('handed_off');
    const ai = (await t.messages(conversationId)).filter((m) => m.authorType === 'ai');
    expect(ai.map((m) => m.text)).toEqual(['Te paso con una persona de nuestro equipo, que te responderá aquí en breve.']);
    expect((await t.state(conversationId)).reason).toBe('low_confidence');
    // Handed off: further messages get drafts for humans, never an AI message.
    const next = await t.says('What time is check-in?');
    expect(await assist(env, t.scope, next.conversation, next.message, config(t.inbox.id))).toBe('handed_off');
    expect((await t.messages(conversationId)).filter((m) => m.authorType === 'ai')).toHaveLength(1);
  });

  it('never auto-sends to a VIP: leaves a draft for a human', async () => {
    const t = await setup();
    await call('PATCH', `/api/contacts/${t.v.contactId}`, { token: t.ws.token, body: { tags: ['vip'] } });
    const { conversation, message, conversationId } = await t.says('Where can I park my car?');
    expect(await assist(env, t.scope, conversation, message, config(t.inbox.id))).toBe('drafted');
    expect((await t.messages(conversationId)).filter((m) => m.authorType === 'ai')).toEqual([]);
    const s = await t.state(conversationId);
    expect(s.draft).toMatchObject({ reason: 'vip', sources: [{ id: t.ws.articles['rental-parking'] }] });
    expect(s.draft.text).toMatch(/^Hello Ana,/);
  });

  it('in suggest mode only prepares drafts (and the thread opens with them ready)', async () => {
    const t = await setup();
    const { conversation, message, conversationId } = await t.says('Is there a cot for our baby?');
    expect(await assist(env, t.scope, conversation, message, config(t.inbox.id, { mode: 'suggest' }))).toBe('drafted');
    expect((await t.messages(conversationId)).filter((m) => m.authorType === 'ai')).toEqual([]);
    expect((await t.state(conversationId)).draft).toMatchObject({ reason: 'suggest_mode' });
    const s = await call('GET', `/api/conversations/${conversationId}/suggestions`, { token: t.ws.token });
    expect(s.body.cached).toBe(true);
    expect(s.body.items[0].sources[0].id).toBe(t.ws.articles['rental-baby']);
  });

  it('take over stops it; resume lets it answer again; an agent reply also stops it', async () => {
    const t = await setup();
    const first = await t.says('What is the wifi password?');
    const take = await call('POST', `/api/conversations/${first.conversationId}/assistant/take-over`, { token: t.ws.token });
    expect(take.body).toEqual({ state: 'taken_over' });
    expect(await assist(env, t.scope, first.conversation, first.message, config(t.inbox.id))).toBe('taken_over');
    expect((await t.messages(first.conversationId)).filter((m) => m.authorType === 'ai')).toEqual([]);

    await call('POST', `/api/conversations/${first.conversationId}/assistant/resume`, { token: t.ws.token });
    expect(await assist(env, t.scope, first.conversation, first.message, config(t.inbox.id))).toBe('sent');
    // The same customer message never gets a second answer.
    expect(await assist(env, t.scope, first.conversation, first.message, config(t.inbox.id))).toBe('sent');
    expect((await t.messages(first.conversationId)).filter((m) => m.authorType === 'ai')).toHaveLength(1);

    await call('POST', `/api/conversations/${first.conversationId}/messages`, { token: t.ws.token, body: { text: 'Hi, Sam here — I will help you from now on.' } });
    const later = await t.says('And is there parking?');
    expect(await assist(env, t.scope, later.conversation, later.message, config(t.inbox.id))).toBe('taken_over');
    expect((await t.state(first.conversationId)).reason).toBe('agent_replied');
  });

  it('stays out of channels it is not allowed on, and when off', async () => {
    const t = await setup();
    const { conversation, message } = await t.says('What time is check-in?');
    expect(await assist(env, t.scope, conversation, message, config(t.inbox.id, { channels: ['sms', 'whatsapp'] }))).toBe('channel_not_allowed');
    expect(await assist(env, t.scope, conversation, message, config(t.inbox.id, { mode: 'off' }))).toBe('off');
  });

  it('take over needs a conversation the caller may see', async () => {
    const t = await setup();
    const { conversationId } = await t.says('hello');
    const other = await newWorkspace();
    expectProblem(await call('POST', `/api/conversations/${conversationId}/assistant/take-over`, { token: other.token }), 404);
    expectProblem(await call('GET', `/api/conversations/${conversationId}/assistant`, { token: other.token }), 404);
  });
});

describe('workspace AI settings', () => {
  it('fills defaults and ignores junk', () => {
    expect(settingsWithDefaults({ tone: 'loud', formality: 'formal', vipTags: ['VIP', 3], prewarm: 'yes', suggestionThreshold: 7, takeoverMessage: 5 })).toEqual({
      tone: 'warm',
      formality: 'formal',
      signature: null,
      vipTags: ['vip'],
      prewarm: true,
      suggestionThreshold: 0.3,
      takeoverMessage: "You're now talking with {{agent.first_name}} from our team.",
    });
    // Switched off (null or blank) stays off.
    expect(settingsWithDefaults({ takeoverMessage: null }).takeoverMessage).toBeNull();
    expect(settingsWithDefaults({ takeoverMessage: '  ' }).takeoverMessage).toBeNull();
    expect(settingsWithDefaults({ suggestionThreshold: 0.5 }).suggestionThreshold).toBe(0.5);
  });
});

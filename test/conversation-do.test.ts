// ConversationDO behaviour through the real Worker and Durable Object: idempotency, the snooze
// alarm, read positions, projection into D1, and socket fan-out.
import { env, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { conversationStub } from '../worker/conversations/service';
import { call, eventually, newWorkspace, unique, visitor, visitorSays, webchatInbox } from './helpers';
import { openSocket } from './sockets';

async function setup() {
  const ws = await newWorkspace();
  const inbox = await webchatInbox(ws);
  const v = await visitor(inbox.websiteToken, { name: 'Vera Visitor' });
  const first = await visitorSays(v.visitorToken, 'Hello, is the loft free?');
  return { ws, inbox, v, conversationId: first.conversationId };
}

describe('idempotency', () => {
  it('the same provider/client id five times makes one message', async () => {
    const { v, conversationId, ws } = await setup();
    const clientId = unique('dup');
    const results = await Promise.all(Array.from({ length: 5 }, () => visitorSays(v.visitorToken, 'once only', clientId)));
    expect(new Set(results.map((r) => r.message.id)).size).toBe(1);
    expect(results.filter((r) => !r.duplicate)).toHaveLength(1);
    const msgs = await call('GET', `/api/conversations/${conversationId}/messages`, { token: ws.token });
    expect(msgs.body.items.filter((m: { text: string }) => m.text === 'once only')).toHaveLength(1);
  });

  it('agent replies with a repeated clientId are not stored twice', async () => {
    const { ws, conversationId } = await setup();
    const body = { text: 'We have it free, yes.', clientId: 'agent-reply-1' };
    const a = await call('POST', `/api/conversations/${conversationId}/messages`, { token: ws.token, body });
    const b = await call('POST', `/api/conversations/${conversationId}/messages`, { token: ws.token, body });
    expect(a.status).toBe(201);
    expect(b.status).toBe(200);
    expect(b.body.duplicate).toBe(true);
    expect(b.body.message.id).toBe(a.body.message.id);
  });
});

describe('state machine in the object', () => {
  it('a snoozed conversation reopens when its alarm fires', async () => {
    const { ws, conversationId } = await setup();
    const until = Date.now() + 400;
    const patched = await call('PATCH', `/api/conversations/${conversationId}`, { token: ws.token, body: { status: 'snoozed', snoozeUntil: until } });
    expect(patched.status).toBe(200);
    expect(patched.body.status).toBe('snoozed');
    // The real alarm fires; nothing here advances it by hand.
    const reopened = await eventually(async () => {
      const r = await call('GET', `/api/conversations/${conversationId}`, { token: ws.token });
      return r.body.status === 'open' ? r.body : null;
    });
    expect(reopened.snoozeUntil).toBeNull();
    const events = await call('GET', `/api/conversations/${conversationId}/events?after=0`, { token: ws.token });
    const woke = events.body.items.find((e: { type: string; data: { reason?: string } }) => e.type === 'conversation.status_changed' && e.data.reason === 'snooze_expired');
    expect(woke).toBeTruthy();
  });

  it('an inbound message reopens a closed conversation within the window, and starts a new one after it', async () => {
    const { ws, v, conversationId } = await setup();
    await call('PATCH', `/api/conversations/${conversationId}`, { token: ws.token, body: { status: 'closed' } });
    const again = await visitorSays(v.visitorToken, 'One more thing');
    expect(again.conversationId).toBe(conversationId);
    expect((await call('GET', `/api/conversations/${conversationId}`, { token: ws.token })).body.status).toBe('open');

    // Reopen window of zero hours: a message after closing starts a new conversation.
    await call('PATCH', '/api/workspace', { token: ws.token, body: { settings: { reopenWindowHours: 0 } } });
    await call('PATCH', `/api/conversations/${conversationId}`, { token: ws.token, body: { status: 'closed' } });
    await new Promise((r) => setTimeout(r, 5)); // let "now" move past closedAt
    const fresh = await visitorSays(v.visitorToken, 'New question');
    expect(fresh.conversationId).not.toBe(conversationId);
  });

  it('every event carries the next sequence number; read positions count unread customer messages', async () => {
    const { ws, v, conversationId } = await setup();
    await visitorSays(v.visitorToken, 'second');
    await call('POST', `/api/conversations/${conversationId}/messages`, { token: ws.token, body: { text: 'a note', isInternalNote: true } });
    const events = (await call('GET', `/api/conversations/${conversationId}/events?after=0`, { token: ws.token })).body.items as { seq: number }[];
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    const before = await call('GET', `/api/conversations/${conversationId}`, { token: ws.token });
    expect(before.body.unreadCount).toBe(2);
    const read = await call('POST', `/api/conversations/${conversationId}/read`, { token: ws.token, body: {} });
    expect(read.body.unread).toBe(0);
    await visitorSays(v.visitorToken, 'third');
    expect((await call('GET', `/api/conversations/${conversationId}`, { token: ws.token })).body.unreadCount).toBe(1);
  });
});

describe('projection into D1', () => {
  it('lands the conversation row, its tags, searchable text and analytics events', async () => {
    const { ws, conversationId } = await setup();
    await call('PATCH', `/api/conversations/${conversationId}`, { token: ws.token, body: { tags: ['Loft', 'booking'], priority: 'high' } });
    const row = await eventually(() =>
      env.DB.prepare(`SELECT * FROM conversations WHERE id = ? AND priority = 'high'`).bind(conversationId).first<Record<string, unknown>>(),
    );
    expect(row.workspace_id).toBe(ws.workspaceId);
    expect(JSON.parse(String(row.tags))).toEqual(['booking', 'loft']);
    const tags = await env.DB.prepare(`SELECT tag FROM conversation_tags WHERE conversation_id = ? ORDER BY tag`).bind(conversationId).all();
    expect(tags.results.map((r) => r.tag)).toEqual(['booking', 'loft']);
    const hit = await env.DB.prepare(
      `SELECT c.id AS conversation_id FROM conversations_fts f JOIN conversations c ON c.rowid = f.rowid >> 16 WHERE conversations_fts MATCH '"loft"'`,
    ).all();
    expect(hit.results.map((r) => r.conversation_id)).toContain(conversationId);
    const types = await env.DB.prepare(`SELECT type FROM analytics_events WHERE conversation_id = ? ORDER BY seq`).bind(conversationId).all();
    expect(types.results.map((r) => r.type)).toEqual(expect.arrayContaining(['conversation.created', 'message.received', 'conversation.updated']));
  });

  it('the object is the only writer: its outbox leaves nothing behind once D1 has it', async () => {
    const { ws, conversationId } = await setup();
    const stub = conversationStub(env, ws.workspaceId, conversationId);
    await eventually(() => runInDurableObject(stub, (_i, state) => state.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM outbox').one().n === 0));
  });
});

describe('sockets', () => {
  it('fans a visitor message out to every agent watching, and tells agents who else is viewing', async () => {
    const { ws, v, conversationId } = await setup();
    const agents = await Promise.all([0, 1, 2].map(() => openSocket(`/api/conversations/${conversationId}/ws?access_token=${ws.token}`)));
    for (const a of agents) expect((await a.next((f) => f.t === 'hello')).seq).toBeGreaterThan(0);
    await agents[0].next((f) => f.t === 'viewers');
    const visitorSock = await openSocket(`/widget/api/ws?token=${v.visitorToken}`);
    await visitorSock.next((f) => f.t === 'hello');

    visitorSock.send({ t: 'message', clientId: 'sock-1', text: 'Over the socket' });
    const ack = await visitorSock.next((f) => f.t === 'ack');
    expect(ack.message.text).toBe('Over the socket');
    for (const a of agents) {
      const e = await a.next((f) => f.t === 'event' && f.event.type === 'message.received');
      expect(e.event.message.text).toBe('Over the socket');
    }
    // An agent's note reaches agents but never the visitor; a reply reaches both.
    await call('POST', `/api/conversations/${conversationId}/messages`, { token: ws.token, body: { text: 'internal only', isInternalNote: true } });
    await call('POST', `/api/conversations/${conversationId}/messages`, { token: ws.token, body: { text: 'public reply' } });
    const seen = await visitorSock.next((f) => f.t === 'event' && f.event.message?.text === 'public reply');
    expect(seen.event.message.status).toBe('delivered');
    expect(visitorSock.frames.some((f) => f.event?.message?.text === 'internal only')).toBe(false);
    await agents[1].next((f) => f.t === 'event' && f.event.message?.text === 'internal only');
    for (const s of [...agents, visitorSock]) s.close();
  });

  it('a second agent opening or typing in the thread gets a collision warning, and so does the first', async () => {
    const { ws, conversationId } = await setup();
    const staff = await call('POST', '/api/users', { token: ws.token, body: { email: `${unique('s')}@example.com`, name: 'Second Agent', password: 'correct horse battery', role: 'staff' } });
    const login = await call('POST', '/api/auth/login', { body: { email: staff.body.email, password: 'correct horse battery' } });
    const first = await openSocket(`/api/conversations/${conversationId}/ws?access_token=${ws.token}`);
    await first.next((f) => f.t === 'hello');
    const second = await openSocket(`/api/conversations/${conversationId}/ws?access_token=${login.body.token}`);
    const warn = await second.next((f) => f.t === 'collision');
    expect(warn.other.name).toBe('Manager');
    expect((await first.next((f) => f.t === 'collision')).other.name).toBe('Second Agent');
    second.send({ t: 'typing', typing: true });
    const typing = await first.next((f) => f.t === 'collision' && f.reason === 'typing');
    expect(typing.other.typing).toBe(true);
    first.close();
    second.close();
  });

  it('rejects sockets without a valid token and for conversations the caller cannot see', async () => {
    const { conversationId } = await setup();
    const other = await newWorkspace();
    const res = await call('GET', `/api/conversations/${conversationId}/ws?access_token=${other.token}`, { headers: { upgrade: 'websocket' } });
    expect(res.status).toBe(404);
    const anon = await call('GET', `/api/conversations/${conversationId}/ws`, { headers: { upgrade: 'websocket' } });
    expect(anon.status).toBe(401);
  });
});

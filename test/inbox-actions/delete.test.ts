// DELETE /api/conversations/:id (managers): the conversation, its messages and what was derived from it
// go; the contact stays; an audit entry stays; open lists drop it live.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, eventually, expectProblem, listConversations, newWorkspace, visitorConversation, visitorSays, webchatInbox, type Workspace } from '../helpers';
import { openSocket } from '../sockets';

let ws: Workspace;
let other: Workspace;
let inbox: { id: string; websiteToken: string };

beforeAll(async () => {
  ws = await newWorkspace('Delete');
  other = await newWorkspace('Elsewhere');
  inbox = await webchatInbox(ws);
});

const rows = async (table: string, id: string) => (await env.DB.prepare(`SELECT count(*) AS n FROM ${table} WHERE conversation_id = ?`).bind(id).first<{ n: number }>())!.n;

describe('DELETE /api/conversations/:id', () => {
  it('removes the conversation, its messages and projection rows, keeps the contact, records who deleted it, and tells open lists', async () => {
    const staff = await addMember(ws, 'staff');
    const conv = await visitorConversation(inbox.websiteToken, 'please forget this');
    await visitorSays(conv.visitorToken, 'and this');
    expect((await call('PATCH', `/api/conversations/${conv.id}`, { token: ws.token, body: { tags: ['gone'] } })).status).toBe(200);
    expect((await call('POST', `/api/conversations/${conv.id}/read`, { token: staff.token, body: {} })).status).toBe(200);
    await eventually(async () => (await rows('message_search', conv.id)) === 2 && (await rows('conversation_tags', conv.id)) === 1 && (await rows('conversation_reads', conv.id)) === 1);

    const live = await openSocket(`/api/live?access_token=${staff.token}`);
    await live.next((f) => f.t === 'hello');

    const res = await call('DELETE', `/api/conversations/${conv.id}`, { token: ws.token });
    expect(res.status).toBe(204);

    const removed = await live.next((f) => f.t === 'removed' && f.id === conv.id);
    expect(removed).toEqual({ t: 'removed', id: conv.id });
    expect(live.frames.some((f) => f.t === 'counts' && f.id === conv.id && f.after === null && f.before?.status === 'open')).toBe(true);

    expectProblem(await call('GET', `/api/conversations/${conv.id}`, { token: ws.token }), 404);
    expectProblem(await call('GET', `/api/conversations/${conv.id}/messages`, { token: ws.token }), 404);
    expect((await listConversations(ws.token)).body.items.find((i) => i.id === conv.id)).toBeUndefined();
    expect((await listConversations(ws.token, { q: 'forget' })).body.items).toEqual([]);
    for (const t of ['message_search', 'conversation_tags', 'conversation_reads', 'analytics_events']) expect(await rows(t, conv.id)).toBe(0);
    expect(await env.DB.prepare(`SELECT count(*) AS n FROM conversations WHERE id = ?`).bind(conv.id).first('n')).toBe(0);

    // The contact stays; the audit entry names who deleted it.
    expect((await call('GET', `/api/contacts/${conv.contactId}`, { token: ws.token })).status).toBe(200);
    const audit = await env.DB.prepare(`SELECT * FROM conversation_deletions WHERE conversation_id = ?`).bind(conv.id).first<Record<string, unknown>>();
    expect(audit).toMatchObject({ workspace_id: ws.workspaceId, contact_id: conv.contactId, channel: 'webchat', deleted_by: ws.userId });

    // A second delete finds nothing.
    expectProblem(await call('DELETE', `/api/conversations/${conv.id}`, { token: ws.token }), 404);
    live.close();
  });

  it('the customer writing again starts afresh, without the deleted messages', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'old words');
    expect((await call('DELETE', `/api/conversations/${conv.id}`, { token: ws.token })).status).toBe(204);
    const again = await visitorSays(conv.visitorToken, 'new words');
    const msgs = await call('GET', `/api/conversations/${again.conversationId}/messages`, { token: ws.token });
    expect(msgs.status).toBe(200);
    expect(msgs.body.items.map((m: { text: string }) => m.text)).toEqual(['new words']);
  });

  it('is for managers of the workspace only', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'keep me');
    const staff = await addMember(ws, 'staff');
    const personal = await addMember(ws, 'personal');
    expectProblem(await call('DELETE', `/api/conversations/${conv.id}`, { token: staff.token }), 403);
    expectProblem(await call('DELETE', `/api/conversations/${conv.id}`, { token: personal.token }), 403);
    expectProblem(await call('DELETE', `/api/conversations/${conv.id}`, { token: other.token }), 404);
    expectProblem(await call('DELETE', `/api/conversations/${conv.id}`), 401);
    expectProblem(await call('DELETE', '/api/conversations/cnv_nope', { token: ws.token }), 404);
    expect((await call('GET', `/api/conversations/${conv.id}`, { token: ws.token })).status).toBe(200);
  });
});

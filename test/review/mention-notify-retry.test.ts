// A mention whose notification could not be sent stays owed: the note's retry (the route calls
// recordMentions again for the same message) sends it, and a mention once told is never told again.
// The failure is the agents' Durable Object namespace being unreachable (the binding throws), as in an
// outage; everything else is the real Worker, D1 and AgentDO.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordMentions } from '../../worker/notifications/mentions';
import { scopeFor } from '../../worker/routing/config';
import { addMember, call, newWorkspace, visitorConversation, webchatInbox, type Workspace } from '../helpers';

let A: Workspace;
let staff: Awaited<ReturnType<typeof addMember>>;
let inbox: Awaited<ReturnType<typeof webchatInbox>>;

const mentionFeed = async (conversationId: string) =>
  ((await call('GET', '/api/me/notifications', { token: staff.token })).body.items as { kind: string; conversationId: string; title: string }[]).filter((n) => n.kind === 'mention' && n.conversationId === conversationId);

/** The real bindings, but the agents' objects cannot be reached. */
const agentsDown = { ...env, AGENTS: { idFromName: env.AGENTS.idFromName.bind(env.AGENTS), get: () => { throw new Error('Durable Object namespace unavailable'); } } } as unknown as Env;

beforeAll(async () => {
  A = await newWorkspace('Mention retry');
  staff = await addMember(A, 'staff');
  inbox = await webchatInbox(A);
});

describe('mention notifications: at least once, never twice', () => {
  it('a failed send is retried by the next attempt for the same note; a told mention is not told again', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'Where is my key?', { name: 'Rita Retry' });
    const scope = scopeFor(env, A.workspaceId);
    const note = { conversationId: conv.id, messageId: `msg_${crypto.randomUUID()}`, text: '@staff the lockbox code?', contactId: conv.contactId, createdAt: Date.now() };
    const author = { id: A.userId, name: 'Manager' };

    await expect(recordMentions(agentsDown, scope, note, author, [staff.userId])).rejects.toThrow(/unavailable/);
    expect(await mentionFeed(conv.id)).toEqual([]);
    // Recorded all the same: the Mentions view lists it.
    expect((await call('GET', '/api/me/mentions', { token: staff.token })).body.items.some((m: { messageId: string }) => m.messageId === note.messageId)).toBe(true);

    const retry = await recordMentions(env, scope, note, author, [staff.userId]);
    expect(retry.mentioned).toEqual([staff.userId]);
    expect(retry.sent?.notified).toEqual([staff.userId]);
    expect(await mentionFeed(conv.id)).toEqual([expect.objectContaining({ title: 'Manager mentioned you on Rita Retry' })]);

    const again = await recordMentions(env, scope, note, author, [staff.userId]);
    expect(again).toEqual({ mentioned: [], sent: null });
    const row = await env.DB.prepare(`SELECT notified_at FROM note_mentions WHERE message_id = ? AND user_id = ?`).bind(note.messageId, staff.userId).first<{ notified_at: number | null }>();
    expect(row?.notified_at).toBeGreaterThan(0);
  });
});

// In-app turned off for a kind: no entry in the person's feed, while the channels they kept (e-mail here)
// still carry the news, and a quick repeat about the same conversation is folded there as in the feed.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, newWorkspace, unique, visitorConversation, webchatInbox, type Workspace } from '../helpers';

let A: Workspace;
let inbox: Awaited<ReturnType<typeof webchatInbox>>;

const feed = async (token: string) => (await call('GET', '/api/me/notifications', { token })).body as { items: { conversationId: string }[]; unread: number };
const mails = async (to: string) =>
  (await env.DB.prepare(`SELECT headers, body FROM sandbox_outbound WHERE workspace_id = ? AND purpose = 'notify'`).bind(A.workspaceId).all<{ headers: string; body: string }>()).results.filter(
    (r) => JSON.parse(r.headers).to === to,
  );
const note = (id: string, text: string, mentions: string[]) =>
  call('POST', `/api/conversations/${id}/messages`, { token: A.token, body: { text, isInternalNote: true, mentions, clientId: unique('c') } });

beforeAll(async () => {
  A = await newWorkspace('In-app off');
  inbox = await webchatInbox(A);
});

describe('the in-app preference', () => {
  it('off: nothing in the feed; e-mail still sent, once for quick repeats', async () => {
    const mailOnly = await addMember(A, 'staff');
    const put = await call('PUT', '/api/me/notification-preferences', { token: mailOnly.token, body: { preferences: { mention: { in_app: false, email: true } } } });
    expect(put.status).toBe(200);
    const conv = await visitorConversation(inbox.websiteToken, 'Late check-out?', { name: 'Ivo Inapp' });

    expect((await note(conv.id, '@staff can you answer?', [mailOnly.userId])).status).toBe(201);
    const sent = await mails(mailOnly.email);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0].headers).subject).toBe('Manager mentioned you on Ivo Inapp');
    const mine = await feed(mailOnly.token);
    expect(mine.items.some((n) => n.conversationId === conv.id)).toBe(false);
    expect(mine.unread).toBe(0);

    // A second mention on the same conversation right after: folded, no second mail.
    expect((await note(conv.id, '@staff still there?', [mailOnly.userId])).status).toBe(201);
    expect(await mails(mailOnly.email)).toHaveLength(1);
    expect((await feed(mailOnly.token)).items.some((n) => n.conversationId === conv.id)).toBe(false);
  });
});

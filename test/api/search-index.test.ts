// The conversation-level search index (conversations_fts, migration 0042: one FTS5 document per
// conversation, kept current by triggers on message_search and conversations) stays in step with the
// messages: later messages are found, changed (redacted) or deleted ones no longer match, a deleted
// conversation leaves no document behind, and q combines with the list's other filters and counts.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createTeam, listConversations, listWhen, newWorkspace, sameIds, visitorConversation, visitorSays, webchatInbox, type Workspace } from '../helpers';

let ws: Workspace;
let inbox: { id: string; websiteToken: string };

beforeAll(async () => {
  ws = await newWorkspace('Search index');
  inbox = await webchatInbox(ws);
});

async function ids(query: Record<string, string>, token = ws.token): Promise<string[]> {
  const res = await listConversations(token, query);
  if (res.status !== 200) throw new Error(`${JSON.stringify(query)}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items.map((i) => i.id);
}

/** The conversation's search blocks (rowid = the conversation's rowid × 65536 + seq >> 5). */
const blocksOf = (conversationId: string) =>
  env.DB.prepare(
    `SELECT f.rowid - c.rowid * 65536 AS block, f.body FROM conversations_fts f JOIN conversations c ON f.rowid BETWEEN c.rowid * 65536 AND c.rowid * 65536 + 65535 WHERE c.id = ? ORDER BY f.rowid`,
  )
    .bind(conversationId)
    .all<{ block: number; body: string }>()
    .then((r) => r.results);
const documentOf = async (conversationId: string) => (await blocksOf(conversationId)).map((b) => b.body).join('\n') || null;

/** A message row written straight into D1 (as a projection batch carrying only messages would). */
const messageRow = (conversationId: string, seq: number, body: string) =>
  env.DB.prepare(`INSERT INTO message_search (message_id, conversation_id, workspace_id, body, seq, inbound, is_note, created_at) VALUES (?, ?, ?, ?, ?, 1, 0, ?)`).bind(
    `msg_${crypto.randomUUID()}`,
    conversationId,
    ws.workspaceId,
    body,
    seq,
    Date.now(),
  );

/** The conversation's D1 row, landing after its messages (its insert trigger indexes them). */
async function conversationRowAfter(id: string, messages: number): Promise<void> {
  const now = Date.now();
  const contact = await env.DB.prepare(`SELECT contact_id FROM conversations WHERE workspace_id = ? LIMIT 1`).bind(ws.workspaceId).first<string>('contact_id');
  await env.DB.prepare(
    `INSERT INTO conversations (id, workspace_id, contact_id, inbox_id, channel, status, priority, priority_rank, tags, last_activity_at, message_count, last_customer_seq, seq, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'webchat', 'open', 'normal', 1, '[]', ?, ?, ?, ?, ?, ?)`,
  )
    .bind(id, ws.workspaceId, contact, inbox.id, now, messages, messages, messages, now, now)
    .run();
}

describe('conversations_fts in step with the messages', () => {
  it('a message added later is found, and words of different messages of one conversation match together', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'My parcel never came');
    await listWhen(ws.token, { q: 'parcel' }, (p) => p.items.length === 1 && p.items[0].id === conv.id);
    expect(await ids({ q: 'quokka' })).toEqual([]);

    await visitorSays(conv.visitorToken, 'The tracking page shows a quokka');
    await listWhen(ws.token, { q: 'quokka' }, (p) => p.items.length === 1 && p.items[0].id === conv.id);
    // The conversation is the document: words from two of its messages match together.
    expect(await ids({ q: 'parcel quokka' })).toEqual([conv.id]);
    expect(await ids({ q: '"never came"' })).toEqual([conv.id]);
    // An agent's reply is indexed too.
    expect((await call('POST', `/api/conversations/${conv.id}/messages`, { token: ws.token, body: { text: 'Sorry, I rebooked the wallaby courier' } })).status).toBe(201);
    await listWhen(ws.token, { q: 'wallaby' }, (p) => p.items.length === 1 && p.items[0].id === conv.id);
    // A few messages are one block of the conversation.
    expect((await blocksOf(conv.id)).map((b) => b.block)).toEqual([0]);
  });

  it('a redacted or deleted message no longer matches; the rest of its conversation still does', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'My card number is platypus 4242');
    await visitorSays(conv.visitorToken, 'Also my echidna arrived broken');
    await listWhen(ws.token, { q: 'echidna' }, (p) => p.items.length === 1);
    await listWhen(ws.token, { q: 'platypus' }, (p) => p.items.length === 1);

    // Redaction rewrites the message's stored text (no API does it yet: the row is changed in D1 directly).
    await env.DB.prepare(`UPDATE message_search SET body = '[redacted]' WHERE conversation_id = ? AND body LIKE '%platypus%'`).bind(conv.id).run();
    expect(await ids({ q: 'platypus' })).toEqual([]);
    expect(await ids({ q: '4242' })).toEqual([]);
    expect(await ids({ q: 'echidna' })).toEqual([conv.id]);
    expect(await ids({ q: 'redacted' })).toEqual([conv.id]);

    await env.DB.prepare(`DELETE FROM message_search WHERE conversation_id = ? AND body LIKE '%echidna%'`).bind(conv.id).run();
    expect(await ids({ q: 'echidna' })).toEqual([]);
    expect(await ids({ q: 'redacted' })).toEqual([conv.id]);
    expect(await documentOf(conv.id)).toBe('[redacted]');
  });

  it('a deleted conversation leaves no document, and its rowid reused by a new conversation does not inherit its words', async () => {
    const conv = await visitorConversation(inbox.websiteToken, 'the numbat is missing');
    await listWhen(ws.token, { q: 'numbat' }, (p) => p.items.length === 1);
    const rowid = await env.DB.prepare(`SELECT rowid FROM conversations WHERE id = ?`).bind(conv.id).first<number>('rowid');
    const blocks = () => env.DB.prepare(`SELECT count(*) AS n FROM conversations_fts WHERE rowid BETWEEN ?1 * 65536 AND ?1 * 65536 + 65535`).bind(rowid).first<number>('n');
    expect(await blocks()).toBe(1);

    expect((await call('DELETE', `/api/conversations/${conv.id}`, { token: ws.token })).status).toBe(204);
    expect(await blocks()).toBe(0);
    expect(await ids({ q: 'numbat' })).toEqual([]);
    // SQLite hands a deleted largest rowid out again: the next conversation may get it, and must not match.
    const next = await visitorConversation(inbox.websiteToken, 'a brand new bilby question');
    await listWhen(ws.token, { q: 'bilby' }, (p) => p.items.length === 1 && p.items[0].id === next.id);
    expect(await ids({ q: 'numbat' })).toEqual([]);
  });

  it('messages in D1 before their conversation row are indexed when the row lands', async () => {
    // The projection writes the row first; this covers a batch that carried only messages.
    const id = `cnv_${crypto.randomUUID()}`;
    await messageRow(id, 1, 'an early dingo message').run();
    await conversationRowAfter(id, 1);
    expect(await ids({ q: 'dingo' })).toEqual([id]);
  });
});

describe('a long conversation', () => {
  it('is indexed in blocks of 32 sequence numbers: a new message re-indexes its own block, not the thread', async () => {
    const id = `cnv_${crypto.randomUUID()}`;
    // 70 messages already in D1, then the conversation row: its trigger builds blocks 0, 1 and 2.
    await env.DB.batch(Array.from({ length: 70 }, (_, i) => messageRow(id, i + 1, i === 0 ? 'the first one mentions a bandicoot' : `message number ${i + 1}`)));
    await conversationRowAfter(id, 70);
    const before = await blocksOf(id);
    expect(before.map((b) => b.block)).toEqual([0, 1, 2]);
    expect(before[0].body.split('\n')).toHaveLength(31); // seq 1–31
    expect(before[1].body.split('\n')).toHaveLength(32); // seq 32–63
    expect(await ids({ q: 'bandicoot' })).toEqual([id]);

    // A new message lands in block 2 only; the others are left as they were.
    await messageRow(id, 71, 'and now a potoroo').run();
    const after = await blocksOf(id);
    expect(after.map((b) => b.block)).toEqual([0, 1, 2]);
    expect(after[0].body).toBe(before[0].body);
    expect(after[2].body.endsWith('and now a potoroo')).toBe(true);
    expect(await ids({ q: 'potoroo' })).toEqual([id]);
    expect(await ids({ q: 'bandicoot' })).toEqual([id]);
  });
});

describe('q combined with filters', () => {
  it('status, assignee, team and inbox narrow the hits; the counts are of the hits', async () => {
    const other = await newWorkspace('Elsewhere');
    const staff = await addMember(ws, 'staff');
    const team = await createTeam(ws);
    const a = await visitorConversation(inbox.websiteToken, 'kookaburra on the invoice');
    const b = await visitorConversation(inbox.websiteToken, 'kookaburra in the box');
    const c = await visitorConversation(inbox.websiteToken, 'kookaburra again');
    const d = await visitorConversation(inbox.websiteToken, 'nothing to see here');
    // Another workspace's conversation with the same word is never counted nor listed.
    const elsewhere = await visitorConversation((await webchatInbox(other)).websiteToken, 'kookaburra elsewhere');
    expect((await call('PATCH', `/api/conversations/${a.id}`, { token: ws.token, body: { assigneeId: staff.userId, teamId: team } })).status).toBe(200);
    expect((await call('PATCH', `/api/conversations/${b.id}`, { token: ws.token, body: { status: 'closed', assigneeId: staff.userId } })).status).toBe(200);
    expect((await call('PATCH', `/api/conversations/${d.id}`, { token: ws.token, body: { assigneeId: staff.userId, teamId: team } })).status).toBe(200);
    await listWhen(
      ws.token,
      { q: 'kookaburra', status: 'open,closed' },
      (p) => p.items.length === 3 && p.items.some((i) => i.id === b.id && i.status === 'closed') && p.items.some((i) => i.id === a.id && i.teamId === team),
    );
    await listWhen(ws.token, { assignee: staff.userId }, (p) => p.items.some((i) => i.id === d.id && i.teamId === team));
    await listWhen(other.token, { q: 'kookaburra' }, (p) => p.items.length === 1 && p.items[0].id === elsewhere.id);

    expect(sameIds(await ids({ q: 'kookaburra', status: 'open' }), [a.id, c.id])).toBe(true);
    expect(await ids({ q: 'kookaburra', status: 'closed' })).toEqual([b.id]);
    expect(await ids({ q: 'kookaburra', status: 'open', assignee: staff.userId })).toEqual([a.id]);
    expect(sameIds(await ids({ q: 'kookaburra', status: 'open,closed', assignee: staff.userId }), [a.id, b.id])).toBe(true);
    expect(await ids({ q: 'kookaburra', status: 'open', teamId: team })).toEqual([a.id]);
    expect(sameIds(await ids({ q: 'kookaburra', inboxId: inbox.id, status: 'open' }), [a.id, c.id])).toBe(true);
    expect(await ids({ q: 'kookaburra', assignee: 'unassigned', status: 'open' })).toEqual([c.id]);
    // The staff member's own view: their two hits (a, b), and the unassigned c.
    expect(sameIds(await ids({ q: 'kookaburra', status: 'open,closed' }, staff.token), [a.id, b.id, c.id])).toBe(true);

    const page = await listConversations(ws.token, { q: 'kookaburra', status: 'open', sort: 'recent' });
    expect(page.body.counts).toMatchObject({ open: 2, closed: 1, all: 3 });
    // sort=recent: the newest activity first.
    const times = page.body.items.map((i) => i.lastActivityAt);
    expect([...times].sort((x, y) => y - x)).toEqual(times);
  });

  it('a page of a common word stops at its limit and pages on by cursor without repeats', async () => {
    const made: string[] = [];
    for (let i = 0; i < 5; i++) made.push((await visitorConversation(inbox.websiteToken, `wombat number ${i}`)).id);
    await listWhen(ws.token, { q: 'wombat' }, (p) => p.items.length === 5);
    const first = await listConversations(ws.token, { q: 'wombat', limit: 2 });
    expect(first.body.items).toHaveLength(2);
    expect(first.body.counts.all).toBe(5);
    const seen = first.body.items.map((i) => i.id);
    let cursor = first.body.nextCursor;
    while (cursor) {
      const next = await listConversations(ws.token, { q: 'wombat', limit: 2, cursor });
      seen.push(...next.body.items.map((i) => i.id));
      cursor = next.body.nextCursor;
    }
    expect(sameIds(seen, made)).toBe(true);
  });
});

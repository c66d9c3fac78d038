// The `q` search syntax of GET /api/conversations: words, "phrases", phone:, email:, assigned:, tag:,
// channel:, status:, and hostile input that must never reach FTS5 as syntax (never a 500).
import { beforeAll, describe, expect, it } from 'vitest';
import { addMember, call, createContact, expectProblem, listConversations, listWhen, newWorkspace, sameIds, visitorConversation, visitorSays, webchatInbox, type Workspace } from '../helpers';

let ws: Workspace;
let staff: Awaited<ReturnType<typeof addMember>>;
const c = {} as Record<'alice' | 'bob' | 'carol' | 'sms', string>;

beforeAll(async () => {
  ws = await newWorkspace();
  staff = await addMember(ws, 'staff');
  const inbox = await webchatInbox(ws);
  const alice = await visitorConversation(inbox.websiteToken, 'My invoice is wrong', { name: 'Alice Liddell', email: 'alice@wonderland.example' });
  const bob = await visitorConversation(inbox.websiteToken, 'The delivery arrived late yesterday', { name: 'Bob Builder' });
  const carol = await visitorConversation(inbox.websiteToken, 'Invoice please, and café crème', { name: 'Carol Danvers' });
  c.alice = alice.id;
  c.bob = bob.id;
  c.carol = carol.id;
  await visitorSays(bob.visitorToken, 'Order number 12345');
  expect((await call('PATCH', `/api/contacts/${alice.contactId}`, { token: ws.token, body: { phone: '+1 (555) 010-0123' } })).status).toBe(200);
  await call('PATCH', `/api/conversations/${c.alice}`, { token: ws.token, body: { tags: ['vip'], assigneeId: staff.userId } });
  await call('PATCH', `/api/conversations/${c.bob}`, { token: ws.token, body: { status: 'closed', assigneeId: ws.userId } });
  const sms = await call('POST', '/api/inboxes', { token: ws.token, body: { channel: 'sms', name: 'SMS' } });
  const contact = await createContact(ws, { name: 'Dan Texter', identities: [{ channel: 'sms', externalId: '+15559990000' }] });
  c.sms = (await call('POST', '/api/conversations', { token: ws.token, body: { contactId: contact.id, inboxId: sms.body.id, text: 'Your invoice is attached' } })).body.conversation.id;
  // Wait for every projection: rows, tags, assignees and the message search index.
  await listWhen(ws.token, { q: 'invoice' }, (p) => p.items.length === 3);
  await listWhen(ws.token, { q: '12345' }, (p) => p.items.length === 1);
  await listWhen(ws.token, {}, (p) => p.items.length === 4 && p.items.some((i) => i.id === c.bob && i.status === 'closed') && p.items.some((i) => i.id === c.alice && i.assigneeId === staff.userId));
});

async function search(q: string, token = ws.token): Promise<string[]> {
  const res = await listConversations(token, { q });
  if (res.status !== 200) throw new Error(`q=${q}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items.map((i) => i.id);
}
const expectFound = async (q: string, expected: string[]) => expect(sameIds(await search(q), expected), `q=${q} → ${JSON.stringify(await search(q))}`).toBe(true);

describe('search syntax', () => {
  it('words match message text as prefixes, all words must match, any case', async () => {
    await expectFound('invoice', [c.alice, c.carol, c.sms]);
    await expectFound('INVOICE', [c.alice, c.carol, c.sms]);
    await expectFound('invo', [c.alice, c.carol, c.sms]);
    await expectFound('invoice wrong', [c.alice]);
    await expectFound('delivery', [c.bob]);
    await expectFound('12345', [c.bob]);
    await expectFound('zebra', []);
    await expectFound('cafe', [c.carol]);
  });

  it('"quoted phrases" match words in that order', async () => {
    await expectFound('"arrived late"', [c.bob]);
    await expectFound('"late arrived"', []);
    await expectFound('"invoice is"', [c.alice, c.sms]);
    await expectFound('"invoice is" wrong', [c.alice]);
  });

  it('words also match the contact name and e-mail', async () => {
    await expectFound('Danvers', [c.carol]);
    await expectFound('wonderland', [c.alice]);
  });

  it('phone: matches the contact phone regardless of formatting', async () => {
    await expectFound('phone:5550100123', [c.alice]);
    await expectFound('phone:+1-555-010-0123', [c.alice]);
    await expectFound('phone:"555 010 0123"', [c.alice]);
    await expectFound('phone:5559999999', []);
  });

  it('email: matches the contact e-mail', async () => {
    await expectFound('email:alice@wonderland.example', [c.alice]);
    await expectFound('email:ALICE@wonderland.example', [c.alice]);
    await expectFound('email:nobody@example.com', []);
  });

  it('assigned:me / assigned:none / assigned:<email> / assigned:<id>', async () => {
    await expectFound('assigned:me', [c.bob]);
    expect(await search('assigned:me', staff.token)).toEqual([c.alice]);
    await expectFound('assigned:none', [c.carol, c.sms]);
    await expectFound(`assigned:${staff.email}`, [c.alice]);
    await expectFound(`assigned:${staff.userId}`, [c.alice]);
  });

  it('tag:, channel:, status: and their combination with words', async () => {
    await expectFound('tag:vip', [c.alice]);
    await expectFound('tag:VIP', [c.alice]);
    await expectFound('tag:other', []);
    await expectFound('channel:sms', [c.sms]);
    await expectFound('channel:webchat', [c.alice, c.bob, c.carol]);
    await expectFound('status:closed', [c.bob]);
    await expectFound('status:open invoice', [c.alice, c.carol, c.sms]);
    await expectFound('invoice channel:webchat tag:vip', [c.alice]);
    await expectFound('status:closed invoice', []);
  });

  it('long queries work and user input is never a LIKE wildcard', async () => {
    // Over 50 bytes: D1 refuses LIKE patterns that long, so substring matching must not use LIKE.
    await expectFound('"delivery arrived late yesterday" delivery arrived late yesterday', [c.bob]);
    await expectFound(`email:${'x'.repeat(60)}@example.com`, []);
    await expectFound('email:%', []);
    await expectFound('email:_lice@wonderland.example', []);
    await expectFound('email:wonderland', [c.alice]);
  });

  it('an unknown status in q is a 400 problem naming status', async () => {
    expectProblem(await listConversations(ws.token, { q: 'status:bogus' }), 400, 'status');
  });

  const HOSTILE = [
    '"',
    '""',
    '"unterminated phrase',
    '*',
    '**',
    'invoice*',
    '*invoice',
    'OR',
    'AND',
    'NOT',
    'invoice OR delivery',
    'invoice NOT wrong',
    'NEAR(',
    'NEAR(invoice wrong)',
    'NEAR(invoice wrong, 2)',
    '(',
    ')',
    '()',
    '(invoice',
    'invoice)',
    '-',
    '- invoice',
    '+',
    '^invoice',
    ':',
    'body:invoice',
    'messages_fts:invoice',
    'conversations_fts:invoice',
    '{body}: invoice',
    "'",
    "'; DROP TABLE conversations; --",
    '\\',
    '%',
    '_',
    '%%%',
    '.',
    '...',
    '!!!',
    '@',
    '#1',
    'phone:',
    'phone:abc',
    'email:',
    'email:%',
    'tag:',
    'tag:"',
    'assigned:',
    'assigned:nobody@nowhere.example',
    'channel:"',
    'status:"open"',
    '"a" OR "b"',
    '"phrase with * and ( and )"',
    'ünïcödé 🙂',
    '🙂',
    '\u0000',
    '\t\n',
    'x'.repeat(500),
    `${'"a" '.repeat(100)}`,
  ];

  it.each(HOSTILE.map((q) => [JSON.stringify(q).slice(0, 60), q]))('hostile q %s answers 200 (never 500)', async (_label, q) => {
    const res = await listConversations(ws.token, { q });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(Array.isArray(res.body.items)).toBe(true);
    expect(res.body.items.every((i) => Object.values(c).includes(i.id))).toBe(true);
  });

  it('FTS operators in q are literal words, not syntax', async () => {
    // As syntax "invoice OR delivery" would match Bob; as words it needs the literal "OR" too.
    await expectFound('invoice OR delivery', []);
    // As syntax NEAR(invoice wrong) would match Alice; as text it is the phrase "near invoice", found nowhere.
    await expectFound("NEAR(invoice wrong)", []);
  });
});

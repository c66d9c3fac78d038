// The ingress pipeline end to end: signed webhook → INGEST → parse → contact → conversation, with the
// gates (unknown inbox 404, disabled 403, bad signature 401 with nothing stored), idempotency, hostile
// payloads, merge suggestions and dead letters (list and replay).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import waText from '../fixtures/providers/whatsapp_cloud_text_message.json';
import { call, eventually, expectProblem, newWorkspace, unique } from '../helpers';
import { contactByIdentity, createInbox, deadLetters, post, sign, threadOf } from './helpers';

const APP_SECRET = 'made-up-app-secret-for-fixtures';

/** The fixture's payload with a fresh sender and message id, so tests do not share identities. */
function waPayload(opts: { from?: string; id?: string; text?: string; name?: string } = {}) {
  const body = structuredClone(waText.body) as any;
  const value = body.entry[0].changes[0].value;
  const from = opts.from ?? value.messages[0].from;
  value.contacts[0].wa_id = from;
  value.contacts[0].profile.name = opts.name ?? value.contacts[0].profile.name;
  value.messages[0].from = from;
  value.messages[0].id = opts.id ?? value.messages[0].id;
  if (opts.text) value.messages[0].text.body = opts.text;
  return JSON.stringify(body);
}

async function waSetup() {
  const ws = await newWorkspace();
  const inbox = await createInbox(ws, 'whatsapp', { phoneNumberId: '106540352242922', accessToken: 'EAAtest', appSecret: APP_SECRET, verifyToken: 'verify-me' });
  return { ws, inbox };
}

async function postWa(inboxId: string, body: string, secret = APP_SECRET) {
  return post('whatsapp', inboxId, body, { 'content-type': 'application/json', 'x-hub-signature-256': await sign.hub(secret, body) });
}

describe('webhook ingress', () => {
  it('the recorded WhatsApp text lands as a message from a new contact with the profile name', async () => {
    const { ws, inbox } = await waSetup();
    // The fixture exactly as Meta sends it (compact JSON, the computed vector's bytes).
    const body = JSON.stringify(waText.body);
    const res = await postWa(inbox.id, body);
    expect(res.status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'whatsapp', '16505551234');
    expect(thread.contact).toMatchObject({ name: 'Sheena Nelson', phone: '+16505551234' });
    expect(thread.messages).toHaveLength(1);
    expect(thread.messages[0]).toMatchObject({ text: 'Does it come in another color?', direction: 'inbound', channel: 'whatsapp', externalId: `whatsapp:${waText.expect.provider_message_id}` });
    const conv = await call('GET', `/api/conversations/${thread.conversationId}`, { token: ws.token });
    expect(conv.body).toMatchObject({ channel: 'whatsapp', inboxId: inbox.id, status: 'open' });
  });

  it('five deliveries of one webhook make one message', async () => {
    const { ws, inbox } = await waSetup();
    const from = `1555${Math.floor(Math.random() * 1e7)}`;
    const body = waPayload({ from, id: `wamid.${unique()}`, text: 'only once' });
    const results = await Promise.all(Array.from({ length: 5 }, () => postWa(inbox.id, body)));
    expect(results.map((r) => r.status)).toEqual([200, 200, 200, 200, 200]);
    const thread = await threadOf(ws, ws.workspaceId, 'whatsapp', from);
    // Give every delivery time to land before counting.
    await eventually(async () => (await env.DB.prepare(`SELECT count(*) AS n FROM contact_identities WHERE workspace_id = ? AND channel = 'whatsapp'`).bind(ws.workspaceId).first<number>('n')) === 1);
    const again = await threadOf(ws, ws.workspaceId, 'whatsapp', from);
    expect(again.messages.filter((m) => m.text === 'only once')).toHaveLength(1);
    const contacts = await env.DB.prepare(`SELECT count(*) AS n FROM contacts WHERE workspace_id = ?`).bind(ws.workspaceId).first<number>('n');
    expect(contacts).toBe(1);
    expect(thread.conversationId).toBe(again.conversationId);
  });

  it('a bad or missing signature is 401 and nothing is stored', async () => {
    const { ws, inbox } = await waSetup();
    const from = `1666${Math.floor(Math.random() * 1e7)}`;
    const body = waPayload({ from });
    const wrong = await postWa(inbox.id, body, 'not-the-secret');
    expectProblem(wrong, 401);
    const missing = await post('whatsapp', inbox.id, body, { 'content-type': 'application/json' });
    expectProblem(missing, 401);
    const tampered = await post('whatsapp', inbox.id, body.replace('Sheena', 'Mallory'), { 'content-type': 'application/json', 'x-hub-signature-256': await sign.hub(APP_SECRET, body) });
    expectProblem(tampered, 401);
    // A good one afterwards proves the consumer ran; the bad ones left nothing behind.
    const good = `1777${Math.floor(Math.random() * 1e7)}`;
    await postWa(inbox.id, waPayload({ from: good, id: `wamid.${unique()}` }));
    await threadOf(ws, ws.workspaceId, 'whatsapp', good);
    expect(await contactByIdentity(ws.workspaceId, 'whatsapp', from)).toBeNull();
    expect(await deadLetters(ws)).toEqual([]);
  });

  it('unknown inbox or channel 404, wrong channel for the inbox 404, disabled inbox or channel 403', async () => {
    const { ws, inbox } = await waSetup();
    const body = waPayload();
    const headers = { 'content-type': 'application/json', 'x-hub-signature-256': await sign.hub(APP_SECRET, body) };
    expectProblem(await post('whatsapp', 'inb_nope', body, headers), 404);
    expectProblem(await post('fax', inbox.id, body, headers), 404);
    expectProblem(await post('messenger', inbox.id, body, headers), 404);
    expectProblem(await post('webchat', inbox.id, body, headers), 404);

    const off = await call('PATCH', '/api/channels/whatsapp', { token: ws.token, body: { enabled: false } });
    expect(off.status).toBe(200);
    expectProblem(await post('whatsapp', inbox.id, body, headers), 403);
    await call('PATCH', '/api/channels/whatsapp', { token: ws.token, body: { enabled: true } });
    expect((await post('whatsapp', inbox.id, body, headers)).status).toBe(200);

    expect((await call('POST', `/api/inboxes/${inbox.id}/disable`, { token: ws.token })).status).toBe(204);
    expectProblem(await post('whatsapp', inbox.id, body, headers), 403);
  });

  it("answers Meta's hub.challenge only with the inbox's verify token", async () => {
    const { inbox } = await waSetup();
    const ok = await call('GET', `/webhooks/whatsapp/${inbox.id}?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(ok.body).toBe(1158201444);
    const bad = await call('GET', `/webhooks/whatsapp/${inbox.id}?hub.mode=subscribe&hub.verify_token=guess&hub.challenge=1`);
    expect(bad.status).toBe(403);
  });

  it('malformed and hostile payloads: 4xx at ingress when detectable, dead letters (not crashes) after', async () => {
    const { ws, inbox } = await waSetup();
    // Unparseable JSON with a valid signature: 400 at once.
    expectProblem(await postWa(inbox.id, '{"object": "whatsapp_business_account", "entry": ['), 400);
    expectProblem(await postWa(inbox.id, ''), 400);
    // Oversized: 413.
    const huge = JSON.stringify({ object: 'whatsapp_business_account', entry: [], pad: 'x'.repeat(1024 * 1024 + 10) });
    const tooBig = await postWa(inbox.id, huge);
    expect(tooBig.status).toBe(413);
    // Valid JSON, wrong shape: accepted (the provider must not retry forever), then a dead letter naming the problem.
    const hostile = [
      JSON.stringify({ object: 'page', entry: [] }),
      JSON.stringify([1, 2, 3]),
      JSON.stringify({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: { messages: [{ type: 'text', text: { body: 'no sender' } }] } }] }] }),
      JSON.stringify({ object: 'whatsapp_business_account', entry: [{ changes: [{ field: 'messages', value: { messages: [{ from: '1', id: 'x', type: 'text', text: { body: { $ne: null } } }], contacts: 'nope' } }] }] }),
    ];
    for (const body of hostile) expect((await postWa(inbox.id, body)).status).toBe(200);
    const letters = await eventually(async () => {
      const items = await deadLetters(ws);
      return items.length >= 3 ? items : null;
    });
    expect(letters.every((l) => l.queue === 'ingest' && l.channel === 'whatsapp' && /parse error/.test(l.error))).toBe(true);
    expect(letters.map((l) => l.error).join('\n')).toMatch(/whatsapp_business_account/);
    // The consumer is still alive: a normal message goes through.
    const from = `1888${Math.floor(Math.random() * 1e7)}`;
    await postWa(inbox.id, waPayload({ from, id: `wamid.${unique()}`, text: 'still here' }));
    const thread = await threadOf(ws, ws.workspaceId, 'whatsapp', from);
    expect(thread.messages[0].text).toBe('still here');
  });

  it('suggests a merge when a new identity brings a phone another contact has', async () => {
    const { ws, inbox } = await waSetup();
    const from = `1999${Math.floor(Math.random() * 1e7)}`;
    const existing = await call('POST', '/api/contacts', { token: ws.token, body: { name: 'Sheena (from the booking form)', phone: `+${from}` } });
    expect(existing.status).toBe(201);
    await postWa(inbox.id, waPayload({ from, id: `wamid.${unique()}` }));
    const thread = await threadOf(ws, ws.workspaceId, 'whatsapp', from);
    expect(thread.contact.id).not.toBe(existing.body.id);
    const mine = await call('GET', `/api/contacts/${thread.contact.id}/merge-suggestions`, { token: ws.token });
    expect(mine.status).toBe(200);
    expect(mine.body.items).toEqual([expect.objectContaining({ reason: 'phone', value: `+${from}`, candidate: expect.objectContaining({ id: existing.body.id }) })]);
    const theirs = await call('GET', `/api/contacts/${existing.body.id}/merge-suggestions`, { token: ws.token });
    expect(theirs.body.items[0].candidate.id).toBe(thread.contact.id);
    // Dismissed suggestions disappear.
    const dismissed = await call('POST', `/api/contacts/${existing.body.id}/merge-suggestions/${theirs.body.items[0].id}/dismiss`, { token: ws.token });
    expect(dismissed.status).toBe(204);
    expect((await call('GET', `/api/contacts/${existing.body.id}/merge-suggestions`, { token: ws.token })).body.items).toEqual([]);
  });
});

describe('dead letters', () => {
  it('jobs that exhausted the queue land in D1; managers list them and replay one', async () => {
    const { ws, inbox } = await waSetup();
    const from = `1444${Math.floor(Math.random() * 1e7)}`;
    const body = waPayload({ from, id: `wamid.${unique()}`, text: 'lost and found' });
    // What the queue hands the dead-letter consumer after a consumer failed on every attempt.
    await env.DEAD_LETTERS.send({ kind: 'webhook', workspaceId: ws.workspaceId, inboxId: inbox.id, channel: 'whatsapp', raw: { method: 'POST', url: 'http://parley.test/x', headers: {}, body, receivedAt: Date.now() } });
    const [letter] = await eventually(async () => {
      const items = await deadLetters(ws, 'open');
      return items.length ? items : null;
    });
    expect(letter).toMatchObject({ queue: 'ingest', channel: 'whatsapp', inboxId: inbox.id, status: 'open', error: expect.stringMatching(/retries exhausted/) });
    expect(await contactByIdentity(ws.workspaceId, 'whatsapp', from)).toBeNull();

    const replay = await call('POST', `/api/admin/dead-letters/${letter.id}/replay`, { token: ws.token });
    expect(replay.status).toBe(200);
    expect(replay.body.deadLetter).toMatchObject({ status: 'replayed', replayCount: 1 });
    const thread = await threadOf(ws, ws.workspaceId, 'whatsapp', from);
    expect(thread.messages[0].text).toBe('lost and found');
    // Replaying again is refused; a second replay of the same job would be a no-op anyway.
    expectProblem(await call('POST', `/api/admin/dead-letters/${letter.id}/replay`, { token: ws.token }), 409);
    expect((await deadLetters(ws, 'open')).length).toBe(0);
  });

  it('a replay that fails again stays open with the new error; only managers see dead letters', async () => {
    const { ws, inbox } = await waSetup();
    await postWa(inbox.id, JSON.stringify({ object: 'nope', entry: [] }));
    const [letter] = await eventually(async () => {
      const items = await deadLetters(ws, 'open');
      return items.length ? items : null;
    });
    const replay = await call('POST', `/api/admin/dead-letters/${letter.id}/replay`, { token: ws.token });
    expect(replay.status).toBe(422);
    expect(replay.body.deadLetter).toMatchObject({ status: 'open', replayCount: 1 });
    const staff = await call('POST', '/api/users', { token: ws.token, body: { email: `${unique('s')}@example.com`, name: 'S', password: 'correct horse battery', role: 'staff' } });
    const login = await call('POST', '/api/auth/login', { body: { email: staff.body.email, password: 'correct horse battery' }, headers: { 'cf-connecting-ip': `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` } });
    expectProblem(await call('GET', '/api/admin/dead-letters', { token: login.body.token }), 403);
    // Another workspace sees none of them.
    const other = await newWorkspace();
    expect(await deadLetters(other)).toEqual([]);
  });
});

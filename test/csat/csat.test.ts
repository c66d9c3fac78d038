// CSAT end to end under workerd: settings, the survey sent when a conversation closes (a rating card on
// the visitor's socket in web chat; a WhatsApp message carrying the /csat link, recorded by the sandbox
// transport), the survey page in the customer's language, answers on every scale with the 24-hour
// replace window (driven by the stored timestamp), csat.submitted reaching the conversation, its list
// row and analytics, and scores recorded by hand.
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import waText from '../fixtures/providers/whatsapp_cloud_text_message.json';
import type { ConversationEvent } from '../../worker/conversations/model';
import { conversationStub } from '../../worker/conversations/service';
import { addMember, BASE, call, eventually, expectProblem, freshIp, listWhen, newWorkspace, unique, visitor, visitorSays, webchatInbox, type Workspace } from '../helpers';
import { openSocket } from '../sockets';
import { createInbox, post, sandboxRequests, sign, threadOf } from '../channels/helpers';

const settings = (ws: Workspace, body: Record<string, unknown>) => call('PUT', '/api/csat/settings', { token: ws.token, body });
const close = (ws: Workspace, id: string) => call('PATCH', `/api/conversations/${id}`, { token: ws.token, body: { status: 'closed' } });
const answer = (token: string, body: unknown) => call('POST', `/csat/${token}`, { body, headers: { 'cf-connecting-ip': freshIp() } });

/** The conversation's survey message, once the close event has reached the CSAT subscriber. */
async function surveyMessage(ws: Workspace, conversationId: string) {
  return eventually(async () => {
    const res = await call('GET', `/api/conversations/${conversationId}/messages?limit=200`, { token: ws.token });
    return (res.body.items as any[]).find((m) => m.externalId?.startsWith('csat:'));
  });
}
const surveyIdOf = (text: string) => /\/csat\/(csv_[0-9A-Za-z]+)/.exec(text)![1];
/** What the customer holds: the signed link token, which the web chat card asks for with the visitor's own token. */
async function customerToken(v: { visitorToken: string }, text: string): Promise<string> {
  const res = await call('GET', `/widget/api/csat/${surveyIdOf(text)}`, { token: v.visitorToken });
  expect(res.status).toBe(200);
  return res.body.token;
}

async function webchatCase(scale: string, extra: Record<string, unknown> = {}) {
  const ws = await newWorkspace();
  const inbox = await webchatInbox(ws);
  expect((await settings(ws, { enabled: true, scale, ...extra })).status).toBe(200);
  const v = await visitor(inbox.websiteToken, { name: 'Ada' });
  const { conversationId } = await visitorSays(v.visitorToken, 'Where is my order?');
  return { ws, inbox, v, conversationId };
}

describe('CSAT settings', () => {
  it('defaults, a manager replaces them, staff may read but not write, bad input names the field', async () => {
    const ws = await newWorkspace();
    const staff = await addMember(ws, 'staff');
    expect((await call('GET', '/api/csat/settings', { token: ws.token })).body).toEqual({ enabled: false, scale: 'stars5', question: null, commentPrompt: null, autoSendOnClose: true, inboxIds: null, delayMinutes: 0 });
    const inbox = await webchatInbox(ws);
    const put = await settings(ws, { enabled: true, scale: 'thumbs', question: 'Did we help?', commentPrompt: '', inboxIds: [inbox.id], delayMinutes: 0 });
    expect(put.status).toBe(200);
    expect(put.body).toEqual({ enabled: true, scale: 'thumbs', question: 'Did we help?', commentPrompt: null, autoSendOnClose: true, inboxIds: [inbox.id], delayMinutes: 0 });
    expect((await call('GET', '/api/csat/settings', { token: staff.token })).body.scale).toBe('thumbs');
    expect((await call('PUT', '/api/csat/settings', { token: staff.token, body: { enabled: false, scale: 'stars5' } })).status).toBe(403);
    expectProblem(await settings(ws, { enabled: true, scale: 'stars10' }), 400, 'scale');
    expectProblem(await settings(ws, { enabled: 'yes', scale: 'stars5' }), 400, 'enabled');
    expectProblem(await settings(ws, { enabled: true, scale: 'stars5', delayMinutes: -1 }), 400, 'delayMinutes');
    expectProblem(await settings(ws, { enabled: true, scale: 'stars5', inboxIds: ['inb_000000000000000000'] }), 400, 'inboxIds.0');
    // Another workspace's inbox is no inbox of ours.
    const other = await newWorkspace();
    const theirs = await webchatInbox(other);
    expectProblem(await settings(ws, { enabled: true, scale: 'stars5', inboxIds: [theirs.id] }), 400, 'inboxIds.0');
  });
});

describe('CSAT in web chat', () => {
  it('closing sends one rating card to the visitor socket; a reopen and a second close send nothing more', async () => {
    const { ws, v, conversationId } = await webchatCase('stars5');
    const vs = await openSocket(`/widget/api/ws?token=${v.visitorToken}`);
    await vs.next((f) => f.t === 'hello');
    expect((await close(ws, conversationId)).status).toBe(200);
    const card = await vs.next((f) => f.t === 'event' && f.event.message?.externalId?.startsWith('csat:'));
    expect(card.event.type).toBe('message.created');
    expect(card.event.message).toMatchObject({ authorType: 'system', direction: 'outbound', conversationId });
    expect(card.event.message.text).toContain(`${BASE}/csat/`);
    // The card reads the survey by the link's token.
    const survey = await call('GET', `/csat/${await customerToken(v, card.event.message.text)}/survey`);
    expect(survey.status).toBe(200);
    expect(survey.body).toMatchObject({ scale: 'stars5', language: 'en', question: 'How would you rate our conversation?', response: null, editable: true });
    expect(survey.body.options.map((o: any) => o.value)).toEqual([1, 2, 3, 4, 5]);

    // The visitor writes again (reopens), the agent closes again: still one survey.
    await visitorSays(v.visitorToken, 'One more thing');
    expect((await close(ws, conversationId)).status).toBe(200);
    const stub = conversationStub(env, ws.workspaceId, conversationId);
    await eventually(async () => {
      const n = await env.DB.prepare(`SELECT count(*) AS n FROM csat_surveys WHERE conversation_id = ?`).bind(conversationId).first<number>('n');
      await stub.settled();
      // The second close's event has been through the subscribers once analytics folded it.
      const facts = await env.DB.prepare(`SELECT reopens, status FROM conversation_facts WHERE conversation_id = ?`).bind(conversationId).first<{ reopens: number; status: string }>();
      return n === 1 && facts?.reopens === 1 && facts.status === 'closed';
    });
    const messages = await call('GET', `/api/conversations/${conversationId}/messages?limit=200`, { token: ws.token });
    expect((messages.body.items as any[]).filter((m) => m.externalId?.startsWith('csat:'))).toHaveLength(1);
    vs.close();
  });

  it('with delayMinutes the survey waits in the conversation schedule and goes when the alarm runs', async () => {
    const { ws, conversationId } = await webchatCase('stars5', { delayMinutes: 30 });
    expect((await close(ws, conversationId)).status).toBe(200);
    const stub = conversationStub(env, ws.workspaceId, conversationId);
    const [item] = await eventually(async () => {
      const items = await stub.scheduledItems('message');
      return items.length ? items : null;
    });
    const closedAt = (await stub.state())!.closedAt!;
    expect(item).toMatchObject({ externalId: expect.stringMatching(/^csat:csv_/), by: { type: 'system' } });
    // 30 minutes from the close event, which is stamped in the same commit as closedAt (the same or the next millisecond).
    expect(item.dueAt - (closedAt + 30 * 60_000)).toBeGreaterThanOrEqual(0);
    expect(item.dueAt - (closedAt + 30 * 60_000)).toBeLessThan(1000);
    const timer = () => runInDurableObject(stub, (_i, s) => s.storage.sql.exec<{ at: number }>(`SELECT at FROM schedule WHERE kind = 'followup'`).toArray()[0]?.at ?? null);
    expect(await timer()).toBe(item.dueAt);
    let messages = (await call('GET', `/api/conversations/${conversationId}/messages?limit=200`, { token: ws.token })).body.items as any[];
    expect(messages.some((m) => m.externalId?.startsWith('csat:'))).toBe(false);
    // Time passes to the due time (stored due times moved to now), and the alarm runs.
    await runInDurableObject(stub, (_i, s) => {
      const row = s.storage.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'scheduled'`).one();
      const now = Date.now() - 1;
      s.storage.sql.exec(`UPDATE meta SET value = ? WHERE key = 'scheduled'`, JSON.stringify((JSON.parse(row.value) as any[]).map((i) => ({ ...i, dueAt: now }))));
      s.storage.sql.exec(`UPDATE schedule SET at = ? WHERE kind = 'followup'`, now);
    });
    await runDurableObjectAlarm(stub);
    messages = (await call('GET', `/api/conversations/${conversationId}/messages?limit=200`, { token: ws.token })).body.items as any[];
    const survey = messages.find((m) => m.externalId === item.externalId);
    expect(survey).toMatchObject({ authorType: 'system', direction: 'outbound' });
    expect(survey.text).toContain('/csat/csv_');
    expect(await stub.scheduledItems('message')).toEqual([]);
  });

  it('a delayed survey is cancelled when the customer writes again first; the next close schedules it again', async () => {
    const { ws, v, conversationId } = await webchatCase('stars5', { delayMinutes: 60 });
    const stub = conversationStub(env, ws.workspaceId, conversationId);
    await close(ws, conversationId);
    const [item] = await eventually(async () => {
      const items = await stub.scheduledItems('message');
      return items.length ? items : null;
    });
    await visitorSays(v.visitorToken, 'Actually, one more question');
    expect(await stub.scheduledItems('message')).toEqual([]);
    const cancelled = ((await stub.events(0, 500, true)) as unknown as ConversationEvent[]).filter((e) => e.type === 'scheduled_message.cancelled');
    expect(cancelled.map((e) => e.data)).toEqual([{ id: item.id, reason: 'customer_replied' }]);
    await close(ws, conversationId);
    const [again] = await eventually(async () => {
      const items = await stub.scheduledItems('message');
      return items.length ? items : null;
    });
    expect(again).toMatchObject({ id: item.id, externalId: item.externalId });
  });

  it('disabled, or an inbox left out, sends no survey', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const other = await webchatInbox(ws);
    expect((await settings(ws, { enabled: true, scale: 'stars5', inboxIds: [other.id] })).status).toBe(200);
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'hi');
    expect((await close(ws, conversationId)).status).toBe(200);
    await eventually(() => env.DB.prepare(`SELECT 1 AS ok FROM conversation_facts WHERE conversation_id = ? AND status = 'closed'`).bind(conversationId).first('ok'));
    expect(await env.DB.prepare(`SELECT count(*) AS n FROM csat_surveys WHERE conversation_id = ?`).bind(conversationId).first('n')).toBe(0);
  });
});

describe('CSAT answers', () => {
  it('stars5: answered, replaced within 24 h, 409 after; the score reaches the conversation, its list row and analytics', async () => {
    const { ws, v, conversationId } = await webchatCase('stars5');
    const before = await call('GET', '/api/analytics/overview', { token: ws.token });
    expect(before.body.csat.responses).toBe(0);
    await close(ws, conversationId);
    const token = await customerToken(v, (await surveyMessage(ws, conversationId)).text);

    const first = await answer(token, { score: 2, comment: 'Slow' });
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ score: 2, normalized: 2, comment: 'Slow', replaced: false });
    const second = await answer(token, { score: 4 });
    expect(second.status).toBe(200);
    expect(second.body.replaced).toBe(true);

    const stub = conversationStub(env, ws.workspaceId, conversationId);
    expect((await stub.state())!.csat).toMatchObject({ score: 4, raw: 4, scale: 'stars5', comment: null, source: 'survey' });
    const events = ((await stub.events(0, 500, true)) as unknown as ConversationEvent[]).filter((e) => e.type === 'csat.submitted');
    expect(events.map((e) => e.data)).toMatchObject([{ score: 2, replaced: false, comment: 'Slow' }, { score: 4, replaced: true }]);
    await listWhen(ws.token, {}, (p) => p.items.some((i: any) => i.id === conversationId && i.csatScore === 4));
    const overview = await eventually(async () => {
      const o = await call('GET', '/api/analytics/overview', { token: ws.token });
      return o.body.csat.responses === 1 && o.body.csat.score === 4 ? o : null;
    });
    expect(overview.body.csat).toEqual({ responses: 1, score: 4, distribution: { '4': 1 } });

    // 24 hours after the first answer the survey is closed.
    await env.DB.prepare(`UPDATE csat_surveys SET first_responded_at = first_responded_at - 86400001 WHERE conversation_id = ?`).bind(conversationId).run();
    expectProblem(await answer(token, { score: 5 }), 409);
    expect((await call('GET', `/csat/${token}/survey`)).body).toMatchObject({ editable: false, response: { score: 4 } });
  });

  it('thumbs and emoji5: validated per scale, stored raw and normalized', async () => {
    const thumbs = await webchatCase('thumbs');
    await close(thumbs.ws, thumbs.conversationId);
    const t1 = await customerToken(thumbs.v, (await surveyMessage(thumbs.ws, thumbs.conversationId)).text);
    expectProblem(await answer(t1, { score: 3 }), 400, 'score');
    expectProblem(await answer(t1, { score: 'up' }), 400, 'score');
    expectProblem(await answer(t1, { score: 1.5 }), 400, 'score');
    expect((await answer(t1, { score: 0 })).body).toMatchObject({ score: 0, normalized: 1 });
    expect((await answer(t1, { score: 1 })).body).toMatchObject({ score: 1, normalized: 5 });
    const row = await env.DB.prepare(`SELECT score, raw_score FROM csat_surveys WHERE conversation_id = ?`).bind(thumbs.conversationId).first();
    expect(row).toEqual({ score: 5, raw_score: 1 });
    // The list row carries the answer as given, so a thumbs-up is shown as a thumb, not as "5 of 5".
    await listWhen(thumbs.ws.token, {}, (p) => p.items.some((i: any) => i.id === thumbs.conversationId && i.csatScore === 5 && i.csatScale === 'thumbs' && i.csatRaw === 1));

    const emoji = await webchatCase('emoji5');
    await close(emoji.ws, emoji.conversationId);
    const t2 = await customerToken(emoji.v, (await surveyMessage(emoji.ws, emoji.conversationId)).text);
    expectProblem(await answer(t2, { score: 0 }), 400, 'score');
    expect((await answer(t2, { score: 5, comment: 'Lovely' })).status).toBe(201);
    expect((await conversationStub(env, emoji.ws.workspaceId, emoji.conversationId).state())!.csat).toMatchObject({ score: 5, raw: 5, scale: 'emoji5', comment: 'Lovely' });
  });

  it('an unknown or altered token is 404; a non-JSON body is refused', async () => {
    const { ws, v, conversationId } = await webchatCase('stars5');
    await close(ws, conversationId);
    const token = await customerToken(v, (await surveyMessage(ws, conversationId)).text);
    const altered = token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A');
    expectProblem(await answer(altered, { score: 3 }), 404);
    expectProblem(await answer('nonsense', { score: 3 }), 404);
    expectProblem(await call('GET', `/csat/${altered}/survey`), 404);
    expect((await call('GET', `/csat/${altered}`)).status).toBe(404);
    const form = await call('POST', `/csat/${token}`, { body: 'score=3', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectProblem(form, 415);
  });
});

describe('answers are rate limited per client address', () => {
  it('60 answers per address per window (unknown tokens count too), then 429 with Retry-After; other addresses and the next window go on', async () => {
    const { ws, v, conversationId } = await webchatCase('stars5');
    await close(ws, conversationId);
    const token = await customerToken(v, (await surveyMessage(ws, conversationId)).text);
    const ip = freshIp();
    const from = (addr: string, t: string, score: number) => call('POST', `/csat/${t}`, { body: { score }, headers: { 'cf-connecting-ip': addr } });
    // Guessing links costs the same as answering: 60 tries with made-up tokens use the address's window.
    for (let i = 0; i < 60; i++) expect((await from(ip, `csv_${'0'.repeat(20)}.${'A'.repeat(32)}`, 3)).status).toBe(404);
    const limited = await from(ip, token, 4);
    expectProblem(limited, 429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await stubCsat(ws, conversationId))).toBeNull();
    // Another address is not held back.
    expect((await from(freshIp(), token, 4)).status).toBe(201);
    // The window passes (its start moved back, as time would): the address may answer again.
    await env.DB.prepare(`UPDATE login_attempts SET window_start = window_start - 3600000 WHERE key = ?`).bind(`csat:${ip}`).run();
    expect((await from(ip, token, 5)).status).toBe(200);
    expect((await stubCsat(ws, conversationId))).toMatchObject({ raw: 5 });
  });
});

const stubCsat = async (ws: Workspace, conversationId: string) => (await conversationStub(env, ws.workspaceId, conversationId).state())!.csat ?? null;

describe('the team cannot answer for the customer', () => {
  it('what staff read holds no working link; only the visitor the survey went to gets the signed token', async () => {
    const { ws, v, conversationId } = await webchatCase('stars5');
    const staff = await addMember(ws, 'staff');
    await close(ws, conversationId);
    const m = await surveyMessage(ws, conversationId);
    const seen = JSON.stringify([
      (await call('GET', `/api/conversations/${conversationId}/messages?limit=200`, { token: staff.token })).body,
      (await call('GET', `/api/conversations/${conversationId}`, { token: ws.token })).body,
      await conversationStub(env, ws.workspaceId, conversationId).events(0, 500, true),
    ]);
    expect(seen).toContain(`/csat/${surveyIdOf(m.text)}`);
    expect(seen).not.toMatch(/\/csat\/csv_[0-9A-Za-z]+\./);
    // The link as the team sees it opens and answers nothing.
    const link = new URL(/https?:\/\/\S+\/csat\/\S+/.exec(m.text)![0]).pathname;
    expectProblem(await call('POST', link, { body: { score: 1 }, headers: { 'cf-connecting-ip': freshIp() } }), 404);
    expect((await call('GET', link)).status).toBe(404);
    // The visitor endpoint wants that visitor: none, another visitor, or a staff token get nothing.
    const surveyPath = `/widget/api/csat/${surveyIdOf(m.text)}`;
    expect((await call('GET', surveyPath)).status).toBe(401);
    expect((await call('GET', surveyPath, { token: staff.token })).status).toBe(401);
    const stranger = await visitor((await webchatInbox(ws)).websiteToken, { name: 'Eve' });
    expectProblem(await call('GET', surveyPath, { token: stranger.visitorToken }), 404);
    expectProblem(await call('GET', '/widget/api/csat/nonsense', { token: v.visitorToken }), 400, 'surveyId');
    expect((await answer(await customerToken(v, m.text), { score: 5 })).status).toBe(201);
  });
});

describe('CSAT on other channels', () => {
  const APP_SECRET = 'wa-app-secret';
  const PHONE_ID = '106540352242922';

  it('WhatsApp: the survey message carries the /csat link (sent through the sandbox); the page renders in the contact language', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'whatsapp', { phoneNumberId: PHONE_ID, accessToken: 'EAA-secret-token', appSecret: APP_SECRET, verifyToken: 'v' });
    expect((await settings(ws, { enabled: true, scale: 'emoji5' })).status).toBe(200);
    const from = `34600${Math.floor(1e6 + Math.random() * 8e6)}`;
    const body = structuredClone(waText.body) as any;
    const value = body.entry[0].changes[0].value;
    value.contacts[0].wa_id = from;
    Object.assign(value.messages[0], { from, id: `wamid.${unique()}`, text: { body: '¿Tenéis habitación libre?' } });
    const raw = JSON.stringify(body);
    expect((await post('whatsapp', inbox.id, raw, { 'content-type': 'application/json', 'x-hub-signature-256': await sign.hub(APP_SECRET, raw) })).status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'whatsapp', from);
    expect((await call('PATCH', `/api/contacts/${thread.contact.id}`, { token: ws.token, body: { attributes: { language: 'es-ES' } } })).status).toBe(200);
    expect((await close(ws, thread.conversationId)).status).toBe(200);

    const m = await surveyMessage(ws, thread.conversationId);
    expect(m.text).toMatch(/^¿Cómo valorarías nuestra conversación\? Cuéntanos aquí: http:\/\/parley\.test\/csat\/csv_/);
    const [req] = await eventually(async () => {
      const reqs = await sandboxRequests(ws, m.id);
      return reqs.length ? reqs : null;
    });
    expect(req).toMatchObject({ channel: 'whatsapp', purpose: 'send', responseStatus: 200 });
    expect(JSON.stringify(req)).toContain('/csat/csv_');

    // The customer's copy (what the provider was given) carries the signed link; the team's copy does not.
    const token = /\/csat\/(csv_[0-9A-Za-z]+\.[A-Za-z0-9_-]{32})/.exec(JSON.stringify(req))![1];
    expect(m.text).not.toContain(token);
    // An agent who pastes the survey's address into a reply of their own sends it unsigned: only the survey message is signed.
    const pasted = await call('POST', `/api/conversations/${thread.conversationId}/messages`, { token: ws.token, body: { text: `Please rate us: http://parley.test/csat/${surveyIdOf(m.text)}`, clientId: unique('c') } });
    expect(pasted.status).toBe(201);
    const [pastedReq] = await eventually(async () => {
      const reqs = await sandboxRequests(ws, pasted.body.message.id);
      return reqs.length ? reqs : null;
    });
    expect(JSON.stringify(pastedReq)).toContain(`/csat/${surveyIdOf(m.text)}`);
    expect(JSON.stringify(pastedReq)).not.toMatch(/\/csat\/csv_[0-9A-Za-z]+\.[A-Za-z0-9_-]{32}/);
    const page = await call('GET', `/csat/${token}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = String(page.body);
    expect(html).toContain('<html lang="es">');
    expect(html).toContain('¿Cómo valorarías nuestra conversación?');
    expect(html).toContain('<script src="/csat/assets/page.js" defer></script>');
    expect(html).not.toMatch(/<script>/);
    expect(html.match(/name="score"/g)).toHaveLength(5);
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/style-src 'self' 'sha256-/);
    const script = await call('GET', '/csat/assets/page.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    // Answered: the page says thanks in Spanish only once it is closed; while editable it shows the choice.
    expect((await answer(token, { score: 4 })).status).toBe(201);
    expect(String((await call('GET', `/csat/${token}`)).body)).toMatch(/value="4" checked/);
  });

  it('the page follows Accept-Language when the contact has no language', async () => {
    const { ws, v, conversationId } = await webchatCase('thumbs', { question: 'Did we help?' });
    await close(ws, conversationId);
    const token = await customerToken(v, (await surveyMessage(ws, conversationId)).text);
    const page = await call('GET', `/csat/${token}`, { headers: { 'accept-language': 'fr-CA,fr;q=0.9,en;q=0.5' } });
    const html = String(page.body);
    expect(html).toContain('<html lang="fr">');
    // The workspace's own question stands as written; the rest is French.
    expect(html).toContain('<h1>Did we help?</h1>');
    expect(html).toContain('Envoyer');
    expect(html.match(/name="score"/g)).toHaveLength(2);
  });
});

describe('CSAT by hand', () => {
  it('a manager records a score on the workspace scale; staff are refused', async () => {
    const { ws, conversationId } = await webchatCase('stars5');
    const staff = await addMember(ws, 'staff');
    const put = (token: string, body: unknown) => call('PUT', `/api/conversations/${conversationId}/csat`, { token, body });
    expect((await put(staff.token, { score: 5 })).status).toBe(403);
    expectProblem(await put(ws.token, { score: 0 }), 400, 'score');
    expectProblem(await put(ws.token, {}), 400, 'score');
    const ok = await put(ws.token, { score: 3, comment: 'Said on the phone' });
    expect(ok.status).toBe(200);
    expect(ok.body.conversation.csat).toMatchObject({ score: 3, raw: 3, source: 'manual', comment: 'Said on the phone' });
    const [event] = ((await conversationStub(env, ws.workspaceId, conversationId).events(0, 500, true)) as unknown as ConversationEvent[]).filter((e) => e.type === 'csat.submitted');
    expect(event.actor).toMatchObject({ type: 'agent', id: ws.userId });
    expect(event.data).toMatchObject({ surveyId: null, source: 'manual', score: 3 });
    expectProblem(await call('PUT', `/api/conversations/cnv_0000000000000000000000/csat`, { token: ws.token, body: { score: 3 } }), 404);
  });
});

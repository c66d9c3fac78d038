// E-mail broadcasts sent for real through the workflow, the queues and the e-mail adapter, the mail read
// back from what the sandbox transport recorded (the raw MIME the send_email binding would get) and
// parsed with postal-mime as a receiving client would: both parts, the List-Unsubscribe pair, the
// signed one-click unsubscribe, opens with machine opens apart, clicks, and the per-inbox send rate.
import { env } from 'cloudflare:test';
import PostalMime from 'postal-mime';
import { beforeAll, describe, expect, it } from 'vitest';
import { broadcastRate, ratePerSecond } from '../../worker/broadcasts/rate';
import { isMachineOpen, MACHINE_OPEN_MS } from '../../worker/broadcasts/tracking';
import { unsubscribeToken, verifyUnsubscribeToken } from '../../worker/broadcasts/unsubscribe-token';
import { call, createContact, eventually, expectProblem, newWorkspace, unique, type Workspace } from '../helpers';
import { createInbox } from '../channels/helpers';
import { broadcast, draft, fetchRaw, recipients, sendAndComplete, settled } from './setup';

const HTML = `<style>.cta { color: #0a7; }</style><p>Hello {{contact.name}},</p><p>Our winter rooms are open: <a class="cta" href="https://hotel.example/winter?src=mail&amp;n=1">book now</a>.</p><p>Or see https://hotel.example/spa</p>`;

async function emailSetup(opts: { html?: string | null; body?: string; tracking?: boolean } = {}) {
  const ws = await newWorkspace('Harbour Hotel');
  const address = `news-${unique()}@hotel.test`;
  const inbox = await createInbox(ws, 'email', { address, fromName: 'Harbour Hotel' });
  const content = opts.html === null ? { body: opts.body ?? 'Hello {{contact.first_name}}, see https://hotel.example/winter' } : { html: opts.html ?? HTML };
  const t = await call('POST', '/api/templates', { token: ws.token, body: { name: unique('winter'), channel: 'email', category: 'marketing', language: 'en', subject: 'Winter at the harbour, {{contact.first_name}}', ...content } });
  if (t.status !== 201) throw new Error(`template: ${t.status} ${JSON.stringify(t.body)}`);
  return { ws, address, inbox, templateId: t.body.id as string };
}

async function mailContact(ws: Workspace, name = `Ana ${unique('x')}`) {
  const email = `${unique('guest')}@example.com`;
  const c = await createContact(ws, { name, email, tags: ['promo'], identities: [{ channel: 'email', externalId: email }] });
  return { ...c, email } as { id: string; email: string };
}

/** The mails the sandbox recorded for one recipient, parsed. */
async function mailsTo(workspaceId: string, to: string) {
  const rows = await env.DB.prepare(`SELECT headers, body FROM sandbox_outbound WHERE workspace_id = ? AND channel = 'email' AND purpose = 'send'`).bind(workspaceId).all<{ headers: string; body: string }>();
  const mine = rows.results.filter((r) => (JSON.parse(r.headers) as Record<string, string>)['x-rcpt-to'] === to);
  return Promise.all(mine.map(async (r) => ({ raw: r.body, mail: await PostalMime.parse(r.body) })));
}

const header = (mail: Awaited<ReturnType<typeof PostalMime.parse>>, name: string) => mail.headers.find((h) => h.key === name)?.value.replace(/\s+/g, ' ') ?? null;

async function sentTo(ws: Workspace, broadcastId: string, contact: { email: string }, sendable = 1) {
  await settled(ws, broadcastId, sendable);
  const mails = await mailsTo(ws.workspaceId, contact.email);
  expect(mails).toHaveLength(1);
  return mails[0];
}

describe('an e-mail broadcast', () => {
  let ctx: { ws: Workspace; address: string; inboxId: string; templateId: string; broadcastId: string; contact: { id: string; email: string }; mail: Awaited<ReturnType<typeof PostalMime.parse>>; raw: string };

  beforeAll(async () => {
    const { ws, address, inbox, templateId } = await emailSetup();
    const contact = await mailContact(ws, `Zoë <O'Brien> & Co`);
    const b = await draft(ws, inbox.id, templateId);
    await sendAndComplete(ws, b.id);
    const { mail, raw } = await sentTo(ws, b.id, contact);
    ctx = { ws, address, inboxId: inbox.id, templateId, broadcastId: b.id, contact, mail, raw };
  });

  it('is one multipart mail: a text and an HTML part from the template, merge values escaped, the inbox as sender', async () => {
    const { mail, raw, address } = ctx;
    expect(raw).toMatch(/^Content-Type: multipart\/alternative; boundary="/m);
    expect(mail.from).toEqual({ name: 'Harbour Hotel', address });
    expect(mail.subject).toBe(`Winter at the harbour, Zoë`);
    // A campaign answers nothing: no threading headers.
    expect(header(mail, 'in-reply-to')).toBeNull();

    const [token] = /\/t\/o\/([\w-]+)/.exec(mail.html!)!.slice(1);
    // The HTML part: the name escaped (never markup), inlined CSS kept, each link tracked with the same
    // number the text part gives it, the open pixel last, and a visible unsubscribe link.
    expect(mail.html).toContain('Hello Zoë &lt;O&#39;Brien&gt; &amp; Co,');
    expect(mail.html).not.toContain('<O');
    expect(mail.html).toMatch(new RegExp(`<a [^>]*href="https?://[^"]+/t/c/${token}\\.0"[^>]*>book now</a>`));
    expect(mail.html).toMatch(/<a [^>]*style="color: #0a7"[^>]*>book now<\/a>/);
    expect(mail.html).toMatch(/<img src="https?:\/\/[^"]+\/t\/o\/[\w-]+" width="1" height="1" alt=""/);
    expect(mail.html).toMatch(/<a href="https?:\/\/[^"]+\/u\/[\w-]+\.[\w-]+"[^>]*>Unsubscribe<\/a>/);
    // The text part: derived from the HTML, the person's name as written, the same tracked links.
    expect(mail.text).toContain(`Hello Zoë <O'Brien> & Co,`);
    expect(mail.text).toMatch(new RegExp(`book now \\(https?://\\S+/t/c/${token}\\.0\\)`));
    expect(mail.text).toMatch(new RegExp(`https?://\\S+/t/c/${token}\\.1`));
    expect(mail.text).toMatch(/\n\nUnsubscribe: https?:\/\/\S+\/u\/[\w-]+\.[\w-]+$/);

    const [r] = await recipients(ctx.ws, ctx.broadcastId);
    // The timeline keeps the message as written: no tracked links, no unsubscribe token for the team to click.
    const msgs = await call('GET', `/api/conversations/${r.conversationId}/messages`, { token: ctx.ws.token });
    const m = msgs.body.items.find((x: any) => x.id === r.messageId);
    expect(m.text).toContain('book now (https://hotel.example/winter?src=mail&n=1)');
    expect(m.text).not.toMatch(/\/t\/c\/|\/u\//);
  });

  it('carries List-Unsubscribe (https one-click and mailto) and List-Unsubscribe-Post, the token signed for this contact', async () => {
    const { mail, address, ws, contact, broadcastId } = ctx;
    expect(header(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
    const list = header(mail, 'list-unsubscribe')!;
    const m = /^<(https?:\/\/[^>]+\/u\/([\w-]+\.[\w-]+))>, <mailto:([^?>]+)\?subject=unsubscribe%20([\w.-]+)>$/.exec(list);
    expect(m, list).not.toBeNull();
    expect(m![3]).toBe(address);
    expect(m![4]).toBe(m![2]);
    expect(await verifyUnsubscribeToken(env.JWT_SECRET, m![2])).toEqual({ workspaceId: ws.workspaceId, contactId: contact.id, channel: 'email', broadcastId });
    // The unsubscribe link in the body is the header's.
    expect(mail.text).toContain(m![1]);
  });

  it('one-click POST unsubscribes without login or confirmation, again idempotently; forged and foreign tokens are refused', async () => {
    const { ws, contact, broadcastId } = ctx;
    const token = /\/u\/([\w-]+\.[\w-]+)/.exec(header(ctx.mail, 'list-unsubscribe')!)![1];

    // The page a person (or a link scanner) opens changes nothing.
    const page = await fetchRaw(`/u/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">Unsubscribe</button>');
    expect((await call('GET', `/api/contacts/${contact.id}`, { token: ws.token })).body.subscriptions.email.status).not.toBe('unsubscribed');

    // Forged: another contact's id under this token's MAC, a MAC changed, a token of another workspace
    // (validly signed, naming this workspace's contact).
    const [payload, mac] = token.split('.');
    const other = await mailContact(ws);
    const swapped = (await unsubscribeToken(env.JWT_SECRET, { workspaceId: ws.workspaceId, contactId: other.id, channel: 'email', broadcastId })).split('.')[0];
    const foreignWs = await newWorkspace();
    const foreign = await unsubscribeToken(env.JWT_SECRET, { workspaceId: foreignWs.workspaceId, contactId: contact.id, channel: 'email', broadcastId });
    for (const bad of [`${swapped}.${mac}`, `${payload}.${mac.slice(0, -1)}${mac.endsWith('A') ? 'B' : 'A'}`, foreign, 'not-a-token']) {
      const res = await fetchRaw(`/u/${bad}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
      expect(res.status, bad).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect((await fetchRaw(`/u/${bad}`)).status).toBe(404);
    }
    for (const id of [contact.id, other.id]) expect((await call('GET', `/api/contacts/${id}`, { token: ws.token })).body.subscriptions.email.status).not.toBe('unsubscribed');

    // RFC 8058: the client POSTs List-Unsubscribe=One-Click, no cookie, no redirect followed.
    const post = await fetchRaw(`/u/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(post.status).toBe(200);
    expect(await post.text()).toContain('You will not receive marketing e-mails from us any more.');
    const first = (await call('GET', `/api/contacts/${contact.id}`, { token: ws.token })).body.subscriptions.email;
    expect(first).toMatchObject({ status: 'unsubscribed', source: 'email_unsubscribe', changedAt: expect.any(Number) });
    expect((await broadcast(ws, broadcastId)).stats.unsubscribed).toBe(1);

    const again = await fetchRaw(`/u/${token}`, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(again.status).toBe(200);
    expect((await call('GET', `/api/contacts/${contact.id}`, { token: ws.token })).body.subscriptions.email).toEqual(first);
    expect((await recipients(ws, broadcastId))[0].unsubscribedAt).toBeLessThanOrEqual(Date.now());
    expect((await broadcast(ws, broadcastId)).stats.unsubscribed).toBe(1);

    // An agent may not subscribe them again: the opt-out is the customer's.
    expectProblem(await call('PATCH', `/api/contacts/${contact.id}`, { token: ws.token, body: { subscriptions: { email: 'subscribed' } } }), 409, 'subscriptions.email');
  });

  it('the next broadcast skips the unsubscribed contact and sends to the rest', async () => {
    const { ws, inboxId, templateId, contact } = ctx;
    const fresh = await mailContact(ws);
    const next = await draft(ws, inboxId, templateId);
    await sendAndComplete(ws, next.id);
    await settled(ws, next.id, 2); // the other contact made in the test above, and `fresh`
    const rows = await recipients(ws, next.id);
    expect(rows.find((r) => r.contactId === contact.id)).toMatchObject({ status: 'skipped', reason: 'unsubscribed' });
    expect(await mailsTo(ws.workspaceId, contact.email)).toHaveLength(1); // only the first broadcast's
    expect(await mailsTo(ws.workspaceId, fresh.email)).toHaveLength(1);

    // Unsubscribing ends marketing mail, not the conversation: the team's reply still reaches them.
    const [first] = await recipients(ws, ctx.broadcastId);
    const reply = await call('POST', `/api/conversations/${first.conversationId}/messages`, { token: ws.token, body: { text: 'Your booking is confirmed.' } });
    expect(reply.status, JSON.stringify(reply.body)).toBe(201);
    const mails = await eventually(async () => {
      const all = await mailsTo(ws.workspaceId, contact.email);
      return all.length === 2 ? all : null;
    });
    expect(mails.map((m) => m.mail.text)).toContain('Your booking is confirmed.');
  });

  it('a mail to the mailto: address with the token as subject unsubscribes; only for the inbox of its workspace', async () => {
    const { ws, address, broadcastId } = ctx;
    const someone = await mailContact(ws);
    const token = await unsubscribeToken(env.JWT_SECRET, { workspaceId: ws.workspaceId, contactId: someone.id, channel: 'email', broadcastId });
    const mail = (to: string) => [`From: <${someone.email}>`, `To: <${to}>`, `Subject: unsubscribe ${token}`, `Message-ID: <${unique()}@example.com>`, 'Content-Type: text/plain; charset=utf-8', '', 'unsubscribe', ''].join('\r\n');

    // Sent to another workspace's mailbox: an ordinary mail there, nobody unsubscribed.
    const elsewhere = await newWorkspace();
    const otherAddress = `desk-${unique()}@inn.test`;
    await createInbox(elsewhere, 'email', { address: otherAddress });
    const wrong = await call('POST', `/api/dev/email?to=${encodeURIComponent(otherAddress)}&from=${encodeURIComponent(someone.email)}`, { body: mail(otherAddress), headers: { 'content-type': 'message/rfc822' } });
    expect(wrong.body).toMatchObject({ queued: true });
    expect((await call('GET', `/api/contacts/${someone.id}`, { token: ws.token })).body.subscriptions.email.status).not.toBe('unsubscribed');

    const res = await call('POST', `/api/dev/email?to=${encodeURIComponent(address)}&from=${encodeURIComponent(someone.email)}`, { body: mail(address), headers: { 'content-type': 'message/rfc822' } });
    expect(res.status).toBe(202);
    expect(res.body).toEqual({ queued: false, unsubscribed: true });
    expect((await call('GET', `/api/contacts/${someone.id}`, { token: ws.token })).body.subscriptions.email).toMatchObject({ status: 'unsubscribed', source: 'email_unsubscribe' });
  });
});

describe('opens and clicks', () => {
  it('count once per recipient; proxy prefetches right after delivery are machine opens, kept apart', async () => {
    const { ws, inbox, templateId } = await emailSetup();
    const contact = await mailContact(ws);
    const b = await draft(ws, inbox.id, templateId);
    await sendAndComplete(ws, b.id);
    const { mail } = await sentTo(ws, b.id, contact);
    const pixel = new URL(/<img src="([^"]+)"/.exec(mail.html!)![1]).pathname;
    const link = new URL(/href="([^"]+\/t\/c\/[\w-]+\.0)"/.exec(mail.html!)![1]).pathname;
    const [sent] = await recipients(ws, b.id);
    expect(sent.sentAt).toEqual(expect.any(Number));

    // Apple Mail Privacy Protection (the bare "Mozilla/5.0") and Google's image proxy, seconds after sending.
    for (const ua of ['Mozilla/5.0', 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)']) {
      const res = await fetchRaw(pixel, { headers: { 'user-agent': ua } });
      expect(res.headers.get('content-type')).toBe('image/gif');
    }
    expect((await broadcast(ws, b.id)).stats).toMatchObject({ opened: 0, machineOpened: 1 });

    // Later: a person's mail client (twice), and Gmail's proxy fetching as the reader opens it.
    await env.DB.prepare(`UPDATE broadcast_recipients SET sent_at = sent_at - ? WHERE broadcast_id = ?`).bind(MACHINE_OPEN_MS + 5_000, b.id).run();
    const iphone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148';
    await fetchRaw(pixel, { headers: { 'user-agent': iphone } });
    await fetchRaw(pixel, { headers: { 'user-agent': iphone } });
    await fetchRaw(pixel, { headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)' } });
    // Clicks: two by the reader (counted once as a recipient who clicked), one by a link scanner.
    for (const ua of [iphone, iphone, 'Proofpoint URL Defense scanner']) {
      const res = await fetchRaw(link, { headers: { 'user-agent': ua } });
      expect(res.status).toBe(302);
      expect(res.headers.get('location')).toBe('https://hotel.example/winter?src=mail&n=1');
    }
    const [r] = await recipients(ws, b.id);
    expect(r).toMatchObject({ opens: 3, machineOpens: 2, openedAt: expect.any(Number), machineOpenedAt: expect.any(Number), clicks: 2, machineClicks: 1 });
    expect((await broadcast(ws, b.id)).stats).toMatchObject({ opened: 1, machineOpened: 1, clicked: 1 });
    // An unknown token still gets a pixel, and counts nothing anywhere.
    expect((await fetchRaw('/t/o/unknown-token-0000')).headers.get('content-type')).toBe('image/gif');
  });

  it('the rule: a known proxy (user agent or Apple network) within the prefetch window; scanners and HEAD always', () => {
    const at = 1_000_000;
    const hit = (userAgent: string | null, asn: number | null, after: number, method = 'GET') => isMachineOpen({ method, userAgent, asn, now: at + after }, at);
    expect(hit('Mozilla/5.0', null, 3_000)).toBe(true);
    expect(hit('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)', 714, 2_000)).toBe(true);
    expect(hit('Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)', 13335, 2_000)).toBe(false);
    expect(hit('YahooMailProxy; https://help.yahoo.com/kb/yahoo-mail-proxy-SLN28749.html', null, 1_000)).toBe(true);
    expect(hit('Mozilla/5.0', null, MACHINE_OPEN_MS + 1)).toBe(false);
    expect(hit('Mozilla/5.0 (iPhone)', null, MACHINE_OPEN_MS + 1, 'HEAD')).toBe(true);
    expect(hit('Barracuda Sentinel (EE)', null, 3_600_000)).toBe(true);
    expect(isMachineOpen({ method: 'GET', userAgent: 'Mozilla/5.0', asn: null, now: at }, null)).toBe(true);
  });

  it('without tracking: links as written, no pixel, the unsubscribe link and headers still there; a text-only template gets an HTML part', async () => {
    const { ws, inbox, templateId } = await emailSetup({ html: null, body: 'Hello {{contact.first_name}} & friends,\n\nsee https://hotel.example/winter?a=1&b=2' });
    const contact = await mailContact(ws, 'Ana <Lima>');
    const b = await draft(ws, inbox.id, templateId, { tracking: false });
    expect(b).toMatchObject({ tracking: false });
    await sendAndComplete(ws, b.id);
    const { mail } = await sentTo(ws, b.id, contact);
    expect(mail.html).toContain('<p>Hello Ana &amp; friends,</p>');
    expect(mail.html).toContain('<a href="https://hotel.example/winter?a=1&amp;b=2">https://hotel.example/winter?a=1&amp;b=2</a>');
    expect(mail.html).not.toMatch(/\/t\/[oc]\//);
    expect(mail.text).toMatch(/^Hello Ana & friends,\n\nsee https:\/\/hotel\.example\/winter\?a=1&b=2\n\nUnsubscribe: \S+\/u\/[\w-]+\.[\w-]+$/);
    expect(header(mail, 'list-unsubscribe-post')).toBe('List-Unsubscribe=One-Click');
  });

  it('the preview shows the mail as it goes out, with a placeholder in place of a working unsubscribe link', async () => {
    const { ws, inbox, templateId } = await emailSetup();
    await mailContact(ws, 'Ana Lima');
    const b = await draft(ws, inbox.id, templateId);
    const res = await call('POST', `/api/broadcasts/${b.id}/preview`, { token: ws.token, body: {} });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    const [s] = res.body.sample;
    expect(s.message).toMatchObject({ subject: 'Winter at the harbour, Ana', fromName: 'Harbour Hotel', headers: { 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' } });
    expect(s.message.html).toMatch(/\/t\/o\/[\w-]+/);
    expect(s.message.text).toMatch(/Unsubscribe: \S+\/u\/preview$/);
  });
});

describe('per-inbox send rate', () => {
  it('is a bounded inbox setting the pacing reads; e-mail defaults to 10/s (2/s through Resend)', async () => {
    const ws = await newWorkspace();
    const mail = await createInbox(ws, 'email', { address: `news-${unique()}@hotel.test` });
    const patch = (id: string, settings: unknown) => call('PATCH', `/api/inboxes/${id}`, { token: ws.token, body: { settings } });
    expectProblem(await patch(mail.id, { broadcastRate: 0 }), 400, 'settings.broadcastRate');
    expectProblem(await patch(mail.id, { broadcastRate: 2.5 }), 400, 'settings.broadcastRate');
    expectProblem(await patch(mail.id, { broadcastRate: 'fast' }), 400, 'settings.broadcastRate');
    // Within the general bound but above e-mail's.
    expectProblem(await patch(mail.id, { broadcastRate: 800 }), 400, 'settings.broadcastRate');

    const t = await call('POST', '/api/templates', { token: ws.token, body: { name: unique('news'), channel: 'email', category: 'marketing', language: 'en', subject: 'News', body: 'Hello' } });
    const b = await draft(ws, mail.id, t.body.id);
    expect(await broadcastRate(env, b.id)).toEqual({ key: mail.id, rate: 10 });
    const set = await patch(mail.id, { broadcastRate: 25 });
    expect(set.status, JSON.stringify(set.body)).toBe(200);
    expect(set.body.settings.broadcastRate).toBe(25);
    expect(await broadcastRate(env, b.id)).toEqual({ key: mail.id, rate: 25 });
    expect((await patch(mail.id, { broadcastRate: null })).status).toBe(200);
    expect(await broadcastRate(env, b.id)).toEqual({ key: mail.id, rate: 10 });

    const resend = await createInbox(ws, 'email', { address: `promo-${unique()}@hotel.test`, provider: 'resend', apiKey: 're_test' });
    const viaResend = await draft(ws, resend.id, t.body.id);
    expect(await broadcastRate(env, viaResend.id)).toEqual({ key: resend.id, rate: 2 });

    const wa = await call('POST', '/api/inboxes', { token: ws.token, body: { channel: 'whatsapp', name: 'WA', config: {}, settings: { broadcastRate: 1000 } } });
    expect(wa.status, JSON.stringify(wa.body)).toBe(201);
    expectProblem(await call('POST', '/api/inboxes', { token: ws.token, body: { channel: 'sms', name: 'SMS', config: {}, settings: { broadcastRate: 200 } } }), 400, 'settings.broadcastRate');
    expect([ratePerSecond('whatsapp'), ratePerSecond('sms'), ratePerSecond('email'), ratePerSecond('sms', 100), ratePerSecond('sms', 101)]).toEqual([80, 10, 10, 100, 10]);
  });
});

// Tracked links, the open pixel and one-click unsubscribe, on a broadcast really sent (the link and
// token are read from what the sandbox transport recorded, as the customer's phone would show them).
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { recordClick } from '../../worker/broadcasts/tracking';
import { unsubscribeToken } from '../../worker/broadcasts/unsubscribe-token';
import { rewriteLinks } from '../../worker/broadcasts/links';
import { advance, scheduleInstant, skipReason } from '../../worker/broadcasts/model';
import { call } from '../helpers';
import { broadcast, draft, fetchRaw, recipients, sendAndComplete, settled, smsContact, smsSetup, smsTo } from './setup';

describe('pure rules', () => {
  it('rewrites each distinct link once, keeping trailing punctuation out', () => {
    const r = rewriteLinks('See https://a.example/x?y=1. Or https://b.example, or https://a.example/x?y=1!', 'https://inbox.example', 'TOK');
    expect(r.links).toEqual(['https://a.example/x?y=1', 'https://b.example']);
    expect(r.text).toBe('See https://inbox.example/t/c/TOK.0. Or https://inbox.example/t/c/TOK.1, or https://inbox.example/t/c/TOK.0!');
  });
  it('skip reasons, forward-only statuses, wall-clock schedules', () => {
    expect(skipReason({ blocked: 1, subscriptions: '{}', hasIdentity: 1 }, 'sms')).toBe('blocked');
    expect(skipReason({ blocked: 0, subscriptions: '{"sms":{"status":"unsubscribed"}}', hasIdentity: 1 }, 'sms')).toBe('sms_opt_out');
    expect(skipReason({ blocked: 0, subscriptions: '{"email":"unsubscribed"}', hasIdentity: 1 }, 'email')).toBe('unsubscribed');
    expect(skipReason({ blocked: 0, subscriptions: '{}', hasIdentity: 0 }, 'whatsapp')).toBe('no_identity');
    expect(skipReason({ blocked: 0, subscriptions: '{"email":"unsubscribed"}', hasIdentity: 1 }, 'sms')).toBeNull();
    expect(advance('delivered', 'sent')).toBeNull();
    expect(advance('queued', 'delivered')).toBe('delivered');
    expect(advance('read', 'failed')).toBeNull();
    expect(advance('sent', 'failed')).toBe('failed');
    expect(scheduleInstant('2099-01-15T09:00', 'Europe/Madrid')).toBe(Date.UTC(2099, 0, 15, 8, 0));
    expect(scheduleInstant('2099-01-15T09:00:00Z', 'Europe/Madrid')).toBe(Date.UTC(2099, 0, 15, 9, 0));
    expect(scheduleInstant('soon', 'UTC')).toBeNull();
  });
});

describe('tracking a sent broadcast', () => {
  let ctx: { ws: any; broadcastId: string; contactId: string; link: string; token: string };
  beforeAll(async () => {
    const { ws, inbox, templateId } = await smsSetup();
    const c = await smsContact(ws);
    const b = await draft(ws, inbox.id, templateId);
    await sendAndComplete(ws, b.id);
    await settled(ws, b.id, 1);
    const [sms] = await smsTo(ws.workspaceId, c.number);
    const link = /https?:\/\/\S+\/t\/c\/([\w-]+)\.0/.exec(sms.Body)!;
    ctx = { ws, broadcastId: b.id, contactId: c.id, link: new URL(link[0]).pathname, token: link[1] };
  });

  it('a click redirects to the target and counts; HEAD and a hit within a second of delivery are machine clicks', async () => {
    const { ws, broadcastId, link, token } = ctx;
    const head = await fetchRaw(link, { method: 'HEAD' });
    expect(head.status).toBe(302);
    // A scanner fetching the link right as the message is delivered.
    const [r] = await recipients(ws, broadcastId);
    expect(await recordClick(env, `${token}.0`, { method: 'GET', userAgent: 'Mozilla/5.0', now: r.sentAt + 400 })).toEqual({ url: 'https://shop.example/spring?src=sms', machine: true });
    expect((await broadcast(ws, broadcastId)).stats.clicked).toBe(0);

    await env.DB.prepare(`UPDATE broadcast_recipients SET sent_at = sent_at - 5000 WHERE broadcast_id = ?`).bind(broadcastId).run();
    const res = await fetchRaw(link, { headers: { 'user-agent': 'Mozilla/5.0 (iPhone)' } });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('https://shop.example/spring?src=sms');
    const [after] = await recipients(ws, broadcastId);
    expect(after).toMatchObject({ clicks: 1, machineClicks: 2, clickedAt: expect.any(Number) });
    expect((await broadcast(ws, broadcastId)).stats.clicked).toBe(1);

    expect((await fetchRaw(`/t/c/${token}.7`)).status).toBe(404);
    expect((await fetchRaw('/t/c/not-a-token.0')).status).toBe(404);
  });

  it('the open pixel is a GIF and records the first open', async () => {
    const res = await fetchRaw(`/t/o/${ctx.token}`);
    expect(res.headers.get('content-type')).toBe('image/gif');
    expect((await res.arrayBuffer()).byteLength).toBeGreaterThan(20);
    expect((await broadcast(ctx.ws, ctx.broadcastId)).stats.opened).toBe(1);
  });

  it('unsubscribe: GET shows a button and changes nothing; POST (RFC 8058 one-click) unsubscribes the contact on the channel', async () => {
    // The link is signed for a contact and channel (e-mail broadcasts carry it; test/broadcasts/email.test.ts).
    const token = await unsubscribeToken(env.JWT_SECRET, { workspaceId: ctx.ws.workspaceId, contactId: ctx.contactId, channel: 'sms', broadcastId: ctx.broadcastId });
    // The recipient's tracking token is no unsubscribe link.
    expect((await fetchRaw(`/u/${ctx.token}`, { method: 'POST' })).status).toBe(404);
    const page = await fetchRaw(`/u/${token}`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<button type="submit">Unsubscribe</button></form>');
    expect((await call('GET', `/api/contacts/${ctx.contactId}`, { token: ctx.ws.token })).body.subscriptions.sms.status).not.toBe('unsubscribed');

    const post = await fetchRaw(`/u/${token}`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'List-Unsubscribe=One-Click' });
    expect(post.status).toBe(200);
    const contact = await call('GET', `/api/contacts/${ctx.contactId}`, { token: ctx.ws.token });
    expect(contact.body.subscriptions.sms).toMatchObject({ status: 'unsubscribed', source: 'broadcast_unsubscribe' });
    expect((await broadcast(ctx.ws, ctx.broadcastId)).stats.unsubscribed).toBe(1);
    expect((await fetchRaw('/u/unknown-token-xyz', { method: 'POST' })).status).toBe(404);
  });
});

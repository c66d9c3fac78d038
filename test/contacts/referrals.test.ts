// Where customers came from: Meta ad referrals (WhatsApp Cloud API, Messenger) through the real
// parsers and ingestion, and campaign/outside visits reported by the widget's session.
import { describe, expect, it } from 'vitest';
import waText from '../fixtures/providers/whatsapp_cloud_text_message.json';
import { pageReferral } from '../../worker/channels/referral';
import { call, eventually, newWorkspace, unique, webchatInbox } from '../helpers';
import { contactByIdentity, createInbox, post, sign, threadOf } from '../channels/helpers';

const APP_SECRET = 'made-up-app-secret-for-fixtures';

describe('page referrals (pure)', () => {
  it('keeps campaign and outside visits, without the rest of the query string', () => {
    const r = pageReferral('ct_1', { url: 'https://shop.example/spring?utm_source=google&utm_medium=cpc&utm_campaign=spring-sale&email=ana@example.com&gclid=abc', referrer: 'https://www.google.com/' });
    expect(r).toEqual({
      kind: 'referral',
      reference: 'ct_1',
      data: { source: 'ad', url: 'https://shop.example/spring', referrer: 'https://www.google.com/', utm: { source: 'google', medium: 'cpc', campaign: 'spring-sale' }, clickId: 'gclid' },
    });
    expect(JSON.stringify(r)).not.toContain('ana@example.com');
    expect(pageReferral('ct_1', { url: 'https://shop.example/a', referrer: 'https://blog.example/post?id=1' })?.data).toMatchObject({ source: 'website', referrer: 'https://blog.example/post', utm: null });
    expect(pageReferral('ct_1', { url: 'https://shop.example/a?utm_campaign=newsletter', referrer: '' })?.data).toMatchObject({ source: 'campaign', utm: { campaign: 'newsletter' } });
  });

  it('ignores browsing within the site, plain visits and non-web URLs', () => {
    expect(pageReferral('ct_1', { url: 'https://shop.example/b', referrer: 'https://shop.example/a' })).toBeNull();
    expect(pageReferral('ct_1', { url: 'https://shop.example/b', referrer: '' })).toBeNull();
    expect(pageReferral('ct_1', { url: 'javascript:alert(1)?utm_source=x', referrer: '' })).toBeNull();
    expect(pageReferral('ct_1', { url: 'not a url', referrer: 'https://other.example' })).toBeNull();
  });
});

async function contexts(token: string, contactId: string) {
  return (await call('GET', `/api/contacts/${contactId}/context`, { token })).body.items as { kind: string; channel: string; data: Record<string, unknown> }[];
}

describe('ad referrals from Meta', () => {
  it('a Click-to-WhatsApp ad the customer answered is kept on the contact', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'whatsapp', { phoneNumberId: '106540352242922', accessToken: 'EAAtest', appSecret: APP_SECRET, verifyToken: 'verify-me' });
    const body = structuredClone(waText.body) as any;
    const m = body.entry[0].changes[0].value.messages[0];
    const from = `1777${Math.floor(Math.random() * 1e7)}`;
    body.entry[0].changes[0].value.contacts[0].wa_id = from;
    m.from = from;
    m.id = `wamid.${unique()}`;
    // The referral object as the Cloud API documents it for messages from Click-to-WhatsApp ads.
    m.referral = { source_url: 'https://fb.me/2ZulEu42P', source_id: '120212345678900', source_type: 'ad', headline: 'Spring stays: 20% off', body: 'Book three nights, pay two', media_type: 'image', image_url: 'https://scontent.example/ad.jpg', ctwa_clid: 'ARAkLkA8rmlFeiCktEJQ-QTwRiyYHAFDLMNDBH0CD3qpjd0HR4irJ6LEkR7JwFF4XvnO2E4Nx0-eM-GABDLOPaOdRMv-_zfUQ2a' };
    const raw = JSON.stringify(body);
    expect((await post('whatsapp', inbox.id, raw, { 'content-type': 'application/json', 'x-hub-signature-256': await sign.hub(APP_SECRET, raw) })).status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'whatsapp', from);
    const items = await eventually(async () => {
      const list = await contexts(ws.token, thread.contact.id);
      return list.length ? list : null;
    });
    expect(items).toEqual([expect.objectContaining({ kind: 'referral', channel: 'whatsapp', data: expect.objectContaining({ source: 'ad', adId: '120212345678900', headline: 'Spring stays: 20% off', url: 'https://fb.me/2ZulEu42P' }) })]);
  });

  it('a Messenger thread opened from an ad is remembered without starting a conversation', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'messenger', { pageId: '1', pageAccessToken: 'EAAtest', appSecret: APP_SECRET, verifyToken: 'verify-me' });
    const sender = `psid${unique()}`;
    const raw = JSON.stringify({
      object: 'page',
      entry: [{ id: '1', time: Date.now(), messaging: [{ sender: { id: sender }, recipient: { id: '1' }, timestamp: Date.now(), referral: { ref: 'spring', ad_id: '6045246247433', source: 'ADS', type: 'OPEN_THREAD', ads_context_data: { ad_title: 'Spring stays', photo_url: 'https://scontent.example/p.jpg', post_id: '1_2' } } }] }],
    });
    expect((await post('messenger', inbox.id, raw, { 'content-type': 'application/json', 'x-hub-signature-256': await sign.hub(APP_SECRET, raw) })).status).toBe(200);
    const contact = await eventually(() => contactByIdentity(ws.workspaceId, 'messenger', sender));
    const items = await eventually(async () => {
      const list = await contexts(ws.token, contact!.id);
      return list.length ? list : null;
    });
    expect(items[0]).toMatchObject({ kind: 'referral', channel: 'messenger', data: { source: 'ad', adId: '6045246247433', headline: 'Spring stays', ref: 'spring' } });
    const convs = await call('GET', `/api/conversations?contactId=${contact!.id}&status=all`, { token: ws.token });
    expect(convs.body.items ?? []).toEqual([]);
  });
});

describe('widget referrals', () => {
  it('a visitor arriving from a campaign is remembered once (the first touch); reloads, other campaigns and browsing add nothing', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const page = { url: 'https://stay.example/offers?utm_source=newsletter&utm_campaign=december', referrer: 'https://mail.example/inbox' };
    const first = await call('POST', '/widget/api/session', { body: { websiteToken: inbox.websiteToken, page }, headers: { 'cf-connecting-ip': `10.9.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` } });
    expect(first.status).toBe(200);
    // The same landing again (a reload), then a page within the site.
    await call('POST', '/widget/api/session', { body: { websiteToken: inbox.websiteToken, visitorToken: first.body.visitorToken, page } });
    await call('POST', '/widget/api/session', { body: { websiteToken: inbox.websiteToken, visitorToken: first.body.visitorToken, page: { url: 'https://stay.example/rooms', referrer: 'https://stay.example/offers' } } });
    for (let i = 0; i < 3; i++) {
      await call('POST', '/widget/api/session', { body: { websiteToken: inbox.websiteToken, visitorToken: first.body.visitorToken, page: { url: `https://stay.example/?utm_campaign=made-up-${i}`, referrer: `https://spam${i}.example/` } } });
    }
    const items = await contexts(ws.token, first.body.contactId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ kind: 'referral', channel: 'webchat', data: { source: 'campaign', url: 'https://stay.example/offers', referrer: 'https://mail.example/inbox', utm: { source: 'newsletter', campaign: 'december' } } });
  });

  it('a page that is not a URL is refused by name, never a 500', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const res = await call('POST', '/widget/api/session', { body: { websiteToken: inbox.websiteToken, page: { url: 42 } } });
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body)).toContain('page');
  });
});

// Web Push: browsers' subscriptions (scoped to their owner), the VAPID key, and delivery to a fake push
// service that checks what a real one checks: the aes128gcm payload decrypts with the subscription's own
// private key (RFC 8291), and the VAPID JWT verifies against the key it names (RFC 8292).
import { env, SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { sendNotification } from '../../worker/notifications/send';
import { deliverWebPush, type WebPushJob } from '../../worker/notifications/webpush';
import { addUser, BASE, call, newWorkspace, unique, visitor, visitorSays, webchatInbox } from '../helpers';

const b64u = (b: ArrayBuffer | Uint8Array) => btoa(String.fromCharCode(...new Uint8Array(b))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
const unb64u = (s: string) => Uint8Array.from(atob(s.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
const enc = new TextEncoder();

/** What a browser does on PushManager.subscribe(): a P-256 key pair and a 16-byte auth secret of its own. */
async function browserKeys() {
  const pair = (await crypto.subtle.generateKey({ name: 'ECDH', namedCurve: 'P-256' }, true, ['deriveBits'])) as CryptoKeyPair;
  const pub = new Uint8Array((await crypto.subtle.exportKey('raw', pair.publicKey)) as ArrayBuffer);
  const auth = crypto.getRandomValues(new Uint8Array(16));
  return { privateKey: pair.privateKey, pub, auth, json: { p256dh: b64u(pub), auth: b64u(auth) } };
}

async function hkdf(salt: Uint8Array<ArrayBuffer>, ikm: Uint8Array<ArrayBuffer>, info: Uint8Array<ArrayBuffer>, bytes: number) {
  const key = await crypto.subtle.importKey('raw', ikm, 'HKDF', false, ['deriveBits']);
  return new Uint8Array(await crypto.subtle.deriveBits({ name: 'HKDF', hash: 'SHA-256', salt, info }, key, bytes * 8));
}

/** RFC 8291 §3.4 and RFC 8188 §2, the receiving side: one record, padding delimiter 0x02. */
async function decrypt(body: Uint8Array, keys: Awaited<ReturnType<typeof browserKeys>>): Promise<string> {
  const salt = body.slice(0, 16);
  const idlen = body[20];
  const asPublic = body.slice(21, 21 + idlen);
  const ciphertext = body.slice(21 + idlen);
  const asKey = await crypto.subtle.importKey('raw', asPublic, { name: 'ECDH', namedCurve: 'P-256' }, false, []);
  const ecdh = new Uint8Array(await crypto.subtle.deriveBits({ name: 'ECDH', public: asKey }, keys.privateKey, 256));
  const keyInfo = new Uint8Array([...enc.encode('WebPush: info\0'), ...keys.pub, ...asPublic]);
  const ikm = await hkdf(keys.auth, ecdh, keyInfo, 32);
  const cek = await hkdf(salt, ikm, enc.encode('Content-Encoding: aes128gcm\0'), 16);
  const nonce = await hkdf(salt, ikm, enc.encode('Content-Encoding: nonce\0'), 12);
  const aes = await crypto.subtle.importKey('raw', cek, 'AES-GCM', false, ['decrypt']);
  const padded = new Uint8Array(await crypto.subtle.decrypt({ name: 'AES-GCM', iv: nonce }, aes, ciphertext));
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  expect(padded[end]).toBe(2);
  return new TextDecoder().decode(padded.slice(0, end));
}

/** RFC 8292: `vapid t=<ES256 JWT>, k=<the key that signed it>`, aud = the push service's origin. */
async function checkVapid(authorization: string, endpoint: string) {
  const m = /^vapid t=([^,\s]+),\s*k=([A-Za-z0-9_-]+)$/.exec(authorization);
  expect(m, authorization).not.toBeNull();
  const [, jwt, k] = m!;
  expect(k).toBe(env.VAPID_PUBLIC_KEY);
  const [h, p, s] = jwt.split('.');
  const raw = unb64u(k);
  const key = await crypto.subtle.importKey('jwk', { kty: 'EC', crv: 'P-256', x: b64u(raw.slice(1, 33)), y: b64u(raw.slice(33, 65)) }, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  expect(await crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, unb64u(s), enc.encode(`${h}.${p}`))).toBe(true);
  const claims = JSON.parse(new TextDecoder().decode(unb64u(p)));
  expect(claims.aud).toBe(new URL(endpoint).origin);
  expect(claims.exp).toBeGreaterThan(Date.now() / 1000);
  expect(claims.sub).toBe(env.VAPID_SUBJECT);
}

/** A push service at the network edge: records what it received and answers with `status`. */
function fakePushService(status: (url: string) => number) {
  const received: { url: string; headers: Headers; body: Uint8Array }[] = [];
  const fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const req = new Request(input, init);
    received.push({ url: req.url, headers: req.headers, body: new Uint8Array(await req.arrayBuffer()) });
    return new Response(null, { status: status(req.url) });
  }) as typeof globalThis.fetch;
  return { fetch, received };
}

const endpoint = () => `https://push.example.com/wpush/${unique('e')}`;

describe('push subscriptions API', () => {
  it('stores, upserts, lists and deletes only the caller’s own subscriptions', async () => {
    const ws = await newWorkspace();
    const other = await addUser(ws, 'personal');
    const keys = await browserKeys();
    const ep = endpoint();
    const created = await call('POST', '/api/me/push-subscriptions', { token: other.token, body: { endpoint: ep, expirationTime: null, keys: keys.json } });
    expect(created.status).toBe(201);
    const again = await call('POST', '/api/me/push-subscriptions', { token: other.token, body: { endpoint: ep, keys: (await browserKeys()).json } });
    expect(again.status).toBe(200);
    expect(again.body.item.id).toBe(created.body.item.id);
    const mine = await call('GET', '/api/me/push-subscriptions', { token: other.token });
    expect(mine.body.items.map((i: { endpoint: string }) => i.endpoint)).toEqual([ep]);
    expect(JSON.stringify(mine.body)).not.toContain(keys.json.auth);
    // Not the manager's, not among mobile tokens, and the manager cannot remove it.
    expect((await call('GET', '/api/me/push-subscriptions', { token: ws.token })).body.items).toEqual([]);
    expect((await call('GET', '/api/me/push-tokens', { token: other.token })).body.items).toEqual([]);
    expect((await call('DELETE', `/api/me/push-subscriptions/${created.body.item.id}`, { token: ws.token })).status).toBe(404);
    expect((await call('DELETE', `/api/me/push-subscriptions/${created.body.item.id}`, { token: other.token })).status).toBe(204);
    expect((await call('GET', '/api/me/push-subscriptions', { token: other.token })).body.items).toEqual([]);
  });

  it('refuses plain http endpoints and malformed keys, naming the field', async () => {
    const ws = await newWorkspace();
    const keys = await browserKeys();
    const http = await call('POST', '/api/me/push-subscriptions', { token: ws.token, body: { endpoint: 'http://push.example.com/x', keys: keys.json } });
    expect(http.status).toBe(400);
    expect(http.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(http.body)).toContain('endpoint');
    const bad = await call('POST', '/api/me/push-subscriptions', { token: ws.token, body: { endpoint: endpoint(), keys: { p256dh: keys.json.auth, auth: keys.json.auth } } });
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toContain('p256dh');
    expect((await call('GET', '/api/push/vapid-public-key', {})).status).toBe(401);
    expect((await call('GET', '/api/push/vapid-public-key', { token: ws.token })).body.publicKey).toBe(env.VAPID_PUBLIC_KEY);
  });
});

describe('delivery to the push service', () => {
  it('sends each subscription an aes128gcm payload that decrypts with its key, signed with VAPID; 410 deletes the subscription', async () => {
    const ws = await newWorkspace();
    const a = await browserKeys();
    const b = await browserKeys();
    const live = endpoint();
    const gone = endpoint();
    for (const [ep, k] of [[live, a], [gone, b]] as const) expect((await call('POST', '/api/me/push-subscriptions', { token: ws.token, body: { endpoint: ep, keys: k.json } })).status).toBe(201);
    const push = fakePushService((url) => (url === gone ? 410 : 201));
    const job: WebPushJob = { workspaceId: ws.workspaceId, userId: ws.userId, kind: 'customer_replied', conversationId: 'cnv_x', title: 'Ana García replied', body: 'Where is my order?', url: '/inbox/conversations/cnv_x' };
    expect(await deliverWebPush(env, job, { fetch: push.fetch })).toEqual({ sent: 1, removed: 1, failed: 0 });
    expect(push.received.map((r) => r.url).sort()).toEqual([live, gone].sort());
    for (const r of push.received) {
      expect(r.headers.get('content-encoding')).toBe('aes128gcm');
      expect(Number(r.headers.get('ttl'))).toBeGreaterThan(0);
      await checkVapid(r.headers.get('authorization')!, r.url);
      const message = JSON.parse(await decrypt(r.body, r.url === live ? a : b));
      expect(message).toMatchObject({ title: 'Ana García replied', body: 'Where is my order?', url: '/inbox/conversations/cnv_x' });
    }
    // The wrong key cannot read it.
    await expect(decrypt(push.received.find((r) => r.url === live)!.body, b)).rejects.toThrow();
    const left = await call('GET', '/api/me/push-subscriptions', { token: ws.token });
    expect(left.body.items.map((i: { endpoint: string }) => i.endpoint)).toEqual([live]);
    // A push service in trouble is retried (the queue consumer retries the job); the subscription stays.
    const down = fakePushService(() => 503);
    expect(await deliverWebPush(env, job, { fetch: down.fetch })).toEqual({ sent: 0, removed: 0, failed: 1 });
  });

  it('the sender queues push only for people whose preferences turn it on', async () => {
    const ws = await newWorkspace();
    const agent = await addUser(ws, 'personal');
    const inbox = await webchatInbox(ws);
    const v = await visitor(inbox.websiteToken);
    const conversationId = (await visitorSays(v.visitorToken, 'hello')).conversationId;
    const news = { workspaceId: ws.workspaceId, kind: 'mention' as const, conversationId, title: 'Manager mentioned you on Visitor', body: 'look', actorId: ws.userId };
    const off = await sendNotification(env, [agent.userId], news);
    expect(off.notified).toEqual([agent.userId]);
    expect(off.pushed).toEqual([]);
    expect((await call('PUT', '/api/me/notification-preferences', { token: agent.token, body: { preferences: { mention: { push: true } } } })).status).toBe(200);
    const on = await sendNotification(env, [agent.userId], { ...news, conversationId: (await visitorSays((await visitor(inbox.websiteToken)).visitorToken, 'again')).conversationId });
    expect(on.pushed).toEqual([agent.userId]);
    // Preferences turned off again: nothing is queued.
    await call('PUT', '/api/me/notification-preferences', { token: agent.token, body: { preferences: { mention: { push: false } } } });
    const off2 = await sendNotification(env, [agent.userId], { ...news, conversationId: (await visitorSays((await visitor(inbox.websiteToken)).visitorToken, 'third')).conversationId });
    expect(off2.pushed).toEqual([]);
  });
});

describe('the installable app (from dist/: npm test builds it first)', () => {
  it('serves the service worker at the root with a same-origin worker-src, and the manifest the page links', async () => {
    const page = await SELF.fetch(`${BASE}/inbox`, { headers: { accept: 'text/html' } });
    const html = await page.text();
    expect(html).toContain('<link rel="manifest" href="/manifest.webmanifest"');
    expect(page.headers.get('content-security-policy')).toContain("worker-src 'self'");
    const sw = await SELF.fetch(`${BASE}/sw.js`);
    expect(sw.status).toBe(200);
    expect(sw.headers.get('content-type')).toMatch(/javascript/);
    const code = await sw.text();
    for (const handler of ['push', 'notificationclick', 'fetch']) expect(code).toContain(`addEventListener('${handler}'`);
    const manifest = await (await SELF.fetch(`${BASE}/manifest.webmanifest`)).json<{ start_url: string; display: string; icons: { src: string }[] }>();
    expect(manifest).toMatchObject({ start_url: '/inbox', display: 'standalone' });
    for (const icon of manifest.icons) expect((await SELF.fetch(`${BASE}${icon.src}`)).status, icon.src).toBe(200);
  });
});

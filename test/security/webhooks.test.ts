// Webhook signatures vouch for exactly what is parsed (issue 15, defects 8 and 9).
import { SELF } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { BASE, expectProblem, newWorkspace, unique } from '../helpers';
import { createInbox, post, sign } from '../channels/helpers';

const TOKEN = 'twilio-auth-token';

describe('Twilio: sign what you parse', () => {
  it('a form body under a Content-Type that merely contains "json" is still checked against its form parameters', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'sms', { accountSid: 'AC0123456789', authToken: TOKEN, phoneNumber: '+15557654321' });
    const url = `${BASE}/webhooks/sms/${inbox.id}`;
    // The URL-only signature is what any JSON-style request to this URL carries: capturing one must not
    // let anyone attach their own form parameters to it.
    const urlOnly = await sign.twilio(TOKEN, url, []);
    const forged = new URLSearchParams([['MessageSid', `SM${unique()}`], ['From', '+15550000666'], ['To', '+15557654321'], ['Body', 'forged'], ['NumMedia', '0']]).toString();
    const res = await post('sms', inbox.id, forged, { 'content-type': 'application/x-www-form-urlencoded; profile=json', 'x-twilio-signature': urlOnly });
    expect(res.status).toBe(401);
  });
});

describe('signatures are over the raw bytes', () => {
  it('two bodies that decode to the same text are not one signed body: invalid UTF-8 is refused', async () => {
    const ws = await newWorkspace();
    const secret = 'meta-app-secret';
    const inbox = await createInbox(ws, 'messenger', { pageId: '1234567890', pageAccessToken: 'PAGE-TOKEN', appSecret: secret });
    const prefix = '{"object":"page","entry":[{"id":"1234567890","time":1,"messaging":[{"sender":{"id":"66"},"recipient":{"id":"1234567890"},"timestamp":1,"message":{"mid":"m.x","text":"';
    const suffix = '"}}]}]}';
    const enc = new TextEncoder();
    // A lenient decoder reads 0xFF and 0xFE alike as U+FFFD: a signature over that text would vouch for both.
    const signedOverText = await sign.hub(secret, `${prefix}\uFFFD${suffix}`);
    const body = new Uint8Array([...enc.encode(prefix), 0xfe, ...enc.encode(suffix)]);
    const res = await SELF.fetch(`${BASE}/webhooks/messenger/${inbox.id}`, { method: 'POST', body, headers: { 'content-type': 'application/json', 'x-hub-signature-256': signedOverText } });
    expectProblem({ status: res.status, headers: res.headers, body: await res.json() }, 400, '(body)');
    // Valid UTF-8 (multi-byte included) is verified over exactly its bytes.
    const text = `${prefix}Olá 👋${suffix}`;
    const ok = await SELF.fetch(`${BASE}/webhooks/messenger/${inbox.id}`, { method: 'POST', body: enc.encode(text), headers: { 'content-type': 'application/json', 'x-hub-signature-256': await sign.hub(secret, text) } });
    expect(ok.status).toBe(200);
  });
});

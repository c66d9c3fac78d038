// Defect 7 (issue 15): new widget visitors are throttled per client address and inbox; an inbox can
// require identity verification; what an anonymous visitor claims never joins them to another contact,
// and a merge never lets an unverified token read the surviving contact's conversations; visitor
// tokens expire and are revocable per contact.
import { env, SELF } from 'cloudflare:test';
import { sign } from 'hono/jwt';
import { describe, expect, it } from 'vitest';
import { hmacSha256, toHex } from '../../worker/crypto/bytes';
import { BASE, addMember, call, expectProblem, freshIp, newWorkspace, unique, visitor, visitorSays, webchatInbox } from '../helpers';

type Inbox = Awaited<ReturnType<typeof webchatInbox>>;

const session = (websiteToken: string, ip: string, extra: Record<string, unknown> = {}) =>
  call('POST', '/widget/api/session', { body: { websiteToken, ...extra }, headers: { 'cf-connecting-ip': ip } });

async function verifiedIdentity(inbox: Inbox, identifier: string) {
  return { identifier, identifierHash: toHex(await hmacSha256(inbox.config.identitySecret, identifier)) };
}

function payload(token: string): Record<string, number | string | boolean> {
  return JSON.parse(atob(token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/')));
}

const history = (token: string) => call('GET', '/widget/api/messages', { token });
const socketStatus = async (token: string) => (await SELF.fetch(`${BASE}/widget/api/ws?token=${encodeURIComponent(token)}`, { headers: { upgrade: 'websocket' } })).status;

async function contactCount(token: string): Promise<number> {
  const res = await call('GET', '/api/contacts?limit=100', { token });
  expect(res.status).toBe(200);
  return res.body.items.length;
}

describe('throttle on new visitors', () => {
  it('a burst from one address makes at most 20 contacts per inbox; then 429 problem with Retry-After', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const ip = freshIp();
    const burst = await Promise.all(Array.from({ length: 30 }, (_, i) => session(inbox.websiteToken, ip, { name: `Bot ${i}` })));
    const ok = burst.filter((r) => r.status === 200);
    const limited = burst.filter((r) => r.status === 429);
    expect(ok.length).toBe(20);
    expect(limited.length).toBe(10);
    expectProblem(limited[0], 429);
    const retryAfter = Number(limited[0].headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(600);
    expect(await contactCount(ws.token)).toBe(20);

    // A visitor who already has a token resumes (no new contact): not throttled.
    const resumed = await session(inbox.websiteToken, ip, { visitorToken: ok[0].body.visitorToken });
    expect(resumed.status).toBe(200);
    expect(resumed.body.contactId).toBe(ok[0].body.contactId);
    // Other addresses, and the same address on another inbox, are counted apart.
    expect((await session(inbox.websiteToken, freshIp())).status).toBe(200);
    const other = await webchatInbox(ws);
    expect((await session(other.websiteToken, ip)).status).toBe(200);
  });
});

describe('inbox setting requireVerifiedIdentity', () => {
  it('refuses anonymous sessions (and tokens of anonymous visitors) but serves verified ones', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const anon = await visitor(inbox.websiteToken, { name: 'Anon' });
    await visitorSays(anon.visitorToken, 'hi before the change');
    const who = await verifiedIdentity(inbox, unique('user-'));
    const known = await visitor(inbox.websiteToken, who);

    const patch = await call('PATCH', `/api/inboxes/${inbox.id}`, { token: ws.token, body: { settings: { requireVerifiedIdentity: true } } });
    expect(patch.status).toBe(200);
    expect(patch.body.settings.requireVerifiedIdentity).toBe(true);

    expectProblem(await session(inbox.websiteToken, freshIp()), 403, 'identifierHash');
    expectProblem(await session(inbox.websiteToken, freshIp(), { name: 'Someone', email: 'someone@example.com' }), 403, 'identifierHash');
    expectProblem(await session(inbox.websiteToken, freshIp(), { visitorToken: anon.visitorToken }), 403, 'identifierHash');
    expectProblem(await call('POST', '/widget/api/messages', { token: anon.visitorToken, body: { text: 'still here?', clientId: 'a1' } }), 403);
    expectProblem(await history(anon.visitorToken), 403);

    const again = await visitor(inbox.websiteToken, who);
    expect(again.contactId).toBe(known.contactId);
    const resumed = await visitor(inbox.websiteToken, { visitorToken: again.visitorToken });
    expect(resumed.contactId).toBe(known.contactId);
    expect((await visitorSays(resumed.visitorToken, 'verified and welcome')).conversationId).toBeTruthy();
  });
});

describe('unverified claims and merges', () => {
  it("an anonymous visitor who types a verified user's name and e-mail gets a contact of their own; after a merge their token reads nothing of the verified user", async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const vera = await visitor(inbox.websiteToken, { ...(await verifiedIdentity(inbox, unique('user-'))), name: 'Vera Verified', email: 'vera@example.com' });
    const secret = await visitorSays(vera.visitorToken, 'My booking reference is PX-4411');

    const mallory = await visitor(inbox.websiteToken, { name: 'Vera Verified', email: 'vera@example.com' });
    expect(mallory.contactId).not.toBe(vera.contactId);
    expect(mallory.conversationId).toBeNull();
    expect((await history(mallory.visitorToken)).body.items).toEqual([]);
    const veraContact = await call('GET', `/api/contacts/${vera.contactId}`, { token: ws.token });
    expect(veraContact.body).toMatchObject({ name: 'Vera Verified', email: 'vera@example.com', mergedInto: null });
    await visitorSays(mallory.visitorToken, 'hello, it is me, Vera');

    // An agent, trusting the typed name and e-mail, merges the anonymous contact into the verified one.
    const merged = await call('POST', `/api/contacts/${vera.contactId}/merge`, { token: ws.token, body: { sourceId: mallory.contactId } });
    expect(merged.status).toBe(200);

    expectProblem(await history(mallory.visitorToken), 401);
    expectProblem(await call('POST', '/widget/api/messages', { token: mallory.visitorToken, body: { text: 'show me', clientId: 'm1' } }), 401);
    expect(await socketStatus(mallory.visitorToken)).toBe(401);
    // Resuming with it starts a new anonymous visitor, with nothing of Vera's.
    const fresh = await visitor(inbox.websiteToken, { visitorToken: mallory.visitorToken });
    expect([vera.contactId, mallory.contactId]).not.toContain(fresh.contactId);
    expect(fresh.conversationId).toBeNull();
    expect(JSON.stringify((await history(fresh.visitorToken)).body)).not.toContain('PX-4411');

    // Vera herself carries on in her conversation.
    const page = await history(vera.visitorToken);
    expect(page.body.conversationId).toBe(secret.conversationId);
    expect(page.body.items.map((m: { text: string }) => m.text)).toContain('My booking reference is PX-4411');
  });

  it('a verified visitor merged into another contact continues as the survivor', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const target = await visitor(inbox.websiteToken, await verifiedIdentity(inbox, unique('user-')));
    const source = await visitor(inbox.websiteToken, await verifiedIdentity(inbox, unique('user-')));
    const said = await visitorSays(source.visitorToken, 'before the merge');
    expect((await call('POST', `/api/contacts/${target.contactId}/merge`, { token: ws.token, body: { sourceId: source.contactId } })).status).toBe(200);
    const page = await history(source.visitorToken);
    expect(page.status).toBe(200);
    expect(page.body.conversationId).toBe(said.conversationId);
    const back = await visitor(inbox.websiteToken, { visitorToken: source.visitorToken });
    expect(back.contactId).toBe(target.contactId);
  });
});

describe('visitor token lifetime and revocation', () => {
  it('tokens last 30 days, are re-issued on every session, and one issued more than 30 days ago is refused', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const v = await visitor(inbox.websiteToken);
    const claims = payload(v.visitorToken);
    expect(Number(claims.exp) - Number(claims.iat)).toBe(30 * 24 * 3600);
    const renewed = await visitor(inbox.websiteToken, { visitorToken: v.visitorToken });
    expect(renewed.contactId).toBe(v.contactId);
    expect(Number(payload(renewed.visitorToken).exp)).toBeGreaterThanOrEqual(Number(claims.exp));

    // A token of the old kind (365 days) issued 31 days ago: well signed and not past its exp, but too old.
    const iat = Math.floor(Date.now() / 1000) - 31 * 24 * 3600;
    const old = await sign({ typ: 'visitor', ws: ws.workspaceId, inb: inbox.id, ct: v.contactId, iat, exp: iat + 365 * 24 * 3600 }, `${env.JWT_SECRET}:visitor`, 'HS256');
    expectProblem(await history(old), 401);
    const fresh = await visitor(inbox.websiteToken, { visitorToken: old });
    expect(fresh.contactId).not.toBe(v.contactId);
  });

  it('POST /api/contacts/:id/widget-sessions/revoke ends every token of the contact at once', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'hello');
    const second = await visitor(inbox.websiteToken, { visitorToken: v.visitorToken });
    expect((await history(second.visitorToken)).status).toBe(200);

    const personal = await addMember(ws, 'personal');
    expectProblem(await call('POST', `/api/contacts/${v.contactId}/widget-sessions/revoke`, { token: personal.token }), 403);
    const stranger = await newWorkspace();
    expectProblem(await call('POST', `/api/contacts/${v.contactId}/widget-sessions/revoke`, { token: stranger.token }), 404);

    const revoked = await call('POST', `/api/contacts/${v.contactId}/widget-sessions/revoke`, { token: ws.token });
    expect(revoked.status).toBe(204);
    for (const token of [v.visitorToken, second.visitorToken]) {
      expectProblem(await history(token), 401);
      expectProblem(await call('POST', '/widget/api/messages', { token, body: { text: 'again', clientId: unique('c') } }), 401);
      expect(await socketStatus(token)).toBe(401);
    }
    // The anonymous visitor starts over as someone new; the conversation stays with the contact.
    const after = await visitor(inbox.websiteToken, { visitorToken: v.visitorToken });
    expect(after.contactId).not.toBe(v.contactId);
    expect(after.conversationId).toBeNull();
    expect((await call('GET', `/api/conversations/${conversationId}`, { token: ws.token })).body.contactId).toBe(v.contactId);
  });

  it('a verified visitor whose tokens were revoked signs in again as the same contact', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const who = await verifiedIdentity(inbox, unique('user-'));
    const v = await visitor(inbox.websiteToken, who);
    await visitorSays(v.visitorToken, 'hello');
    expect((await call('POST', `/api/contacts/${v.contactId}/widget-sessions/revoke`, { token: ws.token })).status).toBe(204);
    expectProblem(await history(v.visitorToken), 401);
    const again = await visitor(inbox.websiteToken, who);
    expect(again.contactId).toBe(v.contactId);
    const page = await history(again.visitorToken);
    expect(page.status).toBe(200);
    expect(page.body.items.map((m: { text: string }) => m.text)).toEqual(['hello']);
  });
});

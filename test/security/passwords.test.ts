// Passwords (issue 15, defect 6): a manager's reset and the owner's change end the other sessions and
// their sockets; a self-service change needs the current password; a reset link by e-mail works once,
// for 30 minutes, and only its hash is stored.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { sha256Hex } from '../../worker/crypto/bytes';
import { CLOSE } from '../../worker/conversations/socket-protocol';
import { addMember, call, eventually, expectProblem, login, newWorkspace, PASSWORD } from '../helpers';
import { openSocket } from '../sockets';

const NEW_PASSWORD = 'a completely new passphrase';

async function signedIn(token: string): Promise<boolean> {
  const res = await call('GET', '/api/me', { token });
  if (res.status !== 200 && res.status !== 401) throw new Error(`unexpected ${res.status}`);
  return res.status === 200;
}

/** The reset link the (sandbox) mailer recorded for this address, newest first. */
async function resetMail(email: string, after = 0): Promise<{ id: number; token: string; body: string }> {
  const row = await eventually(() =>
    env.DB.prepare(`SELECT id, body FROM sandbox_outbound WHERE purpose = 'password_reset' AND json_extract(headers, '$.to') = ? AND id > ? ORDER BY id DESC LIMIT 1`)
      .bind(email, after)
      .first<{ id: number; body: string }>(),
  );
  const token = /\/reset-password#token=([A-Za-z0-9_-]+)/.exec(row.body)?.[1];
  if (!token) throw new Error(`no link in ${row.body}`);
  return { id: row.id, token, body: row.body };
}

describe("a manager's password reset", () => {
  it('ends every session of the user; the new password logs in, the old one does not', async () => {
    const ws = await newWorkspace();
    const staff = await addMember(ws, 'staff');
    const second = (await login(staff.email)).body.token as string;
    expect(await signedIn(staff.token)).toBe(true);

    expect((await call('PATCH', `/api/users/${staff.userId}`, { token: ws.token, body: { password: NEW_PASSWORD } })).status).toBe(200);
    expect(await signedIn(staff.token)).toBe(false);
    expect(await signedIn(second)).toBe(false);
    expect((await login(staff.email, PASSWORD)).status).toBe(401);
    expect((await login(staff.email, NEW_PASSWORD)).status).toBe(200);
    // The manager who made the change is still signed in.
    expect(await signedIn(ws.token)).toBe(true);
  });
});

describe('POST /api/auth/password (change your own)', () => {
  it('needs the current password and a valid new one, naming the field', async () => {
    const ws = await newWorkspace();
    expectProblem(await call('POST', '/api/auth/password', { token: ws.token, body: { currentPassword: 'not it at all', newPassword: NEW_PASSWORD } }), 400, 'currentPassword');
    expectProblem(await call('POST', '/api/auth/password', { token: ws.token, body: { currentPassword: PASSWORD, newPassword: 'short' } }), 400, 'newPassword');
    expectProblem(await call('POST', '/api/auth/password', { token: ws.token, body: { newPassword: NEW_PASSWORD } }), 400, 'currentPassword');
    expectProblem(await call('POST', '/api/auth/password', { body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } }), 401);
    expect((await login(ws.email, PASSWORD)).status).toBe(200);
  });

  it('keeps the session making the change (and API keys) and ends the other sessions, closing their sockets with 4401', async () => {
    const ws = await newWorkspace();
    const other = (await login(ws.email)).body.token as string;
    const key = (await call('POST', '/api/api-keys', { token: ws.token, body: { name: 'integration' } })).body.key as string;
    const [mine, theirs, integration] = await Promise.all([
      openSocket(`/api/live?access_token=${ws.token}`),
      openSocket(`/api/live?access_token=${other}`),
      openSocket(`/api/live?access_token=${key}`),
    ]);
    await Promise.all([mine, theirs, integration].map((s) => s.next((f) => f.t === 'hello')));

    expect((await call('POST', '/api/auth/password', { token: ws.token, body: { currentPassword: PASSWORD, newPassword: NEW_PASSWORD } })).status).toBe(204);
    expect((await theirs.closedWithin()).code).toBe(CLOSE.sessionRevoked);
    expect(await signedIn(other)).toBe(false);
    expect(await signedIn(ws.token)).toBe(true);
    for (const s of [mine, integration]) {
      s.send({ t: 'ping' });
      await s.next((f) => f.t === 'pong');
    }
    expect(await signedIn(key)).toBe(true);
    expect((await login(ws.email, PASSWORD)).status).toBe(401);
    expect((await login(ws.email, NEW_PASSWORD)).status).toBe(200);
    mine.close();
    integration.close();
  });
});

describe('password reset by e-mail link', () => {
  it('answers 202 alike for a known and an unknown address', async () => {
    const ws = await newWorkspace();
    const known = await call('POST', '/api/auth/password-reset', { body: { email: ws.email } });
    const unknown = await call('POST', '/api/auth/password-reset', { body: { email: 'nobody-here@example.com' } });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.body).toEqual(known.body);
    expectProblem(await call('POST', '/api/auth/password-reset', { body: { email: 'not an address' } }), 400, 'email');
  });

  it('mails a single-use link (only its hash stored) that sets a new password and ends every session and socket', async () => {
    const ws = await newWorkspace();
    const staff = await addMember(ws, 'staff');
    const live = await openSocket(`/api/live?access_token=${staff.token}`);
    await live.next((f) => f.t === 'hello');

    expect((await call('POST', '/api/auth/password-reset', { body: { email: staff.email.toUpperCase() } })).status).toBe(202);
    const mail = await resetMail(staff.email);
    const stored = await env.DB.prepare(`SELECT token_hash, expires_at, created_at FROM password_resets WHERE user_id = ?`).bind(staff.userId).all<{ token_hash: string; expires_at: number; created_at: number }>();
    expect(stored.results).toHaveLength(1);
    expect(stored.results[0].token_hash).toBe(await sha256Hex(mail.token));
    expect(stored.results[0].expires_at - stored.results[0].created_at).toBe(30 * 60_000);
    // Reset mail is never listed with the sandbox's provider requests.
    const listed = await call('GET', '/api/channels/sandbox/outbound', { token: ws.token });
    expect(JSON.stringify(listed.body)).not.toContain(mail.token);

    expectProblem(await call('POST', '/api/auth/password-reset/confirm', { body: { token: mail.token, password: 'short' } }), 400, 'password');
    expect((await call('POST', '/api/auth/password-reset/confirm', { body: { token: mail.token, password: NEW_PASSWORD } })).status).toBe(204);
    expect((await live.closedWithin()).code).toBe(CLOSE.sessionRevoked);
    expect(await signedIn(staff.token)).toBe(false);
    expect((await login(staff.email, PASSWORD)).status).toBe(401);
    expect((await login(staff.email, NEW_PASSWORD)).status).toBe(200);
    // Once only.
    expectProblem(await call('POST', '/api/auth/password-reset/confirm', { body: { token: mail.token, password: 'yet another passphrase' } }), 400, 'token');
    expect((await login(staff.email, NEW_PASSWORD)).status).toBe(200);
  });

  it('a link stops working after 30 minutes, and when a newer link is asked for', async () => {
    const ws = await newWorkspace();
    await call('POST', '/api/auth/password-reset', { body: { email: ws.email } });
    const first = await resetMail(ws.email);
    await call('POST', '/api/auth/password-reset', { body: { email: ws.email } });
    const second = await resetMail(ws.email, first.id);
    expectProblem(await call('POST', '/api/auth/password-reset/confirm', { body: { token: first.token, password: NEW_PASSWORD } }), 400, 'token');

    // Thirty minutes pass.
    await env.DB.prepare(`UPDATE password_resets SET expires_at = ? WHERE token_hash = ?`).bind(Date.now() - 1, await sha256Hex(second.token)).run();
    expectProblem(await call('POST', '/api/auth/password-reset/confirm', { body: { token: second.token, password: NEW_PASSWORD } }), 400, 'token');
    expectProblem(await call('POST', '/api/auth/password-reset/confirm', { body: { token: 'made-up', password: NEW_PASSWORD } }), 400, 'token');
    expect((await login(ws.email, PASSWORD)).status).toBe(200);
  });
});

// A password's life after sign-up: changed by its owner (current password required), reset by a
// manager, or reset through a link sent by e-mail. Whichever way, a new password ends the sessions and
// sockets that the old one opened (all of them, or all but the session making the change) and voids
// any reset link still outstanding: whoever knew the old password, or held an old link, is out.
import { randomToken, sha256Hex } from '../crypto/bytes';
import { sendSystemMail } from '../email/outbound';
import { hashPassword } from './password';
import { revokeUserKeys, revokeUserSessions } from './session';
import { REVOKED, revokeSockets } from './socket-revocation';

/** How long a reset link works. */
export const RESET_TTL_MS = 30 * 60_000;

/** Store a new password for a user and end everything the old one opened (but `keep`, the session making the change). */
export async function replacePassword(env: Env, user: { id: string; workspaceId: string }, password: string, keep?: string, how: PasswordEvent = 'change'): Promise<void> {
  await env.DB.prepare(`UPDATE users SET password_hash = ? WHERE id = ?`).bind(await hashPassword(password), user.id).run();
  await afterPasswordChange(env, user, keep, how);
}

/**
 * `change`: the user, signed in, set a new one (knowing the old): other sessions end, API keys stay.
 * `reset`: by e-mailed link or by a manager, i.e. control of the account may have been lost: every
 * session, every API key (one could have been minted from a stolen session) and all their sockets end.
 */
export type PasswordEvent = 'change' | 'reset';

/** The password changed (here or by a manager's edit): old sessions, sockets and reset links end; on a reset, API keys too. */
export async function afterPasswordChange(env: Env, user: { id: string; workspaceId: string }, keep?: string, how: PasswordEvent = 'change'): Promise<void> {
  await Promise.all([
    revokeUserSessions(env, user.id, keep),
    env.DB.prepare(`UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`).bind(Date.now(), user.id).run(),
    how === 'reset' ? revokeUserKeys(env, user.id) : null,
  ]);
  await revokeSockets(env, user.workspaceId, how === 'reset' ? REVOKED.passwordReset(user.id, keep) : REVOKED.password(user.id, keep));
}

/**
 * Send a reset link to the user with this e-mail, if there is one and they are enabled; nothing
 * otherwise (the caller answers the same either way). A new link voids the user's earlier ones. The
 * token travels in the link's fragment, which browsers never send to a server or in a Referer.
 */
export async function sendResetLink(env: Env, email: string, origin: string): Promise<void> {
  const user = await env.DB.prepare(`SELECT id, workspace_id, name, email FROM users WHERE email = ? AND disabled = 0`)
    .bind(email)
    .first<{ id: string; workspace_id: string; name: string; email: string }>();
  if (!user) return;
  const token = randomToken(32);
  const now = Date.now();
  await env.DB.batch([
    env.DB.prepare(`UPDATE password_resets SET used_at = ? WHERE user_id = ? AND used_at IS NULL`).bind(now, user.id),
    env.DB.prepare(`INSERT INTO password_resets (token_hash, user_id, workspace_id, expires_at, created_at) VALUES (?, ?, ?, ?, ?)`).bind(
      await sha256Hex(token),
      user.id,
      user.workspace_id,
      now + RESET_TTL_MS,
      now,
    ),
  ]);
  const link = `${origin}/reset-password#token=${token}`;
  await sendSystemMail(env, [
    {
      workspaceId: user.workspace_id,
      to: user.email,
      subject: 'Reset your Parley password',
      text: `Hello ${user.name},\n\nSomeone (hopefully you) asked to reset your Parley password. Choose a new one here within 30 minutes:\n\n${link}\n\nThe link works once. If you did not ask for it, ignore this e-mail: your password stays as it is.`,
      purpose: 'password_reset',
    },
  ]);
}

/** Use a reset token: its user when it is known, unused and unexpired (and it is then used up, once, even under races); else null. */
export async function consumeResetToken(env: Env, token: string): Promise<{ id: string; workspaceId: string } | null> {
  const now = Date.now();
  const row = await env.DB.prepare(
    `UPDATE password_resets SET used_at = ?1 WHERE token_hash = ?2 AND used_at IS NULL AND expires_at > ?1
     AND user_id IN (SELECT id FROM users WHERE disabled = 0) RETURNING user_id, workspace_id`,
  )
    .bind(now, await sha256Hex(token))
    .first<{ user_id: string; workspace_id: string }>();
  return row ? { id: row.user_id, workspaceId: row.workspace_id } : null;
}

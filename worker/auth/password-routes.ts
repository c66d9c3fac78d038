// /api/auth/password (change your own, current password required) and /api/auth/password-reset
// (a link by e-mail, then a new password with the link's token). Each ends the sessions and sockets
// the old password opened: worker/auth/password-change.ts.
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { Problem } from '../http/problem';
import { Email, Password } from '../http/schemas';
import { valid } from '../http/validate';
import { verifyPassword } from './password';
import { consumeResetToken, replacePassword, sendResetLink } from './password-change';
import { clearAttempts, clearLoginFailures, clientAddress, countAttempt } from './rate-limit';

const ChangeBody = v.object({ currentPassword: v.pipe(v.string(), v.minLength(1, 'is required'), v.maxLength(200)), newPassword: Password });
const ResetBody = v.object({ email: Email });
const ConfirmBody = v.object({ token: v.pipe(v.string(), v.minLength(1, 'is required'), v.maxLength(200)), password: Password });

/** Reset by e-mail: reached without credentials (mounted before the auth middleware). */
export const publicPasswordRoutes = new Hono<AppEnv>();
/** The signed-in caller changes their own password. */
export const passwordRoutes = new Hono<AppEnv>();

passwordRoutes.post(
  '/password',
  describeRoute({
    tags: ['auth'],
    summary: 'Change your password (the current one required)',
    description: 'Ends every other session of yours and their sockets (closed with 4401); the session making the change stays signed in.',
    responses: { 204: { description: 'Changed' } },
  }),
  valid('json', ChangeBody),
  async (c) => {
    const p = c.get('principal');
    const { currentPassword, newPassword } = c.req.valid('json');
    // A stolen session must not guess its way to the password either.
    await countAttempt(c.env.DB, `password:${p.userId}`, 10);
    const hash = await c.env.DB.prepare(`SELECT password_hash FROM users WHERE id = ?`).bind(p.userId).first<string>('password_hash');
    if (!hash || !(await verifyPassword(currentPassword, hash))) throw Problem.badRequest('currentPassword', 'is not your current password');
    if (currentPassword === newPassword) throw Problem.badRequest('newPassword', 'must differ from the current password');
    await clearAttempts(c.env.DB, `password:${p.userId}`);
    await replacePassword(c.env, { id: p.userId, workspaceId: p.workspaceId }, newPassword, p.via === 'session' ? p.credentialId : undefined);
    return c.body(null, 204);
  },
);

publicPasswordRoutes.post(
  '/password-reset',
  describeRoute({
    tags: ['auth'],
    summary: 'E-mail a password reset link',
    description: 'Always 202, whether or not the e-mail belongs to a user. The link works once, for 30 minutes; asking again voids the previous link.',
    responses: { 202: { description: 'If the e-mail belongs to an enabled user, a link is on its way' } },
  }),
  valid('json', ResetBody),
  async (c) => {
    const { email } = c.req.valid('json');
    const ip = clientAddress(c.env, c.req.raw);
    const origin = new URL(c.req.url).origin;
    // After the answer, so its timing says nothing about whether the e-mail exists; over the limits, silently nothing.
    const work = (async () => {
      await countAttempt(c.env.DB, `reset:${email}`, 5);
      await countAttempt(c.env.DB, `reset-ip:${ip}`, 50);
      await sendResetLink(c.env, email, origin);
    })().catch((err) => {
      if (!(err instanceof Problem && err.status === 429)) console.warn(`password reset mail failed: ${String(err)}`);
    });
    c.executionCtx.waitUntil(work);
    return c.body(null, 202);
  },
);

publicPasswordRoutes.post(
  '/password-reset/confirm',
  describeRoute({
    tags: ['auth'],
    summary: 'Set a new password with the token from a reset link',
    description: 'The token works once and for 30 minutes. Every session of the user ends and their sockets close (4401); log in with the new password.',
    responses: { 204: { description: 'Password set' } },
  }),
  valid('json', ConfirmBody),
  async (c) => {
    const { token, password } = c.req.valid('json');
    const user = await consumeResetToken(c.env, token);
    if (!user) throw Problem.badRequest('token', 'is invalid, used or expired: ask for a new link');
    await replacePassword(c.env, user, password, undefined, 'reset');
    // The real user, back in, is not held by the wrong guesses that may have led here.
    const email = await c.env.DB.prepare(`SELECT email FROM users WHERE id = ?`).bind(user.id).first<string>('email');
    if (email) await clearLoginFailures(c.env.DB, email);
    return c.body(null, 204);
  },
);

// /api/me/profile: what each person sets for themselves (any role): name, picture or initials colour,
// time zone, language, theme and a signature per inbox. The theme is mirrored in a cookie so the
// app's HTML is served with it already set (worker/users/theme.ts): no flash of the other theme.
import { Hono, type Context } from 'hono';
import { setCookie } from 'hono/cookie';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { forgetPrincipals } from '../auth/session';
import { signedFileUrl } from '../files/attachments';
import { users } from '../db/schema';
import { Problem } from '../http/problem';
import { Name } from '../http/schemas';
import { valid } from '../http/validate';
import { validTimeZone } from '../routing/business-hours';
import { syncRouter } from '../routing/sync';
import { THEME_COOKIE, THEMES, type Theme } from './theme';

const Language = v.pipe(
  v.string(),
  v.check((tag) => {
    try {
      return Intl.getCanonicalLocales(tag).length === 1 && tag.length <= 35;
    } catch {
      return false;
    }
  }, 'must be a language tag, e.g. en-GB or es'),
);
const Signature = v.pipe(v.string(), v.trim(), v.maxLength(1000));
const ProfileBody = v.pipe(
  v.object({
    name: v.optional(Name),
    timezone: v.optional(v.nullable(v.pipe(v.string(), v.check(validTimeZone, 'must be an IANA time zone, e.g. Europe/Madrid')))),
    language: v.optional(v.nullable(Language)),
    theme: v.optional(v.picklist(THEMES)),
    /** { [inboxId]: text }; an empty text removes that inbox's signature. Replaces the whole map. */
    signatures: v.optional(v.pipe(v.record(v.pipe(v.string(), v.maxLength(100)), Signature), v.check((r) => Object.keys(r).length <= 100, 'at most 100 signatures'))),
    /** A picture uploaded with POST /api/files (its `key`); null removes it. */
    avatarKey: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(400)))),
    /** The initials' colour as a hue (0–359); null: derived from the name. */
    avatarHue: v.optional(v.nullable(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(359)))),
  }),
  v.check((b) => Object.keys(b).length > 0, 'the body must change at least one field'),
);

type UserRow = typeof users.$inferSelect;

export async function profileJson(env: Env, u: UserRow) {
  return {
    id: u.id,
    email: u.email,
    name: u.name,
    role: u.role,
    timezone: u.timezone,
    language: u.language,
    theme: u.theme,
    signatures: u.signatures,
    avatarHue: u.avatarHue,
    avatarUrl: u.avatarKey ? await signedFileUrl(env, u.avatarKey) : u.avatarUrl,
  };
}

function rememberTheme(c: Context<AppEnv>, theme: Theme): void {
  // Read by the Worker when it serves the app's HTML; not a credential, so readable and long-lived.
  setCookie(c, THEME_COOKIE, theme, { path: '/', sameSite: 'Lax', secure: new URL(c.req.url).protocol === 'https:', maxAge: 400 * 24 * 3600 });
}

export const profileRoutes = new Hono<AppEnv>();

profileRoutes.get('/profile', describeRoute({ tags: ['profile'], summary: 'Your profile: name, picture, time zone, language, theme, signatures' }), async (c) => {
  const me = await c.get('scope').find(users, c.get('principal').userId);
  if (!me) throw Problem.notFound('User');
  rememberTheme(c, me.theme);
  return c.json(await profileJson(c.env, me));
});

profileRoutes.patch('/profile', describeRoute({ tags: ['profile'], summary: 'Change your profile (signatures replace the whole map)' }), valid('json', ProfileBody), async (c) => {
  const scope = c.get('scope');
  const p = c.get('principal');
  const body = c.req.valid('json');
  if (body.signatures) {
    const known = new Set((await scope.prepare(`SELECT id FROM inboxes WHERE workspace_id = ?`).all<{ id: string }>()).results.map((r) => r.id));
    for (const id of Object.keys(body.signatures)) if (!known.has(id)) throw Problem.badRequest(`signatures.${id}`, 'no such inbox in this workspace');
    body.signatures = Object.fromEntries(Object.entries(body.signatures).filter(([, text]) => text !== ''));
  }
  if (body.avatarKey) {
    const head = body.avatarKey.startsWith(`${p.workspaceId}/`) ? await c.env.FILES.head(body.avatarKey) : null;
    if (!head) throw Problem.badRequest('avatarKey', 'is not a file uploaded to this workspace');
    if (!/^image\/(png|jpeg|gif|webp)$/.test(head.httpMetadata?.contentType ?? '')) throw Problem.badRequest('avatarKey', 'must be a PNG, JPEG, GIF or WebP picture');
  }
  await scope.update(users, p.userId, body);
  if (body.name) {
    // The name is on the cached principal (authors of messages) and in the router's roster (the agent picker).
    forgetPrincipals((x) => x.userId === p.userId);
    await syncRouter(c.env, p.workspaceId);
  }
  const me = (await scope.find(users, p.userId))!;
  rememberTheme(c, me.theme);
  return c.json(await profileJson(c.env, me));
});

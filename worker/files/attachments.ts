// Attachments live in R2 under `<workspace>/<id>/<name>`. Uploads go through the API; downloads use
// signed, expiring URLs so <img> tags, the widget and providers can fetch them without a session.
import * as v from 'valibot';
import { hmacSha256, timingSafeEqual, toBase64Url } from '../crypto/bytes';
import { Problem } from '../http/problem';
import type { Attachment } from '../conversations/model';

export const MAX_UPLOAD_BYTES = 25 * 1024 * 1024;
const URL_TTL_S = 24 * 3600;

export const AttachmentInput = v.object({
  key: v.pipe(v.string(), v.maxLength(400)),
  name: v.pipe(v.string(), v.minLength(1), v.maxLength(200)),
  contentType: v.pipe(v.string(), v.maxLength(200)),
  size: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_UPLOAD_BYTES)),
});

export function attachmentKey(workspaceId: string, id: string, name: string): string {
  // A name of only dots would become a `.`/`..` path segment, which URL parsing folds away (the signed
  // link would then name another key). The exact name is kept in the object's metadata for downloads.
  const safe = name.replace(/[^\w.\- ]+/g, '_').slice(0, 120).replace(/^\.+$/, '') || 'file';
  return `${workspaceId}/${id}/${safe}`;
}

/** Every attachment must be an object this workspace uploaded. */
export async function checkAttachments(env: Env, workspaceId: string, attachments: Attachment[]): Promise<void> {
  for (const [i, a] of attachments.entries()) {
    if (!a.key.startsWith(`${workspaceId}/`) || !(await env.FILES.head(a.key))) {
      throw Problem.badRequest(`attachments.${i}.key`, 'is not a file uploaded to this workspace');
    }
  }
}

async function signature(env: Env, key: string, exp: number): Promise<string> {
  return toBase64Url(await hmacSha256(env.JWT_SECRET, `file:${key}:${exp}`));
}

export async function signedFileUrl(env: Env, key: string, ttlSeconds = URL_TTL_S): Promise<string> {
  // Round expiry to the hour so the same file gets the same URL for a while (browser caching).
  const exp = Math.ceil((Date.now() / 1000 + ttlSeconds) / 3600) * 3600;
  return `/api/files/${key.split('/').map(encodeURIComponent).join('/')}?exp=${exp}&sig=${await signature(env, key, exp)}`;
}

export async function verifyFileSignature(env: Env, key: string, exp: number, sig: string): Promise<boolean> {
  if (!Number.isFinite(exp) || exp * 1000 < Date.now()) return false;
  return timingSafeEqual(await signature(env, key, exp), sig);
}

/** Add a signed `url` to every attachment of the given messages. */
export async function withFileUrls<T extends { attachments: Attachment[] }>(env: Env, messages: T[]): Promise<T[]> {
  return Promise.all(
    messages.map(async (m) =>
      m.attachments.length === 0 ? m : { ...m, attachments: await Promise.all(m.attachments.map(async (a) => ({ ...a, url: await signedFileUrl(env, a.key) }))) },
    ),
  );
}

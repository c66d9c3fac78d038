// POST /api/files (upload to R2) and GET /api/files/<key>?exp&sig (signed download).
import { Hono } from 'hono';
import { describeRoute } from 'hono-openapi';
import type { AppEnv } from '../app-env';
import { newId } from '../db/ids';
import { Problem } from '../http/problem';
import { attachmentKey, MAX_UPLOAD_BYTES, signedFileUrl, verifyFileSignature } from './attachments';
import { cleanFileName, fileResponseHeaders } from './serving';

export const fileRoutes = new Hono<AppEnv>();

fileRoutes.post(
  '/',
  describeRoute({ tags: ['files'], summary: 'Upload an attachment (raw body; ?name= the file name)', description: 'Returns the attachment to pass in a message and a signed URL.' }),
  async (c) => {
    const raw = c.req.query('name');
    if (!raw?.trim()) throw Problem.badRequest('name', 'the ?name= query parameter is required');
    const name = cleanFileName(raw);
    if (!name || /^\.+$/.test(name)) throw Problem.badRequest('name', 'is not a usable file name');
    const length = Number(c.req.header('content-length') ?? NaN);
    if (Number.isFinite(length) && length > MAX_UPLOAD_BYTES) throw new Problem(413, 'Payload too large', `Files are limited to ${MAX_UPLOAD_BYTES} bytes`);
    const body = await c.req.arrayBuffer();
    if (body.byteLength === 0) throw Problem.badRequest('(body)', 'the file is empty');
    if (body.byteLength > MAX_UPLOAD_BYTES) throw new Problem(413, 'Payload too large', `Files are limited to ${MAX_UPLOAD_BYTES} bytes`);
    const contentType = c.req.header('content-type')?.split(';')[0] || 'application/octet-stream';
    const key = attachmentKey(c.get('principal').workspaceId, newId('fil'), name);
    // How the file is served (inline or not, under which type) is decided at download time, from this metadata.
    await c.env.FILES.put(key, body, { httpMetadata: { contentType }, customMetadata: { name } });
    return c.json({ key, name, contentType, size: body.byteLength, url: await signedFileUrl(c.env, key) }, 201);
  },
);

/** Downloads carry their own signature (the link is the credential): public, mounted before authentication. */
export const fileDownloadRoutes = new Hono<AppEnv>();

fileDownloadRoutes.get('/*', describeRoute({ tags: ['files'], summary: 'Download an attachment through its signed URL' }), async (c) => {
  const key = decodeURIComponent(new URL(c.req.url).pathname.slice('/api/files/'.length));
  const ok = await verifyFileSignature(c.env, key, Number(c.req.query('exp')), c.req.query('sig') ?? '');
  if (!ok) throw Problem.forbidden('The link is invalid or has expired');
  const object = await c.env.FILES.get(key);
  if (!object) throw Problem.notFound('File');
  // Stored dispositions (older objects say `inline`) are ignored: the serving policy decides.
  const headers = new Headers(fileResponseHeaders(object.httpMetadata?.contentType, object.customMetadata?.name ?? key.slice(key.lastIndexOf('/') + 1)));
  headers.set('etag', object.httpEtag);
  headers.set('cache-control', 'private, max-age=3600');
  return new Response(object.body, { headers });
});

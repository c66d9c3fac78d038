// Inbound media into R2: each media reference is downloaded through the adapter's requests (with the
// provider's auth, following lookups like WhatsApp's media id → URL) over the configured transport,
// and stored under a key derived from the provider message id, so a retried webhook stores nothing twice.
import { cleanFileName } from '../files/serving';
import type { ChannelAdapter, InboundMessageEvent, InboxContext, MediaRef } from '../channels/types';
import type { Attachment } from '../conversations/model';
import { sha256Hex } from '../crypto/bytes';
import { attachmentKey } from '../files/attachments';
import { transportFor } from '../delivery/transport';

export const MAX_MEDIA_BYTES = 25 * 1024 * 1024;

export class TransientMediaError extends Error {}

export interface StoredMedia {
  attachments: Attachment[];
  /** What could not be fetched, to mention in the message instead of dropping it silently. */
  failures: string[];
}

async function download(env: Env, adapter: ChannelAdapter, inbox: InboxContext, ref: MediaRef): Promise<{ bytes: ArrayBuffer; contentType: string | null }> {
  if (!adapter.mediaRequest) throw new Error('this channel cannot download media');
  const transport = transportFor(env);
  let req = adapter.mediaRequest(ref, inbox);
  for (let step = 0; req && step < 3; step++) {
    let res;
    try {
      res = await transport.execute(req, { workspaceId: inbox.workspaceId, inboxId: inbox.id, channel: inbox.channel, purpose: 'media', binary: true });
    } catch (err) {
      if (err instanceof TypeError) throw new Error(`invalid media URL ${req.url}`);
      throw new TransientMediaError(String(err));
    }
    if (res.status === 429 || res.status >= 500) throw new TransientMediaError(`HTTP ${res.status} from ${new URL(req.url).hostname}`);
    if (res.status >= 400) throw new Error(`HTTP ${res.status} from ${new URL(req.url).hostname}`);
    const asText = res.bytes && (res.headers['content-type'] ?? '').includes('json') ? new TextDecoder().decode(res.bytes) : res.body;
    const next = adapter.mediaRequest(ref, inbox, { ...res, body: asText });
    if (!next) return { bytes: res.bytes ?? new TextEncoder().encode(res.body).buffer as ArrayBuffer, contentType: res.headers['content-type'] ?? null };
    req = next;
  }
  throw new Error('media lookup did not end in a download');
}

export async function storeMedia(env: Env, adapter: ChannelAdapter, inbox: InboxContext, ev: InboundMessageEvent, allowRetry: boolean): Promise<StoredMedia> {
  const attachments: Attachment[] = [];
  const failures: string[] = [];
  const refs = ev.media ?? [];
  if (refs.length === 0 && !ev.html) return { attachments, failures };
  const stem = (await sha256Hex(`${inbox.channel}:${ev.providerMessageId}`)).slice(0, 24);
  for (const [i, ref] of refs.slice(0, 10).entries()) {
    const name = cleanFileName(ref.name ?? '').slice(0, 120) || `attachment-${i + 1}`;
    try {
      const got = ref.content ? { bytes: ref.content, contentType: ref.contentType ?? null } : await download(env, adapter, inbox, ref);
      const size = got.bytes.byteLength;
      if (size > MAX_MEDIA_BYTES) throw new Error(`larger than ${MAX_MEDIA_BYTES} bytes`);
      const contentType = (ref.contentType || got.contentType || 'application/octet-stream').split(';')[0];
      const key = attachmentKey(inbox.workspaceId, `in_${stem}_${i}`, name);
      await env.FILES.put(key, got.bytes, { httpMetadata: { contentType }, customMetadata: { name } });
      attachments.push({ key, name, contentType, size });
    } catch (err) {
      if (err instanceof TransientMediaError && allowRetry) throw err;
      failures.push(`${name}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  if (ev.html) {
    // Kept as a download (never rendered inline from our origin), already sanitized.
    const key = attachmentKey(inbox.workspaceId, `in_${stem}_html`, 'message.html');
    const bytes = new TextEncoder().encode(ev.html);
    await env.FILES.put(key, bytes, { httpMetadata: { contentType: 'text/html; charset=utf-8' }, customMetadata: { name: 'message.html' } });
    attachments.push({ key, name: 'message.html', contentType: 'text/html', size: bytes.byteLength });
  }
  return { attachments, failures };
}

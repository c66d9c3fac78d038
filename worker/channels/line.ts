// LINE Messaging API. Inbound: webhook events signed with x-line-signature (base64 HMAC-SHA256 of the
// raw body with the channel secret); message events (text, image, video, audio, file, location,
// sticker) from users, groups and rooms; redeliveries deduplicate on the message id. Outbound: the
// push API to the user/group/room with an X-Line-Retry-Key so retries never send twice.
// Config: {channelSecret, channelAccessToken}.
import { sha256Hex } from '../crypto/bytes';
import { capabilities, cfg, checkSignature, hmacSha256Base64, interpretHttp, isObject, jsonRequest, jsonResponse, parseJsonBody, str } from './common';
import type { ProviderRequest, ChannelAdapter, InboundEvent } from './types';
import { ParseError } from './types';

/** A stable UUID for a message id: LINE's retry key must be a UUID and must repeat on retries. */
async function retryKey(messageId: string): Promise<string> {
  const h = await sha256Hex(`line-retry:${messageId}`);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

export const line: ChannelAdapter = {
  key: 'line',
  label: 'LINE',
  group: 'messaging',
  provider: 'LINE Messaging API',
  capabilities: capabilities({ media: true, maxTextLength: 5000 }),
  configKeys: ['channelSecret', 'channelAccessToken'],
  bodyFormat: 'json',

  verify(req, config) {
    const secret = cfg(config, 'channelSecret');
    return checkSignature(req.headers['x-line-signature'], secret, () => hmacSha256Base64(secret!, req.body), 'x-line-signature');
  },

  parse(req) {
    const body = parseJsonBody(req);
    if (!isObject(body) || !Array.isArray(body.events)) throw new ParseError('not a LINE webhook (events[] is missing)');
    const out: InboundEvent[] = [];
    for (const e of body.events) {
      if (!isObject(e) || e.type !== 'message' || !isObject(e.message)) continue;
      const src = isObject(e.source) ? e.source : {};
      // Replies go where the message came from: the group or room, else the user.
      const target = str(src.groupId) ?? str(src.roomId) ?? str(src.userId);
      const id = str(e.message.id);
      if (!target || !id) throw new ParseError('a LINE message event lacks its source or message id');
      const m = e.message;
      let text = str(m.text) ?? '';
      const media = [];
      if (['image', 'video', 'audio', 'file'].includes(m.type)) {
        const external = m.contentProvider?.type === 'external' ? str(m.contentProvider.originalContentUrl) : null;
        media.push({ providerMediaId: id, url: external, contentType: m.type === 'image' ? 'image/jpeg' : m.type === 'video' ? 'video/mp4' : m.type === 'audio' ? 'audio/m4a' : null, name: str(m.fileName) ?? `${m.type}-${id}` });
        if (m.type === 'file' && m.fileName) text = `📄 ${m.fileName}`;
      } else if (m.type === 'location') {
        text = `📍 ${[m.title, m.address].filter(Boolean).join(', ')} (${m.latitude}, ${m.longitude})`;
      } else if (m.type === 'sticker') {
        text = `[sticker ${m.packageId}/${m.stickerId}]`;
      } else if (m.type !== 'text') {
        text = `[unsupported LINE message type: ${m.type}]`;
      }
      out.push({ type: 'message', providerMessageId: id, contact: { externalId: target, name: null }, text, media, at: typeof e.timestamp === 'number' ? e.timestamp : undefined });
    }
    return out;
  },

  async send(out, inbox) {
    const a = out.attachments[0];
    const messages: unknown[] = [];
    if (out.text) messages.push({ type: 'text', text: out.text });
    if (a && a.contentType.startsWith('image/')) messages.push({ type: 'image', originalContentUrl: a.url, previewImageUrl: a.url });
    else if (a) messages.push({ type: 'text', text: `${a.name}: ${a.url}` });
    return jsonRequest('POST', 'https://api.line.me/v2/bot/message/push', { to: out.to.externalId, messages }, {
      authorization: `Bearer ${cfg(inbox.config, 'channelAccessToken') ?? ''}`,
      'x-line-retry-key': await retryKey(out.messageId),
    });
  },

  interpret(res) {
    // 409 on a retry key means LINE already accepted this very request.
    if (res.status === 409 && res.headers['x-line-accepted-request-id']) return { ok: true, providerMessageId: null };
    return interpretHttp(res, (j) => j?.sentMessages?.[0]?.id);
  },

  sandboxReply() {
    return jsonResponse(200, { sentMessages: [{ id: String(Date.now()) + String(Math.floor(Math.random() * 1000)), quoteToken: 'sandbox' }] });
  },

  mediaRequest(ref, inbox, previous): ProviderRequest | null {
    if (previous) return null;
    if (ref.url) return { method: 'GET', url: ref.url, headers: {} };
    return ref.providerMediaId ? { method: 'GET', url: `https://api-data.line.me/v2/bot/message/${ref.providerMediaId}/content`, headers: { authorization: `Bearer ${cfg(inbox.config, 'channelAccessToken') ?? ''}` } } : null;
  },
};

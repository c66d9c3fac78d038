// TikTok Business Messaging. Inbound: webhook events ({client_key, event, create_time, user_openid,
// content: JSON string of the message}) signed with TikTok-Signature "t=<unix seconds>,s=<hex
// HMAC-SHA256 of `${t}.${body}` with the app secret>" (TikTok's documented webhook signature; 5-minute
// tolerance). Text and media messages land in the thread. Outbound: the Business Messaging send API
// (POST /open_api/v1.3/business/message/send/) to the conversation. Config: {appKey, appSecret, accessToken, businessId}.
import { capabilities, cfg, hmacSha256Hex, interpretHttp, isObject, jsonRequest, jsonResponse, parseJsonBody, safeEqual, sandboxId, str } from './common';
import type { ChannelAdapter, MediaRef } from './types';
import { ParseError } from './types';

export const tiktok: ChannelAdapter = {
  key: 'tiktok',
  label: 'TikTok',
  group: 'messaging',
  provider: 'TikTok Business Messaging API',
  capabilities: capabilities({ media: true, window24h: false, maxTextLength: 6000 }),
  configKeys: ['appKey', 'appSecret', 'accessToken', 'businessId'],
  bodyFormat: 'json',

  async verify(req, config) {
    const secret = cfg(config, 'appSecret');
    if (!secret) return 'the inbox has no appSecret configured';
    const header = req.headers['tiktok-signature'];
    if (!header) return 'missing TikTok-Signature';
    const parts = Object.fromEntries(header.split(',').map((kv) => kv.trim().split('=') as [string, string]));
    if (!parts.t || !parts.s) return 'TikTok-Signature must be t=…,s=…';
    if (Math.abs(Date.now() / 1000 - Number(parts.t)) > 300) return 'TikTok-Signature timestamp is outside the 5-minute tolerance';
    return safeEqual(await hmacSha256Hex(secret, `${parts.t}.${req.body}`), parts.s.toLowerCase()) ? null : 'TikTok-Signature does not match';
  },

  parse(req) {
    const b = parseJsonBody(req);
    if (!isObject(b) || typeof b.event !== 'string') throw new ParseError('not a TikTok webhook (event is missing)');
    if (!/receive|message/i.test(b.event)) return [];
    let content: Record<string, any> = {};
    try {
      content = typeof b.content === 'string' ? JSON.parse(b.content) : isObject(b.content) ? b.content : {};
    } catch {
      throw new ParseError('TikTok content is not JSON');
    }
    const from = str(content.from_user?.id) ?? str(content.sender?.id) ?? str(b.user_openid);
    const id = str(content.message_id) ?? str(content.msg_id);
    if (!from || !id) throw new ParseError('a TikTok message lacks a sender or message_id');
    const media: MediaRef[] = [];
    const url = str(content.image?.url) ?? str(content.video?.url);
    if (url) media.push({ url, contentType: content.image ? 'image/jpeg' : 'video/mp4', name: content.image ? 'image.jpg' : 'video.mp4' });
    const convo = str(content.conversation_id) ?? from;
    return [
      {
        type: 'message',
        providerMessageId: id,
        contact: { externalId: convo, name: str(content.from_user?.display_name) ?? null },
        text: str(content.text?.body) ?? str(content.text) ?? (media.length ? '' : `[${content.type ?? 'message'}]`),
        media,
        at: typeof b.create_time === 'number' ? b.create_time * 1000 : undefined,
      },
    ];
  },

  send(out, inbox) {
    const a = out.attachments[0];
    return jsonRequest(
      'POST',
      'https://business-api.tiktok.com/open_api/v1.3/business/message/send/',
      {
        business_id: cfg(inbox.config, 'businessId'),
        recipient_type: 'CONVERSATION',
        recipient: out.to.externalId,
        message_type: a ? 'IMAGE' : 'TEXT',
        ...(a ? { image: { media_id: a.url } } : { text: { body: out.text } }),
      },
      { 'access-token': cfg(inbox.config, 'accessToken') ?? '' },
    );
  },

  interpret(res) {
    // TikTok answers 200 with a non-zero code for errors.
    if (res.status === 200) {
      try {
        const j = JSON.parse(res.body);
        if (j.code && j.code !== 0) return { ok: false, permanent: j.code !== 40100 && j.code !== 50002, reason: `[${j.code}] ${j.message ?? 'TikTok error'}` };
      } catch {
        // fall through
      }
    }
    return interpretHttp(res, (j) => j?.data?.message?.message_id ?? j?.data?.message_id ?? null);
  },

  sandboxReply: () => jsonResponse(200, { code: 0, message: 'OK', request_id: sandboxId(''), data: { message: { message_id: sandboxId('tt_') } } }),
};

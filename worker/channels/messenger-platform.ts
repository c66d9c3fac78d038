// The Messenger Platform as Messenger (object "page") and Instagram DMs (object "instagram") share it:
// entry[].messaging[] events with message, delivery, read, postback and reaction; echoes of our own
// sends are ignored. Replies go through the Send API. Free-form replies are allowed 24 hours after the
// customer's last message, and up to 7 days with the HUMAN_AGENT tag; later sends fail with the reason.
import { capabilities, cfg, interpretHttp, isObject, jsonRequest, jsonResponse, parseJsonBody, sandboxId, str } from './common';
import { GRAPH, hubChallenge, META_THROTTLE_CODES, verifyHubSignature } from './meta';
import type { ChannelAdapter, InboundEvent, MediaRef } from './types';
import { ParseError } from './types';
import { messengerReferral } from './referral';

const DAY = 24 * 3600_000;
const HUMAN_AGENT_MS = 7 * DAY;

function attachmentsOf(message: Record<string, any>): { media: MediaRef[]; notes: string[] } {
  const media: MediaRef[] = [];
  const notes: string[] = [];
  for (const a of Array.isArray(message.attachments) ? message.attachments : []) {
    const url = str(a?.payload?.url);
    const type = String(a?.type ?? 'file');
    if (type === 'story_mention') notes.push('Mentioned you in their story');
    if (type === 'location' && a.payload?.coordinates) notes.push(`📍 (${a.payload.coordinates.lat}, ${a.payload.coordinates.long})`);
    if (type === 'fallback' || type === 'template') {
      notes.push(a.payload?.title ?? a.title ?? '[shared content]');
      continue;
    }
    if (url) media.push({ url, contentType: type === 'image' ? 'image/jpeg' : type === 'video' || type === 'ig_reel' || type === 'reel' ? 'video/mp4' : type === 'audio' ? 'audio/mpeg' : null, name: `${type}` });
  }
  return { media, notes };
}

export function messengerPlatform(key: 'messenger' | 'instagram', objectName: 'page' | 'instagram', label: string): ChannelAdapter {
  return {
    key,
    label,
    group: 'messaging',
    provider: `Meta Messenger Platform (${label})`,
    capabilities: capabilities({ media: true, window24h: true, deliveryReceipts: key === 'messenger', readReceipts: true, maxTextLength: key === 'messenger' ? 2000 : 1000 }),
    configKeys: ['pageId', 'pageAccessToken', 'appSecret', 'verifyToken'],
    bodyFormat: 'json',
    verify: verifyHubSignature,
    challenge: hubChallenge,

    parse(req) {
      const body = parseJsonBody(req);
      if (!isObject(body) || body.object !== objectName || !Array.isArray(body.entry)) {
        throw new ParseError(`not a ${label} webhook (object must be "${objectName}" with entry[])`);
      }
      const events: InboundEvent[] = [];
      for (const entry of body.entry) {
        for (const ev of Array.isArray(entry?.messaging) ? entry.messaging : []) {
          if (!isObject(ev)) continue;
          const sender = str(ev.sender?.id);
          const at = typeof ev.timestamp === 'number' ? ev.timestamp : undefined;
          if (isObject(ev.message)) {
            // Our own sends come back as echoes: they are already in the thread.
            if (ev.message.is_echo) continue;
            const mid = str(ev.message.mid);
            if (!sender || !mid) throw new ParseError(`a ${label} message lacks sender.id or mid`);
            const { media, notes } = attachmentsOf(ev.message);
            const story = ev.message.reply_to?.story ? `↩ Replied to your story${ev.message.reply_to.story.url ? ` (${ev.message.reply_to.story.url})` : ''}` : null;
            const text = [story, str(ev.message.text), ...notes].filter(Boolean).join('\n');
            const referral = ev.message.referral ? messengerReferral(sender, ev.message.referral) : null;
            events.push({ type: 'message', providerMessageId: mid, contact: { externalId: sender }, text, media, at, ...(referral ? { context: referral } : {}) });
          } else if (isObject(ev.postback) && sender) {
            const mid = str(ev.postback.mid) ?? `postback:${sender}:${ev.timestamp}`;
            const referral = ev.postback.referral ? messengerReferral(sender, ev.postback.referral) : null;
            events.push({ type: 'message', providerMessageId: mid, contact: { externalId: sender }, text: String(ev.postback.title ?? ev.postback.payload ?? '[postback]'), at, ...(referral ? { context: referral } : {}) });
          } else if (isObject(ev.referral) && sender) {
            // messaging_referrals: the customer opened the thread from an ad, a link or the chat plugin, before writing.
            const referral = messengerReferral(sender, ev.referral);
            // Kept on the contact only: a thread opened without a word is no conversation for the queue yet.
            if (referral) events.push({ type: 'context', contact: { externalId: sender }, context: referral, note: null, eventId: `referral:${sender}:${ev.timestamp ?? referral.reference}` });
          } else if (isObject(ev.reaction) && sender) {
            const mid = `reaction:${ev.reaction.mid}:${ev.reaction.action}:${ev.timestamp}`;
            const text = ev.reaction.action === 'unreact' ? 'Removed a reaction' : `Reacted ${ev.reaction.emoji ?? ev.reaction.reaction ?? ''} to a message`.replace('  ', ' ');
            events.push({ type: 'message', providerMessageId: mid, contact: { externalId: sender }, text, at });
          } else if (isObject(ev.delivery)) {
            for (const mid of Array.isArray(ev.delivery.mids) ? ev.delivery.mids : []) events.push({ type: 'status', providerMessageId: String(mid), status: 'delivered', at });
          } else if (isObject(ev.read) && str(ev.read.mid)) {
            // Instagram names the message; Messenger only gives a watermark (no single message to update).
            events.push({ type: 'status', providerMessageId: String(ev.read.mid), status: 'read', at });
          }
        }
      }
      return events;
    },

    policy(_out, facts) {
      if (facts.lastInboundAt === null) return `${label} only allows replies to people who wrote first`;
      if (facts.now - facts.lastInboundAt > HUMAN_AGENT_MS) return `${label}'s messaging window closed (7 days after the customer's last message, with the human agent tag)`;
      return null;
    },

    send(out, inbox) {
      const token = cfg(inbox.config, 'pageAccessToken') ?? '';
      const pageId = cfg(inbox.config, 'pageId') ?? 'me';
      const lastInbound = out.lastInboundAt ?? null;
      const tagged = lastInbound !== null && Date.now() - lastInbound > DAY;
      const a = out.attachments[0];
      const message = a
        ? { attachment: { type: a.contentType.startsWith('image/') ? 'image' : a.contentType.startsWith('video/') ? 'video' : a.contentType.startsWith('audio/') ? 'audio' : 'file', payload: { url: a.url, is_reusable: true } } }
        : { text: out.text };
      return jsonRequest(
        'POST',
        `${GRAPH}/${key === 'instagram' ? pageId : 'me'}/messages`,
        { recipient: { id: out.to.externalId }, messaging_type: tagged ? 'MESSAGE_TAG' : 'RESPONSE', ...(tagged ? { tag: 'HUMAN_AGENT' } : {}), message },
        { authorization: `Bearer ${token}` },
      );
    },

    interpret(res) {
      const result = interpretHttp(res, (j) => j?.message_id);
      if (!result.ok && result.permanent) {
        try {
          if (META_THROTTLE_CODES.has(Number(JSON.parse(res.body)?.error?.code))) return { ...result, permanent: false, retryAfterSeconds: 60 };
        } catch {
          // keep the plain reading
        }
      }
      return result;
    },

    sandboxReply(_req, out) {
      return jsonResponse(200, { recipient_id: out.to.externalId, message_id: `m_${sandboxId('')}` });
    },

    mediaRequest(ref, _inbox, previous) {
      return previous || !ref.url ? null : { method: 'GET', url: ref.url, headers: {} };
    },
  };
}

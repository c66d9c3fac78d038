// Telegram Bot API. Inbound: Update objects posted to the webhook set with setWebhook(secret_token),
// checked through the X-Telegram-Bot-Api-Secret-Token header (a shared string, compared in constant
// time); text, captions, photos, documents, voice, audio, video, stickers, locations and contacts.
// Outbound: sendMessage / sendPhoto / sendDocument to the chat. Config: {botToken, secretToken}.
import { capabilities, cfg, interpretHttp, isObject, jsonRequest, jsonResponse, parseJsonBody, safeEqual, str } from './common';
import type { ChannelAdapter, MediaRef, SendResult } from './types';
import { ParseError } from './types';

const API = 'https://api.telegram.org';

function displayName(u: Record<string, any> | undefined): string | null {
  if (!u) return null;
  const name = [u.first_name, u.last_name].filter(Boolean).join(' ') || u.title || u.username;
  return name ? String(name) : null;
}

export const telegram: ChannelAdapter = {
  key: 'telegram',
  label: 'Telegram',
  group: 'messaging',
  provider: 'Telegram Bot API',
  capabilities: capabilities({ media: true, maxTextLength: 4096 }),
  configKeys: ['botToken', 'secretToken'],
  bodyFormat: 'json',

  async verify(req, config) {
    const secret = cfg(config, 'secretToken');
    if (!secret) return 'the inbox has no secretToken configured';
    const given = req.headers['x-telegram-bot-api-secret-token'];
    if (!given) return 'missing X-Telegram-Bot-Api-Secret-Token';
    return safeEqual(secret, given) ? null : 'X-Telegram-Bot-Api-Secret-Token does not match';
  },

  parse(req) {
    const update = parseJsonBody(req);
    if (!isObject(update) || typeof update.update_id !== 'number') throw new ParseError('not a Telegram Update (update_id is missing)');
    const m = update.message ?? update.edited_message ?? update.channel_post ?? update.business_message;
    if (!isObject(m)) return []; // callback queries, polls, member updates: nothing for the thread
    const chatId = str(m.chat?.id);
    if (!chatId || m.message_id === undefined) throw new ParseError('a Telegram message lacks chat.id or message_id');
    const media: MediaRef[] = [];
    const notes: string[] = [];
    if (Array.isArray(m.photo) && m.photo.length) {
      const largest = m.photo[m.photo.length - 1];
      media.push({ providerMediaId: str(largest.file_id), contentType: 'image/jpeg', name: 'photo.jpg' });
    }
    for (const kind of ['document', 'voice', 'audio', 'video', 'video_note', 'sticker', 'animation'] as const) {
      const f = m[kind];
      if (isObject(f) && f.file_id) media.push({ providerMediaId: String(f.file_id), contentType: str(f.mime_type) ?? (kind === 'sticker' ? 'image/webp' : null), name: str(f.file_name) ?? kind });
    }
    if (isObject(m.location)) notes.push(`📍 (${m.location.latitude}, ${m.location.longitude})`);
    if (isObject(m.contact)) notes.push(`👤 Shared contact: ${[m.contact.first_name, m.contact.last_name].filter(Boolean).join(' ')} ${m.contact.phone_number ?? ''}`.trim());
    const edited = update.edited_message ? ' (edited)' : '';
    const text = [str(m.text) ?? str(m.caption), ...notes].filter(Boolean).join('\n') + edited;
    const from = isObject(m.from) ? m.from : m.chat;
    return [
      {
        type: 'message',
        providerMessageId: `${chatId}:${m.message_id}${update.edited_message ? `:edit:${m.edit_date ?? update.update_id}` : ''}`,
        contact: { externalId: chatId, name: displayName(m.chat?.type === 'private' ? from : m.chat), phone: null },
        text,
        media,
        at: typeof m.date === 'number' ? m.date * 1000 : undefined,
      },
    ];
  },

  send(out, inbox) {
    const token = cfg(inbox.config, 'botToken') ?? 'missing-bot-token';
    const a = out.attachments[0];
    if (a) {
      const method = a.contentType.startsWith('image/') ? 'sendPhoto' : 'sendDocument';
      const field = method === 'sendPhoto' ? 'photo' : 'document';
      return jsonRequest('POST', `${API}/bot${token}/${method}`, { chat_id: out.to.externalId, [field]: a.url, ...(out.text ? { caption: out.text } : {}) });
    }
    return jsonRequest('POST', `${API}/bot${token}/sendMessage`, { chat_id: out.to.externalId, text: out.text });
  },

  interpret(res): SendResult {
    const result = interpretHttp(res, (j) => j?.result?.message_id);
    if (!result.ok && res.status === 429) {
      try {
        const after = Number(JSON.parse(res.body)?.parameters?.retry_after);
        if (after > 0) return { ...result, retryAfterSeconds: after };
      } catch {
        // keep the plain reading
      }
    }
    return result;
  },

  sandboxReply(_req, out) {
    return jsonResponse(200, { ok: true, result: { message_id: Math.floor(Math.random() * 1e9), chat: { id: Number(out.to.externalId) || out.to.externalId }, date: Math.floor(Date.now() / 1000), text: out.text } });
  },

  mediaRequest(ref, inbox, previous) {
    const token = cfg(inbox.config, 'botToken') ?? '';
    if (!previous) return ref.providerMediaId ? { method: 'GET', url: `${API}/bot${token}/getFile?file_id=${encodeURIComponent(ref.providerMediaId)}`, headers: {} } : null;
    try {
      const path = JSON.parse(previous.body)?.result?.file_path;
      return typeof path === 'string' ? { method: 'GET', url: `${API}/file/bot${token}/${path}`, headers: {} } : null;
    } catch {
      return null;
    }
  },
};

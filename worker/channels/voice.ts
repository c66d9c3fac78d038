// Voice through Twilio Programmable Voice. An incoming call to the inbox's number is answered with
// TwiML that takes a voicemail (<Record transcribe>) and lands as "missed call" in the thread; the
// transcription callback lands as the voicemail message with its recording (fetched into R2).
// Outbound ("callback request"): an agent's reply places a call that reads the reply to the customer.
// Config: {accountSid, authToken, phoneNumber}; the voice webhook URL is /webhooks/voice/:inboxId.
import { basicAuth, capabilities, cfg, e164, formObject, jsonResponse, sandboxId } from './common';
import { escapeXml, interpretTwilio, TWILIO_API, twiml, verifyTwilio } from './twilio';
import type { ProviderRequest, ChannelAdapter, InboundEvent } from './types';
import { ParseError } from './types';

const MISSED = new Set(['ringing', 'no-answer', 'busy', 'failed', 'canceled', 'in-progress']);

export const voice: ChannelAdapter = {
  key: 'voice',
  label: 'Voice & voicemail',
  group: 'voice',
  provider: 'Twilio Programmable Voice',
  capabilities: capabilities({ media: false, deliveryReceipts: true, maxTextLength: 1000 }),
  configKeys: ['accountSid', 'authToken', 'phoneNumber'],
  bodyFormat: 'form',
  verify: verifyTwilio,

  ack(req) {
    const p = formObject(req.body);
    // An incoming call: offer voicemail. Callbacks (recording finished, transcription) get an empty answer.
    if (p.CallSid && !p.RecordingUrl && !p.TranscriptionSid && p.Direction !== 'outbound-api' && MISSED.has(String(p.CallStatus ?? 'ringing'))) {
      const url = new URL(req.url);
      url.search = '';
      const back = escapeXml(url.toString());
      return twiml(
        `<Say>Sorry, we cannot take your call right now. Please leave a message after the tone.</Say>` +
          `<Record maxLength="120" playBeep="true" transcribe="true" transcribeCallback="${back}" action="${back}?recorded=1"/>`,
      );
    }
    return twiml(p.RecordingUrl && !p.TranscriptionSid ? '<Hangup/>' : '');
  },

  parse(req) {
    const p = formObject(req.body);
    const callSid = p.CallSid;
    if (!callSid) throw new ParseError('not a Twilio voice webhook (CallSid is missing)');
    const from = p.From ?? p.Caller;
    const contact = from ? { externalId: e164(from) ?? from, phone: e164(from) } : null;
    // Status callback of a call we placed.
    if (p.Direction === 'outbound-api' || (p.CallStatus === 'completed' && !p.RecordingUrl && !p.TranscriptionSid)) {
      const status = p.CallStatus === 'completed' ? 'delivered' : p.CallStatus === 'failed' || p.CallStatus === 'busy' || p.CallStatus === 'no-answer' ? 'failed' : null;
      return status ? [{ type: 'status', providerMessageId: callSid, status, reason: status === 'failed' ? `call ${p.CallStatus}` : null }] : [];
    }
    if (!contact) throw new ParseError('a Twilio voice webhook lacks From');
    if (p.TranscriptionSid || p.TranscriptionText !== undefined) {
      const ok = p.TranscriptionStatus !== 'failed' && p.TranscriptionText;
      return [
        {
          type: 'message',
          providerMessageId: p.TranscriptionSid ?? `${callSid}:transcription`,
          contact,
          text: ok ? `🎙 Voicemail: ${p.TranscriptionText}` : '🎙 Voicemail (no transcription available)',
          media: p.RecordingUrl ? [{ url: p.RecordingUrl, contentType: 'audio/wav', name: `voicemail-${p.RecordingSid ?? callSid}.wav` }] : [],
        },
      ];
    }
    if (p.RecordingUrl) return []; // the <Record> action: the transcription callback carries the message
    if (MISSED.has(String(p.CallStatus ?? 'ringing'))) {
      return [{ type: 'message', providerMessageId: `${callSid}:missed`, contact, text: `📞 Missed call from ${contact.phone ?? contact.externalId}` } satisfies InboundEvent];
    }
    return [];
  },

  send(out, inbox) {
    const accountSid = cfg(inbox.config, 'accountSid') ?? 'AC_missing';
    const form = new URLSearchParams();
    form.set('To', out.to.phone ?? out.to.externalId);
    form.set('From', cfg(inbox.config, 'phoneNumber') ?? '');
    form.set('Twiml', `<Response><Say>${escapeXml(out.text)}</Say></Response>`);
    form.set('StatusCallback', `${inbox.publicUrl}/webhooks/voice/${inbox.id}`);
    return {
      method: 'POST',
      url: `${TWILIO_API}/Accounts/${accountSid}/Calls.json`,
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: basicAuth(accountSid, cfg(inbox.config, 'authToken') ?? '') },
      body: form.toString(),
    };
  },

  interpret: interpretTwilio,

  sandboxReply(req) {
    const form = new URLSearchParams(req.body ?? '');
    return jsonResponse(201, { sid: sandboxId('CA').slice(0, 34), status: 'queued', to: form.get('To'), from: form.get('From') });
  },

  mediaRequest(ref, inbox, previous): ProviderRequest | null {
    if (previous || !ref.url) return null;
    const sid = cfg(inbox.config, 'accountSid');
    const token = cfg(inbox.config, 'authToken');
    return { method: 'GET', url: ref.url, headers: sid && token ? { authorization: basicAuth(sid, token) } : {} };
  },
};

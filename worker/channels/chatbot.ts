// Chatbot handoff: the bot's transcript plus the handoff reason ({type:"chatbot.handoff", data:{sessionId,
// user, transcript[], reason}}) signed with Standard Webhooks lands in the human queue with the customer
// waiting; replies are POSTed, signed, to the bot's replyUrl. Config: {signingSecret, replyUrl}.
import { capabilities, cfg, e164, interpretHttp, isObject, jsonResponse, sandboxId, str } from './common';
import { event, signedPost, verify } from './sources';
import type { ChannelAdapter, InboundEvent } from './types';
import { ParseError } from './types';

export const chatbot: ChannelAdapter = {
  key: 'chatbot',
  label: 'Chatbot handoff',
  group: 'source',
  provider: 'Standard Webhooks (Parley chatbot.handoff)',
  capabilities: capabilities({ maxTextLength: 4000 }),
  configKeys: ['signingSecret', 'replyUrl'],
  bodyFormat: 'json',
  verify,
  parse(req) {
    const d = event(req, 'chatbot.handoff');
    const session = str(d.sessionId);
    const user = isObject(d.user) ? d.user : {};
    const userId = str(user.id);
    if (!session || !userId || !Array.isArray(d.transcript)) throw new ParseError('a handoff needs data.sessionId, data.user.id and data.transcript[]');
    const contact = { externalId: userId, name: str(user.name), email: str(user.email)?.toLowerCase() ?? null, phone: e164(str(user.phone)) };
    const events: InboundEvent[] = d.transcript.slice(0, 200).map((line: any, i: number) => ({
      type: 'message' as const,
      providerMessageId: `${session}:${i}`,
      contact,
      text: String(line?.text ?? ''),
      authorType: line?.role === 'bot' ? ('bot' as const) : ('contact' as const),
      at: typeof line?.at === 'number' ? line.at : undefined,
    }));
    // The reason lands as a note for the human who picks it up; the transcript ends with the customer waiting.
    events.push({ type: 'message', providerMessageId: `${session}:handoff`, contact, text: '', note: `🤖 Bot handoff: ${str(d.reason) ?? 'no reason given'}` });
    return events;
  },
  send(out, inbox) {
    return signedPost(cfg(inbox.config, 'replyUrl'), cfg(inbox.config, 'signingSecret'), { type: 'chatbot.reply', data: { userId: out.to.externalId, text: out.text, author: out.authorName } }, out.messageId);
  },
  interpret: (res) => interpretHttp(res, (j) => j?.id ?? null),
  sandboxReply: () => jsonResponse(200, { id: sandboxId('cb_') }),
};

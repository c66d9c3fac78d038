// Reviews: a review post ({type:"review.created", data:{reviewId, platform, rating, title?, body,
// author, url?}}) signed with Standard Webhooks is its own thread; the reply is a public response
// POSTed, signed, to the source's replyUrl. Config: {signingSecret, replyUrl}.
import { capabilities, cfg, interpretHttp, isObject, jsonResponse, sandboxId, str } from './common';
import { event, signedPost, verify } from './sources';
import type { ChannelAdapter } from './types';
import { ParseError } from './types';

export const review: ChannelAdapter = {
  key: 'review',
  label: 'Reviews',
  group: 'source',
  provider: 'Standard Webhooks (Parley review.created)',
  capabilities: capabilities({ publicReply: true, maxTextLength: 4000 }),
  configKeys: ['signingSecret', 'replyUrl'],
  bodyFormat: 'json',
  verify,
  parse(req) {
    const d = event(req, 'review.created');
    const id = str(d.reviewId);
    if (!id) throw new ParseError('a review needs data.reviewId');
    const author = isObject(d.author) ? d.author : {};
    const rating = Number(d.rating);
    const stars = Number.isFinite(rating) && rating >= 0 && rating <= 5 ? '★'.repeat(Math.round(rating)) + '☆'.repeat(5 - Math.round(rating)) : '';
    const text = [`${stars} ${d.platform ? `${d.platform} review` : 'Review'}${d.title ? `: ${d.title}` : ''}`.trim(), str(d.body), str(d.url)].filter(Boolean).join('\n');
    return [
      {
        type: 'message',
        providerMessageId: id,
        // One thread per review: the public reply belongs to that review.
        contact: { externalId: `review:${id}`, name: str(author.name) },
        text,
        context: { kind: 'order', reference: id, data: { type: 'review', platform: d.platform ?? null, rating: Number.isFinite(rating) ? rating : null, url: d.url ?? null } },
      },
    ];
  },
  send(out, inbox) {
    const reviewId = out.to.externalId.replace(/^review:/, '');
    return signedPost(cfg(inbox.config, 'replyUrl'), cfg(inbox.config, 'signingSecret'), { type: 'review.reply', data: { reviewId, text: out.text, author: out.authorName } }, out.messageId);
  },
  interpret: (res) => interpretHttp(res, (j) => j?.id ?? j?.replyId ?? null),
  sandboxReply: () => jsonResponse(200, { id: sandboxId('rr_') }),
};


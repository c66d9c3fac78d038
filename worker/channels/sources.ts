// Shared by the sources without a provider standard (form.ts, review.ts, chatbot.ts): each posts
// Parley's own documented JSON, signed with Standard Webhooks (config {signingSecret}); replies that the
// source accepts (public review responses, messages back into the bot's session) are POSTed to the
// source's `replyUrl`, signed the same way. Event shapes:
//   form:    {type:"form.submitted", data:{submissionId, formName?, contact:{name?, email?, phone?}, fields:{…}, message?}}
//   review:  {type:"review.created", data:{reviewId, platform, rating, title?, body, author:{id?, name?}, url?}}
//   chatbot: {type:"chatbot.handoff", data:{sessionId, user:{id, name?, email?, phone?}, transcript:[{role:"user"|"bot", text, at?}], reason}}
import { cfg, isObject, parseJsonBody } from './common';
import { signedHeaders, verifyStandardWebhook } from './standard-webhooks';
import type { ChannelAdapter, ProviderRequest } from './types';
import { ParseError } from './types';

export function event(req: Parameters<NonNullable<ChannelAdapter['parse']>>[0], type: string): Record<string, any> {
  const body = parseJsonBody(req);
  if (!isObject(body) || !isObject(body.data)) throw new ParseError('expected {type, data} (Standard Webhooks event)');
  if (body.type !== type) throw new ParseError(`unsupported event type ${JSON.stringify(body.type)} (expected "${type}")`);
  return body.data;
}

export async function signedPost(url: string | null, secret: string | null, payload: unknown, idempotencyKey: string): Promise<ProviderRequest> {
  const body = JSON.stringify(payload);
  return { method: 'POST', url: url ?? 'https://reply-url-not-configured.invalid/', headers: { 'content-type': 'application/json', ...(secret ? await signedHeaders(secret, idempotencyKey, body) : {}) }, body };
}

export const verify: ChannelAdapter['verify'] = (req, config) => verifyStandardWebhook(req, cfg(config, 'signingSecret'));


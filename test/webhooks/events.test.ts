// Which conversation events become webhook events (pure): CSAT answers do since the stream carries them.
import { describe, expect, it } from 'vitest';
import type { ParleyEvent } from '../../worker/events/model';
import { webhookEventOf } from '../../worker/webhooks/events';

const base = {
  id: 'cnv_1:7',
  workspaceId: 'ws_1',
  conversationId: 'cnv_1',
  seq: 7,
  at: 1,
  actor: null,
  commit: { first: 7, last: 7 },
  conversation: { contactId: 'ct_1', inboxId: 'inb_1', channel: 'sms', status: 'closed', priority: 'normal', assigneeId: null, teamId: null, tags: [], createdAt: 0, slaStatus: null },
} as const;

describe('webhookEventOf', () => {
  it('a CSAT answer is csat.submitted with its score and the conversation', () => {
    const e = { ...base, type: 'csat.submitted', data: { surveyId: 'srv_1', score: 4, raw: 4, scale: 'stars5', comment: 'Nice', source: 'survey', replaced: false } } as unknown as ParleyEvent;
    expect(webhookEventOf(e)).toEqual({ type: 'csat.submitted', data: { conversation: { id: 'cnv_1', ...base.conversation }, surveyId: 'srv_1', score: 4, raw: 4, scale: 'stars5', comment: 'Nice', source: 'survey', replaced: false } });
  });

  it('an internal note is never sent', () => {
    const e = { ...base, type: 'message.created', data: { messageId: 'm1' }, message: { id: 'm1', direction: 'outbound', authorType: 'agent', authorId: 'u1', text: 'private', isInternalNote: true, attachments: 0, externalId: null } } as unknown as ParleyEvent;
    expect(webhookEventOf(e)).toBeNull();
  });
});

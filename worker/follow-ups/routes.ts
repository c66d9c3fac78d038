// Follow-ups and send later, under /conversations/:id: any agent who may see the conversation
// schedules, lists and cancels. The schedule itself lives in the ConversationDO (worker/follow-ups/
// schedule.ts is its logic); POST /conversations/:id/messages with `sendAt` lands in scheduleMessage.
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { canSeeConversation, type Principal } from '../auth/principal';
import type { Actor } from '../conversations/model';
import { conversationStub } from '../conversations/service';
import { newId } from '../db/ids';
import { Problem } from '../http/problem';
import { Timestamp } from '../http/schemas';
import { valid } from '../http/validate';
import { MAX_AHEAD_MS, MAX_TEXT, publicItem, type ScheduledKind } from './schedule';
import type { TurnIn } from './suggest';
import { followUpAdvisorFor } from './suggest-ai';

export const followUpRoutes = new Hono<AppEnv>();

// The same as conversations/routes.ts's actorOf (not imported from there: that module imports this one).
const actorOf = (p: Principal): Actor => ({ type: 'agent', id: p.userId, name: p.name });

const FollowUpText = v.pipe(v.string(), v.maxLength(MAX_TEXT));
const FollowUpBody = v.pipe(
  v.object({
    inSeconds: v.optional(v.pipe(v.number(), v.integer('must be whole seconds'), v.minValue(1, 'must be in the future'), v.maxValue(MAX_AHEAD_MS / 1000, 'must be within 365 days'))),
    at: v.optional(Timestamp),
    text: v.optional(v.nullable(FollowUpText)),
    cancelOnReply: v.optional(v.boolean(), true),
  }),
  v.forward(
    v.check((b) => (b.inSeconds === undefined) !== (b.at === undefined), 'give exactly one of inSeconds and at'),
    ['inSeconds'],
  ),
);
const ScheduledPatch = v.pipe(
  v.object({ text: v.optional(FollowUpText), sendAt: v.optional(Timestamp) }),
  v.forward(
    v.check((b) => b.text !== undefined || b.sendAt !== undefined, 'change text or sendAt'),
    ['text'],
  ),
);
const ItemParam = v.object({ id: v.pipe(v.string(), v.maxLength(100)), fid: v.optional(v.pipe(v.string(), v.maxLength(100))), sid: v.optional(v.pipe(v.string(), v.maxLength(100))) });

/** The conversation's object, once the caller is known to see the conversation. */
async function visibleStub(c: Context<AppEnv>) {
  const p = c.get('principal');
  const stub = conversationStub(c.env, p.workspaceId, c.req.param('id')!);
  const state = await stub.state();
  if (!state) throw Problem.notFound('Conversation');
  if (!canSeeConversation(p, state)) throw Problem.forbidden('This conversation is not assigned to you or your teams');
  return stub;
}

type Result = Awaited<ReturnType<ReturnType<typeof conversationStub>['schedule']>>;

function unwrap(r: Result) {
  if (r.ok) return r.item;
  if (r.status === 404) throw Problem.notFound(r.field === 'id' ? 'Scheduled item' : 'Conversation');
  if (r.status === 409) throw Problem.conflict(r.message, r.field);
  throw Problem.badRequest(r.field, r.message);
}

/** POST /conversations/:id/messages with `sendAt`: a message sent later (text only; not a note). */
export async function scheduleMessage(c: Context<AppEnv>, body: { text: string; sendAt: number; isInternalNote: boolean; attachments: unknown[] }): Promise<Response> {
  if (body.isInternalNote) throw Problem.badRequest('sendAt', 'internal notes cannot be scheduled');
  if (body.attachments.length) throw Problem.badRequest('sendAt', 'messages with attachments cannot be scheduled yet');
  const stub = await visibleStub(c);
  const item = unwrap(await stub.schedule({ id: newId('sch'), kind: 'message', dueAt: body.sendAt, dueField: 'sendAt', text: body.text, cancelOnReply: false, by: actorOf(c.get('principal')) }));
  return c.json({ scheduledMessage: publicItem(item!) }, 201);
}

followUpRoutes.post(
  '/:id/follow-ups',
  describeRoute({
    tags: ['follow-ups'],
    summary: 'Schedule a follow-up (in inSeconds, or at a time)',
    description:
      'When due: with text, the text is sent as you; without, a snoozed or pending conversation comes back to open and its assignee (else you) is notified. cancelOnReply (default true): a customer message before then cancels it. At most 365 days ahead.',
  }),
  valid('json', FollowUpBody),
  async (c) => {
    const body = c.req.valid('json');
    const stub = await visibleStub(c);
    const dueAt = body.at ?? Date.now() + body.inSeconds! * 1000;
    const text = body.text === undefined ? null : body.text;
    const item = unwrap(await stub.schedule({ id: newId('fup'), kind: 'followup', dueAt, dueField: body.at !== undefined ? 'at' : 'inSeconds', text, cancelOnReply: body.cancelOnReply, by: actorOf(c.get('principal')) }));
    return c.json({ followUp: publicItem(item!) }, 201);
  },
);

function listRoute(kind: ScheduledKind) {
  return async (c: Context<AppEnv>) => {
    const stub = await visibleStub(c);
    const items = (await stub.scheduledItems(kind)).map(publicItem);
    return c.json({ items });
  };
}

function cancelRoute(kind: ScheduledKind, param: 'fid' | 'sid') {
  return async (c: Context<AppEnv>) => {
    const stub = await visibleStub(c);
    unwrap(await stub.cancelScheduled(c.req.param(param)!, kind, actorOf(c.get('principal'))));
    return c.body(null, 204);
  };
}

followUpRoutes.get(
  '/:id/follow-ups/suggestion',
  describeRoute({
    tags: ['follow-ups'],
    summary: 'A follow-up worth scheduling, or null',
    description:
      "When the conversation went quiet (4 hours) with the customer left to answer — the team's open question, or the customer saying they would check and come back — a proposed follow-up: inSeconds (24 hours after that turn, at least an hour ahead), the text to send in the customer's language, and the reason. Null while something is already pending or the conversation is snoozed or closed.",
  }),
  async (c) => {
    const stub = await visibleStub(c);
    const [state, messages] = await Promise.all([stub.state(), stub.messages({ limit: 12, includeNotes: false })]);
    if (!state) throw Problem.notFound('Conversation');
    const turns: TurnIn[] = messages
      .filter((m) => m.authorType !== 'system' && m.text.trim())
      .map((m) => ({ role: m.authorType === 'contact' ? 'customer' : 'team', text: m.text, at: m.createdAt }));
    const suggestion = await followUpAdvisorFor(c.env).suggest({ turns, status: state.status, pending: state.followUps?.count ?? 0, now: Date.now() });
    return c.json({ suggestion });
  },
);
followUpRoutes.get('/:id/follow-ups', describeRoute({ tags: ['follow-ups'], summary: 'Pending follow-ups of a conversation' }), listRoute('followup'));
followUpRoutes.delete('/:id/follow-ups/:fid', describeRoute({ tags: ['follow-ups'], summary: 'Cancel a pending follow-up' }), valid('param', ItemParam), cancelRoute('followup', 'fid'));
followUpRoutes.get('/:id/scheduled-messages', describeRoute({ tags: ['follow-ups'], summary: 'Messages scheduled to send later, not sent yet' }), listRoute('message'));
followUpRoutes.patch(
  '/:id/scheduled-messages/:sid',
  describeRoute({ tags: ['follow-ups'], summary: 'Edit a scheduled message (text, sendAt) until it is sent' }),
  valid('param', ItemParam),
  valid('json', ScheduledPatch),
  async (c) => {
    const stub = await visibleStub(c);
    // The message goes out in its author's name: only they (or a manager) may change what it says.
    // Anyone who sees the conversation may still cancel it (stopping a message is the safe direction).
    const p = c.get('principal');
    const current = (await stub.scheduledItems('message')).find((i) => i.id === c.req.param('sid'));
    if (current && current.by.id !== p.userId && p.role !== 'manager') throw Problem.forbidden('Only the agent who scheduled this message, or a manager, can edit it');
    const item = unwrap(await stub.editScheduled(c.req.param('sid'), c.req.valid('json'), actorOf(p)));
    return c.json({ scheduledMessage: publicItem(item!) });
  },
);
followUpRoutes.delete('/:id/scheduled-messages/:sid', describeRoute({ tags: ['follow-ups'], summary: 'Cancel a scheduled message before it is sent' }), valid('param', ItemParam), cancelRoute('message', 'sid'));

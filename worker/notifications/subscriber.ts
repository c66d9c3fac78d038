// News from the event stream for the people it concerns: an assignment for the new assignee (not when
// they took it themselves), a customer's reply for the assignee, an SLA warning for the assignee.
// At-least-once delivery: a redelivered event folds into the feed entry it made (dedupe.ts).
import type { ParleyEvent } from '../events/model';
import type { Subscriber } from '../events/subscribers';
import { customerName } from './customer';
import { sendNotification, type News } from './send';

const TARGETS: Record<string, string> = { firstResponse: 'first reply', nextResponse: 'next reply', resolution: 'resolution' };

/** News, plus the events beside it that shape it (a transfer's note on its routed event, a created conversation). */
function wanted(e: ParleyEvent): boolean {
  return isNews(e) || e.type === 'conversation.routed' || e.type === 'conversation.created';
}

function isNews(e: ParleyEvent): boolean {
  if (e.type === 'conversation.assigned') return (e as ParleyEvent<'conversation.assigned'>).data.to !== null;
  if (e.type === 'message.received') return e.conversation.assigneeId !== null && e.message?.direction === 'inbound';
  if (e.type === 'sla.warning') return e.conversation.assigneeId !== null;
  return false;
}

export const notificationsOnEvents: Subscriber = {
  name: 'notifications',
  wants: wanted,
  async handle(env, events) {
    const names = new Map<string, string>();
    const customer = async (e: ParleyEvent) => {
      const key = `${e.workspaceId}/${e.conversation.contactId}`;
      if (!names.has(key)) names.set(key, await customerName(env, e.workspaceId, e.conversation.contactId));
      return names.get(key)!;
    };
    for (const e of events) {
      if (!isNews(e)) continue;
      const base = { workspaceId: e.workspaceId, conversationId: e.conversationId, at: e.at, actorId: e.actor?.type === 'agent' ? e.actor.id : null };
      let to: string;
      let news: News;
      if (e.type === 'conversation.assigned') {
        to = (e as ParleyEvent<'conversation.assigned'>).data.to!;
        const who = await customer(e);
        // A transfer's note travels on the routed event of the same commit.
        const routed = events.find((x) => x.type === 'conversation.routed' && x.conversationId === e.conversationId && x.commit.first === e.commit.first) as ParleyEvent<'conversation.routed'> | undefined;
        const note = typeof routed?.data.note === 'string' ? routed.data.note : null;
        const by = e.actor?.type === 'agent' && e.actor.name ? e.actor.name : null;
        news = { ...base, kind: 'assigned', title: by ? `${by} ${routed?.data.trigger === 'transfer' ? 'transferred' : 'assigned'} ${who} to you` : `${who} was assigned to you`, body: note ?? '' };
      } else if (e.type === 'message.received') {
        to = e.conversation.assigneeId!;
        // The first message of a conversation is "new conversation" or "assigned" news, not a reply.
        if (events.some((x) => x.type === 'conversation.created' && x.conversationId === e.conversationId && x.commit.first === e.commit.first)) continue;
        news = { ...base, kind: 'customer_replied', title: `${await customer(e)} replied`, body: e.message?.text ?? '' };
      } else {
        to = e.conversation.assigneeId!;
        const target = String((e as ParleyEvent<'sla.warning'>).data.target);
        news = { ...base, kind: 'sla_warning', title: `${await customer(e)}: the ${TARGETS[target] ?? 'reply'} is due soon`, body: 'The SLA deadline is close.' };
      }
      await sendNotification(env, [to], news);
    }
  },
};

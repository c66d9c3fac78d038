// News from the event stream for the people it concerns: an assignment for the new assignee (not when
// they took it themselves), a customer's reply for the assignee, an SLA warning for the assignee.
// At-least-once delivery: a redelivered event folds into the feed entry it made (dedupe.ts).
import type { ParleyEvent } from '../events/model';
import type { Subscriber } from '../events/subscribers';
import { customerName } from './customer';
import { sendNotification, type News } from './send';

const TARGETS: Record<string, string> = { firstResponse: 'first reply', nextResponse: 'next reply', resolution: 'resolution' };

/**
 * Whether the event belongs to the commit that created its conversation: a conversation's sequence
 * starts at 1 with its creation, so that commit's first event is 1. Read from the event itself, not
 * from a conversation.created found in the same queue batch (batching must not change the news).
 */
function inCreatingCommit(e: ParleyEvent): boolean {
  return e.commit.first === 1;
}

function isNews(e: ParleyEvent): boolean {
  if (e.type === 'conversation.assigned') return (e as ParleyEvent<'conversation.assigned'>).data.to !== null;
  // The first message of a conversation is "new conversation" or "assigned" news, not a reply.
  if (e.type === 'message.received') return e.conversation.assigneeId !== null && e.message?.direction === 'inbound' && !inCreatingCommit(e);
  if (e.type === 'sla.warning') return e.conversation.assigneeId !== null;
  return false;
}

export const notificationsOnEvents: Subscriber = {
  name: 'notifications',
  wants: isNews,
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
        // Routing puts the trigger and a transfer's note on the assignment event itself (worker/routing/apply.ts).
        const { trigger, note } = (e as ParleyEvent<'conversation.assigned'>).data;
        const by = e.actor?.type === 'agent' && e.actor.name ? e.actor.name : null;
        news = { ...base, kind: 'assigned', title: by ? `${by} ${trigger === 'transfer' ? 'transferred' : 'assigned'} ${who} to you` : `${who} was assigned to you`, body: typeof note === 'string' ? note : '' };
      } else if (e.type === 'message.received') {
        to = e.conversation.assigneeId!;
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

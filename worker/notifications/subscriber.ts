// News from the event stream for the people it concerns: an assignment for the new assignee (not when
// they took it themselves), a customer's reply for the assignee, an SLA warning for the assignee.
// At-least-once delivery: a redelivered event folds into the feed entry it made (dedupe.ts).
import type { ParleyEvent } from '../events/model';
import type { Subscriber } from '../events/subscribers';
import { customerName, customerNames, customerNamesQuery } from './customer';
import { recipientsQuery, sendNotification, type News, type RecipientRow } from './send';

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

/** Whom a piece of news is for (isNews: an assignment's new assignee, else the conversation's assignee). */
function recipientOf(e: ParleyEvent): string {
  return e.type === 'conversation.assigned' ? (e as ParleyEvent<'conversation.assigned'>).data.to! : e.conversation.assigneeId!;
}

export const notificationsOnEvents: Subscriber = {
  name: 'notifications',
  wants: isNews,
  async handle(env, events) {
    const news = events.filter(isNews);
    // The batch's customer names and recipients (with their preferences), one round trip per workspace
    // for all of its news, instead of two reads per piece of news.
    const names = new Map<string, string>();
    const people = new Map<string, Map<string, RecipientRow>>();
    const workspaces = new Map<string, { contacts: string[]; recipients: string[] }>();
    for (const e of news) {
      const w = workspaces.get(e.workspaceId) ?? { contacts: [], recipients: [] };
      workspaces.set(e.workspaceId, w);
      w.contacts.push(e.conversation.contactId);
      w.recipients.push(recipientOf(e));
    }
    await Promise.all(
      [...workspaces].map(async ([workspaceId, w]) => {
        const [contacts, recipients] = await env.DB.batch([customerNamesQuery(env, workspaceId, w.contacts), recipientsQuery(env, workspaceId, [...new Set(w.recipients)])]);
        for (const [id, name] of customerNames(w.contacts, contacts.results as Parameters<typeof customerNames>[1])) names.set(`${workspaceId}/${id}`, name);
        people.set(workspaceId, new Map((recipients.results as RecipientRow[]).map((r) => [r.id, r])));
      }),
    );
    const customer = async (e: ParleyEvent) => names.get(`${e.workspaceId}/${e.conversation.contactId}`) ?? (await customerName(env, e.workspaceId, e.conversation.contactId));
    for (const e of news) {
      const base = { workspaceId: e.workspaceId, conversationId: e.conversationId, at: e.at, actorId: e.actor?.type === 'agent' ? e.actor.id : null };
      let to: string;
      let piece: News;
      if (e.type === 'conversation.assigned') {
        to = (e as ParleyEvent<'conversation.assigned'>).data.to!;
        const who = await customer(e);
        // Routing puts the trigger and a transfer's note on the assignment event itself (worker/routing/apply.ts).
        const { trigger, note } = (e as ParleyEvent<'conversation.assigned'>).data;
        const by = e.actor?.type === 'agent' && e.actor.name ? e.actor.name : null;
        piece = { ...base, kind: 'assigned', title: by ? `${by} ${trigger === 'transfer' ? 'transferred' : 'assigned'} ${who} to you` : `${who} was assigned to you`, body: typeof note === 'string' ? note : '' };
      } else if (e.type === 'message.received') {
        to = e.conversation.assigneeId!;
        piece = { ...base, kind: 'customer_replied', title: `${await customer(e)} replied`, body: e.message?.text ?? '' };
      } else {
        to = e.conversation.assigneeId!;
        const target = String((e as ParleyEvent<'sla.warning'>).data.target);
        piece = { ...base, kind: 'sla_warning', title: `${await customer(e)}: the ${TARGETS[target] ?? 'reply'} is due soon`, body: 'The SLA deadline is close.' };
      }
      await sendNotification(env, [to], piece, { known: people.get(e.workspaceId) });
    }
  },
};

// Sends the CSAT survey when a conversation closes (event stream subscriber). At most one survey per
// conversation, ever: the survey row is unique per conversation and its message carries the external
// id `csat:<survey id>`, so a redelivered event, or a reopen and a second close, sends nothing again.
// Web chat shows the message as a rating card (the widget recognizes the external id); every other
// channel delivers its text, which carries the link to the survey page.
import { conversationStub } from '../conversations/service';
import { systemActor } from '../conversations/state';
import { closedByBroadcast } from '../broadcasts/model';
import type { ParleyEvent } from '../events/model';
import type { Subscriber } from '../events/subscribers';
import { strings } from './i18n';
import { loadCsatSettings, surveysOnClose } from './settings';
import { openSurvey, type Survey } from './surveys';
import { unsignedSurveyLink } from './token';

export const CSAT_EXTERNAL_PREFIX = 'csat:';

export const csatOnClose: Subscriber = {
  name: 'csat-on-close',
  wants: (e) => e.type === 'conversation.status_changed' && (e as ParleyEvent<'conversation.status_changed'>).data.to === 'closed' && !closedByBroadcast(e),
  async handle(env, events) {
    const settings = new Map<string, Awaited<ReturnType<typeof loadCsatSettings>>>();
    for (const e of events) {
      if (!settings.has(e.workspaceId)) settings.set(e.workspaceId, await loadCsatSettings(env.DB, e.workspaceId));
      const s = settings.get(e.workspaceId)!;
      if (!surveysOnClose(s, e.conversation.inboxId) || !s.publicOrigin) continue;
      const stub = conversationStub(env, e.workspaceId, e.conversationId);
      const conversation = await stub.state();
      // Reopened since (a later close has an event of its own).
      if (!conversation || conversation.status !== 'closed') continue;
      const { survey, created } = await openSurvey(env.DB, conversation, s);
      // Answered already (after an earlier close): nothing to ask again.
      if (survey.rawScore !== null) continue;
      // Unsigned: the team sees this text; the customer's copy is signed on the way out (token.ts).
      const link = unsignedSurveyLink(s.publicOrigin, survey.id);
      const text = surveyMessage(survey, link);
      const externalId = `${CSAT_EXTERNAL_PREFIX}${survey.id}`;
      if (s.delayMinutes > 0) {
        // Later: a scheduled message in the conversation's own schedule (its alarm), idempotent by id;
        // the customer writing again before it goes cancels it. A later close schedules it again only
        // while the survey was never sent (created now, or its schedule was cancelled).
        const id = `sch_csat_${survey.id}`;
        if (!created && (await surveyScheduledOrSent(stub, id))) continue;
        const dueAt = Math.max(e.at + s.delayMinutes * 60_000, Date.now() + 1000);
        const r = await stub.schedule({ id, kind: 'message', dueAt, dueField: 'delayMinutes', text, cancelOnReply: true, by: systemActor, externalId });
        if (!r.ok) console.warn(`conversation ${e.conversationId}: CSAT survey not scheduled (${r.message})`);
        continue;
      }
      const res = await stub.addMessage({ direction: 'outbound', author: systemActor, text, externalId }, 0);
      if (!res.ok) console.warn(`conversation ${e.conversationId}: CSAT survey not sent (${res.reason})`);
    }
  },
};

/** Whether a delayed survey is pending or went out (scheduled, and its last word is not a cancellation). */
async function surveyScheduledOrSent(stub: ReturnType<typeof conversationStub>, id: string): Promise<boolean> {
  if ((await stub.scheduledItems('message')).some((i) => i.id === id)) return true;
  const events = (await stub.events(0, 10_000, true)) as unknown as { type: string; data: Record<string, unknown> }[];
  const mine = events.filter((ev) => ev.data.id === id && ev.type.startsWith('scheduled_message.'));
  return mine.length > 0 && mine.at(-1)!.type !== 'scheduled_message.cancelled';
}

export function surveyMessage(s: Survey, link: string): string {
  const t = strings(s.language ?? 'en');
  return t.message.replace('{question}', s.question ?? t.question).replace('{link}', link);
}

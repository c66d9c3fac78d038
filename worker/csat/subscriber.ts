// Sends the CSAT survey when a conversation closes (event stream subscriber). At most one survey per
// conversation, ever: the survey row is unique per conversation and its message carries the external
// id `csat:<survey id>`, so a redelivered event, or a reopen and a second close, sends nothing again.
// Web chat shows the message as a rating card (the widget recognizes the external id); every other
// channel delivers its text, which carries the link to the survey page.
import { conversationStub } from '../conversations/service';
import { systemActor } from '../conversations/state';
import type { ParleyEvent } from '../events/model';
import type { Subscriber } from '../events/subscribers';
import { strings } from './i18n';
import { loadCsatSettings, surveysOnClose } from './settings';
import { openSurvey, type Survey } from './surveys';
import { surveyToken } from './token';

export const CSAT_EXTERNAL_PREFIX = 'csat:';

export const csatOnClose: Subscriber = {
  name: 'csat-on-close',
  wants: (e) => e.type === 'conversation.status_changed' && (e as ParleyEvent<'conversation.status_changed'>).data.to === 'closed',
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
      const { survey } = await openSurvey(env.DB, conversation, s);
      const link = `${s.publicOrigin}/csat/${await surveyToken(env.JWT_SECRET, survey)}`;
      const res = await stub.addMessage(
        { direction: 'outbound', author: systemActor, text: surveyMessage(survey, link), externalId: `${CSAT_EXTERNAL_PREFIX}${survey.id}` },
        0,
      );
      if (!res.ok) console.warn(`conversation ${e.conversationId}: CSAT survey not sent (${res.reason})`);
    }
  },
};

export function surveyMessage(s: Survey, link: string): string {
  const t = strings(s.language ?? 'en');
  return t.message.replace('{question}', s.question ?? t.question).replace('{link}', link);
}

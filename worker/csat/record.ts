// A CSAT response reaching the conversation: the pure transition the ConversationDO commits. The score
// lands in the conversation's state (its list row projects csat_score) and a `csat.submitted` event
// goes into the event stream (analytics facts, automation, webhooks).
import type { Actor, Conversation, ConversationCsat } from '../conversations/model';
import type { Transition } from '../conversations/state';

export interface CsatInput {
  csat: ConversationCsat;
  surveyId: string | null;
  actor: Actor | null;
}

export function csatTransition(state: Conversation, input: CsatInput, now: number): Transition {
  const { csat } = input;
  return {
    state: { ...state, csat, updatedAt: now },
    events: [
      {
        type: 'csat.submitted',
        actor: input.actor,
        data: { surveyId: input.surveyId, score: csat.score, raw: csat.raw, scale: csat.scale, comment: csat.comment, source: csat.source, replaced: !!state.csat },
      },
    ],
  };
}

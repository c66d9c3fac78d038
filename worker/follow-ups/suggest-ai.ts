// The follow-up suggestion in the cloud: the Workers AI text model reads the last turns and says
// whether the customer was left with something to answer or do, why, and what to send then, in the
// customer's language. The local heuristic (./suggest.ts) decides when it is worth asking at all
// (open or pending, nothing pending, quiet long enough) and answers alone on a timeout, an error or
// an answer that is not the JSON asked for.
import { aiMode, cloudEnv } from '../ai/providers';
import { BudgetExceeded, withBudget } from '../ai/budget';
import { generate, type ChatMessage, type CloudEnv } from '../ai/workers-ai';
import { FOLLOW_UP_AFTER_MS, QUIET_MS, suggestFollowUp, type FollowUpSuggestion, type SuggestInput } from './suggest';

export interface FollowUpAdvisor {
  readonly name: string;
  suggest(input: SuggestInput): Promise<FollowUpSuggestion | null>;
}

const BUDGET_MS = 3000;

export const localAdvisor: FollowUpAdvisor = { name: 'local', suggest: async (input) => suggestFollowUp(input) };

export function followUpAdvisorFor(env: Env): FollowUpAdvisor {
  return aiMode(env) === 'cloud' ? new WorkersAiFollowUpAdvisor(cloudEnv(env)) : localAdvisor;
}

export function adviceMessages(input: SuggestInput): ChatMessage[] {
  const turns = input.turns
    .slice(-8)
    .map((t) => `${t.role === 'customer' ? 'Customer' : 'Team'}: ${t.text.replace(/\s+/g, ' ').slice(0, 500)}`)
    .join('\n');
  return [
    {
      role: 'system',
      content: [
        'You help a customer support team decide whether to follow up on a conversation that has gone quiet.',
        'Follow up only if the last turn leaves the customer with something to answer or do (a question from the team, a request for details or a confirmation), or the customer said they would check and come back.',
        'Do not follow up if the conversation ended naturally (thanks, goodbye, the problem solved) or the team owes the next answer.',
        'Reply with JSON only: {"followUp": true|false, "reason": "one short sentence for the agent, in English", "message": "the short, friendly follow-up to send the customer, in the language the customer writes in"}.',
      ].join('\n'),
    },
    { role: 'user', content: turns },
  ];
}

export class WorkersAiFollowUpAdvisor implements FollowUpAdvisor {
  readonly name = 'workers-ai';
  constructor(
    private env: CloudEnv,
    private budgetMs = BUDGET_MS,
  ) {}

  async suggest(input: SuggestInput): Promise<FollowUpSuggestion | null> {
    const local = suggestFollowUp(input);
    const last = input.turns[input.turns.length - 1];
    if ((input.status !== 'open' && input.status !== 'pending') || input.pending > 0 || !last || input.now - last.at < QUIET_MS) return null;
    let raw: string;
    try {
      raw = await withBudget(this.budgetMs, (signal) => generate(this.env, adviceMessages(input), signal, 200));
    } catch (err) {
      console.warn(`follow-up advice with Workers AI ${err instanceof BudgetExceeded ? `exceeded ${this.budgetMs} ms` : `failed (${String(err)})`}; heuristic only`);
      return local;
    }
    const advice = parseAdvice(raw);
    if (!advice) return local;
    if (!advice.followUp) return null;
    const inSeconds = Math.round(Math.max(last.at + FOLLOW_UP_AFTER_MS - input.now, 3_600_000) / 1000);
    return {
      inSeconds,
      text: advice.message,
      reason: advice.reason,
      quote: local?.quote ?? last.text.slice(0, 160),
      kind: local?.kind ?? (last.role === 'team' ? 'question' : 'customer_will_reply'),
      waitingSince: last.at,
      language: local?.language ?? 'en',
    };
  }
}

/** The model's JSON, checked: a follow-up needs a reason and a message of sane length. */
export function parseAdvice(raw: string): { followUp: boolean; reason: string; message: string } | null {
  const json = /\{[\s\S]*\}/.exec(raw)?.[0];
  if (!json) return null;
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    return null;
  }
  const p = parsed as { followUp?: unknown; reason?: unknown; message?: unknown };
  if (typeof p.followUp !== 'boolean') return null;
  if (!p.followUp) return { followUp: false, reason: '', message: '' };
  if (typeof p.reason !== 'string' || typeof p.message !== 'string') return null;
  const reason = p.reason.replace(/\s+/g, ' ').trim();
  const message = p.message.trim();
  if (!reason || !message || reason.length > 300 || message.length > 1000) return null;
  return { followUp: true, reason, message };
}

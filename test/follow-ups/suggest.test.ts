// The follow-up suggestion: when a quiet conversation leaves the customer to answer, a proposed
// follow-up (when, what, why) in the customer's language; the Workers AI advisor against the faithful
// fake of the binding, falling back to the heuristic; and the endpoint's scoping.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { customerWillReply, FOLLOW_UP_AFTER_MS, openQuestion, QUIET_MS, suggestFollowUp, type SuggestInput, type TurnIn } from '../../worker/follow-ups/suggest';
import { parseAdvice, WorkersAiFollowUpAdvisor } from '../../worker/follow-ups/suggest-ai';
import { FakeAi } from '../ai/fakes';
import { call, newWorkspace, visitorConversation, webchatInbox } from '../helpers';

const HOUR = 3_600_000;
const NOW = Date.UTC(2026, 11, 3, 15, 0, 0);

function input(turns: [TurnIn['role'], string, number][], extra: Partial<SuggestInput> = {}): SuggestInput {
  return { turns: turns.map(([role, text, hoursAgo]) => ({ role, text, at: NOW - hoursAgo * HOUR })), status: 'open', pending: 0, now: NOW, ...extra };
}

describe('suggestFollowUp (local heuristic)', () => {
  it("the team's open question, quiet for hours: follow up 24 hours after it, quoting it, with the reason", () => {
    const s = suggestFollowUp(input([['customer', 'Do you have a room for two in May?', 7], ['team', 'We do! Which dates would you like?', 6]]));
    expect(s).toMatchObject({ kind: 'question', quote: 'Which dates would you like?', language: 'en', waitingSince: NOW - 6 * HOUR });
    expect(s!.inSeconds).toBe((FOLLOW_UP_AFTER_MS - 6 * HOUR) / 1000);
    expect(s!.reason).toBe('You asked “Which dates would you like?” 6 hours ago and the customer has not answered.');
    expect(s!.text).toContain('Which dates would you like?');
  });

  it('asks without a question mark count, in each language; the nudge is in the customer’s language', () => {
    expect(openQuestion('Thanks! Please confirm the booking reference when you can.')).toBe('Please confirm the booking reference when you can.');
    expect(openQuestion('Perfecto. Avísanos cuando llegues al aeropuerto.')).toBe('Avísanos cuando llegues al aeropuerto.');
    expect(openQuestion('Obrigado. Pode confirmar o número da reserva?')).toBe('Pode confirmar o número da reserva?');
    expect(openQuestion('Merci. Pourriez-vous nous envoyer une photo.')).toBe('Pourriez-vous nous envoyer une photo.');
    expect(openQuestion('Your booking is confirmed. See you soon!')).toBeNull();
    const es = suggestFollowUp(input([['customer', 'Hola, quiero cambiar la fecha de mi reserva por favor', 9], ['team', '¡Claro! ¿Qué fecha te viene mejor?', 8]]));
    expect(es).toMatchObject({ language: 'es', quote: '¿Qué fecha te viene mejor?' });
    expect(es!.text).toMatch(/^¡Hola!/);
  });

  it('the customer promising to come back is the other way the ball is in their court', () => {
    expect(customerWillReply("OK, I'll check with my wife and get back to you")).toBeTruthy();
    expect(customerWillReply('Vale, lo consulto y te aviso')).toBeTruthy();
    const s = suggestFollowUp(input([['team', 'The suite is free those nights.', 30], ['customer', "Great, let me check with my partner and I'll let you know", 26]]));
    expect(s).toMatchObject({ kind: 'customer_will_reply', language: 'en' });
    // Already more than 24 hours since: at least an hour ahead, never in the past.
    expect(s!.inSeconds).toBe(3600);
    expect(s!.reason).toMatch(/^The customer said “Great, let me check.*” 26 hours ago and has not written since\.$/);
  });

  it('nothing to suggest: not quiet yet, the team owes the answer, a natural end, something pending, snoozed or closed', () => {
    const asked: [TurnIn['role'], string, number][] = [['team', 'Which dates would you like?', 6]];
    expect(suggestFollowUp(input([['team', 'Which dates would you like?', QUIET_MS / HOUR - 1]]))).toBeNull();
    expect(suggestFollowUp(input([['team', 'Which dates?', 8], ['customer', 'The 3rd to the 5th, can you check?', 6]]))).toBeNull();
    expect(suggestFollowUp(input([['customer', 'Thanks, that is all!', 6]]))).toBeNull();
    expect(suggestFollowUp(input(asked, { pending: 1 }))).toBeNull();
    expect(suggestFollowUp(input(asked, { status: 'snoozed' }))).toBeNull();
    expect(suggestFollowUp(input(asked, { status: 'closed' }))).toBeNull();
    expect(suggestFollowUp(input(asked, { status: 'pending' }))).not.toBeNull();
    expect(suggestFollowUp(input([]))).toBeNull();
  });
});

describe('Workers AI advisor', () => {
  const quiet = input([['customer', 'Is breakfast included?', 7], ['team', 'It is! Would you like us to book a table for the first morning', 6]]);

  it("uses the model's reason and message when it says to follow up, and nothing when it says not to", async () => {
    const ai = new FakeAi();
    ai.respond = () => '{"followUp": true, "reason": "The team offered to book a breakfast table and is waiting for a yes or no.", "message": "Hi! Shall we book that breakfast table for you?"}';
    const s = await new WorkersAiFollowUpAdvisor({ ...env, AI: ai } as never).suggest(quiet);
    expect(s).toMatchObject({ reason: 'The team offered to book a breakfast table and is waiting for a yes or no.', text: 'Hi! Shall we book that breakfast table for you?' });
    expect(ai.textCalls[0].messages[1].content).toContain('Team: It is! Would you like us to book a table');
    const no = new FakeAi();
    no.respond = () => '{"followUp": false}';
    expect(await new WorkersAiFollowUpAdvisor({ ...env, AI: no } as never).suggest(quiet)).toBeNull();
  });

  it('falls back to the heuristic on failure, timeout or an answer that is not the JSON asked for; asks nothing when not quiet', async () => {
    const failing = new FakeAi();
    failing.textFails = true;
    const local = suggestFollowUp(quiet);
    expect(await new WorkersAiFollowUpAdvisor({ ...env, AI: failing } as never).suggest(quiet)).toEqual(local);
    const slow = new FakeAi();
    slow.textLatencyMs = Infinity;
    expect(await new WorkersAiFollowUpAdvisor({ ...env, AI: slow } as never, 50).suggest(quiet)).toEqual(local);
    expect(parseAdvice('I think you should follow up.')).toBeNull();
    expect(parseAdvice('{"followUp": true, "reason": "", "message": "Hi"}')).toBeNull();
    const idle = new FakeAi();
    expect(await new WorkersAiFollowUpAdvisor({ ...env, AI: idle } as never).suggest({ ...quiet, pending: 1 })).toBeNull();
    expect(idle.textCalls).toHaveLength(0);
  });
});

describe('GET /api/conversations/:id/follow-ups/suggestion', () => {
  it('null for a conversation that has not gone quiet; 404 from another workspace', async () => {
    const ws = await newWorkspace('Suggest follow-ups');
    const inbox = await webchatInbox(ws);
    const { id: conversationId } = await visitorConversation(inbox.websiteToken, 'Hello, do you have parking?');
    const res = await call('GET', `/api/conversations/${conversationId}/follow-ups/suggestion`, { token: ws.token });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ suggestion: null });
    const other = await newWorkspace('Suggest other');
    expect((await call('GET', `/api/conversations/${conversationId}/follow-ups/suggestion`, { token: other.token })).status).toBe(404);
  });
});

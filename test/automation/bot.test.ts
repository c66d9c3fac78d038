// Bot flows end to end through the widget: an inbox's default workflow greets, asks with options,
// branches on the answer, answers from the knowledge base, collects an e-mail and hands off; after the
// handoff (or an agent's take-over, or the after-hours rule) later messages no longer run it.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { editDistance, matchAnswer, questionText } from '../../worker/automation/ask';
import { conversationStub } from '../../worker/conversations/service';
import { addMember, call, createTeam, eventually, expectProblem, newWorkspace, visitor, visitorSays, webchatInbox, type Workspace } from '../helpers';
import { kbWorkspace } from '../ai/support';

type Msg = { id: string; text: string; authorType: string; direction: string; isInternalNote: boolean };

async function workflow(ws: Workspace, body: Record<string, unknown>) {
  const res = await call('POST', '/api/workflows', { token: ws.token, body: { name: 'Bot', enabled: true, trigger: { type: 'message.received' }, ...body } });
  if (res.status !== 201) throw new Error(`workflow: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; version: number };
}

async function setDefault(ws: Workspace, inboxId: string, body: Record<string, unknown>) {
  const res = await call('PUT', `/api/inboxes/${inboxId}/default-workflow`, { token: ws.token, body });
  if (res.status !== 200) throw new Error(`default workflow: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

const messages = async (ws: Workspace, conversationId: string) =>
  (await conversationStub(env, ws.workspaceId, conversationId).messages({ limit: 100, includeNotes: true })) as unknown as Msg[];
const botMessages = async (ws: Workspace, conversationId: string) => (await messages(ws, conversationId)).filter((m) => m.authorType === 'bot' && m.direction === 'outbound');
const state = async (ws: Workspace, id: string) => (await conversationStub(env, ws.workspaceId, id).state())!;
const botState = (ws: Workspace, conversationId: string) =>
  env.DB.prepare(`SELECT state, reason FROM bot_conversations WHERE workspace_id = ?1 AND id = ?2`).bind(ws.workspaceId, conversationId).first<{ state: string; reason: string }>();
const runsOf = async (ws: Workspace, workflowId: string) =>
  (await call('GET', `/api/workflows/${workflowId}/runs`, { token: ws.token })).body.items as { id: string; status: string; conversationId: string; origin: string }[];
const runDetail = async (ws: Workspace, runId: string) => (await call('GET', `/api/workflow-runs/${runId}`, { token: ws.token })).body;

/** A bot message whose text starts with `prefix`, once it is there. */
const botSaid = (ws: Workspace, conversationId: string, prefix: string) => eventually(async () => (await botMessages(ws, conversationId)).find((m) => m.text.startsWith(prefix)));
/** The run is waiting for the customer (its question was sent). */
const waiting = (ws: Workspace, workflowId: string, conversationId: string) => eventually(async () => (await runsOf(ws, workflowId)).find((r) => r.conversationId === conversationId && r.status === 'waiting'));

/** A weekly calendar closed right now: open one hour on a weekday three days away. */
function closedNow(): Record<string, [string, string][]> {
  const day = (new Date().getUTCDay() + 3) % 7;
  return { [String(day)]: [['09:00', '10:00']] };
}

const tagStep = (tag: string) => ({ type: 'action', action: 'add_tag', params: { tag } });

describe('answers to a bot question', () => {
  it('reads a number, the exact option, the option inside a reply, a misspelling; refuses an ambiguous or unknown one', () => {
    const options = ['Check-in', 'Billing', 'Something else'];
    expect(matchAnswer('2', { options })).toEqual({ value: 'Billing', how: 'number' });
    expect(matchAnswer(' 1. ', { options })).toEqual({ value: 'Check-in', how: 'number' });
    expect(matchAnswer('4', { options })).toEqual({ value: null, how: 'none' });
    expect(matchAnswer('BILLING', { options })).toEqual({ value: 'Billing', how: 'exact' });
    expect(matchAnswer('check in', { options })).toEqual({ value: 'Check-in', how: 'exact' });
    expect(matchAnswer('billing please!', { options })).toEqual({ value: 'Billing', how: 'contains' });
    expect(matchAnswer('biling', { options })).toEqual({ value: 'Billing', how: 'fuzzy' });
    expect(matchAnswer('weather', { options })).toEqual({ value: null, how: 'none' });
    expect(matchAnswer('billing or check-in', { options })).toEqual({ value: null, how: 'none' });
    expect(editDistance('kitten', 'sitting')).toBe(3);
  });

  it('finds an e-mail address in a reply; free answers are kept as written', () => {
    expect(matchAnswer('sure: Ana.Lopez@Example.com.', { validate: 'email' })).toEqual({ value: 'ana.lopez@example.com', how: 'email' });
    expect(matchAnswer('no thanks', { validate: 'email' })).toEqual({ value: null, how: 'none' });
    expect(matchAnswer('  I lost my key  ', {})).toEqual({ value: 'I lost my key', how: 'free' });
    expect(questionText('Which one?', ['A', 'B'])).toBe('Which one?\n1. A\n2. B');
  });
});

describe('the default workflow setting', () => {
  it('validates the workflow and the hours rule; managers set it, staff read it, other workspaces see nothing', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const wf = await workflow(ws, { steps: [tagStep('bot')] });
    const opened = await workflow(ws, { trigger: { type: 'conversation.opened' }, steps: [tagStep('x')] });
    expect((await call('GET', `/api/inboxes/${inbox.id}/default-workflow`, { token: ws.token })).body).toEqual({ workflowId: null, runs: 'always', afterHours: null });
    expect(await setDefault(ws, inbox.id, { workflowId: wf.id, afterHours: { message: 'We are closed.', then: 'hold' } })).toEqual({ workflowId: wf.id, runs: 'always', afterHours: { message: 'We are closed.', then: 'hold' } });
    expectProblem(await call('PUT', `/api/inboxes/${inbox.id}/default-workflow`, { token: ws.token, body: { workflowId: opened.id } }), 400, 'workflowId');
    expectProblem(await call('PUT', `/api/inboxes/${inbox.id}/default-workflow`, { token: ws.token, body: { workflowId: 'wf_nope' } }), 400, 'workflowId');
    expectProblem(await call('PUT', `/api/inboxes/${inbox.id}/default-workflow`, { token: ws.token, body: { workflowId: wf.id, runs: 'outside_hours', afterHours: { message: 'x', then: 'hold' } } }), 400, 'afterHours');
    expectProblem(await call('PUT', `/api/inboxes/${inbox.id}/default-workflow`, { token: ws.token, body: { workflowId: wf.id, afterHours: { message: 'x', then: 'later' } } }), 400, 'afterHours.then');
    const staff = await addMember(ws, 'staff');
    expectProblem(await call('PUT', `/api/inboxes/${inbox.id}/default-workflow`, { token: staff.token, body: { workflowId: null } }), 403);
    expect((await call('GET', `/api/inboxes/${inbox.id}/default-workflow`, { token: staff.token })).body.workflowId).toBe(wf.id);
    const other = await newWorkspace();
    expectProblem(await call('GET', `/api/inboxes/${inbox.id}/default-workflow`, { token: other.token }), 404);
    expectProblem(await call('PUT', `/api/inboxes/${inbox.id}/default-workflow`, { token: other.token, body: { workflowId: null } }), 404);
    // Other inbox settings survive, and the inbox API does not drop the bot setting.
    expect((await call('PATCH', `/api/inboxes/${inbox.id}`, { token: ws.token, body: { settings: { greeting: 'Hello!' } } })).status).toBe(200);
    expect((await call('GET', `/api/inboxes/${inbox.id}/default-workflow`, { token: ws.token })).body.workflowId).toBe(wf.id);
    expect(await setDefault(ws, inbox.id, { workflowId: null })).toEqual({ workflowId: null, runs: 'always', afterHours: null });
    expect((await call('GET', `/api/inboxes/${inbox.id}`, { token: ws.token })).body.settings.greeting).toBe('Hello!');
  });

  it('refuses conditions on bad variable names and contradictory ask params, naming the node', async () => {
    const ws = await newWorkspace();
    const bad = async (steps: unknown[], field: string) =>
      expectProblem(await call('POST', '/api/workflows', { token: ws.token, body: { name: 'x', enabled: true, trigger: { type: 'message.received' }, steps } }), 400, field);
    await bad([{ type: 'if', when: { field: 'vars.1x', op: 'eq', value: 'a' }, then: [tagStep('a')] }], '/steps/0/when/field');
    await bad([{ type: 'action', action: 'ask', params: { name: 'x', text: 'Which?', options: ['A'] } }], '/steps/0/params/options');
    await bad([{ type: 'action', action: 'ask', params: { name: 'x', text: 'Which?', options: ['A', 'B'], validate: 'email' } }], '/steps/0/params/validate');
    await bad([{ type: 'action', action: 'ask', params: { name: 'x', text: 'Mail?', saveTo: 'email' } }], '/steps/0/params/saveTo');
    await bad([{ type: 'action', action: 'ask', params: { name: 'has space', text: 'Mail?' } }], '/steps/0/params/name');
    await bad([{ type: 'action', action: 'answer_from_knowledge', params: { threshold: 2 } }], '/steps/0/params/threshold');
  });
});

describe('a bot flow through the widget', () => {
  it('greets, asks, branches on the answer, answers from the knowledge base, collects the e-mail, hands off; then stays out', async () => {
    const ws = await kbWorkspace('rental');
    const inbox = await webchatInbox(ws);
    const team = await createTeam(ws, 'Front desk');
    const wf = await workflow(ws, {
      steps: [
        { type: 'action', action: 'send_message', params: { text: 'Hi! I am the Casa bot.' } },
        { type: 'action', action: 'ask', params: { name: 'topic', text: 'What can I help with?', options: ['Questions about my stay', 'Billing'] } },
        {
          type: 'if',
          when: { field: 'vars.topic', op: 'eq', value: 'Billing' },
          then: [tagStep('billing'), { type: 'action', action: 'handoff', params: { teamId: team, message: 'Passing you to our billing team.' } }],
          else: [
            { type: 'action', action: 'ask', params: { name: 'question', text: 'What would you like to know?' } },
            { type: 'action', action: 'answer_from_knowledge', params: { threshold: 0.6 } },
            {
              type: 'if',
              when: { field: 'vars.answered', op: 'eq', value: true },
              then: [
                { type: 'action', action: 'ask', params: { name: 'email', text: 'What e-mail can we reach you at?', validate: 'email', saveTo: 'email' } },
                { type: 'action', action: 'handoff', params: { teamId: team, message: 'Thanks! A colleague will follow up.' } },
              ],
              else: [{ type: 'action', action: 'handoff', params: { teamId: team, message: 'Let me find a colleague for that.' } }],
            },
          ],
        },
      ],
    });
    await setDefault(ws, inbox.id, { workflowId: wf.id });
    const v = await visitor(inbox.websiteToken, { name: 'Ana' });
    const { conversationId } = await visitorSays(v.visitorToken, 'Hello');
    await botSaid(ws, conversationId, 'Hi! I am the Casa bot.');
    const question = await botSaid(ws, conversationId, 'What can I help with?');
    expect(question.text).toBe('What can I help with?\n1. Questions about my stay\n2. Billing');
    await waiting(ws, wf.id, conversationId);
    await visitorSays(v.visitorToken, '1');
    await botSaid(ws, conversationId, 'What would you like to know?');
    await waiting(ws, wf.id, conversationId);
    await visitorSays(v.visitorToken, 'What time is check-in?');
    const answer = await eventually(async () => (await botMessages(ws, conversationId)).find((m) => /check-in is from 4 pm/i.test(m.text)));
    await botSaid(ws, conversationId, 'What e-mail can we reach you at?');
    await waiting(ws, wf.id, conversationId);
    await visitorSays(v.visitorToken, 'sure, ana@example.com');
    await botSaid(ws, conversationId, 'Thanks! A colleague will follow up.');

    // One run did all of it (each reply went to it, none started another), and it completed.
    const run = await eventually(async () => {
      const runs = await runsOf(ws, wf.id);
      return runs.length === 1 && runs[0].status === 'complete' ? runs[0] : null;
    });
    expect(run.origin).toBe('bot');
    const detail = await runDetail(ws, run.id);
    const step = (name: string) => detail.steps.find((s: { name: string }) => s.name === name);
    expect(step('/steps/1').output).toMatchObject({ topic: 'Questions about my stay', how: 'number' });
    expect(step('/steps/2').output).toMatchObject({ result: false, branch: 'else' });
    const kb = step('/steps/2/else/1').output;
    expect(kb).toMatchObject({ answered: true, threshold: 0.6, messageId: answer.id });
    expect(kb.confidence).toBeGreaterThanOrEqual(0.6);
    expect(step('/steps/2/else/2/then/0').output).toMatchObject({ email: 'ana@example.com', how: 'email', saved: { field: 'email', value: 'ana@example.com' } });
    const contact = await call('GET', `/api/contacts/${v.contactId}`, { token: ws.token });
    expect(contact.body.email).toBe('ana@example.com');

    // The handoff: the team's queue (routing's transfer), the bot ended.
    expect((await state(ws, conversationId)).teamId).toBe(team);
    expect(await botState(ws, conversationId)).toEqual({ state: 'handed_off', reason: 'handoff' });
    // The visitor saw the bot's messages in the widget.
    const history = await call('GET', '/widget/api/messages', { token: v.visitorToken });
    expect(history.body.items.map((m: { text: string }) => m.text)).toContain(answer.text);

    // Afterwards the default workflow no longer runs.
    const before = (await botMessages(ws, conversationId)).length;
    const later = await visitorSays(v.visitorToken, 'One more thing');
    await eventually(async () => (await messages(ws, conversationId)).some((m) => m.id === later.message.id));
    // A workflow triggered by the same message proves the event was handled before we look.
    const probe = await workflow(ws, { name: 'Probe', steps: [tagStep('probe')] });
    const again = await visitorSays(v.visitorToken, 'Still there?');
    await eventually(async () => (await runsOf(ws, probe.id)).some((r) => r.status === 'complete'));
    expect(again.conversationId).toBe(conversationId);
    expect(await runsOf(ws, wf.id)).toHaveLength(1);
    expect(await botMessages(ws, conversationId)).toHaveLength(before);
  });

  it('the other branch: an answer inside a sentence picks Billing, tags and hands off to the team', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const team = await createTeam(ws, 'Billing');
    const wf = await workflow(ws, {
      steps: [
        { type: 'action', action: 'ask', params: { name: 'topic', text: 'Sales or billing?', options: ['Sales', 'Billing'] } },
        { type: 'if', when: { field: 'vars.topic', op: 'eq', value: 'Billing' }, then: [tagStep('billing'), { type: 'action', action: 'handoff', params: { teamId: team } }], else: [tagStep('sales')] },
      ],
    });
    await setDefault(ws, inbox.id, { workflowId: wf.id });
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hi');
    await waiting(ws, wf.id, conversationId);
    await visitorSays(v.visitorToken, 'billing please');
    await eventually(async () => (await state(ws, conversationId)).tags.includes('billing'));
    await eventually(async () => (await state(ws, conversationId)).teamId === team);
    expect((await state(ws, conversationId)).tags).not.toContain('sales');
    expect(await botState(ws, conversationId)).toMatchObject({ state: 'handed_off' });
  });

  it('answer_from_knowledge below its threshold sends nothing and the run goes on (vars.answered false)', async () => {
    const ws = await kbWorkspace('rental');
    const inbox = await webchatInbox(ws);
    const wf = await workflow(ws, {
      steps: [
        { type: 'action', action: 'answer_from_knowledge', params: { threshold: 0.6 } },
        { type: 'if', when: { field: 'vars.answered', op: 'eq', value: false }, then: [tagStep('unanswered')], else: [tagStep('answered')] },
      ],
    });
    await setDefault(ws, inbox.id, { workflowId: wf.id });
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Do you repair motorcycles on weekends?');
    await eventually(async () => (await state(ws, conversationId)).tags.includes('unanswered'));
    const [run] = await runsOf(ws, wf.id);
    const detail = await eventually(async () => {
      const d = await runDetail(ws, run.id);
      return d.status === 'complete' ? d : null;
    });
    const out = detail.steps.find((s: { name: string }) => s.name === '/steps/0').output;
    expect(out).toMatchObject({ answered: false, threshold: 0.6 });
    expect(out.confidence).toBeLessThan(0.6);
    expect(await botMessages(ws, conversationId)).toEqual([]);
  });
});

describe('ending the bot', () => {
  it("an agent's take-over ends it: the waiting run is cancelled and later messages do not run the workflow", async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const wf = await workflow(ws, { steps: [{ type: 'action', action: 'ask', params: { name: 'topic', text: 'Sales or billing?', options: ['Sales', 'Billing'] } }, tagStep('after-ask')] });
    await setDefault(ws, inbox.id, { workflowId: wf.id });
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hi');
    const run = await waiting(ws, wf.id, conversationId);
    const agent = await addMember(ws, 'staff');
    expect((await call('POST', `/api/conversations/${conversationId}/takeover`, { token: agent.token, body: {} })).status).toBe(200);
    await eventually(async () => (await botState(ws, conversationId))?.state === 'taken_over');
    await eventually(async () => (await runDetail(ws, run.id)).status === 'cancelled');
    const probe = await workflow(ws, { name: 'Probe', steps: [tagStep('probe')] });
    await visitorSays(v.visitorToken, 'Billing');
    await eventually(async () => (await runsOf(ws, probe.id)).some((r) => r.status === 'complete'));
    expect(await runsOf(ws, wf.id)).toHaveLength(1);
    expect((await state(ws, conversationId)).tags).not.toContain('after-ask');
    expect((await state(ws, conversationId)).assigneeId).toBe(agent.userId);
  });
});

describe('hours', () => {
  it('after hours with hold: the after-hours message, the conversation snoozed until the next opening, no workflow run', async () => {
    const ws = await newWorkspace();
    expect((await call('PATCH', '/api/workspace', { token: ws.token, body: { timezone: 'UTC', businessHours: closedNow() } })).status).toBe(200);
    const inbox = await webchatInbox(ws);
    const wf = await workflow(ws, { steps: [tagStep('bot-ran')] });
    await setDefault(ws, inbox.id, { workflowId: wf.id, afterHours: { message: 'We are closed; we answer from 09:00.', then: 'hold' } });
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Anyone there?');
    await botSaid(ws, conversationId, 'We are closed; we answer from 09:00.');
    const c = await eventually(async () => {
      const s = await state(ws, conversationId);
      return s.status === 'snoozed' ? s : null;
    });
    // Snoozed until 09:00 UTC on the open weekday, in the future.
    expect(c.snoozeUntil).toBeGreaterThan(Date.now());
    expect(new Date(c.snoozeUntil!).getUTCDay()).toBe(Number(Object.keys(closedNow())[0]));
    expect(new Date(c.snoozeUntil!).getUTCHours()).toBe(9);
    expect(await botState(ws, conversationId)).toEqual({ state: 'handed_off', reason: 'after_hours_hold' });
    expect(await runsOf(ws, wf.id)).toEqual([]);
    // A second message gets no second after-hours message.
    const probe = await workflow(ws, { name: 'Probe', steps: [tagStep('probe')] });
    await visitorSays(v.visitorToken, 'Hello?');
    await eventually(async () => (await runsOf(ws, probe.id)).some((r) => r.status === 'complete'));
    expect((await botMessages(ws, conversationId)).filter((m) => m.text.startsWith('We are closed'))).toHaveLength(1);
    expect(await runsOf(ws, wf.id)).toEqual([]);
  });

  it('after hours with handoff: the message, no snooze, the bot ended', async () => {
    const ws = await newWorkspace();
    await call('PATCH', '/api/workspace', { token: ws.token, body: { timezone: 'UTC', businessHours: closedNow() } });
    const inbox = await webchatInbox(ws);
    const wf = await workflow(ws, { steps: [tagStep('bot-ran')] });
    await setDefault(ws, inbox.id, { workflowId: wf.id, afterHours: { message: 'Closed now, a colleague will reply.', then: 'handoff' } });
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hi');
    await botSaid(ws, conversationId, 'Closed now, a colleague will reply.');
    await eventually(async () => (await botState(ws, conversationId))?.reason === 'after_hours_handoff');
    expect((await state(ws, conversationId)).status).toBe('open');
    expect(await runsOf(ws, wf.id)).toEqual([]);
  });

  it('the bot gate runs the default workflow only outside hours', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const wf = await workflow(ws, { steps: [tagStep('gated-bot')] });
    await setDefault(ws, inbox.id, { workflowId: wf.id, runs: 'outside_hours' });
    const probe = await workflow(ws, { name: 'Probe', steps: [tagStep('probe')] });
    // Open around the clock (no hours set): the bot stays out.
    const open = await visitorSays((await visitor(inbox.websiteToken)).visitorToken, 'Hi');
    await eventually(async () => (await runsOf(ws, probe.id)).some((r) => r.conversationId === open.conversationId && r.status === 'complete'));
    expect(await runsOf(ws, wf.id)).toEqual([]);
    // Closed: it runs.
    await call('PATCH', '/api/workspace', { token: ws.token, body: { timezone: 'UTC', businessHours: closedNow() } });
    const closed = await visitorSays((await visitor(inbox.websiteToken)).visitorToken, 'Hi');
    await eventually(async () => (await runsOf(ws, probe.id)).some((r) => r.conversationId === closed.conversationId && r.status === 'complete'));
    // (Runs, not tags: two workflows tagging one conversation at once can lose a tag — add_tag reads then writes.)
    await eventually(async () => (await runsOf(ws, wf.id)).some((r) => r.conversationId === closed.conversationId && r.status === 'complete'));
    expect((await runsOf(ws, wf.id)).map((r) => r.conversationId)).toEqual([closed.conversationId]);
  });
});

describe('dry run', () => {
  it('an ask in a dry run sends nothing and takes no answer (vars null)', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const wf = await workflow(ws, {
      trigger: { type: 'manual' },
      steps: [
        { type: 'action', action: 'ask', params: { name: 'topic', text: 'Sales or billing?', options: ['Sales', 'Billing'] } },
        { type: 'if', when: { field: 'vars.topic', op: 'is_empty' }, then: [tagStep('no-answer')] },
      ],
    });
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hi');
    const res = await call('POST', `/api/workflows/${wf.id}/test`, { token: ws.token, body: { conversationId } });
    expect(res.status).toBe(200);
    expect(res.body.path.map((p: { step: string; outcome: string }) => `${p.step} ${p.outcome}`)).toEqual(['/steps/0 timeout', '/steps/1 then', '/steps/1/then/0 applied']);
    expect(await botMessages(ws, conversationId)).toEqual([]);
  });
});

// send_template (a library template on its channel, a saved reply's channel variant), schedule_follow_up
// (into the conversation's own schedule; a customer reply cancels it) and the csat.submitted trigger.
import { env, introspectWorkflowInstance } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { conversationStub } from '../../worker/conversations/service';
import { customer, customerSays } from '../ai/support';
import { call, eventually, expectProblem, newWorkspace, visitor, visitorSays, webchatInbox, type Workspace } from '../helpers';

const introspectors: { dispose(): Promise<void> }[] = [];
afterEach(async () => {
  for (const i of introspectors.splice(0)) await i.dispose();
});

const act = (action: string, params: Record<string, unknown>) => ({ type: 'action', action, params });

async function runOn(ws: Workspace, conversationId: string, steps: unknown[]) {
  const wf = await call('POST', '/api/workflows', { token: ws.token, body: { name: 'Actions', enabled: true, trigger: { type: 'manual' }, steps } });
  if (wf.status !== 201) throw new Error(JSON.stringify(wf.body));
  const started = await call('POST', `/api/workflows/${wf.body.id}/run`, { token: ws.token, body: { conversationId } });
  const instance = await introspectWorkflowInstance(env.AUTOMATION, started.body.runId);
  introspectors.push(instance);
  await instance.waitForStatus('complete');
  return (await call('GET', `/api/workflow-runs/${started.body.runId}`, { token: ws.token })).body;
}

const messages = (ws: Workspace, id: string) => conversationStub(env, ws.workspaceId, id).messages({ limit: 50, includeNotes: true });

describe('send_template', () => {
  it('sends a library SMS template rendered for the contact on an SMS conversation', async () => {
    const ws = await newWorkspace();
    const t = await call('POST', '/api/templates', { token: ws.token, body: { name: 'Room ready', channel: 'sms', category: 'utility', language: 'en', body: 'Hi {{contact.first_name}}, your room is ready.' } });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    const ana = await customer(ws, 'sms');
    const { conversationId } = await customerSays({ ...ws, articles: {}, inboxes: {} }, 'sms', ana, 'Is my room ready?');
    const run = await runOn(ws, conversationId, [act('send_template', { templateId: t.body.id })]);
    expect(run.steps[0]).toMatchObject({ status: 'done', output: { sent: true, templateId: t.body.id, channel: 'sms', whatsappTemplate: null } });
    const sent = (await messages(ws, conversationId)).find((m) => m.id === run.steps[0].output.messageId)!;
    expect(sent).toMatchObject({ direction: 'outbound', authorType: 'bot', text: 'Hi Ana, your room is ready.' });
  });

  it("a template for another channel is not sent and says why; a saved reply sends its channel's variant", async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const t = await call('POST', '/api/templates', { token: ws.token, body: { name: 'Room ready', channel: 'sms', category: 'utility', language: 'en', body: 'Your room is ready.' } });
    const r = await call('POST', '/api/saved-replies', { token: ws.token, body: { name: 'Hours', text: 'We open at 9.', variants: { webchat: 'Hi {{contact.first_name}}! We open at 9 (chat).' } } });
    expect(r.status, JSON.stringify(r.body)).toBe(201);
    const v = await visitor(inbox.websiteToken, { name: 'Ada Lovelace' });
    const { conversationId } = await visitorSays(v.visitorToken, 'When do you open?');
    const run = await runOn(ws, conversationId, [act('send_template', { templateId: t.body.id }), act('send_template', { savedReplyId: r.body.id })]);
    expect(run.steps[0].output).toEqual({ sent: false, reason: 'the template is for sms; this conversation is on webchat' });
    expect(run.steps[1].output).toMatchObject({ sent: true, savedReplyId: r.body.id });
    const texts = (await messages(ws, conversationId)).filter((m) => m.authorType === 'bot').map((m) => m.text);
    expect(texts).toEqual(['Hi Ada! We open at 9 (chat).']);
  });

  it('validation: exactly one of templateId or savedReplyId, and it must exist here', async () => {
    const ws = await newWorkspace();
    const post = (params: Record<string, unknown>) => call('POST', '/api/workflows', { token: ws.token, body: { name: 'x', enabled: true, trigger: { type: 'manual' }, steps: [act('send_template', params)] } });
    expectProblem(await post({}), 400, '/steps/0/params');
    expectProblem(await post({ templateId: 'tpl_a', savedReplyId: 'rep_b' }), 400, '/steps/0/params');
    expectProblem(await post({ templateId: 'tpl_nope' }), 400, '/steps/0/params/templateId');
    expectProblem(await post({ savedReplyId: 'rep_nope' }), 400, '/steps/0/params/savedReplyId');
    // Someone's personal saved reply is theirs: a workflow speaks for the workspace.
    const mine = await call('POST', '/api/saved-replies', { token: ws.token, body: { name: 'Mine', shortcut: 'mine-only', text: 'Just mine', personal: true } });
    expect(mine.status).toBe(201);
    expectProblem(await post({ savedReplyId: mine.body.id }), 400, '/steps/0/params/savedReplyId');
  });
});

describe('schedule_follow_up', () => {
  it("schedules into the conversation's own schedule, once per step; a customer reply cancels it", async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hi');
    const before = Date.now();
    const run = await runOn(ws, conversationId, [act('schedule_follow_up', { inSeconds: 3600, text: 'Any news on this?' })]);
    const out = run.steps[0].output;
    expect(out.followUpId).toMatch(/^fup_/);
    expect(out.dueAt).toBeGreaterThanOrEqual(before + 3600_000);
    expect(out.cancelOnReply).toBe(true);
    const list = await call('GET', `/api/conversations/${conversationId}/follow-ups`, { token: ws.token });
    expect(list.body.items).toEqual([expect.objectContaining({ id: out.followUpId, text: 'Any news on this?' })]);
    await visitorSays(v.visitorToken, 'Sorted, thanks');
    await eventually(async () => (await call('GET', `/api/conversations/${conversationId}/follow-ups`, { token: ws.token })).body.items.length === 0);
  });

  it('validation: at least a minute ahead', async () => {
    const ws = await newWorkspace();
    const res = await call('POST', '/api/workflows', { token: ws.token, body: { name: 'x', enabled: true, trigger: { type: 'manual' }, steps: [act('schedule_follow_up', { inSeconds: 5 })] } });
    expectProblem(res, 400, '/steps/0/params/inSeconds');
  });
});

describe('csat.submitted', () => {
  it('starts workflows for a rating at or below maxScore; conditions read conversation.csatScore', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const wf = await call('POST', '/api/workflows', {
      token: ws.token,
      body: {
        name: 'Bad rating',
        enabled: true,
        trigger: { type: 'csat.submitted', maxScore: 2 },
        steps: [{ type: 'if', when: { field: 'conversation.csatScore', op: 'lt', value: 2 }, then: [act('add_tag', { tag: 'very-unhappy' })], else: [act('add_tag', { tag: 'unhappy' })] }],
      },
    });
    expect(wf.status, JSON.stringify(wf.body)).toBe(201);
    const any = await call('POST', '/api/workflows', { token: ws.token, body: { name: 'Any rating', enabled: true, trigger: { type: 'csat.submitted' }, steps: [act('add_tag', { tag: 'rated' })] } });
    const bad = await visitorSays((await visitor(inbox.websiteToken)).visitorToken, 'Hi');
    const good = await visitorSays((await visitor(inbox.websiteToken)).visitorToken, 'Hi');
    expect((await call('PUT', `/api/conversations/${bad.conversationId}/csat`, { token: ws.token, body: { score: 1 } })).status).toBe(200);
    expect((await call('PUT', `/api/conversations/${good.conversationId}/csat`, { token: ws.token, body: { score: 5 } })).status).toBe(200);
    const runs = (id: string) => call('GET', `/api/workflows/${id}/runs`, { token: ws.token }).then((r) => r.body.items as { conversationId: string; status: string }[]);
    await eventually(async () => (await runs(any.body.id)).filter((r) => r.status === 'complete').length === 2);
    await eventually(async () => (await runs(wf.body.id)).some((r) => r.status === 'complete'));
    expect((await runs(wf.body.id)).map((r) => r.conversationId)).toEqual([bad.conversationId]);
    // The branch taken, from the run log (two workflows tagging at once could race on the tag list).
    const [run] = (await call('GET', `/api/workflows/${wf.body.id}/runs`, { token: ws.token })).body.items as { id: string }[];
    const detail = await call('GET', `/api/workflow-runs/${run.id}`, { token: ws.token });
    expect(detail.body.steps[0].output).toMatchObject({ result: true, branch: 'then' });
  });
});

// The engine end to end: real conversation events (a visitor writing, an agent tagging) reach the
// automationTriggers subscriber, which starts Cloudflare Workflows instances whose actions show on the
// conversation. Waits are driven by the workflow introspection (disableSleeps, forceEventTimeout), never slept.
import { env, introspectWorkflow, introspectWorkflowInstance } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { handleAutomationEvents, MAX_RUNS_PER_HOUR } from '../../worker/automation/triggers';
import { MAX_START_ATTEMPTS, RunNotStarted, startRun, type CreateInstance } from '../../worker/automation/runs';
import { scopeFor } from '../../worker/automation/context';
import { findRun, findWorkflow } from '../../worker/automation/store';
import { conversationStub } from '../../worker/conversations/service';
import type { ParleyEvent } from '../../worker/events/model';
import { costOf } from '../budget/counter';
import { addMember, call, createTeam, eventually, newWorkspace, visitor, visitorSays, webchatInbox, type Workspace } from '../helpers';

/** Introspectors are disposed after each test (mocks removed, instances released). */
const introspectors: { dispose(): Promise<void> }[] = [];
afterEach(async () => {
  for (const i of introspectors.splice(0)) await i.dispose();
});
async function introspect<T extends { dispose(): Promise<void> }>(p: Promise<T>): Promise<T> {
  const i = await p;
  introspectors.push(i);
  return i;
}


const tagStep = (tag: string) => ({ type: 'action', action: 'add_tag', params: { tag } });

async function workflow(ws: Workspace, body: Record<string, unknown>) {
  const res = await call('POST', '/api/workflows', { token: ws.token, body: { name: 'Test', enabled: true, ...body } });
  if (res.status !== 201) throw new Error(`workflow: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; version: number };
}

const state = async (ws: Workspace, id: string) => (await conversationStub(env, ws.workspaceId, id).state())!;

async function runsOf(ws: Workspace, workflowId: string) {
  return (await call('GET', `/api/workflows/${workflowId}/runs`, { token: ws.token })).body.items as { id: string; status: string; reason: string | null }[];
}

async function runWhen(ws: Workspace, workflowId: string, status: string) {
  return eventually(async () => {
    const [run] = await runsOf(ws, workflowId);
    if (!run) return null;
    const full = await call('GET', `/api/workflow-runs/${run.id}`, { token: ws.token });
    return full.body.status === status ? full.body : null;
  });
}

async function setup() {
  const ws = await newWorkspace();
  const inbox = await webchatInbox(ws);
  return { ws, inbox };
}

describe('triggers and actions through the event stream', () => {
  it('message.received → add_tag: the tag becomes visible on the conversation, the run and its step recorded', async () => {
    const { ws, inbox } = await setup();
    const wf = await workflow(ws, { trigger: { type: 'message.received', channels: ['webchat'] }, steps: [tagStep('auto')] });
    const intro = await introspect(introspectWorkflow(env.AUTOMATION));
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hello, I need help');
    await eventually(async () => (await state(ws, conversationId)).tags.includes('auto'));
    for (const i of await intro.get()) await i.waitForStatus('complete');
    const run = await runWhen(ws, wf.id, 'complete');
    expect(run).toMatchObject({ origin: 'event', conversationId, triggerEventId: expect.stringContaining(conversationId) });
    expect(run.steps).toEqual([expect.objectContaining({ name: '/steps/0', type: 'action:add_tag', status: 'done', input: { tag: 'auto' } })]);
    expect(run.steps[0].finishedAt).toBeGreaterThanOrEqual(run.steps[0].startedAt);
  });

  it('filters: a workflow for another inbox or channel does not run', async () => {
    const { ws, inbox } = await setup();
    const other = await webchatInbox(ws);
    const wrongInbox = await workflow(ws, { trigger: { type: 'message.received', inboxIds: [other.id] }, steps: [tagStep('wrong-inbox')] });
    const wrongChannel = await workflow(ws, { trigger: { type: 'message.received', channels: ['sms'] }, steps: [tagStep('wrong-channel')] });
    const opened = await workflow(ws, { trigger: { type: 'conversation.opened', inboxIds: [inbox.id] }, steps: [tagStep('opened')] });
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hi');
    await eventually(async () => (await state(ws, conversationId)).tags.includes('opened'));
    await runWhen(ws, opened.id, 'complete');
    expect(await runsOf(ws, wrongInbox.id)).toEqual([]);
    expect(await runsOf(ws, wrongChannel.id)).toEqual([]);
  });

  it('tag.applied, conversation.status_changed and conversation.assigned start their workflows', async () => {
    const { ws, inbox } = await setup();
    const agent = await addMember(ws, 'staff');
    await workflow(ws, { trigger: { type: 'tag.applied', tag: 'vip' }, steps: [{ type: 'action', action: 'set_priority', params: { priority: 'urgent' } }] });
    await workflow(ws, { trigger: { type: 'conversation.status_changed', to: 'pending' }, steps: [tagStep('went-pending')] });
    await workflow(ws, { trigger: { type: 'conversation.assigned' }, steps: [{ type: 'action', action: 'add_note', params: { text: 'Assigned: over to {{agent.name}}' } }] });
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hi');
    expect((await call('PATCH', `/api/conversations/${conversationId}`, { token: ws.token, body: { tags: ['vip'] } })).status).toBe(200);
    await eventually(async () => (await state(ws, conversationId)).priority === 'urgent');
    expect((await call('PATCH', `/api/conversations/${conversationId}`, { token: ws.token, body: { status: 'pending' } })).status).toBe(200);
    await eventually(async () => (await state(ws, conversationId)).tags.includes('went-pending'));
    expect((await call('PATCH', `/api/conversations/${conversationId}`, { token: ws.token, body: { assigneeId: agent.userId } })).status).toBe(200);
    const note = await eventually(async () => {
      const msgs = await conversationStub(env, ws.workspaceId, conversationId).messages({ limit: 50, includeNotes: true });
      return msgs.find((m) => m.isInternalNote && m.text.startsWith('Assigned:'));
    });
    // {{agent.name}} in an automated message is the assignee.
    expect(note).toMatchObject({ authorType: 'bot', isInternalNote: true, text: expect.stringMatching(/^Assigned: over to staff n/) });
  });

  it('if/else: the branch follows the message and the contact', async () => {
    const { ws, inbox } = await setup();
    await workflow(ws, {
      trigger: { type: 'message.received' },
      steps: [
        {
          type: 'if',
          when: { all: [{ field: 'message.text', op: 'contains', value: 'refund' }, { not: { field: 'contact.email', op: 'is_empty' } }] },
          then: [tagStep('refund')],
          else: [tagStep('general')],
        },
      ],
    });
    const a = await visitor(inbox.websiteToken, { name: 'Ada', email: 'ada@example.com' });
    const refund = (await visitorSays(a.visitorToken, 'I want a refund')).conversationId;
    const b = await visitor(inbox.websiteToken);
    const general = (await visitorSays(b.visitorToken, 'I want a refund')).conversationId;
    await eventually(async () => (await state(ws, refund)).tags.includes('refund'));
    await eventually(async () => (await state(ws, general)).tags.includes('general'));
    expect((await state(ws, refund)).tags).not.toContain('general');
    expect((await state(ws, general)).tags).not.toContain('refund');
  });

  it('parallel: every branch runs, each with its own steps recorded', async () => {
    const { ws, inbox } = await setup();
    const team = await createTeam(ws, 'Support');
    const wf = await workflow(ws, {
      trigger: { type: 'message.received' },
      steps: [{ type: 'parallel', branches: [[tagStep('left')], [{ type: 'action', action: 'move_to_queue', params: { teamId: team } }, tagStep('right')]] }, tagStep('joined')],
    });
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hi');
    const run = await runWhen(ws, wf.id, 'complete');
    expect(run.steps.map((s: { name: string }) => s.name).sort()).toEqual(['/steps/0/branches/0/0', '/steps/0/branches/1/0', '/steps/0/branches/1/1', '/steps/1']);
    const c = await state(ws, conversationId);
    expect(c.tags).toEqual(expect.arrayContaining(['left', 'right', 'joined']));
    expect(c.teamId).toBe(team);
  });

  it('wait: the run sleeps durably and goes on when the sleep is driven to its end', async () => {
    const { ws, inbox } = await setup();
    const wf = await workflow(ws, { trigger: { type: 'message.received' }, steps: [{ type: 'wait', seconds: 600 }, tagStep('after-wait')] });
    const intro = await introspect(introspectWorkflow(env.AUTOMATION));
    await intro.modifyAll(async (m) => {
      await m.disableSleeps();
    });
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hi');
    const run = await runWhen(ws, wf.id, 'complete');
    expect(run.steps.map((s: { name: string; type: string; status: string }) => `${s.name} ${s.type} ${s.status}`)).toEqual(['/steps/0 wait done', '/steps/1 action:add_tag done']);
    expect(run.steps[0].input).toEqual({ seconds: 600 });
    expect((await state(ws, conversationId)).tags).toContain('after-wait');
  });

  it('wait_until next business opening: computed from the workspace calendar, then driven', async () => {
    const { ws, inbox } = await setup();
    // Open only on some far weekday hour: the next opening is in the future whatever now is.
    expect((await call('PATCH', '/api/workspace', { token: ws.token, body: { timezone: 'Europe/Paris', businessHours: { '3': [['09:00', '10:00']] } } })).status).toBe(200);
    const wf = await workflow(ws, { trigger: { type: 'message.received' }, steps: [{ type: 'wait_until', businessHours: 'next_open' }, tagStep('opened-hours')] });
    const intro = await introspect(introspectWorkflow(env.AUTOMATION));
    await intro.modifyAll(async (m) => {
      await m.disableSleeps();
    });
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hi');
    const run = await runWhen(ws, wf.id, 'complete');
    const until = run.steps[0].output.until as number;
    expect(until).toBeGreaterThanOrEqual(run.steps[0].startedAt - 1);
    // 09:00 on a Wednesday in Paris.
    const local = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Paris', weekday: 'short', hour: '2-digit', minute: '2-digit' }).format(until);
    expect(local).toMatch(/^Wed.*09:00$/);
    expect((await state(ws, conversationId)).tags).toContain('opened-hours');
  });

  it('wait_for_reply: the customer replies → onReply runs, branching on the reply', async () => {
    const { ws, inbox } = await setup();
    const wf = await workflow(ws, {
      trigger: { type: 'conversation.opened' },
      steps: [
        { type: 'action', action: 'send_message', params: { text: 'Sales or support?' } },
        {
          type: 'wait_for_reply',
          timeoutSeconds: 3600,
          onReply: [{ type: 'if', when: { field: 'message.text', op: 'contains', value: 'sales' }, then: [tagStep('sales')], else: [tagStep('support')] }],
          onTimeout: [tagStep('no-answer')],
        },
      ],
    });
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hello');
    await runWhen(ws, wf.id, 'waiting');
    await visitorSays(v.visitorToken, 'Sales please');
    const run = await runWhen(ws, wf.id, 'complete');
    expect(run.steps.find((s: { name: string }) => s.name === '/steps/1').output).toMatchObject({ reply: expect.any(String) });
    const c = await state(ws, conversationId);
    expect(c.tags).toContain('sales');
    expect(c.tags).not.toContain('no-answer');
    const msgs = await conversationStub(env, ws.workspaceId, conversationId).messages({ limit: 50, includeNotes: true });
    expect(msgs.filter((m) => m.text === 'Sales or support?')).toHaveLength(1);
  });

  it('wait_for_reply: a reply written before the wait began (a redelivery) is skipped; the run keeps the version it started with', async () => {
    const { ws, inbox } = await setup();
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hello');
    const wf = await workflow(ws, { trigger: { type: 'manual' }, steps: [{ type: 'wait_for_reply', timeoutSeconds: 3600, onReply: [tagStep('v1-replied')] }] });
    const started = await call('POST', `/api/workflows/${wf.id}/run`, { token: ws.token, body: { conversationId } });
    await eventually(async () => (await call('GET', `/api/workflow-runs/${started.body.runId}`, { token: ws.token })).body.status === 'waiting');
    // A new version meanwhile: the run goes on with the one it started with.
    expect((await call('PATCH', `/api/workflows/${wf.id}`, { token: ws.token, body: { steps: [tagStep('v2')] } })).body.version).toBe(2);
    const c = await state(ws, conversationId);
    const stale: ParleyEvent = {
      id: `${conversationId}:999`,
      workspaceId: ws.workspaceId,
      conversationId,
      seq: 999,
      type: 'message.received',
      at: Date.now() - 60_000,
      actor: { type: 'contact', id: c.contactId, name: null },
      data: { messageId: 'msg_stale' },
      commit: { first: 999, last: 999 },
      conversation: { contactId: c.contactId, inboxId: c.inboxId, channel: c.channel, status: c.status, priority: c.priority, assigneeId: null, teamId: null, tags: [], createdAt: c.createdAt, slaStatus: null },
      message: { id: 'msg_stale', direction: 'inbound', authorType: 'contact', authorId: c.contactId, text: 'old words', isInternalNote: false, attachments: 0, externalId: null },
    };
    await handleAutomationEvents(env, [stale]);
    const instance = await introspect(introspectWorkflowInstance(env.AUTOMATION, started.body.runId));
    await visitorSays(v.visitorToken, 'Now I answer');
    await instance.waitForStatus('complete');
    const run = (await call('GET', `/api/workflow-runs/${started.body.runId}`, { token: ws.token })).body;
    expect(run.version).toBe(1);
    // The stale reply was taken and skipped (and the opening 'Hello', when its event reached the run after
    // the wait began); the real one answered the wait.
    const output = run.steps.find((x: { name: string }) => x.name === '/steps/0').output;
    expect(output.reply).not.toBe('msg_stale');
    expect(output.staleSkipped).toBeGreaterThanOrEqual(1);
    const tags = (await state(ws, conversationId)).tags;
    expect(tags).toContain('v1-replied');
    expect(tags).not.toContain('v2');
  });

  it('wait_for_reply: one EVENTS batch of replies in two conversations reads the waiting runs once; each reply reaches its own run', async () => {
    const { ws, inbox } = await setup();
    const wf = await workflow(ws, { trigger: { type: 'manual' }, steps: [{ type: 'wait_for_reply', timeoutSeconds: 3600, onReply: [tagStep('replied')] }] });
    const threads: { conversationId: string; runId: string; c: Awaited<ReturnType<typeof state>> }[] = [];
    for (const opening of ['Hello', 'Hi there']) {
      const v = await visitor(inbox.websiteToken);
      const { conversationId } = await visitorSays(v.visitorToken, opening);
      const started = await call('POST', `/api/workflows/${wf.id}/run`, { token: ws.token, body: { conversationId } });
      await eventually(async () => (await call('GET', `/api/workflow-runs/${started.body.runId}`, { token: ws.token })).body.status === 'waiting');
      threads.push({ conversationId, runId: started.body.runId as string, c: await state(ws, conversationId) });
    }
    const reply = ({ conversationId, c }: (typeof threads)[number], i: number): ParleyEvent => ({
      id: `${conversationId}:900`,
      workspaceId: ws.workspaceId,
      conversationId,
      seq: 900,
      type: 'message.received',
      at: Date.now() + 1_000,
      actor: { type: 'contact', id: c.contactId, name: null },
      data: { messageId: `msg_batch${i}` },
      commit: { first: 900, last: 900 },
      conversation: { contactId: c.contactId, inboxId: c.inboxId, channel: c.channel, status: c.status, priority: c.priority, assigneeId: null, teamId: null, tags: [], createdAt: c.createdAt, slaStatus: null },
      message: { id: `msg_batch${i}`, direction: 'inbound', authorType: 'contact', authorId: c.contactId, text: `answer ${i}`, isInternalNote: false, attachments: 0, externalId: null },
    });
    const { tally } = await costOf(() => handleAutomationEvents(env, threads.map(reply)));
    expect(tally.d1.filter((q) => /FROM workflow_runs WHERE workspace_id = \?1 AND conversation_id/.test(q)), tally.d1.join('\n')).toHaveLength(1);
    for (const [i, t] of threads.entries()) {
      await eventually(async () => (await call('GET', `/api/workflow-runs/${t.runId}`, { token: ws.token })).body.status === 'complete');
      const run = (await call('GET', `/api/workflow-runs/${t.runId}`, { token: ws.token })).body;
      expect(run.steps.find((x: { name: string }) => x.name === '/steps/0').output.reply).toBe(`msg_batch${i}`);
      expect((await state(ws, t.conversationId)).tags).toContain('replied');
    }
  });

  it('wait_for_reply: no reply in time → onTimeout runs', async () => {
    const { ws, inbox } = await setup();
    const wf = await workflow(ws, {
      trigger: { type: 'conversation.opened' },
      steps: [{ type: 'wait_for_reply', timeoutSeconds: 3600, onReply: [tagStep('replied')], onTimeout: [tagStep('no-answer'), { type: 'action', action: 'set_status', params: { status: 'snoozed', snoozeSeconds: 86400 } }] }],
    });
    const intro = await introspect(introspectWorkflow(env.AUTOMATION));
    await intro.modifyAll(async (m) => {
      await m.forceEventTimeout({ name: '/steps/0#reply' });
    });
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hello');
    const run = await runWhen(ws, wf.id, 'complete');
    expect(run.steps.find((s: { name: string }) => s.name === '/steps/0').output).toEqual({ timedOut: true });
    const c = await state(ws, conversationId);
    expect(c.tags).toContain('no-answer');
    expect(c.tags).not.toContain('replied');
    expect(c.status).toBe('snoozed');
  });

  it("loop guard: a run's own change does not re-trigger its workflow (another workflow still sees it)", async () => {
    const { ws, inbox } = await setup();
    const self = await workflow(ws, { trigger: { type: 'tag.applied', tag: 'loop' }, steps: [{ type: 'action', action: 'remove_tag', params: { tag: 'loop' } }, tagStep('loop')] });
    const witness = await workflow(ws, { trigger: { type: 'tag.applied', tag: 'loop' }, steps: [{ type: 'action', action: 'set_priority', params: { priority: 'high' } }] });
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hi');
    expect((await call('PATCH', `/api/conversations/${conversationId}`, { token: ws.token, body: { tags: ['loop'] } })).status).toBe(200);
    // The witness runs for the agent's tag and again for the one the looping workflow put back.
    await eventually(async () => (await runsOf(ws, witness.id)).filter((r) => r.status === 'complete').length === 2);
    const runs = await runsOf(ws, self.id);
    expect(runs).toHaveLength(1);
    expect(runs[0].status).toBe('complete');
  });
});

describe('idempotency and the rate limit (the subscriber fed directly with events of a real conversation)', () => {
  async function fixture() {
    const { ws, inbox } = await setup();
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hi');
    const c = await state(ws, conversationId);
    const event = (seq: number): ParleyEvent => ({
      id: `${conversationId}:${seq}`,
      workspaceId: ws.workspaceId,
      conversationId,
      seq,
      type: 'conversation.updated',
      at: Date.now(),
      actor: { type: 'agent', id: ws.userId, name: 'Manager' },
      data: { tags: ['ping'] },
      commit: { first: seq, last: seq },
      conversation: { contactId: c.contactId, inboxId: c.inboxId, channel: c.channel, status: c.status, priority: c.priority, assigneeId: null, teamId: null, tags: ['ping'], createdAt: c.createdAt, slaStatus: null },
      tagsAdded: ['ping'],
      tagsRemoved: [],
    });
    return { ws, conversationId, event };
  }

  it('a redelivered event starts no second run, even while the first is still queued', async () => {
    const { ws, event } = await fixture();
    const wf = await workflow(ws, { trigger: { type: 'tag.applied', tag: 'ping' }, steps: [tagStep('pong')] });
    const e = event(1000);
    await Promise.all([handleAutomationEvents(env, [e]), handleAutomationEvents(env, [e])]);
    await handleAutomationEvents(env, [e]);
    await runWhen(ws, wf.id, 'complete');
    expect(await runsOf(ws, wf.id)).toHaveLength(1);
  });

  it(`at most ${MAX_RUNS_PER_HOUR} runs of a workflow per conversation per hour; the rest are recorded as skipped with a log line`, async () => {
    const { ws, event } = await fixture();
    const wf = await workflow(ws, { trigger: { type: 'tag.applied', tag: 'ping' }, steps: [tagStep('pong')] });
    const warn = console.warn;
    const lines: string[] = [];
    console.warn = (...args: unknown[]) => lines.push(args.join(' '));
    try {
      await handleAutomationEvents(env, Array.from({ length: MAX_RUNS_PER_HOUR + 2 }, (_, i) => event(2000 + i)));
    } finally {
      console.warn = warn;
    }
    const runs = await runsOf(ws, wf.id);
    expect(runs).toHaveLength(MAX_RUNS_PER_HOUR + 2);
    const skipped = runs.filter((r) => r.status === 'skipped');
    expect(skipped).toHaveLength(2);
    expect(skipped[0].reason).toMatch(/rate limited/);
    expect(lines.filter((l) => l.includes(`workflow ${wf.id}`) && l.includes('skipped'))).toHaveLength(2);
  });

  it('a passing failure to create the instance keeps the run queued and tried again; errored only after the last try', async () => {
    const { ws, inbox } = await setup();
    const wf = await workflow(ws, { trigger: { type: 'manual' }, steps: [tagStep('started')] });
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'hello');
    const scope = scopeFor(env, ws.workspaceId);
    const w = (await findWorkflow(scope, wf.id))!;
    // The Workflows service failing the first `n` creates, then the real binding.
    const flaky = (n: number): CreateInstance => async (o) => {
      if (n-- > 0) throw new Error('internal error; reference = 5ab3 (Workflows service unavailable)');
      return env.AUTOMATION.create(o);
    };
    const input = { workflow: w, conversationId, origin: 'event' as const, eventId: `evt_flaky_${Date.now()}`, triggerType: 'manual', message: null };
    // One delivery of the trigger: two tries fail; the run is still queued, and the caller is told to come again.
    const create = flaky(3);
    const first = await startRun(env, scope, input, create).catch((e) => e);
    expect(first).toBeInstanceOf(RunNotStarted);
    const queued = await env.DB.prepare(`SELECT id, status, start_attempts FROM workflow_runs WHERE workspace_id = ? AND workflow_id = ?`).bind(ws.workspaceId, wf.id).first<any>();
    expect(queued).toMatchObject({ status: 'queued', start_attempts: 2 });
    // The redelivery: the third try fails, the fourth starts it, and the run goes on to complete.
    expect(await startRun(env, scope, input, create)).toEqual({ runId: queued.id, duplicate: true });
    await eventually(async () => (await findRun(scope, queued.id))?.status === 'complete');
    expect((await state(ws, conversationId)).tags).toContain('started');

    // Always failing: errored after MAX_START_ATTEMPTS tries over the deliveries, never before.
    const again = { ...input, eventId: `evt_down_${Date.now()}` };
    const down = flaky(Infinity);
    for (let delivery = 1; delivery * 2 < MAX_START_ATTEMPTS; delivery++) await expect(startRun(env, scope, again, down)).rejects.toBeInstanceOf(RunNotStarted);
    await expect(startRun(env, scope, again, down)).rejects.toThrow(/Workflows service unavailable/);
    const errored = await env.DB.prepare(`SELECT status, start_attempts, error FROM workflow_runs WHERE workspace_id = ? AND trigger_event_id = ?`).bind(ws.workspaceId, again.eventId).first<any>();
    expect(errored).toMatchObject({ status: 'errored', start_attempts: MAX_START_ATTEMPTS });
    expect(errored.error).toMatch(/could not start after 5 tries/);
  });

  it('Workflows refuses a second instance with the same id (what startRun relies on)', async () => {
    const id = `wfr_dup_${Date.now()}`;
    const params = { runId: id, workspaceId: 'ws_x', conversationId: 'cnv_x', workflowId: 'wfl_x', workflowName: 'x', version: 1, document: { trigger: { type: 'manual' as const }, steps: [] }, trigger: { eventId: null, type: 'manual', message: null } };
    await env.AUTOMATION.create({ id, params });
    await expect(env.AUTOMATION.create({ id, params })).rejects.toThrow(/already exists|duplicate/i);
  });
});

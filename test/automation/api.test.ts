// /api/workflows: the document as the contract (validation errors name JSON pointers), CRUD with a new
// version per save, roles, the dry run (nothing changes), manual runs and cancelling one.
import { env, introspectWorkflowInstance } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { conversationStub } from '../../worker/conversations/service';
import { addMember, call, createTeam, eventually, expectProblem, newWorkspace, visitorConversation, webchatInbox, type Workspace } from '../helpers';

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


let ws: Workspace;
let staff: Awaited<ReturnType<typeof addMember>>;
let personal: Awaited<ReturnType<typeof addMember>>;
let teamId: string;
let conversationId: string;

const tagStep = (tag: string) => ({ type: 'action', action: 'add_tag', params: { tag } });
const base = { name: 'Greeter', enabled: true, trigger: { type: 'manual' }, steps: [tagStep('hello')] };

beforeAll(async () => {
  ws = await newWorkspace();
  [staff, personal] = await Promise.all([addMember(ws, 'staff'), addMember(ws, 'personal')]);
  teamId = await createTeam(ws, 'Billing');
  const inbox = await webchatInbox(ws);
  conversationId = (await visitorConversation(inbox.websiteToken, 'I want a refund please', { name: 'Ada Lovelace', email: 'ada@example.com' })).id;
});

async function post(body: unknown, token = ws.token) {
  return call('POST', '/api/workflows', { token, body });
}

describe('validation on save', () => {
  it.each([
    ['an unknown top-level field', { ...base, owner: 'me' }, '/owner'],
    ['an unknown step type', { ...base, steps: [{ type: 'goto', to: 0 }] }, '/steps/0/type'],
    ['an unknown action', { ...base, steps: [{ type: 'action', action: 'launch_rocket', params: {} }] }, '/steps/0/action'],
    ['an unknown param', { ...base, steps: [{ type: 'action', action: 'add_tag', params: { tag: 'x', colour: 'red' } }] }, '/steps/0/params/colour'],
    ['a bad nested value', { ...base, steps: [{ type: 'if', when: { field: 'conversation.status', op: 'eq', value: 'open' }, then: [{ type: 'wait', seconds: -5 }] }] }, '/steps/0/then/0/seconds'],
    ['an unknown condition op', { ...base, steps: [{ type: 'if', when: { all: [{ field: 'conversation.status', op: 'resembles', value: 'x' }] }, then: [tagStep('a')] }] }, '/steps/0/when/all/0/op'],
    ['an unknown condition field', { ...base, steps: [{ type: 'if', when: { any: [{ not: { field: 'conversation.mood', op: 'eq', value: 'x' } }] }, then: [tagStep('a')] }] }, '/steps/0/when/any/0/not/field'],
    ['a condition mixing forms', { ...base, steps: [{ type: 'if', when: { all: [], field: 'x', op: 'eq' }, then: [tagStep('a')] }] }, /^\/steps\/0\/when/],
    ['an op missing its value', { ...base, steps: [{ type: 'if', when: { field: 'message.text', op: 'contains' }, then: [tagStep('a')] }] }, '/steps/0/when/value'],
    ['an invalid pattern', { ...base, steps: [{ type: 'if', when: { field: 'message.text', op: 'matches', value: '(' }, then: [tagStep('a')] }] }, '/steps/0/when/value'],
    ['an empty then without else', { ...base, steps: [{ type: 'if', when: { field: 'message.text', op: 'is_set' }, then: [] }] }, '/steps/0/then'],
    ['an empty else', { ...base, steps: [{ type: 'if', when: { field: 'message.text', op: 'is_set' }, then: [tagStep('a')], else: [] }] }, '/steps/0/else'],
    ['an empty parallel branch', { ...base, steps: [{ type: 'parallel', branches: [[tagStep('a')], []] }] }, '/steps/0/branches/1'],
    ['an empty onReply', { ...base, steps: [{ type: 'wait_for_reply', timeoutSeconds: 60, onReply: [] }] }, '/steps/0/onReply'],
    ['no steps at all', { ...base, steps: [] }, '/steps'],
    ['wait_until with neither at nor businessHours', { ...base, steps: [{ type: 'wait_until' }] }, '/steps/0'],
    ['assign to an agent without userId', { ...base, steps: [{ type: 'action', action: 'assign', params: { to: 'agent' } }] }, '/steps/0/params/userId'],
    ['snooze without its duration', { ...base, steps: [{ type: 'action', action: 'set_status', params: { status: 'snoozed' } }] }, '/steps/0/params/snoozeSeconds'],
    ['an unknown merge field', { ...base, steps: [{ type: 'action', action: 'send_message', params: { text: 'Hi {{customer.name}}' } }] }, '/steps/0/params/text'],
    ['an unknown trigger', { ...base, trigger: { type: 'moon.full' } }, '/trigger/type'],
  ])('refuses %s, naming %s', async (_what, body, pointer) => {
    expectProblem(await post(body), 400, pointer as string | RegExp);
  });

  it('refuses nesting deeper than the limit and more steps than the limit', async () => {
    let steps: unknown[] = [tagStep('deep')];
    for (let i = 0; i < 10; i++) steps = [{ type: 'if', when: { field: 'message.text', op: 'is_set' }, then: steps }];
    const deep = await post({ ...base, steps });
    expectProblem(deep, 400);
    expect(deep.body.errors[0].field).toMatch(/^\/steps\/0(\/then\/0)+\/then$/);
    expect(deep.body.errors[0].message).toMatch(/deeper than 8/);
    const many = Array.from({ length: 5 }, () => ({ type: 'parallel', branches: [Array.from({ length: 25 }, () => tagStep('a')), Array.from({ length: 25 }, () => tagStep('b'))] }));
    const wide = await post({ ...base, steps: many });
    expectProblem(wide, 400, '/steps');
    expect(wide.body.errors[0].message).toMatch(/at most 200 steps/);
  });

  it('refuses references to teams, users, inboxes and paths that do not exist here (a deleted one included)', async () => {
    const other = await newWorkspace();
    const foreignTeam = await createTeam(other, 'Theirs');
    expectProblem(await post({ ...base, steps: [{ type: 'action', action: 'move_to_queue', params: { teamId: foreignTeam } }] }), 400, '/steps/0/params/teamId');
    expectProblem(await post({ ...base, steps: [{ type: 'parallel', branches: [[tagStep('a')], [{ type: 'action', action: 'assign', params: { to: 'agent', userId: other.userId } }]] }] }), 400, '/steps/0/branches/1/0/params/userId');
    expectProblem(await post({ ...base, trigger: { type: 'message.received', inboxIds: ['inb_nope'] } }), 400, '/trigger/inboxIds/0');
    expectProblem(await post({ ...base, steps: [{ type: 'action', action: 'escalate', params: { pathId: 'esp_nope' } }] }), 400, '/steps/0/params/pathId');
    const doomed = await createTeam(ws, 'Doomed');
    expect((await call('DELETE', `/api/teams/${doomed}`, { token: ws.token })).status).toBeLessThan(300);
    expectProblem(await post({ ...base, steps: [{ type: 'action', action: 'assign', params: { to: 'team', teamId: doomed } }] }), 400, '/steps/0/params/teamId');
  });

  it('answers problem+json for a body that is not JSON', async () => {
    const res = await call('POST', '/api/workflows', { token: ws.token, body: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expectProblem(res, 415);
  });
});

describe('CRUD and versions', () => {
  it('creates (201, version 1), lists, reads, patches into new versions and deletes', async () => {
    const created = await post({ ...base, description: 'Says hi', trigger: { type: 'tag.applied', tag: 'vip' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.stringMatching(/^wfl_/), version: 1, name: 'Greeter', description: 'Says hi', enabled: true, trigger: { type: 'tag.applied', tag: 'vip' } });
    expect(created.body.webhookSecret).toMatch(/^whsec_/);
    const id = created.body.id;

    const patched = await call('PATCH', `/api/workflows/${id}`, { token: ws.token, body: { enabled: false, steps: [tagStep('second')] } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ version: 2, enabled: false, description: 'Says hi', steps: [tagStep('second')] });
    expectProblem(await call('PATCH', `/api/workflows/${id}`, { token: ws.token, body: { steps: [{ type: 'wait', seconds: 0 }] } }), 400, '/steps/0/seconds');
    expect((await call('PATCH', `/api/workflows/${id}`, { token: ws.token, body: { name: 'Greeter 3' } })).body.version).toBe(3);

    const versions = await call('GET', `/api/workflows/${id}/versions`, { token: ws.token });
    expect(versions.body.items.map((v: { version: number }) => v.version)).toEqual([3, 2, 1]);
    expect(versions.body.items[2].document.steps).toEqual([tagStep('hello')]);
    expect(versions.body.items[0].document.name).toBe('Greeter 3');

    const list = await call('GET', '/api/workflows', { token: staff.token });
    expect(list.status).toBe(200);
    expect(list.body.items.find((w: { id: string }) => w.id === id)).toMatchObject({ version: 3, runsToday: 0, errorsToday: 0, lastRunAt: null });
    // Staff see the list without the steps (a call_webhook's headers can hold a third party's
    // credentials); the document, its versions and runs are managers'. They do not write.
    expect(list.body.items.find((w: { id: string }) => w.id === id).steps).toBeUndefined();
    expectProblem(await call('GET', `/api/workflows/${id}`, { token: staff.token }), 403);
    expectProblem(await call('GET', `/api/workflows/${id}/versions`, { token: staff.token }), 403);
    expectProblem(await call('GET', `/api/workflows/${id}/runs`, { token: staff.token }), 403);
    expectProblem(await call('PATCH', `/api/workflows/${id}`, { token: staff.token, body: { enabled: true } }), 403);
    expectProblem(await post(base, staff.token), 403);
    expectProblem(await call('GET', '/api/workflows', { token: personal.token }), 403);

    expect((await call('DELETE', `/api/workflows/${id}`, { token: ws.token })).status).toBe(204);
    expectProblem(await call('GET', `/api/workflows/${id}`, { token: ws.token }), 404);
    expect((await call('GET', '/api/workflows', { token: ws.token })).body.items.some((w: { id: string }) => w.id === id)).toBe(false);
  });

  it("another workspace's manager cannot see or touch the workflow", async () => {
    const id = (await post(base)).body.id;
    const other = await newWorkspace();
    expectProblem(await call('GET', `/api/workflows/${id}`, { token: other.token }), 404);
    expectProblem(await call('PATCH', `/api/workflows/${id}`, { token: other.token, body: { enabled: false } }), 404);
    expectProblem(await call('POST', `/api/workflows/${id}/run`, { token: other.token, body: { conversationId } }), 404);
    // Their own workflow cannot run on our conversation either.
    const theirs = (await call('POST', '/api/workflows', { token: other.token, body: base })).body.id;
    expectProblem(await call('POST', `/api/workflows/${theirs}/run`, { token: other.token, body: { conversationId } }), 400, 'conversationId');
  });
});

describe('dry run', () => {
  it('reports the branch taken and the actions that would apply, and changes nothing', async () => {
    const id = (
      await post({
        ...base,
        steps: [
          { type: 'action', action: 'set_priority', params: { priority: 'urgent' } },
          {
            type: 'if',
            when: { field: 'message.text', op: 'contains', value: 'refund' },
            then: [{ type: 'action', action: 'send_message', params: { text: 'Hi {{contact.first_name}}, a refund it is.' } }],
            else: [tagStep('other')],
          },
          { type: 'wait', seconds: 3600 },
          { type: 'wait_for_reply', timeoutSeconds: 600, onReply: [tagStep('replied')], onTimeout: [{ type: 'action', action: 'move_to_queue', params: { teamId } }] },
        ],
      })
    ).body.id;
    const before = (await conversationStub(env, ws.workspaceId, conversationId).state())!;
    const res = await call('POST', `/api/workflows/${id}/test`, { token: ws.token, body: { conversationId } });
    expect(res.status).toBe(200);
    expect(res.body.path.map((p: { step: string; outcome: string }) => `${p.step} ${p.outcome}`)).toEqual([
      '/steps/0 applied',
      '/steps/1 then',
      '/steps/1/then/0 applied',
      '/steps/2 waited 3600s',
      '/steps/3 timeout',
      '/steps/3/onTimeout/0 applied',
    ]);
    expect(res.body.actions.map((a: { action: string }) => a.action)).toEqual(['set_priority', 'send_message', 'move_to_queue']);
    expect(res.body.actions[1].detail.text).toBe('Hi Ada, a refund it is.');
    const after = (await conversationStub(env, ws.workspaceId, conversationId).state())!;
    expect(after.seq).toBe(before.seq);
    expect(after.priority).toBe(before.priority);
    expect((await call('GET', `/api/workflows/${id}/runs`, { token: ws.token })).body.items).toEqual([]);

    // A draft's steps, validated like a save.
    const draft = await call('POST', `/api/workflows/${id}/test`, { token: ws.token, body: { conversationId, steps: [{ type: 'if', when: { field: 'message.text', op: 'contains', value: 'invoice' }, then: [tagStep('x')], else: [tagStep('y')] }] } });
    expect(draft.body.path.map((p: { outcome: string }) => p.outcome)).toEqual(['else', 'applied']);
    expectProblem(await call('POST', `/api/workflows/${id}/test`, { token: ws.token, body: { conversationId, steps: [{ type: 'action', action: 'nope', params: {} }] } }), 400, '/steps/0/action');
  });
});

describe('manual runs and cancel', () => {
  it('runs on a conversation by hand and records it', async () => {
    const id = (await post({ ...base, steps: [tagStep('manual-run'), { type: 'action', action: 'set_priority', params: { priority: 'high' } }] })).body.id;
    const started = await call('POST', `/api/workflows/${id}/run`, { token: ws.token, body: { conversationId } });
    expect(started.status).toBe(202);
    const instance = await introspect(introspectWorkflowInstance(env.AUTOMATION, started.body.runId));
    await instance.waitForStatus('complete');
    const run = await call('GET', `/api/workflow-runs/${started.body.runId}`, { token: ws.token });
    expect(run.body).toMatchObject({ status: 'complete', origin: 'manual', version: 1, conversationId });
    expect(run.body.steps.map((s: { name: string; status: string }) => `${s.name} ${s.status}`)).toEqual(['/steps/0 done', '/steps/1 done']);
    const state = (await conversationStub(env, ws.workspaceId, conversationId).state())!;
    expect(state.tags).toContain('manual-run');
    expect(state.priority).toBe('high');
    expectProblem(await call('POST', `/api/workflows/${id}/run`, { token: staff.token, body: { conversationId } }), 403);
  });

  it('cancels a waiting run: its instance is terminated and the later steps never apply', async () => {
    const id = (await post({ ...base, steps: [{ type: 'wait', seconds: 3600 }, tagStep('too-late')] })).body.id;
    const started = await call('POST', `/api/workflows/${id}/run`, { token: ws.token, body: { conversationId } });
    const instance = await introspect(introspectWorkflowInstance(env.AUTOMATION, started.body.runId));
    await eventually(async () => (await call('GET', `/api/workflow-runs/${started.body.runId}`, { token: ws.token })).body.steps?.length === 1);
    const cancelled = await call('POST', `/api/workflow-runs/${started.body.runId}/cancel`, { token: ws.token });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    await instance.waitForStatus('terminated');
    expectProblem(await call('POST', `/api/workflow-runs/${started.body.runId}/cancel`, { token: ws.token }), 409);
    expect((await conversationStub(env, ws.workspaceId, conversationId).state())!.tags).not.toContain('too-late');
  });
});

// Every action against a real conversation, through a manual run on Cloudflare Workflows (or, for the
// idempotency and webhook checks, applyAction itself with the receiver faked at the network edge).
import { env, introspectWorkflowInstance } from 'cloudflare:test';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { applyAction, signWebhook, webhookSecret, type RunIdentity } from '../../worker/automation/actions';
import type { ActionStep } from '../../worker/automation/document';
import { conversationStub } from '../../worker/conversations/service';
import { addMember, call, createTeam, eventually, newWorkspace, visitorConversation, webchatInbox, type Workspace } from '../helpers';

const introspectors: { dispose(): Promise<void> }[] = [];
afterEach(async () => {
  for (const i of introspectors.splice(0)) await i.dispose();
});

let ws: Workspace;
let agent: Awaited<ReturnType<typeof addMember>>;
let teamId: string;
let websiteToken: string;

beforeAll(async () => {
  ws = await newWorkspace();
  agent = await addMember(ws, 'staff');
  teamId = await createTeam(ws, 'Billing', [agent.userId]);
  websiteToken = (await webchatInbox(ws)).websiteToken;
});

/** A fresh conversation, a workflow of `steps` run on it by hand, to completion; the run as the API shows it. */
async function runOn(steps: unknown[], guest: Record<string, unknown> = { name: 'Ada Lovelace', email: 'ada@example.com' }) {
  const conv = await visitorConversation(websiteToken, 'Hello', guest);
  const wf = await call('POST', '/api/workflows', { token: ws.token, body: { name: 'Actions', enabled: true, trigger: { type: 'manual' }, steps } });
  if (wf.status !== 201) throw new Error(JSON.stringify(wf.body));
  const started = await call('POST', `/api/workflows/${wf.body.id}/run`, { token: ws.token, body: { conversationId: conv.id } });
  const instance = await introspectWorkflowInstance(env.AUTOMATION, started.body.runId);
  introspectors.push(instance);
  await instance.waitForStatus('complete');
  const run = (await call('GET', `/api/workflow-runs/${started.body.runId}`, { token: ws.token })).body;
  const stub = conversationStub(env, ws.workspaceId, conv.id);
  return { conv, run, state: (await stub.state())!, messages: await stub.messages({ limit: 50, includeNotes: true }) };
}

const act = (action: string, params: Record<string, unknown>) => ({ type: 'action', action, params });

describe('actions', () => {
  it('assign to an agent (through routing), then to a team by its mode, then unassign', async () => {
    const toAgent = await runOn([act('assign', { to: 'agent', userId: agent.userId })]);
    expect(toAgent.state.assigneeId).toBe(agent.userId);
    const toTeam = await runOn([act('assign', { to: 'team', teamId })]);
    expect(toTeam.state.teamId).toBe(teamId);
    const unassigned = await runOn([act('assign', { to: 'agent', userId: agent.userId }), act('assign', { to: 'unassign' })]);
    expect(unassigned.state.assigneeId).toBeNull();
  });

  it('move_to_queue, set_priority, add_tag and remove_tag', async () => {
    const { state, run } = await runOn([act('add_tag', { tag: 'Keep' }), act('add_tag', { tag: 'drop' }), act('remove_tag', { tag: 'drop' }), act('set_priority', { priority: 'low' }), act('move_to_queue', { teamId })]);
    expect(state.tags).toContain('keep');
    expect(state.tags).not.toContain('drop');
    expect(state.priority).toBe('low');
    expect(state.teamId).toBe(teamId);
    expect(state.assigneeId).toBeNull();
    expect(run.steps.map((s: { status: string }) => s.status)).toEqual(['done', 'done', 'done', 'done', 'done']);
  });

  it('send_message renders merge fields; add_note stays internal; both attributed to the workflow', async () => {
    const { messages } = await runOn([act('send_message', { text: 'Hi {{contact.first_name|there}}, this is {{workspace.name}}.' }), act('add_note', { text: 'Bot greeted {{contact.email}}' })]);
    const sent = messages.find((m) => m.text.startsWith('Hi '))!;
    expect(sent).toMatchObject({ text: 'Hi Ada, this is Test workspace.', direction: 'outbound', authorType: 'bot', isInternalNote: false, authorName: 'Workflow: Actions' });
    expect(messages.find((m) => m.isInternalNote)).toMatchObject({ text: 'Bot greeted ada@example.com', authorType: 'bot' });
  });

  it('set_status: close, and snooze for a while', async () => {
    expect((await runOn([act('set_status', { status: 'closed' })])).state.status).toBe('closed');
    const snoozed = (await runOn([act('set_status', { status: 'snoozed', snoozeSeconds: 7200 })])).state;
    expect(snoozed.status).toBe('snoozed');
    expect(snoozed.snoozeUntil! - Date.now()).toBeGreaterThan(7000_000);
  });

  it('update_contact: a field and an attribute; a later condition reads them', async () => {
    const { conv, state } = await runOn([
      act('update_contact', { field: 'email', value: 'new@example.com' }),
      act('update_contact', { field: 'attributes.plan', value: 'gold' }),
      { type: 'if', when: { field: 'contact.attributes.plan', op: 'eq', value: 'gold' }, then: [act('add_tag', { tag: 'gold' })] },
    ]);
    const contact = (await call('GET', `/api/contacts/${conv.contactId}`, { token: ws.token })).body;
    expect(contact.email).toBe('new@example.com');
    expect(contact.attributes.plan).toBe('gold');
    expect(state.tags).toContain('gold');
  });

  it('escalate starts the escalation path; handoff writes its message and queues to the team', async () => {
    const path = await call('POST', '/api/escalations/paths', { token: ws.token, body: { name: 'Workflow path', triggers: ['manual'], levels: [{ delayMs: 0, actions: [{ type: 'flag' }] }] } });
    expect(path.status).toBe(201);
    const escalated = await runOn([act('escalate', { pathId: path.body.id, reason: 'Angry customer' })]);
    expect(escalated.state.escalation).toMatchObject({ pathId: path.body.id });
    const handed = await runOn([act('handoff', { teamId, message: 'Passing you to our billing team.' })]);
    expect(handed.state.teamId).toBe(teamId);
    expect(handed.messages.some((m) => m.text === 'Passing you to our billing team.')).toBe(true);
  });
});

describe('a failing action', () => {
  it('is retried, then fails the run: the step records its error and the list counts it', async () => {
    // `.invalid` never resolves (RFC 6761): the webhook step cannot succeed, wherever the test runs.
    const wf = await call('POST', '/api/workflows', {
      token: ws.token,
      body: { name: 'Fails', enabled: true, trigger: { type: 'manual' }, steps: [act('add_tag', { tag: 'before' }), act('call_webhook', { url: 'https://receiver.invalid/hook' }), act('add_tag', { tag: 'never' })] },
    });
    const conv = await visitorConversation(websiteToken, 'Hello');
    const started = await call('POST', `/api/workflows/${wf.body.id}/run`, { token: ws.token, body: { conversationId: conv.id } });
    const instance = await introspectWorkflowInstance(env.AUTOMATION, started.body.runId);
    introspectors.push(instance);
    await instance.modify(async (m) => {
      await m.disableRetryDelays();
    });
    await instance.waitForStatus('errored');
    const run = await eventually(async () => {
      const r = (await call('GET', `/api/workflow-runs/${started.body.runId}`, { token: ws.token })).body;
      return r.status === 'errored' ? r : null;
    });
    expect(run.error).toBeTruthy();
    expect(run.steps.map((x: { name: string; status: string }) => `${x.name} ${x.status}`)).toEqual(['/steps/0 done', '/steps/1 failed']);
    expect(run.steps[1].error).toBeTruthy();
    const state = (await conversationStub(env, ws.workspaceId, conv.id).state())!;
    expect(state.tags).toContain('before');
    expect(state.tags).not.toContain('never');
    const listed = (await call('GET', '/api/workflows', { token: ws.token })).body.items.find((w: { id: string }) => w.id === wf.body.id);
    expect(listed).toMatchObject({ runsToday: 1, errorsToday: 1 });
  });
});

describe('applyAction directly', () => {
  async function identity(): Promise<RunIdentity> {
    const conv = await visitorConversation(websiteToken, 'Hello', { name: 'Grace Hopper' });
    return { runId: `wfr_test${Date.now()}`, workspaceId: ws.workspaceId, conversationId: conv.id, workflowId: 'wfl_test', workflowName: 'Direct' };
  }

  it('a retried message step (same key) writes one message', async () => {
    const run = await identity();
    const step = { type: 'action', action: 'send_message', params: { text: 'Once only' } } as ActionStep;
    const first = await applyAction(env, run, step, `${run.runId}/steps/0`, null);
    const again = await applyAction(env, run, step, `${run.runId}/steps/0`, null);
    expect(again).toMatchObject({ messageId: first.messageId, duplicate: true });
    const msgs = await conversationStub(env, ws.workspaceId, run.conversationId).messages({ limit: 50, includeNotes: true });
    expect(msgs.filter((m) => m.text === 'Once only')).toHaveLength(1);
  });

  it('add_tag is one atomic add in the conversation object: concurrent adds all stay', async () => {
    const run = await identity();
    const tag = (t: string) => ({ type: 'action', action: 'add_tag', params: { tag: t } }) as ActionStep;
    const stub = conversationStub(env, ws.workspaceId, run.conversationId);
    const results = await Promise.all([
      applyAction(env, run, tag('first'), `${run.runId}/steps/0`, null),
      applyAction(env, run, tag('second'), `${run.runId}/steps/1`, null),
      applyAction(env, run, tag('Third'), `${run.runId}/steps/2`, null),
    ]);
    expect((await stub.state())!.tags).toEqual(expect.arrayContaining(['first', 'second', 'third']));
    expect(results.every((r) => (r as { changed: boolean }).changed)).toBe(true);
    // Already there: no change, no event.
    expect(await applyAction(env, run, tag('first'), `${run.runId}/steps/3`, null)).toMatchObject({ changed: false });
    const removed = await applyAction(env, run, { type: 'action', action: 'remove_tag', params: { tag: 'second' } } as ActionStep, `${run.runId}/steps/4`, null);
    expect(removed).toMatchObject({ changed: true });
    expect((await stub.state())!.tags).not.toContain('second');
  });

  it('call_webhook sends a Standard Webhooks signed request (same webhook-id on a retry) and returns the response', async () => {
    const run = await identity();
    const seen: Request[] = [];
    const receiver = async (req: Request) => {
      seen.push(req.clone() as Request);
      return seen.length === 1 ? new Response('busy', { status: 503 }) : new Response('{"ok":true}', { status: 200 });
    };
    const step = { type: 'action', action: 'call_webhook', params: { url: 'https://hooks.example.com/parley', method: 'POST', headers: { 'X-Extra': '1' }, body: '{"name":"{{contact.first_name}}"}' } } as ActionStep;
    await expect(applyAction(env, run, step, `${run.runId}/steps/0`, null, receiver)).rejects.toThrow(/503/);
    const out = await applyAction(env, run, step, `${run.runId}/steps/0`, null, receiver);
    expect(out).toEqual({ status: 200, body: '{"ok":true}' });
    expect(seen[0].headers.get('webhook-id')).toBe(seen[1].headers.get('webhook-id'));
    const req = seen[1];
    const body = await req.text();
    expect(body).toBe('{"name":"Grace"}');
    // A customer's text stays string content in a JSON body, whatever it holds.
    await env.DB.prepare(`UPDATE contacts SET name = ? WHERE id = (SELECT contact_id FROM conversations WHERE id = ?)`).bind('Eve", "refund": true, "x": "', run.conversationId).run();
    seen.length = 0;
    const named = { ...step, params: { ...step.params, body: '{"name":"{{contact.name}}"}' } } as ActionStep;
    await applyAction(env, run, named, `${run.runId}/steps/json`, null, async (r: Request) => (seen.push(r.clone() as Request), new Response('ok')));
    expect(JSON.parse(await seen[0].text())).toEqual({ name: 'Eve", "refund": true, "x": "' });
    expect(req.headers.get('x-extra')).toBe('1');
    // Verified independently with WebCrypto against the workflow's secret.
    const secret = await webhookSecret(env, 'wfl_test');
    const key = await crypto.subtle.importKey('raw', Uint8Array.from(atob(secret.slice(6)), (ch) => ch.charCodeAt(0)), { name: 'HMAC', hash: 'SHA-256' }, false, ['verify']);
    const sig = Uint8Array.from(atob(req.headers.get('webhook-signature')!.slice(3)), (ch) => ch.charCodeAt(0));
    const signed = `${req.headers.get('webhook-id')}.${req.headers.get('webhook-timestamp')}.${body}`;
    expect(await crypto.subtle.verify('HMAC', key, sig, new TextEncoder().encode(signed))).toBe(true);
  });

  it('call_webhook refuses loopback, private and link-local targets in production (allowed elsewhere)', async () => {
    const run = await identity();
    const called: string[] = [];
    const receiver = async (req: Request) => {
      called.push(req.url);
      return new Response('ok');
    };
    const production = { ...env, ENVIRONMENT: 'production' } as Env;
    for (const url of ['http://127.0.0.1:8787/x', 'http://localhost/x', 'http://10.1.2.3/x', 'http://192.168.0.1/', 'http://169.254.169.254/latest', 'http://[::1]/x', 'http://[fd00::1]/', 'http://[::ffff:127.0.0.1]/', 'https://[::127.0.0.1]/', 'https://[64:ff9b::a00:1]/', 'https://0x7f000001/', 'https://user:pw@hooks.example.com/', 'http://hooks.example.com/plain-http']) {
      const step = { type: 'action', action: 'call_webhook', params: { url } } as ActionStep;
      await expect(applyAction(production, run, step, `${run.runId}/${url}`, null, receiver)).rejects.toThrow(/refused/);
    }
    expect(called).toEqual([]);
    const outside = { type: 'action', action: 'call_webhook', params: { url: 'https://hooks.example.com/ok' } } as ActionStep;
    expect(await applyAction(production, run, outside, `${run.runId}/ok`, null, receiver)).toMatchObject({ status: 200 });
    const local = { type: 'action', action: 'call_webhook', params: { url: 'http://127.0.0.1:8787/x' } } as ActionStep;
    expect(await applyAction(env, run, local, `${run.runId}/local`, null, receiver)).toMatchObject({ status: 200 });
    expect(called).toEqual(['https://hooks.example.com/ok', 'http://127.0.0.1:8787/x']);
  });

  it('signs the Standard Webhooks reference vector', async () => {
    expect(await signWebhook('whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', 'msg_p5jXN8AQM9LWM0D4loKWxJek', 1614265330, '{"test": 2432232314}')).toBe('v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=');
  });
});

// The engine end to end: events from real conversations start Workflows instances whose actions show on
// the conversation; branches, parallel, waits (driven by introspection, not slept), wait-for-reply both
// ways, cancel, and the loop guard.
import { env, introspectWorkflow, introspectWorkflowInstance } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { conversationStub } from '../../worker/conversations/service';
import { runIdFor } from '../../worker/automation/runs';
import { call, eventually, newWorkspace, visitor, visitorSays, webchatInbox, type Workspace } from '../helpers';

async function workflow(ws: Workspace, body: Record<string, unknown>) {
  const res = await call('POST', '/api/workflows', { token: ws.token, body: { name: 'Test', enabled: true, ...body } });
  if (res.status !== 201) throw new Error(`workflow: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string; version: number };
}

async function conversationState(ws: Workspace, id: string) {
  return (await conversationStub(env, ws.workspaceId, id).state())!;
}

describe('automation engine', () => {
  it('message.received → add_tag: the tag becomes visible on the conversation', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const wf = await workflow(ws, { trigger: { type: 'message.received' }, steps: [{ type: 'action', action: 'add_tag', params: { tag: 'auto' } }] });
    await using intro = await introspectWorkflow(env.AUTOMATION);
    const v = await visitor(inbox.websiteToken);
    const { conversationId } = await visitorSays(v.visitorToken, 'Hello, I need help');
    const c = await eventually(async () => {
      const s = await conversationState(ws, conversationId);
      return s.tags.includes('auto') ? s : null;
    });
    expect(c.tags).toContain('auto');
    const instances = await intro.get();
    expect(instances.length).toBeGreaterThan(0);
    for (const i of instances) await i.waitForStatus('complete');
    const runs = await call('GET', `/api/workflows/${wf.id}/runs`, { token: ws.token });
    expect(runs.body.items).toHaveLength(1);
    const run = await eventually(async () => {
      const r = await call('GET', `/api/workflow-runs/${runs.body.items[0].id}`, { token: ws.token });
      return r.body.status === 'complete' ? r.body : null;
    });
    expect(run.steps).toEqual([expect.objectContaining({ name: '/steps/0', type: 'action:add_tag', status: 'done', input: { tag: 'auto' } })]);
    expect(run.steps[0].finishedAt).toBeGreaterThanOrEqual(run.steps[0].startedAt);
  });
});

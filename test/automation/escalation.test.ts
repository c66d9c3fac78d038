// The escalation path action "run a workflow": a level starts a run of the workflow's current version
// on the escalated conversation; a path cannot name a workflow that does not exist (or was deleted).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { conversationStub } from '../../worker/conversations/service';
import { call, eventually, expectProblem, newWorkspace, visitorConversation, webchatInbox } from '../helpers';

describe('escalation level → workflow run', () => {
  it('a level with a workflow action starts a run that applies its steps', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const wf = await call('POST', '/api/workflows', {
      token: ws.token,
      body: { name: 'On escalation', enabled: true, trigger: { type: 'manual' }, steps: [{ type: 'action', action: 'add_tag', params: { tag: 'escalated-by-workflow' } }] },
    });
    const path = await call('POST', '/api/escalations/paths', { token: ws.token, body: { name: 'With workflow', triggers: ['manual'], levels: [{ delayMs: 0, actions: [{ type: 'workflow', workflowId: wf.body.id }] }] } });
    expect(path.status).toBe(201);
    const conv = await visitorConversation(inbox.websiteToken, 'Nobody answers');
    expect((await call('POST', `/api/conversations/${conv.id}/escalate`, { token: ws.token, body: { reason: 'Slow', pathId: path.body.id } })).status).toBeLessThan(300);
    await eventually(async () => (await conversationStub(env, ws.workspaceId, conv.id).state())!.tags.includes('escalated-by-workflow'));
    const runs = (await call('GET', `/api/workflows/${wf.body.id}/runs`, { token: ws.token })).body.items;
    expect(runs).toHaveLength(1);
    expect(runs[0]).toMatchObject({ origin: 'escalation', conversationId: conv.id });

    // A deleted workflow can no longer be named by a path.
    expect((await call('DELETE', `/api/workflows/${wf.body.id}`, { token: ws.token })).status).toBe(204);
    expectProblem(
      await call('POST', '/api/escalations/paths', { token: ws.token, body: { name: 'Stale', triggers: ['manual'], levels: [{ delayMs: 0, actions: [{ type: 'workflow', workflowId: wf.body.id }] }] } }),
      400,
      'levels.0.actions.0.workflowId',
    );
  });
});

// sla.approaching: started by the SLA core's warning event (here handed to the subscriber as the event
// stream would), the run sleeps until minutesBefore the deadline (driven by the introspector, not slept)
// and acts only if that clock is still running; a met target leaves the run skipped.
import { env, introspectWorkflow } from 'cloudflare:test';
import { afterEach, describe, expect, it } from 'vitest';
import { handleAutomationEvents } from '../../worker/automation/triggers';
import { conversationStub } from '../../worker/conversations/service';
import type { ParleyEvent } from '../../worker/events/model';
import { call, eventually, newWorkspace, visitor, visitorSays, webchatInbox } from '../helpers';

const introspectors: { dispose(): Promise<void> }[] = [];
afterEach(async () => {
  for (const i of introspectors.splice(0)) await i.dispose();
});

async function setup() {
  const ws = await newWorkspace();
  expect((await call('POST', '/api/sla/policies', { token: ws.token, body: { name: 'Fast', targets: { firstResponse: 3_600_000 } } })).status).toBe(201);
  const wf = await call('POST', '/api/workflows', {
    token: ws.token,
    body: { name: 'Nearly late', enabled: true, trigger: { type: 'sla.approaching', minutesBefore: 10 }, steps: [{ type: 'action', action: 'set_priority', params: { priority: 'urgent' } }] },
  });
  expect(wf.status, JSON.stringify(wf.body)).toBe(201);
  const inbox = await webchatInbox(ws);
  const { conversationId } = await visitorSays((await visitor(inbox.websiteToken)).visitorToken, 'Hello?');
  const stub = conversationStub(env, ws.workspaceId, conversationId);
  const c = await eventually(async () => {
    const s = await stub.state();
    return s?.sla?.clocks.some((k) => k.target === 'firstResponse' && k.dueAt) ? s : null;
  });
  const clock = c.sla!.clocks.find((k) => k.target === 'firstResponse')!;
  const warning: ParleyEvent = {
    id: `${conversationId}:900`,
    workspaceId: ws.workspaceId,
    conversationId,
    seq: 900,
    type: 'sla.warning',
    at: Date.now(),
    actor: null,
    data: { target: 'firstResponse', dueAt: clock.dueAt! },
    commit: { first: 900, last: 900 },
    conversation: { contactId: c.contactId, inboxId: c.inboxId, channel: c.channel, status: c.status, priority: c.priority, assigneeId: null, teamId: null, tags: [], createdAt: c.createdAt, slaStatus: 'warning' },
  } as ParleyEvent;
  const runs = async () => (await call('GET', `/api/workflows/${wf.body.id}/runs`, { token: ws.token })).body.items as { id: string; status: string; reason: string | null }[];
  return { ws, conversationId, stub, clock, warning, runs };
}

describe('sla.approaching', () => {
  it('sleeps until minutesBefore the deadline, then acts while the clock still runs', async () => {
    const t = await setup();
    const intro = await introspectWorkflow(env.AUTOMATION);
    introspectors.push(intro);
    await intro.modifyAll(async (m) => {
      await m.disableSleeps();
    });
    await handleAutomationEvents(env, [t.warning]);
    const [instance] = await intro.get();
    await instance.waitForStatus('complete');
    const [run] = await t.runs();
    expect(run.status).toBe('complete');
    expect((await t.stub.state())!.priority).toBe('urgent');
    // Redelivered warning: nothing new.
    await handleAutomationEvents(env, [t.warning]);
    expect(await t.runs()).toHaveLength(1);
  });

  it('a target met before the wake-up: the run ends skipped, nothing applied', async () => {
    const t = await setup();
    expect((await call('POST', `/api/conversations/${t.conversationId}/messages`, { token: t.ws.token, body: { text: 'On it!' } })).status).toBe(201);
    await eventually(async () => (await t.stub.state())!.sla!.clocks.find((k) => k.target === 'firstResponse')!.metAt !== null);
    const intro = await introspectWorkflow(env.AUTOMATION);
    introspectors.push(intro);
    await intro.modifyAll(async (m) => {
      await m.disableSleeps();
    });
    await handleAutomationEvents(env, [t.warning]);
    const [instance] = await intro.get();
    await instance.waitForStatus('complete');
    const [run] = await t.runs();
    expect(run).toMatchObject({ status: 'skipped', reason: expect.stringMatching(/^SLA firstResponse no longer due/) });
    expect((await t.stub.state())!.priority).not.toBe('urgent');
  });
});

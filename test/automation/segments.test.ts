// segment.matched: a contact entering a saved audience starts the workflow once, on the conversation
// where they are active; staying inside starts nothing more, leaving and coming back starts it again.
// Real visitor messages through the event stream; a message.received "witness" workflow marks each
// event as handled, so "nothing more started" is checked after the subscriber has seen the event.
import { afterEach, describe, expect, it } from 'vitest';
import { env, introspectWorkflow } from 'cloudflare:test';
import { call, eventually, expectProblem, newWorkspace, visitor, visitorSays, webchatInbox, type Workspace } from '../helpers';

const introspectors: { dispose(): Promise<void> }[] = [];
afterEach(async () => {
  for (const i of introspectors.splice(0)) await i.dispose();
});

async function workflow(ws: Workspace, body: Record<string, unknown>) {
  const res = await call('POST', '/api/workflows', { token: ws.token, body: { name: `Test ${Math.random()}`, enabled: true, ...body } });
  if (res.status !== 201) throw new Error(`workflow: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body as { id: string };
}

async function runsOf(ws: Workspace, workflowId: string) {
  return (await call('GET', `/api/workflows/${workflowId}/runs`, { token: ws.token })).body.items as { id: string; status: string }[];
}

async function setTags(ws: Workspace, contactId: string, tags: string[]) {
  const res = await call('PATCH', `/api/contacts/${contactId}`, { token: ws.token, body: { tags } });
  expect(res.status).toBe(200);
}

describe('segment.matched', () => {
  it('starts on entry only: once while inside, again after leaving and coming back', async () => {
    introspectors.push(await introspectWorkflow(env.AUTOMATION));
    const ws = await newWorkspace('Segments');
    const inbox = await webchatInbox(ws);
    const audience = await call('POST', '/api/audiences', { token: ws.token, body: { name: 'VIPs', filter: { field: 'tags', op: 'has', value: 'vip' } } });
    expect(audience.status).toBe(201);
    const welcome = await workflow(ws, { trigger: { type: 'segment.matched', audienceId: audience.body.id }, steps: [{ type: 'action', action: 'add_note', params: { text: 'A VIP is writing' } }] });
    const witness = await workflow(ws, { trigger: { type: 'message.received' }, steps: [{ type: 'action', action: 'add_tag', params: { tag: 'seen' } }] });
    const v = await visitor(inbox.websiteToken, { name: 'Vera' });
    let messages = 0;
    const says = async (text: string) => {
      messages++;
      await visitorSays(v.visitorToken, text);
      await eventually(async () => (await runsOf(ws, witness.id)).length === messages);
    };

    await says('Hello');
    expect(await runsOf(ws, welcome.id)).toHaveLength(0);

    await setTags(ws, v.contactId, ['vip']);
    await says('It is me again');
    await eventually(async () => (await runsOf(ws, welcome.id)).length === 1);
    await says('Still here');
    expect(await runsOf(ws, welcome.id)).toHaveLength(1);

    await setTags(ws, v.contactId, []);
    await says('Not a VIP any more');
    await setTags(ws, v.contactId, ['vip']);
    await says('Back as a VIP');
    await eventually(async () => (await runsOf(ws, welcome.id)).length === 2);
  });

  it('a workflow naming an audience of another workspace (or none) is refused, naming the field', async () => {
    const ws = await newWorkspace('Segments refs');
    const other = await newWorkspace('Segments other');
    const theirs = await call('POST', '/api/audiences', { token: other.token, body: { name: 'Theirs', filter: { field: 'tags', op: 'has', value: 'x' } } });
    expect(theirs.status).toBe(201);
    for (const audienceId of [theirs.body.id, 'aud_nope']) {
      const res = await call('POST', '/api/workflows', { token: ws.token, body: { name: 'Refs', enabled: true, trigger: { type: 'segment.matched', audienceId }, steps: [{ type: 'action', action: 'add_tag', params: { tag: 'x' } }] } });
      expectProblem(res, 400, '/trigger/audienceId');
    }
  });
});

describe('an audience a workflow watches', () => {
  it('cannot be deleted while the workflow names it (409 naming the workflow); afterwards it can', async () => {
    const ws = await newWorkspace('Segments delete');
    const audience = await call('POST', '/api/audiences', { token: ws.token, body: { name: 'Watched', filter: { field: 'tags', op: 'has', value: 'w' } } });
    const wf = await call('POST', '/api/workflows', { token: ws.token, body: { name: 'Greets joiners', enabled: true, trigger: { type: 'segment.matched', audienceId: audience.body.id }, steps: [{ type: 'action', action: 'add_tag', params: { tag: 'x' } }] } });
    expect(wf.status).toBe(201);
    const refused = await call('DELETE', `/api/audiences/${audience.body.id}`, { token: ws.token });
    expectProblem(refused, 409, 'id');
    expect(refused.body.detail).toContain('"Greets joiners"');
    expect((await call('DELETE', `/api/workflows/${wf.body.id}`, { token: ws.token })).status).toBe(204);
    expect((await call('DELETE', `/api/audiences/${audience.body.id}`, { token: ws.token })).status).toBe(204);
  });
});

// Conversation summaries and follow-up suggestions: on demand, and on close (kept as the closing summary).
import { describe, expect, it } from 'vitest';
import { addMember, call, eventually, expectProblem, newWorkspace, visitor, visitorSays, webchatInbox } from '../helpers';

async function thread(ws: Awaited<ReturnType<typeof newWorkspace>>, websiteToken: string) {
  const v = await visitor(websiteToken, { name: 'Ana García' });
  const { conversationId } = await visitorSays(v.visitorToken, 'Hi! The hot water is not working in apartment 3B. Can someone come tomorrow morning?');
  await call('POST', `/api/conversations/${conversationId}/messages`, { token: ws.token, body: { text: 'Sorry about that! I will send our technician tomorrow at 9 am to fix the water heater.' } });
  await call('POST', `/api/conversations/${conversationId}/messages`, { token: ws.token, body: { text: 'Guest is a repeat visitor', isInternalNote: true } });
  return conversationId;
}

describe('summaries', () => {
  it('summarizes on demand, keeps it on the conversation and suggests follow-ups', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const id = await thread(ws, inbox.websiteToken);
    const res = await call('POST', `/api/conversations/${id}/summary`, { token: ws.token });
    expect(res.status).toBe(200);
    expect(res.body.generator).toBe('extractive');
    expect(res.body.summary).toBe(
      'Ana asked: "Can someone come tomorrow morning?" We answered: "I will send our technician tomorrow at 9 am to fix the water heater." Waiting on Ana.',
    );
    expect(res.body.followUps).toEqual([
      'Do what was promised: "I will send our technician tomorrow at 9 am to fix the water heater."',
      'Check in around "tomorrow" (Ana mentioned it: "Hi! The hot water is not working in apartment 3B. Can someone come tomorrow morning?")',
      'Confirm with Ana that the problem is solved',
    ]);
    expect((await call('GET', `/api/conversations/${id}`, { token: ws.token })).body.summary).toBe(res.body.summary);
    expect((await call('GET', `/api/conversations/${id}/summary`, { token: ws.token })).body).toEqual({ summary: res.body.summary, followUps: res.body.followUps, at: res.body.at });
  });

  it('summarizes when a conversation is closed, unless the agent wrote the summary', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const id = await thread(ws, inbox.websiteToken);
    expect((await call('PATCH', `/api/conversations/${id}`, { token: ws.token, body: { status: 'closed' } })).status).toBe(200);
    const closed = await eventually(async () => {
      const c = await call('GET', `/api/conversations/${id}`, { token: ws.token });
      return c.body.summary ? c.body : null;
    });
    expect(closed.summary).toContain('The conversation is closed.');

    const mine = await thread(ws, inbox.websiteToken);
    await call('PATCH', `/api/conversations/${mine}`, { token: ws.token, body: { status: 'closed', summary: 'Fixed the boiler.' } });
    expect((await call('GET', `/api/conversations/${mine}/summary`, { token: ws.token })).body.summary).toBe('Fixed the boiler.');
  });

  it('summarizes conversations closed in bulk', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const ids = [await thread(ws, inbox.websiteToken), await thread(ws, inbox.websiteToken)];
    await call('POST', '/api/conversations/bulk', { token: ws.token, body: { ids, action: 'close' } });
    for (const id of ids) await eventually(async () => (await call('GET', `/api/conversations/${id}/summary`, { token: ws.token })).body.followUps.length > 0);
  });

  it('only for conversations the caller may see', async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    const id = await thread(ws, inbox.websiteToken);
    expectProblem(await call('POST', `/api/conversations/${id}/summary`, { token: (await newWorkspace()).token }), 404);
    expectProblem(await call('POST', `/api/conversations/${id}/summary`, { token: (await addMember(ws, 'personal')).token }), 403);
  });
});

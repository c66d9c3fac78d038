// A campaign's conversation is started and closed by the broadcast at once: the close subscribers
// (CSAT survey, AI summary, memories) must leave that close alone, or a 100,000-recipient SMS is
// followed by 100,000 surveys and as many AI calls. A close by an agent later is an ordinary close.
import { describe, expect, it } from 'vitest';
import { summaryOnClose } from '../../worker/ai/summary-on-close';
import { csatOnClose } from '../../worker/csat/subscriber';
import type { ParleyEvent } from '../../worker/events/model';
import { memoriesOnClose } from '../../worker/memories/on-close';
import { call, eventually } from '../helpers';
import { draft, recipients, sendAndComplete, settled, smsContact, smsSetup, smsTo } from './setup';

const closed = (actor: ParleyEvent['actor']) => ({ type: 'conversation.status_changed', actor, data: { from: 'open', to: 'closed' } }) as unknown as ParleyEvent;

describe('closes made by a broadcast', () => {
  it('the close subscribers pass over them and take an agent’s close', () => {
    for (const s of [csatOnClose, summaryOnClose, memoriesOnClose]) {
      expect(s.wants(closed({ type: 'broadcast', id: 'brd_1', name: 'Spring sale' })), s.name).toBe(false);
      expect(s.wants(closed({ type: 'agent', id: 'usr_1', name: 'Ana' })), s.name).toBe(true);
      expect(s.wants(closed(null)), s.name).toBe(true);
    }
  });

  it('with CSAT on, the recipient gets the campaign SMS and no survey; an agent closing the thread later sends one', async () => {
    const { ws, inbox, templateId } = await smsSetup();
    expect((await call('PUT', '/api/csat/settings', { token: ws.token, body: { enabled: true, scale: 'stars5' } })).status).toBe(200);
    const c = await smsContact(ws);
    const b = await draft(ws, inbox.id, templateId);
    await sendAndComplete(ws, b.id);
    await settled(ws, b.id, 1);
    const [r] = await recipients(ws, b.id);
    expect((await call('GET', `/api/conversations/${r.conversationId}`, { token: ws.token })).body.status).toBe('closed');

    // The control: an agent reopens and closes it. Events of one conversation reach the subscribers in
    // order, so once this close's survey is there, anything the broadcast's close caused is there too.
    expect((await call('PATCH', `/api/conversations/${r.conversationId}`, { token: ws.token, body: { status: 'open' } })).status).toBe(200);
    const agentClosedAt = Date.now();
    expect((await call('PATCH', `/api/conversations/${r.conversationId}`, { token: ws.token, body: { status: 'closed' } })).status).toBe(200);
    const surveys = await eventually(async () => {
      const res = await call('GET', `/api/conversations/${r.conversationId}/messages?limit=200`, { token: ws.token });
      const found = (res.body.items as any[]).filter((m) => m.externalId?.startsWith('csat:'));
      return found.length ? found : null;
    });
    expect(surveys).toHaveLength(1);
    expect(surveys[0].createdAt).toBeGreaterThanOrEqual(agentClosedAt);
    // What reached the customer's phone: the campaign, then the agent's survey; nothing for the broadcast's close.
    await eventually(async () => (await smsTo(ws.workspaceId, c.number)).length >= 2);
    const texts = (await smsTo(ws.workspaceId, c.number)).map((f) => f.Body);
    expect(texts).toHaveLength(2);
    expect(texts[0]).toMatch(/^Hi Ana, 20% off/);
  });
});

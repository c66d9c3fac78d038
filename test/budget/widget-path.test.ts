// The round-trip budget of the web chat widget's message path (POST /widget/api/messages), counted like
// the WhatsApp path's (message-path.test.ts) from the request to the D1 projection. The visitor lookup
// (token standing, inbox, contact) also returns the contact's tags and current thread, so a message from
// a visitor with a conversation costs one Durable Object call and two D1 round trips (the lookup, the
// projection), and a new visitor's first message three round trips (the lookup, the thread pointer's
// claim, the projection) and two object calls (the conversation, the router it asks before its one
// commit): the WhatsApp budgets. The live fan-out after the commit is counted apart; notifications and
// the event stream's subscribers are downstream (counter.ts).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { eventually, newWorkspace, visitor, visitorSays, webchatInbox, type Workspace } from '../helpers';
import { insertPolicy } from '../sla/do-fixtures';
import { goOnline, routeEverythingTo } from '../routing/fixtures';
import { captureEvents, start, stop, UNCOUNTED } from './counter';
import { expectRoutedInOneCommit, fanout, landed, pathCalls } from './path';

async function setup(before?: (ws: Workspace) => Promise<unknown>) {
  const ws = await newWorkspace();
  const inbox = await webchatInbox(ws);
  await before?.(ws);
  // Routing switched on and the manager online, so a new conversation really asks the router and is assigned.
  await routeEverythingTo(ws, null);
  const socket = await goOnline(ws.token);
  // Warm the per-isolate caches (workspace settings, automation config, routing) as a running Worker has them.
  const warm = await visitor(inbox.websiteToken);
  await visitorSays(warm.visitorToken, 'warm up');
  await landed(ws.workspaceId, 'warm up');
  return { ws, inbox, socket };
}

describe('widget message path budget', () => {
  it("a new visitor's first message: two Durable Object calls and three D1 round trips; creation, message and routing are one commit", async () => {
    const { ws, inbox, socket } = await setup();
    const v = await visitor(inbox.websiteToken, { name: 'Nora' });
    const events = captureEvents();
    start();
    const sent = await visitorSays(v.visitorToken, 'first words');
    const conversationId = await landed(ws.workspaceId, 'first words');
    const t = stop();
    expect(sent.conversationId).toBe(conversationId);
    expect(t.d1, t.d1.join('\n')).toHaveLength(3);
    expect(t.d1[0]).toMatch(/^first: SELECT coalesce\(m\.id, c\.id\) AS id/);
    expect(t.d1[1]).toMatch(/^run: INSERT OR IGNORE INTO contact_threads/);
    expect(t.d1[2]).toMatch(/^batch\(\d+\): INSERT INTO conversations/);
    // The contact's tags came with the lookup: the conversation does not read them (nor commit again for them).
    expect(t.d1.join('\n')).not.toMatch(/SELECT tags FROM contacts/);
    expect(pathCalls(t).sort()).toEqual(['CONVERSATIONS.receive', 'WORKSPACES.route']);
    expect(fanout(t)).toEqual(['WORKSPACES.conversationChanged']);

    await expectRoutedInOneCommit(events, conversationId, ws.userId);
    socket.close();
  });

  it('a visitor with a conversation: one Durable Object call and two D1 round trips', async () => {
    const { ws, inbox, socket } = await setup();
    const v = await visitor(inbox.websiteToken);
    const first = await visitorSays(v.visitorToken, 'hello there');
    await landed(ws.workspaceId, 'hello there');

    start();
    const again = await visitorSays(v.visitorToken, 'one more thing');
    await landed(ws.workspaceId, 'one more thing');
    const t = stop();
    expect(again.conversationId).toBe(first.conversationId);
    expect(t.d1, t.d1.join('\n')).toHaveLength(2);
    expect(t.d1[0]).toMatch(/^first: SELECT coalesce\(m\.id, c\.id\) AS id/);
    expect(t.d1[1]).toMatch(/^batch/);
    expect(pathCalls(t)).toEqual(['CONVERSATIONS.receive']);
    expect(fanout(t).length).toBeLessThanOrEqual(1);
    socket.close();
  });

  it("the contact's tags come with the lookup: a policy for a tag applies in the conversation's first and only commit", async () => {
    let vipPolicy = '';
    const { ws, inbox, socket } = await setup(async (w) => {
      vipPolicy = await insertPolicy(w, { position: 0, conditions: { contactTags: ['vip'] }, firstResponseMs: 600_000 });
      await insertPolicy(w, { position: 1, firstResponseMs: 3_600_000 });
    });
    const v = await visitor(inbox.websiteToken);
    await env.DB.prepare(`UPDATE contacts SET tags = '["vip"]' WHERE id = ? ${UNCOUNTED}`).bind(v.contactId).run();
    const events = captureEvents();
    start();
    const sent = await visitorSays(v.visitorToken, 'tagged visitor');
    await landed(ws.workspaceId, 'tagged visitor');
    const t = stop();
    expect(t.d1.join('\n')).not.toMatch(/SELECT tags FROM contacts/);
    const mine = await eventually(async () => {
      const e = events.filter((x) => x.conversationId === sent.conversationId);
      return e.some((x) => x.type === 'sla.applied') ? e : null;
    });
    expect(mine.filter((e) => e.type === 'sla.applied').map((e) => (e.data as { policyId: string }).policyId)).toEqual([vipPolicy]);
    expect(new Set(mine.map((e) => `${e.commit.first}-${e.commit.last}`)).size).toBe(1);
    socket.close();
  });
});

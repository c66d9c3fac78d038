// A broadcast to a contact with no conversation on the inbox starts one that is created, takes the
// campaign message and is closed in one object call and one commit (it was three of each: create,
// add the message, close), and the close still reads as the broadcast's (CSAT and summaries skip it).
import { env } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { conversationStub } from '../../worker/conversations/service';
import { eventually } from '../helpers';
import { draft, recipients, sendAndComplete, settled, smsContact, smsSetup } from '../broadcasts/setup';
import { captureEvents, start, stop } from './counter';

it("a broadcast's new conversation: created, messaged and closed in one object call and one commit", async () => {
  const { ws, inbox, templateId } = await smsSetup();
  await smsContact(ws);
  const b = await draft(ws, inbox.id, templateId);
  const events = captureEvents();
  start();
  await sendAndComplete(ws, b.id);
  await settled(ws, b.id, 1);
  const [r] = await recipients(ws, b.id);
  await conversationStub(env, ws.workspaceId, r.conversationId).settled();
  const t = stop();

  const calls = t.calls.filter((c) => c.startsWith('CONVERSATIONS.'));
  expect(calls.filter((c) => c === 'CONVERSATIONS.start'), calls.join('\n')).toHaveLength(1);
  expect(calls.filter((c) => ['CONVERSATIONS.create', 'CONVERSATIONS.addMessage', 'CONVERSATIONS.update'].includes(c))).toEqual([]);

  const three = ['conversation.created', 'message.created', 'conversation.status_changed'];
  const mine = await eventually(async () => {
    const e = events.filter((x) => x.conversationId === r.conversationId && three.includes(x.type));
    return e.length === 3 ? e : null;
  });
  expect(mine.map((e) => e.type)).toEqual(three);
  expect(new Set(mine.map((e) => `${e.commit.first}-${e.commit.last}`)).size).toBe(1);
  const closed = mine[2] as (typeof mine)[number] & { data: { to: string }; actor: { type: string } };
  expect(closed.data.to).toBe('closed');
  expect(closed.actor.type).toBe('broadcast');
  expect((await conversationStub(env, ws.workspaceId, r.conversationId).state())?.status).toBe('closed');
});

// What the path budget tests share: waiting for a message to land, and sorting a tally's object calls
// into the path's own, the live fan-out and the downstream notifications.
import { env } from 'cloudflare:test';
import { expect } from 'vitest';
import { eventually } from '../helpers';
import { conversationStub } from '../../worker/conversations/service';
import type { ParleyEvent } from '../../worker/events/model';
import { UNCOUNTED, type Tally } from './counter';

/** Wait (uncounted) until the message's search row is in D1, then until its conversation object is idle. */
export async function landed(workspaceId: string, text: string): Promise<string> {
  const id = await eventually(() =>
    env.DB.prepare(`SELECT conversation_id FROM message_search WHERE workspace_id = ? AND body = ? ${UNCOUNTED}`).bind(workspaceId, text).first<string>('conversation_id'),
  );
  await conversationStub(env, workspaceId, id).settled();
  return id;
}

/** The live side of a change: list fan-out to agents' sockets. */
export const FANOUT = new Set(['WORKSPACES.conversationChanged']);
/**
 * Notifications (the assignee's feed entry and its live frame) come from the notifications subscriber on the
 * event stream (worker/notifications/), off the path, and may land inside a measured window for any
 * earlier event: not counted, like the subscribers' D1 statements (counter.ts).
 */
export const DOWNSTREAM_CALLS = new Set(['AGENTS.notify', 'WORKSPACES.pushNotification']);
export const fanout = (t: Tally) => t.calls.filter((c) => FANOUT.has(c));
export const pathCalls = (t: Tally) => t.calls.filter((c) => !FANOUT.has(c) && !DOWNSTREAM_CALLS.has(c));

/**
 * A new conversation was created, received its message and was routed to `assigneeId` in one commit:
 * the stream (as captured) carries those events with one commit range. Returns the conversation's events.
 */
export async function expectRoutedInOneCommit(events: ParleyEvent[], conversationId: string, assigneeId: string): Promise<ParleyEvent[]> {
  const mine = await eventually(async () => {
    const e = events.filter((x) => x.conversationId === conversationId);
    return e.some((x) => x.type === 'conversation.routed') ? e : null;
  });
  expect(mine.map((e) => e.type)).toEqual(expect.arrayContaining(['conversation.created', 'message.received', 'conversation.assigned', 'conversation.routed']));
  expect(new Set(mine.map((e) => `${e.commit.first}-${e.commit.last}`)).size).toBe(1);
  expect(mine.at(-1)!.conversation.assigneeId).toBe(assigneeId);
  return mine;
}

// What the path budget tests share: waiting for a message to land, and sorting a tally's object calls
// into the path's own, the live fan-out and the downstream notifications.
import { env } from 'cloudflare:test';
import { eventually } from '../helpers';
import { conversationStub } from '../../worker/conversations/service';
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

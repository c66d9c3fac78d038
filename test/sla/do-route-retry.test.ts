// A routing call that keeps failing is not dropped: after its quick attempts the ConversationDO keeps
// it in its schedule ('route' timer, with backoff) and asks again by alarm until the router answers.
// (Its own file: it breaks the workspace's routing configuration on purpose.)
import { env, runDurableObjectAlarm, runInDurableObject } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { eventually, newWorkspace, unique, visitorConversation, webchatInbox } from '../helpers';
import { eventsOf, stateOf, stubOf, timersOf } from './do-fixtures';

it('retries routing by alarm with backoff until the router answers', async () => {
  const ws = await newWorkspace();
  const inbox = await webchatInbox(ws);
  // A rule row the router cannot read: every route() call fails while it is there.
  const ruleId = unique('rule');
  await env.DB.prepare(`INSERT INTO routing_rules (id, workspace_id, name, enabled, position, op, conditions, actions) VALUES (?, ?, 'Broken', 1, 0, 'and', 'not json', '{}')`)
    .bind(ruleId, ws.workspaceId)
    .run();
  const conv = await visitorConversation(inbox.websiteToken, 'Hello, anyone?');
  const stub = stubOf(ws, conv.id);
  // Bring the retry time forward instead of sleeping through the backoff, then run the alarm.
  const retryNow = async () => {
    await runInDurableObject(stub, (_i, s) => s.storage.sql.exec(`UPDATE schedule SET at = ? WHERE kind = 'route'`, Date.now() - 1));
    await runDurableObjectAlarm(stub);
  };
  const retryOf = () => runInDurableObject(stub, (_i, s) => s.storage.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'route_retry'`).toArray()[0]?.value ?? null);

  // Three quick attempts fail; the request is kept with its retry time (5 s after the first round).
  const firstRetry = await eventually(async () => (await timersOf(ws, conv.id)).route);
  expect(JSON.parse((await retryOf())!)).toMatchObject({ trigger: 'created', text: 'Hello, anyone?', failures: 1 });
  expect(firstRetry - Date.now()).toBeGreaterThan(3_000);

  // Still broken at the retry: one more failure, the next retry backs off further.
  await retryNow();
  const secondRetry = (await timersOf(ws, conv.id)).route;
  expect(JSON.parse((await retryOf())!)).toMatchObject({ failures: 2 });
  expect(secondRetry - Date.now()).toBeGreaterThan(8_000);

  // The rule is fixed: the next alarm routes the conversation and clears the retry.
  await env.DB.prepare(`UPDATE routing_rules SET conditions = '[]', actions = ? WHERE id = ?`).bind(JSON.stringify({ assign: false, teamId: null, priority: 'high', addTags: ['routed'] }), ruleId).run();
  await retryNow();
  const routed = (await eventsOf(ws, conv.id)).find((e) => e.type === 'conversation.routed');
  expect(routed?.data).toMatchObject({ trigger: 'created', rule: { id: ruleId } });
  expect(await stateOf(ws, conv.id)).toMatchObject({ priority: 'high', tags: ['routed'] });
  expect((await timersOf(ws, conv.id)).route).toBeUndefined();
  expect(await retryOf()).toBeNull();
});

// An e-mail reply threads by its headers, not its sender: a colleague's reply-all lands in the customer's
// conversation. What the sender lookup knows about the colleague (their tags, their channel activity)
// must not be taken for the conversation's contact.
import { env, runInDurableObject } from 'cloudflare:test';
import { expect, it } from 'vitest';
import { conversationStub } from '../../worker/conversations/service';
import { call, newWorkspace, unique } from '../helpers';
import { contactByIdentity, createInbox, replyAndSettle, sandboxRequests, threadOf } from './helpers';

function mail(from: string, to: string, subject: string, body: string, headers: string[] = []) {
  return [`From: ${from}`, `To: ${to}`, `Subject: ${subject}`, `Message-ID: <${unique()}@mail.test>`, ...headers, 'Date: Thu, 03 Dec 2026 09:00:00 +0000', 'Content-Type: text/plain; charset=utf-8', '', body, ''].join('\r\n');
}

it("a colleague's reply-all joins the thread without overwriting the customer's tags, and their own channel activity is theirs", async () => {
  const ws = await newWorkspace();
  const address = `desk-${unique()}@shop.test`;
  await createInbox(ws, 'email', { address, fromName: 'Shop' });
  const customer = `vip-${unique()}@customer.test`;
  const colleague = `colleague-${unique()}@customer.test`;
  const send = (raw: string) => call('POST', `/api/dev/email?to=${encodeURIComponent(address)}`, { body: raw, headers: { 'content-type': 'message/rfc822' } });

  expect((await send(mail(`Vera <${customer}>`, address, 'Order 1234', 'Where is my order?'))).status).toBe(202);
  const thread = await threadOf(ws, ws.workspaceId, 'email', customer);
  const vip = (await contactByIdentity(ws.workspaceId, 'email', customer))!;
  await env.DB.prepare(`UPDATE contacts SET tags = '["vip"]' WHERE id = ?`).bind(vip.id).run();
  // The customer writes again: the sender lookup hands the object their tags.
  await send(mail(`Vera <${customer}>`, address, 'Order 1234', 'Any news?'));
  await threadOf(ws, ws.workspaceId, 'email', customer, 2);
  const stub = conversationStub(env, ws.workspaceId, thread.conversationId);
  await stub.settled();
  const known = () => runInDurableObject(stub, (_i, s) => JSON.parse(s.storage.sql.exec<{ value: string }>(`SELECT value FROM meta WHERE key = 'contact_tags'`).toArray()[0]?.value ?? 'null'));
  expect(await known()).toEqual({ contactId: vip.id, tags: ['vip'] });

  const reply = await replyAndSettle(ws, thread.conversationId, 'It ships tomorrow.');
  const ourId = (await sandboxRequests(ws, reply.id))[0].body.match(/^Message-ID: (<[^>]+>)/m)[1];
  await send(mail(`Carl <${colleague}>`, address, 'Re: Order 1234', 'Thanks, forwarding to our warehouse.', [`In-Reply-To: ${ourId}`, `References: ${ourId}`]));
  const after = await threadOf(ws, ws.workspaceId, 'email', customer, 4);
  expect(after.messages.at(-1)).toMatchObject({ text: 'Thanks, forwarding to our warehouse.', direction: 'inbound' });
  await stub.settled();
  expect(await known()).toEqual({ contactId: vip.id, tags: ['vip'] });
  const carl = (await contactByIdentity(ws.workspaceId, 'email', colleague))!;
  const activity = await env.DB.prepare(`SELECT contact_id FROM channel_activity WHERE workspace_id = ? AND channel = 'email' ORDER BY contact_id`).bind(ws.workspaceId).all<{ contact_id: string }>();
  expect(activity.results.map((r) => r.contact_id).sort()).toEqual([vip.id, carl.id].sort());
});

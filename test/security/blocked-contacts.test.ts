// Blocking a contact keeps their provider messages out of the inbox, as the app promises (issue 15, defect 14).
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { processIngestJob } from '../../worker/ingest/consumer';
import type { IngestJob } from '../../worker/ingest/jobs';
import { BASE, call, newWorkspace, unique } from '../helpers';
import { createInbox, sign, threadOf } from '../channels/helpers';

const TOKEN = 'twilio-auth-token';

describe('blocked contacts', () => {
  it('an SMS from a blocked contact is acknowledged but never reaches the inbox; STOP still opts them out', async () => {
    const ws = await newWorkspace();
    const inbox = await createInbox(ws, 'sms', { accountSid: 'AC0123456789', authToken: TOKEN, phoneNumber: '+15557654321' });
    const from = '+15551239876';
    const url = `${BASE}/webhooks/sms/${inbox.id}`;
    const sms = async (text: string) => {
      const params: [string, string][] = [['MessageSid', `SM${unique()}`], ['AccountSid', 'AC0123456789'], ['From', from], ['To', '+15557654321'], ['Body', text], ['NumMedia', '0']];
      const body = new URLSearchParams(params).toString();
      const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': await sign.twilio(TOKEN, url, params) };
      return { body, headers };
    };
    // The first message arrives through the real webhook and queue.
    const first = await sms('Hello, is the flat free?');
    expect((await call('POST', `/webhooks/sms/${inbox.id}`, first)).status).toBe(200);
    const thread = await threadOf(ws, ws.workspaceId, 'sms', from);
    expect((await call('PATCH', `/api/contacts/${thread.contact.id}`, { token: ws.token, body: { blocked: true } })).status).toBe(200);

    // The next ones are run through the consumer directly, so the test knows when each is done.
    const job = async (text: string): Promise<IngestJob> => {
      const { body, headers } = await sms(text);
      return { kind: 'webhook', workspaceId: ws.workspaceId, inboxId: inbox.id, channel: 'sms', raw: { method: 'POST', url, headers, body, receivedAt: Date.now() } };
    };
    expect(await processIngestJob(env, await job('spam spam spam'))).toMatchObject({ messages: 0, blocked: 1 });
    const msgs = await call('GET', `/api/conversations/${thread.conversationId}/messages`, { token: ws.token });
    expect(msgs.body.items.map((m: { text: string }) => m.text)).toEqual(['Hello, is the flat free?']);
    const conversations = await env.DB.prepare(`SELECT count(*) AS n FROM conversations WHERE workspace_id = ?`).bind(ws.workspaceId).first<number>('n');
    expect(conversations).toBe(1);

    await processIngestJob(env, await job('STOP'));
    const contact = await call('GET', `/api/contacts/${thread.contact.id}`, { token: ws.token });
    expect(contact.body.subscriptions.sms.status).toBe('unsubscribed');
  });
});

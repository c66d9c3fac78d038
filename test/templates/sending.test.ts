// What leaves Parley for a template: the live Graph API submission (the provider faked at the network
// edge by an injected transport: the request as Meta would receive it, Meta's refusals as problems),
// and a rendered template turned into the WhatsApp send request the adapter makes.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import type { OutboundMessage, ProviderRequest, ProviderResponse } from '../../worker/channels/types';
import { whatsapp } from '../../worker/channels/whatsapp';
import { database, WorkspaceScope } from '../../worker/db/scope';
import type { Transport } from '../../worker/delivery/transport';
import { Problem } from '../../worker/http/problem';
import { submitTemplate } from '../../worker/templates/approval';
import { templateMessage } from '../../worker/templates/outbound';
import { renderTemplate } from '../../worker/templates/render';
import { findTemplate } from '../../worker/templates/store';
import { createInbox } from '../channels/helpers';
import { call, newWorkspace } from '../helpers';

function meta(answer: ProviderResponse) {
  const seen: ProviderRequest[] = [];
  const transport: Transport = {
    name: 'live',
    async execute(req) {
      seen.push(req);
      return answer;
    },
  };
  return { seen, transport };
}

async function draft() {
  const ws = await newWorkspace();
  await createInbox(ws, 'whatsapp', { phoneNumberId: '106540352242922', accessToken: 'EAAlive-token', appSecret: 's', verifyToken: 'v', businessAccountId: '555000111' });
  const t = await call('POST', '/api/templates', {
    token: ws.token,
    body: { name: 'spring_offer', channel: 'whatsapp', category: 'marketing', language: 'es', header: { format: 'image', mediaUrl: 'https://casa-azul.example/spring.jpg' }, body: 'Hola {{1}}, 20% en abril.', variables: { '1': 'contact.first_name' }, examples: { '1': 'Lucía' } },
  });
  expect(t.status, JSON.stringify(t.body)).toBe(201);
  const scope = new WorkspaceScope(database(env.DB), env.DB, ws.workspaceId);
  return { ws, scope, row: (await findTemplate(scope, t.body.id))! };
}

describe('template submission in live mode', () => {
  it("calls POST /{waba-id}/message_templates with the inbox's token and takes Meta's id and status", async () => {
    const { scope, row } = await draft();
    const { seen, transport } = meta({ status: 200, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: '594425479261596', status: 'PENDING', category: 'MARKETING' }) });
    const next = await submitTemplate(env, scope, row, null, transport);
    expect(next).toMatchObject({ status: 'pending', providerTemplateId: '594425479261596', submittedVersion: 1 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ method: 'POST', url: 'https://graph.facebook.com/v21.0/555000111/message_templates', headers: { authorization: 'Bearer EAAlive-token', 'content-type': 'application/json' } });
    expect(JSON.parse(seen[0].body!)).toEqual({
      name: 'spring_offer',
      language: 'es',
      category: 'MARKETING',
      components: [
        { type: 'HEADER', format: 'IMAGE', example: { header_handle: ['https://casa-azul.example/spring.jpg'] } },
        { type: 'BODY', text: 'Hola {{1}}, 20% en abril.', example: { body_text: [['Lucía']] } },
      ],
    });
  });

  it("answers Meta's refusal as 422 naming it, and its outage as 502; the template stays a draft", async () => {
    const { scope, row } = await draft();
    const refused = meta({ status: 400, headers: {}, body: JSON.stringify({ error: { message: 'Invalid parameter', type: 'OAuthException', code: 100, error_subcode: 2388024, error_user_msg: 'Content in this language already exists' } }) });
    const err = await submitTemplate(env, scope, row, null, refused.transport).catch((e) => e);
    expect(err).toBeInstanceOf(Problem);
    expect(err).toMatchObject({ status: 422, errors: [{ field: 'template', message: expect.stringContaining('[100] Invalid parameter') }] });
    const down = meta({ status: 503, headers: {}, body: 'upstream unavailable' });
    expect(await submitTemplate(env, scope, row, null, down.transport).catch((e) => e)).toMatchObject({ status: 502 });
    expect((await findTemplate(scope, row.id))!.status).toBe('draft');
  });
});

describe('a rendered WhatsApp template as the adapter sends it', () => {
  it('carries the header media and the body parameters in Meta’s send format', async () => {
    const { row } = await draft();
    const rendered = renderTemplate({ name: row.name, channel: 'whatsapp', category: 'marketing', language: row.language }, row.content, { contact: { first_name: 'Lucía' } });
    const message = templateMessage({ name: row.name, channel: 'whatsapp', category: 'marketing', language: row.language }, row.content, rendered);
    expect(message.text).toBe('Hola Lucía, 20% en abril.');
    const out: OutboundMessage = { messageId: 'm1', conversationId: 'c1', workspaceId: 'w1', text: message.text, attachments: [], to: { externalId: '+34600111222' }, authorName: null, template: message.template };
    const req = await whatsapp.send!(out, { id: 'i1', workspaceId: 'w1', channel: 'whatsapp', config: { phoneNumberId: '106540352242922', accessToken: 'EAAlive-token' }, publicUrl: 'https://inbox.example' });
    expect(JSON.parse(req.body!)).toEqual({
      messaging_product: 'whatsapp',
      recipient_type: 'individual',
      to: '34600111222',
      type: 'template',
      template: {
        name: 'spring_offer',
        language: { code: 'es' },
        components: [
          { type: 'header', parameters: [{ type: 'image', image: { link: 'https://casa-azul.example/spring.jpg' } }] },
          { type: 'body', parameters: [{ type: 'text', text: 'Lucía' }] },
        ],
      },
    });
  });
});

// An e-mail reply's files go as signed links: listed under the text part and, escaped, under the HTML
// part (a mail client showing the HTML never shows the text), through every sender the adapter knows.
import PostalMime from 'postal-mime';
import { describe, expect, it } from 'vitest';
import { email } from '../../worker/channels/email';
import type { InboxContext, OutboundMessage } from '../../worker/channels/types';

const inbox = (config: Record<string, unknown>): InboxContext => ({ id: 'inb_1', workspaceId: 'ws_1', channel: 'email', config, publicUrl: 'https://inbox.example' });
const out: OutboundMessage = {
  messageId: 'msg_1',
  conversationId: 'cnv_1',
  workspaceId: 'ws_1',
  text: 'The floor plan is attached.',
  attachments: [
    { key: 'k1', name: 'plan <v2>.pdf', contentType: 'application/pdf', size: 10, url: 'https://inbox.example/api/files/k1?sig=a&exp=1' },
    { key: 'k2', name: 'map.png', contentType: 'image/png', size: 10, url: 'https://inbox.example/api/files/k2?sig="b"' },
  ],
  to: { externalId: 'guest@example.com', email: 'guest@example.com' },
  authorName: 'Desk',
  email: { subject: 'Re: Plan', messageId: '<msg_1@parley>', inReplyTo: null, references: [], html: '<p>The floor plan is <strong>attached</strong>.</p>' },
};

function expectLinks(html: string, text: string) {
  expect(html).toContain('<p>The floor plan is <strong>attached</strong>.</p>');
  expect(html).toContain('<a href="https://inbox.example/api/files/k1?sig=a&amp;exp=1">plan &lt;v2&gt;.pdf</a>');
  expect(html).toContain('<a href="https://inbox.example/api/files/k2?sig=&quot;b&quot;">map.png</a>');
  expect(html).not.toContain('<v2>');
  expect(text).toContain('plan <v2>.pdf: https://inbox.example/api/files/k1?sig=a&exp=1');
  expect(text).toContain('map.png: https://inbox.example/api/files/k2');
}

describe('attachment links in an e-mail reply', () => {
  it('send_email (MIME): both the text and the HTML part list them', async () => {
    const req = await email.send!(out, inbox({ address: 'desk@hotel.test' }));
    const parsed = await PostalMime.parse(req.body as string);
    expectLinks(parsed.html ?? '', parsed.text ?? '');
  });

  it('Resend and Postmark: the same in their text and html fields', async () => {
    const resend = JSON.parse((await email.send!(out, inbox({ address: 'desk@hotel.test', provider: 'resend', apiKey: 'k' }))).body as string);
    expectLinks(resend.html, resend.text);
    const postmark = JSON.parse((await email.send!(out, inbox({ address: 'desk@hotel.test', provider: 'postmark', apiKey: 'k' }))).body as string);
    expectLinks(postmark.HtmlBody, postmark.TextBody);
  });

  it('a reply without HTML stays text only', async () => {
    const req = await email.send!({ ...out, email: { ...out.email!, html: null } }, inbox({ address: 'desk@hotel.test' }));
    const parsed = await PostalMime.parse(req.body as string);
    expect(parsed.html).toBeUndefined();
    expect(parsed.text).toContain('map.png: https://inbox.example/api/files/k2');
  });
});

// E-mail conversations as e-mail (issue 16): an inbound mail keeps its From/To/Cc, subject and the quoted
// history it trimmed; a reply composed as e-mail (subject, Cc, Bcc, HTML) is stored with its headers and
// goes out through the adapter with them (Cc in the message, Bcc only on the envelope, HTML sanitized).
import { describe, expect, it } from 'vitest';
import { call, eventually, newWorkspace, unique, visitorConversation, webchatInbox } from '../helpers';
import { createInbox, sandboxRequests, threadOf } from './helpers';

function mail(lines: string[], body: string[]) {
  return [...lines, `Message-ID: <${unique()}@mail.test>`, 'Date: Thu, 03 Dec 2026 09:00:00 +0000', 'Content-Type: text/plain; charset=utf-8', '', ...body, ''].join('\r\n');
}

async function emailThread() {
  const ws = await newWorkspace();
  const address = `desk-${unique()}@hotel.test`;
  await createInbox(ws, 'email', { address, fromName: 'Hotel Desk' });
  const customer = `guest-${unique()}@example.com`;
  const raw = mail(
    [`From: Nora Lind <${customer}>`, `To: Hotel Desk <${address}>`, 'Cc: Partner <partner@example.com>, assistant@example.com', 'Subject: Airport transfer'],
    ['Can you book a taxi for Friday at 10?', '', 'On Wed, 2 Dec 2026 at 09:00, Hotel Desk <desk@hotel.test> wrote:', '> Your booking is confirmed.', '> See you soon.'],
  );
  const queued = await call('POST', `/api/dev/email?to=${encodeURIComponent(address)}`, { body: raw, headers: { 'content-type': 'message/rfc822' } });
  expect(queued.status).toBe(202);
  const thread = await threadOf(ws, ws.workspaceId, 'email', customer);
  return { ws, address, customer, thread };
}

describe('e-mail headers and composing', () => {
  it('an inbound mail keeps From, To, Cc, the subject and its quoted history beside the new text', async () => {
    const { address, customer, thread } = await emailThread();
    const [first] = thread.messages;
    expect(first.text).toBe('Airport transfer\n\nCan you book a taxi for Friday at 10?');
    expect(first.email).toEqual({
      from: `Nora Lind <${customer}>`,
      to: [`Hotel Desk <${address}>`],
      cc: ['Partner <partner@example.com>', 'assistant@example.com'],
      subject: 'Airport transfer',
      quoted: 'On Wed, 2 Dec 2026 at 09:00, Hotel Desk <desk@hotel.test> wrote:\n> Your booking is confirmed.\n> See you soon.',
    });
  });

  it('a reply with subject, Cc, Bcc and HTML is stored with its headers and sent with them', async () => {
    const { ws, address, customer, thread } = await emailThread();
    const res = await call('POST', `/api/conversations/${thread.conversationId}/messages`, {
      token: ws.token,
      body: {
        text: 'A taxi is **booked** for Friday at 10.',
        email: { subject: 'Taxi on Friday', cc: ['Partner@Example.com'], bcc: ['night-desk@hotel.test'], html: '<p>A taxi is <strong>booked</strong> for Friday at 10.</p><script>alert(1)</script><img src=x onerror=alert(1)>' },
      },
    });
    expect(res.status).toBe(201);
    const stored = res.body.message;
    expect(stored.externalId).toMatch(/^em_/);
    expect(stored.email).toEqual({ from: `Hotel Desk <${address}>`, to: [`Nora Lind <${customer}>`], cc: ['partner@example.com'], bcc: ['night-desk@hotel.test'], subject: 'Taxi on Friday' });

    const [req] = await eventually(async () => {
      const items = await sandboxRequests(ws, stored.id);
      return items.length ? items : null;
    });
    expect(req.headers['x-rcpt-to']).toBe(`${customer}, partner@example.com, night-desk@hotel.test`);
    const mime: string = req.body;
    expect(mime).toMatch(/^Subject: Taxi on Friday$/m);
    expect(mime).toMatch(/^Cc: partner@example\.com$/m);
    expect(mime).not.toMatch(/^Bcc:/im);
    expect(mime).not.toContain('night-desk');
    expect(mime).toMatch(/^Content-Type: multipart\/alternative; boundary="/m);
    const parts = [...mime.matchAll(/Content-Type: (text\/\w+); charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n([A-Za-z0-9+/=\r\n]+)/g)].map((m) => [m[1], new TextDecoder().decode(Uint8Array.from(atob(m[2].replace(/\s/g, '')), (c) => c.charCodeAt(0)))]);
    expect(parts.map(([type]) => type)).toEqual(['text/plain', 'text/html']);
    expect(parts[0][1]).toBe('A taxi is **booked** for Friday at 10.');
    expect(parts[1][1]).toContain('<strong>booked</strong>');
    expect(parts[1][1]).not.toMatch(/script|onerror/);

    // Without a subject the reply answers the thread's ("Re: …").
    const plain = await call('POST', `/api/conversations/${thread.conversationId}/messages`, { token: ws.token, body: { text: 'And a late checkout too.', clientId: unique('c'), email: { cc: [] } } });
    expect(plain.status).toBe(201);
    expect(plain.body.message.email.subject).toBe('Re: Airport transfer');
  });

  it('refuses bad addresses, notes, scheduling and other channels with a problem naming the field', async () => {
    const { ws, thread } = await emailThread();
    const send = (body: unknown, id = thread.conversationId) => call('POST', `/api/conversations/${id}/messages`, { token: ws.token, body });
    const bad = await send({ text: 'x', email: { cc: ['not an address'] } });
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(bad.body)).toContain('email.cc');
    const many = await send({ text: 'x', email: { bcc: Array.from({ length: 21 }, (_, i) => `p${i}@example.com`) } });
    expect(many.status).toBe(400);
    const note = await send({ text: 'x', isInternalNote: true, email: { subject: 'Hi' } });
    expect(note.status).toBe(400);
    expect(note.body.errors?.[0]?.field ?? note.body.field).toBe('email');
    const later = await send({ text: 'x', sendAt: Date.now() + 3600_000, email: { subject: 'Hi' } });
    expect(later.status).toBe(400);

    const chat = await webchatInbox(ws);
    const web = await visitorConversation(chat.websiteToken);
    const other = await send({ text: 'x', email: { subject: 'Hi' } }, web.id);
    expect(other.status).toBe(400);
    expect(JSON.stringify(other.body)).toContain('not on e-mail');
  });

  it('documents the reply\'s e-mail fields in the OpenAPI description', async () => {
    const doc = (await call('GET', '/api/openapi.json')).body;
    const op = doc.paths['/api/conversations/{id}/messages'].post;
    const schema = JSON.stringify(op.requestBody.content['application/json'].schema);
    for (const field of ['"email"', '"subject"', '"cc"', '"bcc"', '"html"']) expect(schema).toContain(field);
  });
});

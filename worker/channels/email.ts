// E-mail. Inbound through Cloudflare Email Workers (worker/email/handler.ts puts the raw message on the
// INGEST queue); parsed here with postal-mime: sender, subject, Message-ID / In-Reply-To / References for
// threading, the text with quoted history trimmed (or text from the HTML), the HTML sanitized and kept
// beside the message, attachments into R2. Outbound through a pluggable sender: the `send_email`
// binding (default; raw MIME with threading headers) or an HTTP provider (`provider: "resend"` or
// `"postmark"` with `apiKey`). Config: {address, fromName?, provider?, apiKey?}.
import PostalMime from 'postal-mime';
import { htmlToText, sanitizeHtml } from '../email/sanitize';
import { buildMime } from '../email/mime';
import { splitQuoted } from '../email/quote';
import { capabilities, cfg, interpretHttp, jsonRequest, jsonResponse, sandboxId } from './common';
import { escapeHtml } from '../templates/email-html';
import type { ChannelAdapter, MediaRef, OutboundAttachment } from './types';
import { ParseError } from './types';

/** The attachment links as an HTML list after the (sanitized) HTML part; names and URLs escaped. */
function withAttachmentLinks(html: string, attachments: OutboundAttachment[]): string {
  if (attachments.length === 0) return html;
  const items = attachments.map((a) => `<li><a href="${escapeHtml(a.url)}">${escapeHtml(a.name)}</a></li>`).join('');
  return `${html}\n<ul class="attachments">${items}</ul>`;
}

/** Pseudo-URL the live transport hands to the `send_email` binding. */
export const SEND_EMAIL_URL = 'cf-email://send_email';

function ids(value: string | undefined | null): string[] {
  return value ? (value.match(/<[^<>\s]+>/g) ?? []) : [];
}

type Address = { name?: string; address?: string; group?: Address[] };

function mailbox(a: Address): string {
  const address = (a.address ?? '').toLowerCase();
  return a.name && address ? `${a.name} <${address}>` : address || a.name || '';
}

/** postal-mime's address list (groups flattened) as "Name <address>" strings, at most 50. */
function mailboxes(list: Address[] | undefined): string[] {
  return (list ?? []).flatMap((a) => (a.group ? a.group : [a])).map(mailbox).filter(Boolean).slice(0, 50);
}

export const email: ChannelAdapter = {
  key: 'email',
  label: 'E-mail',
  group: 'email',
  provider: 'Cloudflare Email Workers (inbound) + send_email binding or HTTP provider (outbound)',
  capabilities: capabilities({ media: true, maxTextLength: null }),
  configKeys: ['address', 'fromName', 'provider', 'apiKey'],
  bodyFormat: 'none',

  async parse(req) {
    let mail: Awaited<ReturnType<typeof PostalMime.parse>>;
    try {
      mail = await PostalMime.parse(req.body, { attachmentEncoding: 'arraybuffer' });
    } catch (err) {
      throw new ParseError(`unparseable e-mail: ${String(err)}`);
    }
    const from = (mail.from?.address ?? req.headers['x-envelope-from'] ?? '').toLowerCase();
    if (!from || !from.includes('@')) throw new ParseError('the e-mail has no sender address');
    const messageId = mail.messageId ?? null;
    const html = mail.html ? await sanitizeHtml(mail.html) : null;
    const rawText = mail.text ?? (mail.html ? htmlToText(mail.html) : '');
    const { text, quoted } = splitQuoted(rawText);
    const media: MediaRef[] = (mail.attachments ?? []).map((a, i) => ({
      content: typeof a.content === 'string' ? new TextEncoder().encode(a.content) : (a.content as ArrayBuffer),
      contentType: a.mimeType || 'application/octet-stream',
      name: a.filename || `attachment-${i + 1}`,
    }));
    const subject = mail.subject ?? null;
    return [
      {
        type: 'message',
        // Mail without a Message-ID still needs a stable key: the raw bytes' length and date make do.
        providerMessageId: messageId ?? `no-id:${from}:${mail.date ?? ''}:${req.body.length}`,
        contact: { externalId: from, email: from, name: mail.from?.name || null },
        text: subject && !ids(mail.inReplyTo).length ? `${subject}\n\n${text}`.trim() : text,
        media,
        html,
        at: mail.date ? Date.parse(mail.date) || undefined : undefined,
        email: { messageId, inReplyTo: ids(mail.inReplyTo)[0] ?? null, references: ids(mail.references), subject, from: mail.from ? mailbox(mail.from) : from, to: mailboxes(mail.to), cc: mailboxes(mail.cc), quoted },
      },
    ];
  },

  send(out, inbox) {
    const address = cfg(inbox.config, 'address') ?? 'inbox@parley.invalid';
    const thread = out.email ?? { subject: 'Re: your message', messageId: `<${out.messageId}@parley>`, inReplyTo: null, references: [] };
    const fromName = thread.fromName || cfg(inbox.config, 'fromName') || out.authorName;
    const to = out.to.email ?? out.to.externalId;
    const cc = thread.cc ?? [];
    const bcc = thread.bcc ?? [];
    // Files go as signed links (the provider fetches nothing): listed under the text, and under the
    // HTML too, or a client showing the HTML part never shows them.
    if (out.attachments.length) out = { ...out, text: `${out.text}\n\n${out.attachments.map((a) => `${a.name}: ${a.url}`).join('\n')}` };
    const html = thread.html ? withAttachmentLinks(thread.html, out.attachments) : null;
    const provider = cfg(inbox.config, 'provider') ?? 'send_email';
    const threadingHeaders: Record<string, string> = {
      ...(thread.inReplyTo ? { 'In-Reply-To': thread.inReplyTo } : {}),
      ...(thread.references.length ? { References: thread.references.join(' ') } : {}),
      // A broadcast's List-Unsubscribe pair: every provider passes custom headers through.
      ...(thread.headers ?? {}),
    };
    if (provider === 'resend') {
      return jsonRequest(
        'POST',
        'https://api.resend.com/emails',
        {
          from: fromName ? `${fromName} <${address}>` : address,
          to: [to],
          ...(cc.length ? { cc } : {}),
          ...(bcc.length ? { bcc } : {}),
          subject: thread.subject,
          text: out.text,
          ...(html ? { html } : {}),
          headers: { 'Message-ID': thread.messageId, ...threadingHeaders },
        },
        { authorization: `Bearer ${cfg(inbox.config, 'apiKey') ?? ''}` },
      );
    }
    if (provider === 'postmark') {
      return jsonRequest(
        'POST',
        'https://api.postmarkapp.com/email',
        {
          From: fromName ? `${fromName} <${address}>` : address,
          To: to,
          ...(cc.length ? { Cc: cc.join(', ') } : {}),
          ...(bcc.length ? { Bcc: bcc.join(', ') } : {}),
          Subject: thread.subject,
          TextBody: out.text,
          ...(html ? { HtmlBody: html } : {}),
          // Postmark keeps campaigns apart from one-to-one mail (its reputation, its rules): a broadcast
          // goes to the server's default broadcast stream, whose id is "broadcast".
          MessageStream: thread.bulk ? 'broadcast' : 'outbound',
          Headers: Object.entries({ 'Message-ID': thread.messageId, ...threadingHeaders }).map(([Name, Value]) => ({ Name, Value })),
        },
        { 'x-postmark-server-token': cfg(inbox.config, 'apiKey') ?? '' },
      );
    }
    const mime = buildMime({ from: address, fromName, to, cc, subject: thread.subject, text: out.text, html, messageId: thread.messageId, inReplyTo: thread.inReplyTo, references: thread.references, headers: thread.headers });
    // The envelope names every recipient (Bcc only here); the transport hands the same message to each.
    return { method: 'POST', url: SEND_EMAIL_URL, headers: { 'x-mail-from': address, 'x-rcpt-to': [to, ...cc, ...bcc].join(', '), 'content-type': 'message/rfc822' }, body: mime };
  },

  interpret: (res, out) => interpretHttp(res, (j) => j?.id ?? j?.MessageID ?? out.email?.messageId ?? null),
  sandboxReply: (req, out) => (req.url === SEND_EMAIL_URL ? { status: 202, headers: {}, body: '' } : jsonResponse(200, { id: sandboxId(''), MessageID: out.email?.messageId ?? null })),
};

// Outgoing mail as RFC 5322 text with proper threading headers (Message-ID, In-Reply-To, References),
// for the `send_email` binding; HTTP providers get the same fields as JSON.

function encodeHeader(value: string): string {
  // RFC 2047 for anything outside printable ASCII.
  return /^[\x20-\x7e]*$/.test(value) ? value : `=?UTF-8?B?${btoa(String.fromCharCode(...new TextEncoder().encode(value)))}?=`;
}

function base64Lines(text: string): string {
  const b64 = btoa(String.fromCharCode(...new TextEncoder().encode(text)));
  return b64.replace(/.{1,76}/g, '$&\r\n').trimEnd();
}

export interface MailFields {
  from: string;
  fromName?: string | null;
  to: string;
  subject: string;
  text: string;
  messageId: string;
  inReplyTo?: string | null;
  references?: string[];
  date?: Date;
}

export function buildMime(m: MailFields): string {
  const headers = [
    `From: ${m.fromName ? `${encodeHeader(m.fromName)} <${m.from}>` : m.from}`,
    `To: ${m.to}`,
    `Subject: ${encodeHeader(m.subject)}`,
    `Message-ID: ${m.messageId}`,
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`] : []),
    ...(m.references && m.references.length ? [`References: ${m.references.join(' ')}`] : []),
    `Date: ${(m.date ?? new Date()).toUTCString()}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: base64',
  ];
  return `${headers.join('\r\n')}\r\n\r\n${base64Lines(m.text)}\r\n`;
}

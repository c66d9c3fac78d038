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
  /** Copied recipients: a Cc header. Blind copies are never written into the message (only the envelope has them). */
  cc?: string[];
  subject: string;
  text: string;
  /** An HTML alternative of the text: the message becomes multipart/alternative. */
  html?: string | null;
  messageId: string;
  inReplyTo?: string | null;
  references?: string[];
  date?: Date;
  /** Further headers (List-Unsubscribe …), ASCII values; folded at ", " when long. */
  headers?: Record<string, string>;
}

/** One header, folded (RFC 5322 2.2.3) after the ", " of a list so lines stay near 78 characters; unfolding gives the value back exactly. */
function folded(name: string, value: string): string {
  const items = value.replace(/[\r\n]+/g, ' ').split(', ');
  let out = `${name.replace(/[^!-9;-~]/g, '')}:`;
  let line = out.length;
  items.forEach((item, i) => {
    const piece = `${item}${i < items.length - 1 ? ',' : ''}`;
    if (i > 0 && line + 1 + piece.length > 78) {
      out += `\r\n ${piece}`;
      line = 1 + piece.length;
    } else {
      out += ` ${piece}`;
      line += 1 + piece.length;
    }
  });
  return out;
}

export function buildMime(m: MailFields): string {
  const headers = [
    `From: ${m.fromName ? `${encodeHeader(m.fromName)} <${m.from}>` : m.from}`,
    `To: ${m.to}`,
    ...(m.cc && m.cc.length ? [`Cc: ${m.cc.join(', ')}`] : []),
    `Subject: ${encodeHeader(m.subject)}`,
    `Message-ID: ${m.messageId}`,
    ...(m.inReplyTo ? [`In-Reply-To: ${m.inReplyTo}`] : []),
    ...(m.references && m.references.length ? [`References: ${m.references.join(' ')}`] : []),
    ...Object.entries(m.headers ?? {}).map(([name, value]) => folded(name, value)),
    `Date: ${(m.date ?? new Date()).toUTCString()}`,
    'MIME-Version: 1.0',
  ];
  const part = (type: string, body: string) => [`Content-Type: ${type}; charset=utf-8`, 'Content-Transfer-Encoding: base64', '', base64Lines(body)].join('\r\n');
  if (!m.html) return `${headers.join('\r\n')}\r\n${part('text/plain', m.text)}\r\n`;
  // The boundary only has to be absent from the (base64) parts: a random token is.
  const boundary = `parley-${crypto.randomUUID()}`;
  return [
    ...headers,
    `Content-Type: multipart/alternative; boundary="${boundary}"`,
    '',
    `--${boundary}`,
    part('text/plain', m.text),
    `--${boundary}`,
    part('text/html', m.html),
    `--${boundary}--`,
    '',
  ].join('\r\n');
}

// Mail Parley itself sends to people (notifications, password reset links), as opposed to a
// conversation's replies, which leave through a channel adapter and the OUTBOUND queue. Deployed with a
// `send_email` binding EMAIL and NOTIFY_EMAIL_FROM it is sent; outside production the sandbox records
// it in `sandbox_outbound` (channel 'email', the purpose given, headers {to, subject}, the text as the
// body) as worker/delivery does for replies, so development and tests can read it; in production
// without a sender it is skipped and the result says so.
import { SEND_EMAIL_URL } from '../channels/email';
import { transportMode } from '../delivery/transport';

export interface SystemMail {
  workspaceId: string;
  /** The inbox the mail is about, if any (a conversation's notification); '' for account mail. */
  inboxId?: string;
  to: string;
  subject: string;
  text: string;
  /** Recorded with the sandbox copy: 'notify', 'password_reset'. */
  purpose: string;
}

export async function sendSystemMail(env: Env, mails: SystemMail[]): Promise<'sent' | 'sandbox' | 'skipped'> {
  if (mails.length === 0) return 'sent';
  if (transportMode(env) === 'sandbox') {
    const stmt = env.DB.prepare(
      `INSERT INTO sandbox_outbound (workspace_id, inbox_id, channel, message_id, purpose, method, url, headers, body, response_status, created_at) VALUES (?, ?, 'email', NULL, ?, 'POST', ?, ?, ?, 202, ?)`,
    );
    await env.DB.batch(mails.map((m) => stmt.bind(m.workspaceId, m.inboxId ?? '', m.purpose, SEND_EMAIL_URL, JSON.stringify({ to: m.to, subject: m.subject }), m.text, Date.now())));
    return 'sandbox';
  }
  const sender = env as unknown as { EMAIL?: { send(m: unknown): Promise<void> }; NOTIFY_EMAIL_FROM?: string };
  if (!sender.EMAIL || !sender.NOTIFY_EMAIL_FROM) return 'skipped';
  const { EmailMessage } = await import('cloudflare:email');
  for (const m of mails) {
    const raw = [
      `From: ${sender.NOTIFY_EMAIL_FROM}`,
      `To: ${m.to}`,
      `Subject: ${m.subject.replace(/[\r\n]+/g, ' ')}`,
      `Message-ID: <${crypto.randomUUID()}@parley>`,
      'Content-Type: text/plain; charset=utf-8',
      '',
      m.text,
    ].join('\r\n');
    await sender.EMAIL.send(new EmailMessage(sender.NOTIFY_EMAIL_FROM, m.to, raw));
  }
  return 'sent';
}

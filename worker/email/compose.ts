// A reply composed as e-mail (issue 16): its subject, Cc, Bcc and HTML alternative. The options travel
// to the delivery consumer in `outbound_options` keyed by the reply's client id (as WhatsApp templates
// do), and the message itself keeps the headers it goes out with, so the thread shows them.
import type { Conversation, EmailHeaders } from '../conversations/model';
import { cfg } from '../channels/common';
import { loadInbox } from '../ingest/inboxes';
import { sanitizeHtml } from './sanitize';
import { replyThreading } from './threading';

export interface ReplyEmailOptions {
  subject?: string;
  cc?: string[];
  bcc?: string[];
  /** Sanitized before it is stored. */
  html?: string;
}

function uniqueAddresses(list: string[] | undefined): string[] {
  return [...new Set((list ?? []).map((a) => a.trim().toLowerCase()).filter(Boolean))];
}

/**
 * Stores the options for the delivery consumer and returns the headers the reply is stored with.
 * `subject` defaults to the thread's ("Re: …"), as the consumer would send it.
 */
export async function prepareEmailReply(env: Env, conv: Conversation, clientId: string, options: ReplyEmailOptions): Promise<EmailHeaders> {
  const [inbox, contact] = await Promise.all([
    loadInbox(env, conv.inboxId),
    env.DB.prepare(`SELECT name, email FROM contacts WHERE id = ? AND workspace_id = ?`).bind(conv.contactId, conv.workspaceId).first<{ name: string | null; email: string | null }>(),
  ]);
  const subject = options.subject?.trim() || (await replyThreading(env, conv.workspaceId, conv.id, conv.subject)).subject;
  const cc = uniqueAddresses(options.cc);
  const bcc = uniqueAddresses(options.bcc).filter((a) => !cc.includes(a));
  const html = options.html ? await sanitizeHtml(options.html) : undefined;
  const stored: ReplyEmailOptions = { subject, ...(cc.length ? { cc } : {}), ...(bcc.length ? { bcc } : {}), ...(html ? { html } : {}) };
  await env.DB.prepare(`INSERT OR IGNORE INTO outbound_options (workspace_id, conversation_id, client_id, options, created_at) VALUES (?, ?, ?, ?, ?)`)
    .bind(conv.workspaceId, conv.id, clientId, JSON.stringify({ email: stored }), Date.now())
    .run();
  const address = (inbox && cfg(inbox.config, 'address')) || null;
  const fromName = inbox ? cfg(inbox.config, 'fromName') : null;
  const to = contact?.email ? (contact.name ? `${contact.name} <${contact.email}>` : contact.email) : null;
  return { from: address ? (fromName ? `${fromName} <${address}>` : address) : null, to: to ? [to] : [], cc, ...(bcc.length ? { bcc } : {}), subject };
}

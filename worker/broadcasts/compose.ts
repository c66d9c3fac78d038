// What one recipient receives: the broadcast's template rendered with the contact's merge fields (the
// broadcast's `variables` over the template's), links tracked when the broadcast tracks, and on e-mail
// the multipart message a bulk sender owes its readers (worker/broadcasts/email.ts). Used by the sender
// and the preview, so the preview shows exactly what goes out.
import { cfg } from '../channels/common';
import { database, WorkspaceScope } from '../db/scope';
import type { MergeContext } from '../replies/merge-fields';
import type { TemplateCategory } from '../templates/content';
import { templateMessage, type TemplateMessage } from '../templates/outbound';
import { renderTemplate, type RenderedTemplate } from '../templates/render';
import { findTemplate, type TemplateRow } from '../templates/store';
import { emailParts, unsubscribeHeaders, type BroadcastEmail } from './email';
import { rewriteLinks } from './links';
import type { BroadcastRow } from './store';
import { unsubscribeToken } from './unsubscribe-token';

export interface Composed {
  rendered: RenderedTemplate;
  /** What the conversation timeline shows (and, but for e-mail, what is sent). */
  message: TemplateMessage;
  /** E-mail: the message as it goes out, beside the timeline's copy (no tracked links, no unsubscribe token there). */
  email: BroadcastEmail | null;
  links: string[];
}

export interface ComposeInbox {
  publicUrl: string;
  config: Record<string, unknown>;
}

/** The broadcast's template as it is now (a raw row: parse it with `fromRaw`), for a batch of the caller's. */
export function templateStatement(scope: WorkspaceScope, broadcastId: string): D1PreparedStatement {
  return scope.prepare(`SELECT t.* FROM templates t JOIN broadcasts b ON b.template_id = t.id AND b.workspace_id = t.workspace_id WHERE t.workspace_id = ?1 AND b.id = ?2`, broadcastId);
}

export async function broadcastTemplate(env: Pick<Env, 'DB'>, b: Pick<BroadcastRow, 'workspace_id' | 'template_id'>): Promise<TemplateRow | null> {
  return findTemplate(new WorkspaceScope(database(env.DB), env.DB, b.workspace_id), b.template_id);
}

/**
 * `recipient.context` holds the contact's merge values (the caller reads them: the preview per
 * contact, the sender with its claim). `token` is the recipient's tracking token. `preview`: an
 * unsigned placeholder stands for the unsubscribe token, so a preview never holds a link that
 * unsubscribes someone.
 */
export async function compose(
  env: Pick<Env, 'JWT_SECRET'>,
  b: BroadcastRow,
  template: TemplateRow,
  recipient: { contactId: string; context: MergeContext },
  inbox: ComposeInbox,
  token: string,
  opts: { preview?: boolean } = {},
): Promise<Composed> {
  const { contactId, context: ctx } = recipient;
  const variables = { ...(template.content.variables ?? {}), ...(JSON.parse(b.variables || '{}') as Record<string, string>) };
  const meta = { name: template.name, channel: template.channel, category: template.category as TemplateCategory, language: template.language };
  const rendered = renderTemplate(meta, { ...template.content, variables }, ctx);
  const message = templateMessage(meta, template.content, rendered);
  const tracking = b.tracking !== 0;
  const origin = inbox.publicUrl;
  // WhatsApp sends the approved template with parameters: its links are Meta's to keep, not ours to rewrite.
  if (template.channel === 'whatsapp') return { rendered, message, email: null, links: [] };
  if (template.channel !== 'email') {
    const tracked = tracking ? rewriteLinks(message.text, origin, token) : { text: message.text, links: [] };
    return { rendered, message: { ...message, text: tracked.text }, email: null, links: tracked.links };
  }
  const unsubscribe = opts.preview ? 'preview' : await unsubscribeToken(env.JWT_SECRET, { workspaceId: b.workspace_id, contactId, channel: 'email', broadcastId: b.id });
  const address = cfg(inbox.config, 'address') ?? null;
  const parts = await emailParts(rendered.text, rendered.html, { origin, token, unsubscribeToken: unsubscribe, address, tracking });
  const fromName = cfg(inbox.config, 'fromName') ?? (typeof ctx.workspace?.name === 'string' ? ctx.workspace.name : null);
  const email: BroadcastEmail = { subject: rendered.subject ?? '', text: parts.text, html: parts.html, headers: unsubscribeHeaders(origin, unsubscribe, address), fromName, bulk: true };
  return { rendered, message, email, links: parts.links };
}

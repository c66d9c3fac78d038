// What one recipient receives: the broadcast's template rendered with the contact's merge fields (the
// broadcast's `variables` over the template's), links tracked, an unsubscribe link on e-mail. Used by
// the sender and the preview, so the preview shows exactly what goes out.
import { database, WorkspaceScope } from '../db/scope';
import { mergeContext } from '../replies/context';
import type { TemplateCategory } from '../templates/content';
import { templateMessage, type TemplateMessage } from '../templates/outbound';
import { renderTemplate, type RenderedTemplate } from '../templates/render';
import { findTemplate, type TemplateRow } from '../templates/store';
import { rewriteLinks, unsubscribeUrl } from './links';
import type { BroadcastRow } from './store';

export interface Composed {
  rendered: RenderedTemplate;
  message: TemplateMessage;
  links: string[];
}

export async function broadcastTemplate(env: Pick<Env, 'DB'>, b: Pick<BroadcastRow, 'workspace_id' | 'template_id'>): Promise<TemplateRow | null> {
  return findTemplate(new WorkspaceScope(database(env.DB), env.DB, b.workspace_id), b.template_id);
}

export async function compose(env: Pick<Env, 'DB'>, b: BroadcastRow, template: TemplateRow, contactId: string, origin: string, token: string): Promise<Composed> {
  const scope = new WorkspaceScope(database(env.DB), env.DB, b.workspace_id);
  const ctx = await mergeContext(scope, { name: '', email: '' }, null, contactId);
  const variables = { ...(template.content.variables ?? {}), ...(JSON.parse(b.variables || '{}') as Record<string, string>) };
  const rendered = renderTemplate({ name: template.name, channel: template.channel, category: template.category as TemplateCategory, language: template.language }, { ...template.content, variables }, ctx);
  const message = templateMessage({ name: template.name, channel: template.channel, category: template.category as TemplateCategory, language: template.language }, template.content, rendered);
  // WhatsApp sends the approved template with parameters: its links are Meta's to keep, not ours to rewrite.
  if (template.channel === 'whatsapp') return { rendered, message, links: [] };
  const tracked = rewriteLinks(message.text, origin, token);
  let text = tracked.text;
  if (template.channel === 'email') text = `${text}\n\nUnsubscribe: ${unsubscribeUrl(origin, token)}`;
  return { rendered, message: { ...message, text, email: message.email ? { ...message.email, text } : null }, links: tracked.links };
}

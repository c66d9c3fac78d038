// A rendered template as the channels send it: the SMS text with its footer, the e-mail's subject,
// HTML and text, or WhatsApp's template reference with its parameters (what OutboundMessage.template
// carries to the adapter). Broadcasts hand this to the delivery path per recipient. Pure.
import type { WhatsAppTemplate } from '../channels/types';
import type { TemplateContent, TemplateMeta } from './content';
import type { RenderedTemplate } from './render';
import { metaLanguage } from './whatsapp-format';

export interface TemplateMessage {
  /** What the conversation timeline shows (and what SMS sends). */
  text: string;
  template: WhatsAppTemplate | null;
  email: { subject: string; html: string | null; text: string } | null;
}

export function templateMessage(meta: TemplateMeta, content: TemplateContent, rendered: RenderedTemplate): TemplateMessage {
  if (meta.channel === 'whatsapp') {
    const h = content.header;
    return {
      text: rendered.text,
      template: {
        name: meta.name,
        language: metaLanguage(meta.language),
        parameters: rendered.parameters?.body ?? [],
        headerParameters: rendered.parameters?.header ?? [],
        headerMedia: h && h.format !== 'text' && h.mediaUrl ? { format: h.format, link: h.mediaUrl } : null,
      },
      email: null,
    };
  }
  if (meta.channel === 'email') return { text: rendered.text, template: null, email: { subject: rendered.subject ?? '', html: rendered.html, text: rendered.text } };
  return { text: rendered.text, template: null, email: null };
}

// A template rendered for one contact: merge fields filled from the merge context (contact, the
// latest reservation or order, workspace …), WhatsApp's {{n}} parameters through `variables`, e-mail
// HTML with escaped values, SMS with its footer and segment count. Every field without a value is
// listed in `missing`; none is left in the text as a raw placeholder. Pure: broadcasts call it per recipient.
import { renderFields, type MergeContext, type MergeValue } from '../replies/merge-fields';
import type { TemplateContent, TemplateMeta } from './content';
import { escapeHtml } from './email-html';
import { countSms, type SmsCount } from './sms';

export interface RenderedTemplate {
  channel: TemplateMeta['channel'];
  /** The text the customer reads (SMS with its footer, the WhatsApp body, the e-mail's plain-text part). */
  text: string;
  body: string;
  subject: string | null;
  html: string | null;
  /** WhatsApp: header text, footer and buttons as shown, and the parameters in order for the send. */
  header: string | null;
  footer: string | null;
  parameters: { header: string[]; body: string[] } | null;
  missing: string[];
  sms: SmsCount | null;
}

function escapedContext(ctx: MergeContext): MergeContext {
  const out: MergeContext = {};
  for (const [ns, values] of Object.entries(ctx) as [keyof MergeContext, Record<string, MergeValue>][]) {
    out[ns] = Object.fromEntries(Object.entries(values ?? {}).map(([k, v]) => [k, typeof v === 'string' ? escapeHtml(v) : v]));
  }
  return out;
}

/** {{n}} → the value of variables[prefix + n]; a parameter without a value is missing (never sent empty to Meta unnoticed). */
function positional(text: string, prefix: string, content: TemplateContent, ctx: MergeContext, missing: string[]): { text: string; parameters: string[] } {
  const parameters: string[] = [];
  const out = text.replace(/\{\{\s*(\d+)\s*\}\}/g, (_m, n: string) => {
    const field = content.variables?.[`${prefix}${n}`];
    if (!field) {
      missing.push(`{{${n}}}`);
      return '';
    }
    const r = renderFields(`{{${field}}}`, ctx);
    missing.push(...r.missing);
    parameters[Number(n) - 1] = r.text;
    return r.text;
  });
  return { text: out, parameters: Array.from({ length: parameters.length }, (_, i) => parameters[i] ?? '') };
}

export function renderTemplate(meta: TemplateMeta, content: TemplateContent, ctx: MergeContext): RenderedTemplate {
  const missing: string[] = [];
  const base = { channel: meta.channel, subject: null, html: null, header: null, footer: null, parameters: null, sms: null };
  if (meta.channel === 'whatsapp') {
    const body = positional(content.body, '', content, ctx, missing);
    const header = content.header?.format === 'text' && content.header.text ? positional(content.header.text, 'header.', content, ctx, missing) : null;
    const text = [header?.text, body.text, content.footer].filter(Boolean).join('\n\n');
    return { ...base, text, body: body.text, header: header?.text ?? null, footer: content.footer ?? null, parameters: { header: header?.parameters ?? [], body: body.parameters }, missing: [...new Set(missing)] };
  }
  const filled = renderFields(content.body, ctx);
  // An empty field at a line's end leaves its space behind.
  const body = { text: filled.text.replace(/[ \t]+$/gm, ''), missing: filled.missing };
  missing.push(...body.missing);
  if (meta.channel === 'sms') {
    const sms = countSms(body.text, meta.category, meta.language);
    return { ...base, text: sms.text, body: body.text, missing: [...new Set(missing)], sms };
  }
  const filledSubject = renderFields(content.subject ?? '', ctx);
  // A subject is one header line: a value with a line break must not start another header.
  const subject = { ...filledSubject, text: filledSubject.text.replace(/[\r\n]+/g, ' ').trim() };
  const html = content.html ? renderFields(content.html, escapedContext(ctx)) : null;
  missing.push(...subject.missing, ...(html?.missing ?? []));
  return { ...base, text: body.text, body: body.text, subject: subject.text, html: html?.text ?? null, missing: [...new Set(missing)] };
}

// WhatsApp templates in the Cloud API's format: Meta's limits checked before anything is submitted
// (each failure names the field), and the `components` Meta's message_templates endpoint takes built
// from our content. Pure.
import type { FieldError } from '../http/problem';
import { checkFields } from '../replies/merge-fields';
import { isMarketing, MERGE_FIELD_NAME, type TemplateContent } from './content';

/** Meta's documented limits for message templates. */
export const WA_LIMITS = { name: 512, body: 1024, headerText: 60, footer: 60, buttons: 10, buttonText: 25, url: 2000, phone: 20, urlButtons: 2, phoneButtons: 1 } as const;

const POSITIONAL = /\{\{\s*(\d+)\s*\}\}/g;

/** Positional parameter numbers in order of appearance ({{2}} … {{1}} → [2, 1]). */
export function positions(text: string): number[] {
  return [...text.matchAll(POSITIONAL)].map((m) => Number(m[1]));
}

/** Meta files every template under one of three categories; ours map onto them. */
export function metaCategory(category: string): 'MARKETING' | 'UTILITY' | 'AUTHENTICATION' {
  if (category === 'authentication') return 'AUTHENTICATION';
  return isMarketing(category) ? 'MARKETING' : 'UTILITY';
}

/** Meta's language codes use an underscore (en_US, pt_BR). */
export function metaLanguage(language: string): string {
  return language.replace('-', '_');
}

function checkParameters(field: string, text: string, max: number | null, errors: FieldError[]): number[] {
  const found = positions(text);
  const stray = text.replace(POSITIONAL, '').match(/\{\{[^}]*\}\}?/);
  if (stray) errors.push({ field, message: `${stray[0]} is not a WhatsApp parameter: write {{1}}, {{2}} … and map each to a merge field in variables` });
  const distinct = [...new Set(found)].sort((a, b) => a - b);
  const gap = distinct.findIndex((n, i) => n !== i + 1);
  if (gap >= 0) errors.push({ field, message: `parameters must be numbered {{1}} to {{${distinct.length}}} without gaps (found ${distinct.map((n) => `{{${n}}}`).join(', ')})` });
  if (max !== null && distinct.length > max) errors.push({ field, message: `takes at most ${max} parameter${max === 1 ? '' : 's'}` });
  return distinct;
}

export function whatsappErrors(name: string, c: TemplateContent): FieldError[] {
  const errors: FieldError[] = [];
  if (!/^[a-z0-9_]+$/.test(name)) errors.push({ field: 'name', message: 'WhatsApp template names are lowercase letters, digits and underscores' });
  if (name.length > WA_LIMITS.name) errors.push({ field: 'name', message: `at most ${WA_LIMITS.name} characters` });

  const body = c.body ?? '';
  if (!body.trim()) errors.push({ field: 'body', message: 'must not be empty' });
  if ([...body].length > WA_LIMITS.body) errors.push({ field: 'body', message: `at most ${WA_LIMITS.body} characters (has ${[...body].length})` });
  const bodyParams = checkParameters('body', body, null, errors);
  if (/^\s*\{\{\s*\d+\s*\}\}/.test(body) || /\{\{\s*\d+\s*\}\}\s*$/.test(body)) errors.push({ field: 'body', message: 'a parameter may not start or end the body (Meta rejects it)' });

  let headerParams: number[] = [];
  const h = c.header;
  if (h) {
    if (h.format === 'text') {
      const text = h.text ?? '';
      if (!text.trim()) errors.push({ field: 'header.text', message: 'a text header needs its text' });
      if ([...text].length > WA_LIMITS.headerText) errors.push({ field: 'header.text', message: `at most ${WA_LIMITS.headerText} characters` });
      headerParams = checkParameters('header.text', text, 1, errors);
    } else {
      if (h.text) errors.push({ field: 'header.text', message: `a ${h.format} header has no text` });
      if (!h.mediaUrl && !h.handle) errors.push({ field: 'header.mediaUrl', message: `a ${h.format} header needs a sample: mediaUrl (https) or Meta's upload handle` });
      if (h.mediaUrl && !/^https:\/\//i.test(h.mediaUrl)) errors.push({ field: 'header.mediaUrl', message: 'must be an https URL' });
    }
  }
  if (c.footer != null) {
    if ([...c.footer].length > WA_LIMITS.footer) errors.push({ field: 'footer', message: `at most ${WA_LIMITS.footer} characters` });
    if (/\{\{/.test(c.footer)) errors.push({ field: 'footer', message: 'a footer takes no parameters' });
  }

  const buttons = c.buttons ?? [];
  if (buttons.length > WA_LIMITS.buttons) errors.push({ field: 'buttons', message: `at most ${WA_LIMITS.buttons} buttons` });
  if (buttons.filter((b) => b.type === 'URL').length > WA_LIMITS.urlButtons) errors.push({ field: 'buttons', message: `at most ${WA_LIMITS.urlButtons} URL buttons` });
  if (buttons.filter((b) => b.type === 'PHONE_NUMBER').length > WA_LIMITS.phoneButtons) errors.push({ field: 'buttons', message: `at most ${WA_LIMITS.phoneButtons} phone number button` });
  buttons.forEach((b, i) => {
    if (!b.text.trim() || [...b.text].length > WA_LIMITS.buttonText) errors.push({ field: `buttons.${i}.text`, message: `1 to ${WA_LIMITS.buttonText} characters` });
    if (b.type === 'URL') {
      if (!b.url || !/^https?:\/\/[^\s{}]+$/i.test(b.url) || b.url.length > WA_LIMITS.url) errors.push({ field: `buttons.${i}.url`, message: `a URL button needs a fixed http(s) URL of at most ${WA_LIMITS.url} characters` });
    } else if (b.url) errors.push({ field: `buttons.${i}.url`, message: `only URL buttons have a url` });
    if (b.type === 'PHONE_NUMBER') {
      if (!b.phoneNumber || !/^\+?[1-9]\d{6,19}$/.test(b.phoneNumber) || b.phoneNumber.length > WA_LIMITS.phone) errors.push({ field: `buttons.${i}.phoneNumber`, message: 'a phone number button needs an international number (digits, optional leading +)' });
    } else if (b.phoneNumber) errors.push({ field: `buttons.${i}.phoneNumber`, message: 'only PHONE_NUMBER buttons have a phoneNumber' });
  });
  // Meta requires quick replies grouped apart from the call-to-action buttons.
  const kinds = buttons.map((b) => (b.type === 'QUICK_REPLY' ? 'q' : 'c')).join('');
  if (/q+c+q|c+q+c/.test(kinds)) errors.push({ field: 'buttons', message: 'quick reply buttons must be grouped together, apart from URL and phone buttons' });

  // Every parameter maps to a merge field, and every mapping to a parameter.
  const wanted = new Set([...bodyParams.map(String), ...headerParams.map((n) => `header.${n}`)]);
  const vars = c.variables ?? {};
  for (const key of wanted) if (!vars[key]) errors.push({ field: `variables.${key}`, message: `{{${key.replace('header.', '')}}}${key.startsWith('header') ? ' in the header' : ''} needs a merge field (e.g. contact.first_name)` });
  for (const [key, value] of Object.entries(vars)) {
    if (!wanted.has(key)) errors.push({ field: `variables.${key}`, message: `no {{${key.replace('header.', '')}}} in the ${key.startsWith('header') ? 'header' : 'body'} to map` });
    else if (!MERGE_FIELD_NAME.test(value)) errors.push({ field: `variables.${key}`, message: 'must name a merge field as namespace.key (e.g. contact.first_name)' });
    else for (const message of checkFields(`{{${value}}}`)) errors.push({ field: `variables.${key}`, message });
  }
  for (const key of Object.keys(c.examples ?? {})) if (!wanted.has(key)) errors.push({ field: `examples.${key}`, message: 'no such parameter' });
  return errors;
}

/** Sample values for Meta's review, by merge field, when the author gave none. */
const SAMPLES: Record<string, string> = {
  'contact.name': 'Maria Lopez',
  'contact.first_name': 'Maria',
  'contact.last_name': 'Lopez',
  'contact.email': 'maria@example.com',
  'contact.phone': '+34600111222',
  'reservation.reference': 'HMK2Q8ZP',
  'reservation.check_in': 'Fri, 12 Jun 2026',
  'reservation.check_out': 'Mon, 15 Jun 2026',
  'reservation.property': 'Casa Azul',
  'order.reference': 'A1B2C3',
  'order.total': '€24.50',
  'workspace.name': 'Casa Azul',
};

const snake = (s: string) => s.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();

export function sampleFor(key: string, c: TemplateContent): string {
  const given = c.examples?.[key];
  if (given) return given;
  const field = c.variables?.[key] ?? '';
  const [ns, ...rest] = field.split('.');
  return SAMPLES[`${ns}.${snake(rest.join('.'))}`] ?? `sample ${rest.join(' ') || key}`;
}

export type MetaComponent = Record<string, unknown> & { type: 'HEADER' | 'BODY' | 'FOOTER' | 'BUTTONS' };

/** The `components` of Meta's message template (create and edit endpoints). */
export function metaComponents(c: TemplateContent): MetaComponent[] {
  const out: MetaComponent[] = [];
  const h = c.header;
  if (h?.format === 'text' && h.text) {
    out.push({ type: 'HEADER', format: 'TEXT', text: h.text, ...(positions(h.text).length ? { example: { header_text: [sampleFor('header.1', c)] } } : {}) });
  } else if (h && h.format !== 'text') {
    out.push({ type: 'HEADER', format: h.format.toUpperCase(), example: { header_handle: [h.handle ?? h.mediaUrl] } });
  }
  const n = new Set(positions(c.body)).size;
  out.push({ type: 'BODY', text: c.body, ...(n ? { example: { body_text: [Array.from({ length: n }, (_, i) => sampleFor(String(i + 1), c))] } } : {}) });
  if (c.footer) out.push({ type: 'FOOTER', text: c.footer });
  if (c.buttons?.length) {
    out.push({
      type: 'BUTTONS',
      buttons: c.buttons.map((b) =>
        b.type === 'URL' ? { type: 'URL', text: b.text, url: b.url } : b.type === 'PHONE_NUMBER' ? { type: 'PHONE_NUMBER', text: b.text, phone_number: b.phoneNumber } : { type: 'QUICK_REPLY', text: b.text },
      ),
    });
  }
  return out;
}

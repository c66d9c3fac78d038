// The template library's client model: the API's template as the page holds it, the draft the editor
// edits, plain words for channels, categories and approval statuses, and the pure helpers the editor
// uses (WhatsApp's {{n}} parameters, merge-field insertion). The vocabulary and the SMS counter are the
// server's own modules (pure, no bindings), so the page counts exactly as the server does.
import { BUTTON_TYPES, TEMPLATE_CATEGORIES, type TemplateButton, type TemplateHeader } from '../../../../worker/templates/content';
import { FIELDS, NAMESPACES, type Namespace } from '../../../../worker/replies/merge-fields';

export { TEMPLATE_CATEGORIES, BUTTON_TYPES };
export type { TemplateButton, TemplateHeader };
export type Channel = 'sms' | 'whatsapp' | 'email';

export interface Template {
  id: string;
  name: string;
  channel: Channel;
  category: string;
  language: string;
  status: string;
  statusReason: string | null;
  version: number;
  body: string;
  subject: string | null;
  html: string | null;
  header: TemplateHeader | null;
  footer: string | null;
  buttons: TemplateButton[];
  variables: Record<string, string>;
  examples: Record<string, string>;
  bodyFromHtml: boolean;
  submittedAt: number | null;
  updatedAt: number;
  createdAt: number;
}

export interface TemplateVersion {
  version: number;
  name: string;
  category: string;
  language: string;
  change: string;
  createdBy: string | null;
  createdAt: number;
  body: string;
  subject?: string | null;
}

export interface Preview {
  text: string;
  body: string;
  subject: string | null;
  html: string | null;
  header: string | null;
  footer: string | null;
  buttons: TemplateButton[];
  missing: string[];
  version: number;
  sms: { encoding: 'GSM-7' | 'UCS-2'; segments: number; characters: number } | null;
}

/** What the editor edits: every channel's fields (only the channel's own are sent). */
export interface Draft {
  name: string;
  channel: Channel;
  category: string;
  language: string;
  body: string;
  subject: string;
  html: string;
  /** E-mail: the plain-text part follows the HTML until the author writes one. */
  bodyFromHtml: boolean;
  header: TemplateHeader | null;
  footer: string;
  buttons: TemplateButton[];
  variables: Record<string, string>;
  examples: Record<string, string>;
}

export const CHANNEL_LABEL: Record<Channel, string> = { sms: 'SMS', whatsapp: 'WhatsApp', email: 'E-mail' };
export const CHANNELS: Channel[] = ['sms', 'whatsapp', 'email'];

export const CATEGORY_LABEL: Record<string, string> = {
  confirmation: 'Confirmation',
  'follow-up': 'Follow-up',
  reminder: 'Reminder',
  marketing: 'Marketing',
  utility: 'Utility',
  authentication: 'Authentication',
  welcome: 'Welcome',
  feedback: 'Feedback',
  transactional: 'Transactional',
};

export const LANGUAGES: [string, string][] = [
  ['en', 'English'],
  ['en_US', 'English (US)'],
  ['en_GB', 'English (UK)'],
  ['es', 'Spanish'],
  ['pt_BR', 'Portuguese (Brazil)'],
  ['pt_PT', 'Portuguese (Portugal)'],
  ['fr', 'French'],
  ['de', 'German'],
  ['it', 'Italian'],
  ['nl', 'Dutch'],
];

export function languageLabel(code: string): string {
  return LANGUAGES.find(([c]) => c === code)?.[1] ?? code;
}

export const BUTTON_LABEL: Record<TemplateButton['type'], string> = { QUICK_REPLY: 'Quick reply', URL: 'Visit website', PHONE_NUMBER: 'Call phone number' };
export const HEADER_LABEL: Record<string, string> = { none: 'No header', text: 'Text', image: 'Image', document: 'Document', video: 'Video' };

/** The approval status in plain words, and the chip's tone. */
export function statusWords(t: Pick<Template, 'channel' | 'status'>): { label: string; tone: 'draft' | 'wait' | 'ok' | 'bad' } {
  switch (t.status) {
    case 'draft':
      return { label: 'Draft', tone: 'draft' };
    case 'pending':
      return { label: 'Waiting for approval', tone: 'wait' };
    case 'approved':
      return { label: 'Approved', tone: 'ok' };
    case 'rejected':
      return { label: 'Rejected', tone: 'bad' };
    case 'paused':
      return { label: 'Paused by WhatsApp', tone: 'bad' };
    case 'disabled':
      return { label: 'Disabled by WhatsApp', tone: 'bad' };
    default:
      // SMS and e-mail need no provider review: usable as saved.
      return { label: 'Ready to use', tone: 'ok' };
  }
}

/** Meta's reasons come as SCREAMING_CASE keys (INVALID_FORMAT); shown as words. */
export function reasonWords(reason: string | null): string | null {
  if (!reason) return null;
  if (/^[A-Z_]+$/.test(reason)) {
    const s = reason.replace(/_/g, ' ').toLowerCase();
    return s.charAt(0).toUpperCase() + s.slice(1);
  }
  return reason;
}

export function blankDraft(channel: Channel): Draft {
  return {
    name: '',
    channel,
    category: channel === 'whatsapp' ? 'utility' : 'confirmation',
    language: 'en',
    body: '',
    subject: '',
    html: '',
    bodyFromHtml: true,
    header: null,
    footer: '',
    buttons: [],
    variables: {},
    examples: {},
  };
}

export function draftOf(t: Template): Draft {
  return {
    name: t.name,
    channel: t.channel,
    category: t.category,
    language: t.language,
    body: t.body ?? '',
    subject: t.subject ?? '',
    html: t.html ?? '',
    bodyFromHtml: t.bodyFromHtml,
    header: t.header,
    footer: t.footer ?? '',
    buttons: t.buttons ?? [],
    variables: t.variables ?? {},
    examples: t.examples ?? {},
  };
}

/** The request body for this draft's channel (other channels' fields are refused by the server). */
export function requestBody(d: Draft): Record<string, unknown> {
  const base = { name: d.name.trim(), category: d.category, language: d.language };
  if (d.channel === 'sms') return { ...base, body: d.body };
  if (d.channel === 'email') return { ...base, subject: d.subject, html: d.html.trim() ? d.html : null, body: d.bodyFromHtml ? null : d.body };
  const keys = new Set(parameterKeys(d));
  const only = (r: Record<string, string>) => Object.fromEntries(Object.entries(r).filter(([k, v]) => keys.has(k) && v !== ''));
  return {
    ...base,
    body: d.body,
    header: d.header,
    footer: d.footer.trim() ? d.footer : null,
    buttons: d.buttons,
    variables: only(d.variables),
    examples: only(d.examples),
  };
}

/** True when the draft would save something different from the template. */
export function isDirty(d: Draft, t: Template | null): boolean {
  if (!t) return true;
  return JSON.stringify(requestBody(d)) !== JSON.stringify(requestBody(draftOf(t)));
}

const PARAM = /\{\{\s*(\d+)\s*\}\}/g;

/** The numbers of {{n}} parameters in a text, in order, once each. */
export function parametersIn(text: string): number[] {
  return [...new Set([...text.matchAll(PARAM)].map((m) => Number(m[1])))];
}

/** The `variables` keys a WhatsApp draft uses: "1"… for the body, "header.1" for a text header. */
export function parameterKeys(d: Pick<Draft, 'body' | 'header'>): string[] {
  const body = parametersIn(d.body).sort((a, b) => a - b).map(String);
  const header = d.header?.format === 'text' && d.header.text ? parametersIn(d.header.text).map((n) => `header.${n}`) : [];
  return [...header, ...body];
}

/** The next free body parameter number. */
export function nextParameter(body: string): number {
  const used = parametersIn(body);
  return used.length ? Math.max(...used) + 1 : 1;
}

/** Text with `insert` put at [start, end), and where the caret goes after it. */
export function insertAt(text: string, start: number, end: number, insert: string): { text: string; caret: number } {
  const before = text.slice(0, start);
  const pad = before && !/\s$/.test(before) ? ' ' : '';
  return { text: `${before}${pad}${insert}${text.slice(end)}`, caret: start + pad.length + insert.length };
}

/** Merge fields offered in the menu: the documented ones, grouped by what they come from. */
export const FIELD_GROUP_LABEL: Record<Namespace, string> = {
  contact: 'Contact',
  agent: 'Agent',
  conversation: 'Conversation',
  inbox: 'Inbox',
  workspace: 'Business',
  reservation: 'Reservation',
  order: 'Order',
};

const KEY_LABEL: Record<string, string> = { record_id: 'record number', check_in: 'check-in', check_out: 'check-out', eta: 'delivery time', first_name: 'first name', last_name: 'last name' };

export function fieldLabel(field: string): string {
  const [ns, key] = field.split('.') as [Namespace, string];
  const words = KEY_LABEL[key] ?? key.replace(/_/g, ' ');
  return `${FIELD_GROUP_LABEL[ns] ?? ns}: ${words}`;
}

/** `conversation.id` and the raw record id are internal: not offered to authors. */
export const MENU_FIELDS: { group: string; fields: string[] }[] = NAMESPACES.filter((ns) => ns !== 'conversation').map((ns) => ({
  group: FIELD_GROUP_LABEL[ns],
  fields: FIELDS[ns].filter((k) => k !== 'record_id' && k !== 'id').map((k) => `${ns}.${k}`),
}));

/** A sample value Meta reviews a parameter with, for a merge field (the author may change it). */
export const SAMPLE: Record<string, string> = {
  'contact.name': 'Maria Lopez',
  'contact.first_name': 'Maria',
  'contact.last_name': 'Lopez',
  'contact.email': 'maria@example.com',
  'contact.phone': '+34600111222',
  'agent.name': 'Alex Kim',
  'agent.first_name': 'Alex',
  'reservation.reference': 'HMQ8ZK2',
  'reservation.check_in': '12 Dec 2026',
  'reservation.check_out': '15 Dec 2026',
  'reservation.guests': '2',
  'reservation.property': 'Casa Maré',
  'order.reference': 'A-1042',
  'order.eta': '19:30',
  'workspace.name': 'Casa Azul',
};

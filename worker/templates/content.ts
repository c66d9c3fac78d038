// The template library's vocabulary: what a template holds per channel (SMS text, a WhatsApp Cloud API
// template, an e-mail with HTML and its plain-text alternative), its categories and approval statuses,
// and the checks every channel shares (merge fields known, no placeholder left that would print raw).
import type { FieldError } from '../http/problem';
import { checkFields, fieldsIn } from '../replies/merge-fields';

export const TEMPLATE_CHANNELS = ['sms', 'whatsapp', 'email'] as const;
export type TemplateChannel = (typeof TEMPLATE_CHANNELS)[number];

export const TEMPLATE_CATEGORIES = ['confirmation', 'follow-up', 'reminder', 'marketing', 'utility', 'authentication', 'welcome', 'feedback', 'transactional'] as const;
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/**
 * WhatsApp templates follow Meta's review (draft → pending → approved | rejected, later paused or
 * disabled by Meta); SMS and e-mail templates need no provider approval and are `active` at once.
 */
export const TEMPLATE_STATUSES = ['draft', 'pending', 'approved', 'rejected', 'paused', 'disabled', 'active'] as const;
export type TemplateStatus = (typeof TEMPLATE_STATUSES)[number];

export const HEADER_FORMATS = ['text', 'image', 'document', 'video'] as const;
export const BUTTON_TYPES = ['QUICK_REPLY', 'URL', 'PHONE_NUMBER'] as const;

export interface TemplateHeader {
  format: (typeof HEADER_FORMATS)[number];
  /** Header text (format text), at most one {{1}} mapped by variables["header.1"]. */
  text?: string | null;
  /** Media headers: a public https link the message is sent with. */
  mediaUrl?: string | null;
  /** Media headers: Meta's upload handle (Resumable Upload API) used as the review sample; mediaUrl when absent. */
  handle?: string | null;
}

export interface TemplateButton {
  type: (typeof BUTTON_TYPES)[number];
  text: string;
  url?: string | null;
  phoneNumber?: string | null;
}

/** What a version holds; the template row carries the current one. */
export interface TemplateContent {
  /** SMS text, the WhatsApp body, or the e-mail's plain-text alternative (derived from html when not given). */
  body: string;
  subject?: string | null;
  /** E-mail HTML as stored: sanitized, CSS inlined. */
  html?: string | null;
  /** True when the e-mail body was derived from the HTML (it follows the HTML on the next edit). */
  bodyFromHtml?: boolean;
  header?: TemplateHeader | null;
  footer?: string | null;
  buttons?: TemplateButton[];
  /** WhatsApp: "1" … "n" (body) and "header.1" → a merge field such as contact.first_name. */
  variables?: Record<string, string>;
  /** WhatsApp: sample values Meta reviews the template with, by the same keys (generated when absent). */
  examples?: Record<string, string>;
}

export interface TemplateMeta {
  name: string;
  channel: TemplateChannel;
  category: TemplateCategory;
  language: string;
}

/** A merge field named the way `variables` name them: namespace.key (contact.firstName, reservation.check_in). */
export const MERGE_FIELD_NAME = /^[a-z_]+\.[a-zA-Z0-9_.-]+$/;

/** Problems with merge fields in one text, named by `field`. */
export function mergeFieldErrors(field: string, text: string | null | undefined): FieldError[] {
  if (!text) return [];
  const errors = checkFields(text).map((message) => ({ field, message }));
  // A `{{…}}` that is no merge field would reach the customer as written.
  const stripped = fieldsIn(text).reduce((t, f) => t.split(f.raw).join(''), text);
  const stray = stripped.match(/\{\{[^}]*\}\}?/);
  if (stray) errors.push({ field, message: `${stray[0]} is not a merge field (write {{namespace.key}}, e.g. {{contact.first_name}})` });
  return errors;
}

/** Whether the category is promotional: marketing SMS carry the opt-out footer, WhatsApp files it as MARKETING. */
export function isMarketing(category: string): boolean {
  return category === 'marketing';
}

/** The language's primary subtag (en_US → en, pt-BR → pt). */
export function primaryLanguage(language: string): string {
  return language.toLowerCase().split(/[-_]/)[0];
}

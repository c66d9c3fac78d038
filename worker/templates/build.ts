// From what an author sends to what a template version holds: per-channel fields allowed, e-mail HTML
// sanitized and inlined with its text alternative derived, and every channel's rules checked. Any
// failure is one problem+json naming each bad field.
import { Problem, type FieldError } from '../http/problem';
import { mergeFieldErrors, type TemplateButton, type TemplateContent, type TemplateHeader, type TemplateMeta } from './content';
import { prepareEmailHtml, textAlternative } from './email-html';
import { whatsappErrors } from './whatsapp-format';

/** Content fields an author may send (null clears one on PATCH). */
export interface ContentInput {
  body?: string | null;
  subject?: string | null;
  html?: string | null;
  header?: TemplateHeader | null;
  footer?: string | null;
  buttons?: TemplateButton[] | null;
  variables?: Record<string, string> | null;
  examples?: Record<string, string> | null;
}

/** Twilio's ceiling for one message (it splits into at most 10 segments of 160). */
export const SMS_MAX = 1600;

const ONLY: Record<string, TemplateMeta['channel'][]> = {
  subject: ['email'],
  html: ['email'],
  header: ['whatsapp'],
  footer: ['whatsapp'],
  buttons: ['whatsapp'],
  variables: ['whatsapp'],
  examples: ['whatsapp'],
};

export function invalid(errors: FieldError[]): Problem {
  return new Problem(400, 'Invalid request', errors.map((e) => `${e.field}: ${e.message}`).join('; '), errors);
}

/** The next content: `previous` with `input` applied (fields not sent stay; null clears). */
export async function buildContent(meta: TemplateMeta, input: ContentInput, previous?: TemplateContent): Promise<TemplateContent> {
  const errors: FieldError[] = [];
  for (const [field, channels] of Object.entries(ONLY)) {
    const value = input[field as keyof ContentInput];
    if (value !== undefined && value !== null && !channels.includes(meta.channel)) errors.push({ field, message: `${meta.channel} templates have no ${field}` });
  }
  if (errors.length) throw invalid(errors);

  const pick = <K extends keyof ContentInput>(k: K) => (input[k] !== undefined ? input[k] : (previous?.[k as keyof TemplateContent] as ContentInput[K]));
  const content: TemplateContent = { body: (pick('body') ?? '').trim() };

  if (meta.channel === 'sms') {
    if (!content.body) errors.push({ field: 'body', message: 'must not be empty' });
    if ([...content.body].length > SMS_MAX) errors.push({ field: 'body', message: `at most ${SMS_MAX} characters` });
    errors.push(...mergeFieldErrors('body', content.body));
  } else if (meta.channel === 'email') {
    content.subject = pick('subject')?.trim() || null;
    if (!content.subject) errors.push({ field: 'subject', message: 'an e-mail template needs a subject' });
    errors.push(...mergeFieldErrors('subject', content.subject));
    const html = input.html !== undefined ? (input.html ? await prepareEmailHtml(input.html) : null) : (previous?.html ?? null);
    content.html = html || null;
    // A text part the author wrote stays theirs; one we derived follows the HTML.
    const bodyGiven = input.body !== undefined ? !!input.body?.trim() : !!previous?.body && !previous.bodyFromHtml;
    if (!bodyGiven) {
      content.body = content.html ? textAlternative(content.html) : '';
      content.bodyFromHtml = !!content.html;
    }
    if (!content.body && !content.html) errors.push({ field: 'body', message: 'an e-mail template needs html or body' });
    errors.push(...mergeFieldErrors(content.bodyFromHtml ? 'html' : 'body', content.body), ...mergeFieldErrors('html', content.html));
  } else {
    content.header = pick('header') ?? null;
    content.footer = pick('footer')?.trim() || null;
    content.buttons = pick('buttons') ?? [];
    content.variables = pick('variables') ?? {};
    content.examples = pick('examples') ?? {};
    errors.push(...whatsappErrors(meta.name, content));
  }
  // Duplicates (html checked twice when the text derives from it) say the same thing once.
  const seen = new Set<string>();
  const unique = errors.filter((e) => !seen.has(`${e.field}|${e.message}`) && seen.add(`${e.field}|${e.message}`));
  if (unique.length) throw invalid(unique);
  return content;
}

/** Name rules beyond WhatsApp's (checked with the content): never empty, never a second line. */
export function nameErrors(name: string): FieldError[] {
  if (!name.trim()) return [{ field: 'name', message: 'must not be empty' }];
  if (/[\r\n]/.test(name)) return [{ field: 'name', message: 'must be one line' }];
  return [];
}

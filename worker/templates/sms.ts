// SMS templates: the opt-out footer marketing texts must carry (in the template's language) and the
// segment count of what actually leaves, footer included, with the channel's GSM-7/UCS-2 counter.
import { segmentCount, type SegmentInfo } from '../channels/segments';
import { isMarketing, primaryLanguage } from './content';

/** Kept within GSM-7 so the footer alone never forces a message into UCS-2. STOP is the keyword the SMS channel honours in every language. */
export const OPT_OUT_FOOTERS: Record<string, string> = {
  en: 'Reply STOP to opt out',
  es: 'Responde STOP para darte de baja',
  pt: 'Responda STOP para cancelar',
  fr: 'Répondez STOP pour vous désabonner',
};

/** The footer a text of this category and language gets, or null (not marketing, or it already says STOP). */
export function optOutFooter(category: string, language: string, text: string): string | null {
  if (!isMarketing(category)) return null;
  if (/\bSTOP\b/.test(text)) return null;
  return OPT_OUT_FOOTERS[primaryLanguage(language)] ?? OPT_OUT_FOOTERS.en;
}

export interface SmsCount extends SegmentInfo {
  /** The footer appended (and counted), if any. */
  footer: string | null;
  /** The exact text the count is for. */
  text: string;
}

/** What is sent: the text, then the footer on a line of its own when the category needs one. */
export function smsText(text: string, category: string, language: string): { text: string; footer: string | null } {
  const footer = optOutFooter(category, language, text);
  return { text: footer ? `${text.replace(/\s+$/, '')}\n${footer}` : text, footer };
}

export function countSms(text: string, category: string, language: string): SmsCount {
  const sent = smsText(text, category, language);
  return { ...segmentCount(sent.text), footer: sent.footer, text: sent.text };
}

// E-mail HTML made safe to show: an allowlist of tags and attributes applied with HTMLRewriter.
// Scripts, styles, frames, forms and embedded objects go with their content; event handlers, style
// attributes and non-http(s) links go; links open in a new tab without a referrer.

import { DROP_WITH_CONTENT, sanitizeWith } from './allow-list';

const KEEP = new Set(
  'a b strong i em u s strike p br div span ul ol li blockquote pre code h1 h2 h3 h4 h5 h6 table thead tbody tfoot tr td th caption img hr font small big sub sup center dl dt dd abbr cite q'.split(' '),
);
const ATTRS = new Set(['href', 'src', 'alt', 'title', 'width', 'height', 'colspan', 'rowspan', 'align', 'valign', 'color', 'dir', 'lang']);

function safeUrl(value: string, attr: 'href' | 'src'): boolean {
  const v = value.trim().toLowerCase();
  if (attr === 'href') return v.startsWith('http://') || v.startsWith('https://') || v.startsWith('mailto:') || v.startsWith('tel:') || v.startsWith('#');
  return v.startsWith('https://') || v.startsWith('http://') || v.startsWith('cid:');
}

export const sanitizeHtml: (html: string) => Promise<string> = sanitizeWith({
  keep: KEEP,
  drop: DROP_WITH_CONTENT,
  attributes: ATTRS,
  url: safeUrl,
  finish(el, tag) {
    if (tag === 'a') {
      el.setAttribute('target', '_blank');
      el.setAttribute('rel', 'noopener noreferrer nofollow');
    }
  },
});

/** Plain text from HTML, for mails that have no text part. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(script|style|head)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h[1-6]|blockquote)>/gi, '\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&nbsp;/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

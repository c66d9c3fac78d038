// E-mail template HTML as it is stored and sent: sanitized to an allow-list, the CSS of <style> blocks
// inlined into style attributes (mail clients drop or mangle <style>), and a plain-text alternative.
//
// Parser: Cloudflare's HTMLRewriter (lol-html: maintained, spec-compliant tokenizer, built into
// workerd, no DOM, no bundle cost), as the inbound e-mail sanitizer (worker/email/sanitize.ts) uses.
// sanitize-html 2.18 was checked: bundled with nodejs_compat it runs under workerd, but it brings
// htmlparser2 and postcss (~350 KB into the Worker) for what lol-html already does; juice needs
// cheerio, fs and web-resource-inliner. `sanitizeEmailHtml` is one function if that choice changes.
// HTMLRewriter also matches the selectors for the inliner; this file holds the allow-list and the cascade.
// Inliner limits: selectors HTMLRewriter matches (tag, .class, #id, [attr], descendant and child
// combinators) are inlined; pseudo-classes (:hover), pseudo-elements and @-rules (@media, @font-face)
// are dropped, and `!important` is not weighed (the declaration's order decides).

import { DROP_WITH_CONTENT, sanitizeWith } from '../email/allow-list';

const KEEP = new Set(
  'a b strong i em u s strike p br div span ul ol li blockquote pre code h1 h2 h3 h4 h5 h6 table thead tbody tfoot tr td th caption colgroup col img hr font small big sub sup center dl dt dd abbr cite q section article header footer main'.split(' '),
);
const ATTRS = new Set(['href', 'src', 'alt', 'title', 'width', 'height', 'colspan', 'rowspan', 'align', 'valign', 'color', 'bgcolor', 'border', 'cellpadding', 'cellspacing', 'dir', 'lang', 'style', 'class', 'id', 'target', 'role']);

/** Links and images: a literal safe scheme (a merge field may not supply the scheme: it could say javascript:). */
function safeUrl(value: string, attr: 'href' | 'src'): boolean {
  const v = value.trim().toLowerCase();
  if (attr === 'href') return /^(https?:\/\/|mailto:|tel:|#)/.test(v);
  return /^(https?:\/\/|cid:)/.test(v);
}

const BAD_VALUE = /expression\s*\(|javascript:|vbscript:|data:|-moz-binding|behaviou?r\s*:|@import|\\/i;

/** One declaration list (a style attribute or a rule's body) kept to harmless declarations. */
export function sanitizeDeclarations(css: string): string {
  return css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .split(';')
    .map((d) => d.trim())
    .filter((d) => {
      const colon = d.indexOf(':');
      if (colon <= 0) return false;
      const prop = d.slice(0, colon).trim().toLowerCase();
      const value = d.slice(colon + 1).trim();
      if (!/^-?[a-z][a-z-]*$/.test(prop) || !value || prop === 'behavior' || prop === '-moz-binding') return false;
      if (BAD_VALUE.test(value)) return false;
      // Background images and the like only from https.
      for (const m of value.matchAll(/url\s*\(\s*(['"]?)([^'")]*)\1\s*\)/gi)) if (!/^https:\/\//i.test(m[2].trim())) return false;
      return !/url\s*\(/i.test(value.replace(/url\s*\(\s*(['"]?)https:\/\/[^'")]*\1\s*\)/gi, ''));
    })
    .map((d) => {
      const colon = d.indexOf(':');
      return `${d.slice(0, colon).trim().toLowerCase()}: ${d.slice(colon + 1).trim()}`;
    })
    .join('; ');
}

export interface CssRule {
  selector: string;
  declarations: string;
  specificity: [number, number, number];
  order: number;
}

function specificity(selector: string): [number, number, number] {
  const ids = (selector.match(/#[\w-]+/g) ?? []).length;
  const classes = (selector.match(/\.[\w-]+|\[[^\]]*\]/g) ?? []).length;
  const tags = (selector.replace(/[#.][\w-]+|\[[^\]]*\]/g, ' ').match(/(^|[\s>+~])[a-z][\w-]*/gi) ?? []).length;
  return [ids, classes, tags];
}

/** Plain style rules of a stylesheet, in cascade order (specificity, then source order); @-rules and pseudo selectors left out. */
export function parseRules(css: string): CssRule[] {
  let text = css.replace(/\/\*[\s\S]*?\*\//g, '').replace(/<!--|-->/g, '');
  // Remove @-rules with their (possibly nested) blocks, and statement @-rules (@import …;).
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (text[i] === '@') {
      const semi = text.indexOf(';', i);
      const brace = text.indexOf('{', i);
      if (brace < 0 || (semi >= 0 && semi < brace)) {
        i = semi < 0 ? text.length : semi + 1;
        continue;
      }
      let depth = 0;
      let j = brace;
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
      }
      i = j + 1;
      continue;
    }
    out += text[i++];
  }
  text = out;
  const rules: CssRule[] = [];
  let order = 0;
  for (const m of text.matchAll(/([^{}]+)\{([^{}]*)\}/g)) {
    const declarations = sanitizeDeclarations(m[2]);
    if (!declarations) continue;
    for (const raw of m[1].split(',')) {
      const selector = raw.trim().replace(/\s+/g, ' ');
      if (!/^[a-zA-Z0-9_\-.#*\s>[\]="']+$/.test(selector)) continue; // pseudo-classes and other combinators: not inlined
      rules.push({ selector, declarations, specificity: specificity(selector), order: order++ });
    }
  }
  return rules.sort((a, b) => a.specificity[0] - b.specificity[0] || a.specificity[1] - b.specificity[1] || a.specificity[2] - b.specificity[2] || a.order - b.order);
}

const transform = (rewriter: HTMLRewriter, html: string) => rewriter.transform(new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } })).text();

/** The allow-list: dropped elements go with their content, unknown ones leave their content, attributes are filtered. */
export const sanitizeEmailHtml: (html: string) => Promise<string> = sanitizeWith({
  keep: KEEP,
  drop: DROP_WITH_CONTENT,
  attributes: ATTRS,
  url: safeUrl,
  attribute(name, value) {
    if (name === 'style') return sanitizeDeclarations(value) || null;
    if (name === 'target' && value !== '_blank') return null;
    return undefined;
  },
  finish(el, tag) {
    if (tag === 'a' && el.getAttribute('target') === '_blank') el.setAttribute('rel', 'noopener noreferrer');
  },
});

/** The text of every <style> block, in document order. */
async function styleSheets(html: string): Promise<string> {
  let css = '';
  await transform(
    new HTMLRewriter().on('style', {
      text(t) {
        css += t.text;
        if (t.lastInTextNode) css += '\n';
      },
    }),
    html,
  );
  return css;
}

const MARK = 'data-parley-own-style';

/** Apply `rules` as style attributes; declarations already inline win (they come last). */
export async function inlineRules(html: string, rules: CssRule[]): Promise<string> {
  if (rules.length === 0) return html;
  // lol-html calls an element's handlers in the order they were added: set aside the element's own
  // style first, append each matching rule in cascade order, then put the own style back last.
  let rewriter = new HTMLRewriter().on('*', {
    element(el) {
      const own = el.getAttribute('style');
      if (own !== null) {
        el.setAttribute(MARK, own);
        el.removeAttribute('style');
      }
    },
  });
  for (const rule of rules) {
    try {
      rewriter = rewriter.on(rule.selector, {
        element(el) {
          const current = el.getAttribute('style');
          el.setAttribute('style', current ? `${current}; ${rule.declarations}` : rule.declarations);
        },
      });
    } catch {
      // A selector lol-html does not support: not inlined (see the limits above).
    }
  }
  rewriter = rewriter.on('*', {
    element(el) {
      const own = el.getAttribute(MARK);
      if (own === null) return;
      el.removeAttribute(MARK);
      const current = el.getAttribute('style');
      el.setAttribute('style', current ? `${current}; ${own}` : own);
    },
  });
  return transform(rewriter, html);
}

/** Stored e-mail HTML: the style sheets' rules inlined into the sanitized markup (the <style> blocks themselves never survive). */
export async function prepareEmailHtml(html: string): Promise<string> {
  const rules = parseRules(await styleSheets(html));
  // The allow-list drops data-* attributes, so the inliner's marker cannot come from the author.
  return (await inlineRules(await sanitizeEmailHtml(html), rules)).trim();
}

const ENTITIES: Record<string, string> = { nbsp: ' ', lt: '<', gt: '>', quot: '"', apos: "'", amp: '&', '#39': "'" };

/** The plain-text alternative: paragraphs and line breaks kept, links as "label (url)", list items bulleted. */
export function textAlternative(html: string): string {
  return html
    .replace(/<(script|style|head|title)[^>]*>[\s\S]*?<\/\1>/gi, '')
    .replace(/<a\b[^>]*\bhref\s*=\s*(["'])(.*?)\1[^>]*>([\s\S]*?)<\/a>/gi, (_m, _q, href: string, label: string) => {
      const text = label.replace(/<[^>]+>/g, '').trim();
      return !text || text === href || href.startsWith('#') ? text || href : `${text} (${href})`;
    })
    .replace(/<li\b[^>]*>/gi, '\n• ')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|tr|h[1-6]|blockquote|table|ul|ol|section|header|footer)>/gi, '\n\n')
    .replace(/<\/(td|th)>/gi, ' ')
    .replace(/<hr\b[^>]*>/gi, '\n----\n')
    .replace(/<[^>]+>/g, '')
    .replace(/&(#39|[a-z]+);/gi, (m, name: string) => ENTITIES[name.toLowerCase()] ?? m)
    .replace(/&#(\d+);/g, (_m, n: string) => String.fromCodePoint(Number(n)))
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n[ \t]+/g, '\n')
    .replace(/[ \t]{2,}/g, ' ')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
}

/** Merge values inside HTML are text: escaped, never markup. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

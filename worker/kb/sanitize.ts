// The allow-list HTML sanitizer for knowledge-base rich text: only known formatting elements and
// attributes survive, links and images only with safe schemes; everything is re-serialized, never echoed.
import { escapeAttr, escapeText, tokenize } from './html';

const COMMON: string[] = [];
const ALLOWED: Record<string, string[]> = {
  p: COMMON, br: COMMON, hr: COMMON, div: COMMON, span: COMMON,
  h1: COMMON, h2: COMMON, h3: COMMON, h4: COMMON, h5: COMMON, h6: COMMON,
  strong: COMMON, b: COMMON, em: COMMON, i: COMMON, u: COMMON, s: COMMON, del: COMMON, ins: COMMON, mark: COMMON,
  sub: COMMON, sup: COMMON, small: COMMON, code: COMMON, pre: COMMON, blockquote: COMMON, kbd: COMMON,
  ul: COMMON, ol: ['start'], li: COMMON, dl: COMMON, dt: COMMON, dd: COMMON,
  a: ['href', 'title', 'target'],
  img: ['src', 'alt', 'title', 'width', 'height'],
  table: COMMON, thead: COMMON, tbody: COMMON, tfoot: COMMON, tr: COMMON, th: ['colspan', 'rowspan'], td: ['colspan', 'rowspan'], caption: COMMON,
  figure: COMMON, figcaption: COMMON,
};
const VOID = new Set(['br', 'hr', 'img']);
/** Removed together with everything inside them. */
const DROP_CONTENT = new Set([
  'script', 'style', 'iframe', 'object', 'embed', 'applet', 'template', 'noscript', 'svg', 'math', 'textarea', 'select',
  'title', 'head', 'xmp', 'noembed', 'noframes', 'frameset', 'frame', 'canvas', 'audio', 'video', 'button', 'option', 'base', 'meta', 'link',
]);
const NUMERIC = new Set(['width', 'height', 'colspan', 'rowspan', 'start']);

const LINK_SCHEMES = new Set(['http:', 'https:', 'mailto:', 'tel:']);
const IMAGE_SCHEMES = new Set(['https:', 'http:']);

/**
 * A URL attribute value if it is safe: http(s)/mailto/tel links (http(s) only for images), or a
 * relative path or fragment. Control characters and whitespace inside the scheme (a classic way to
 * hide "javascript:") are removed before the check.
 */
export function safeUrl(value: string, kind: 'link' | 'image'): string | null {
  const compact = value.replace(/[\u0000-\u0020\u007f-\u009f]+/g, '');
  if (!compact) return null;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(compact);
  if (scheme) {
    const allowed = kind === 'link' ? LINK_SCHEMES : IMAGE_SCHEMES;
    return allowed.has(scheme[1].toLowerCase() + ':') ? value.trim() : null;
  }
  // Protocol-relative URLs would load from any host; a colon before the first slash would be a scheme.
  if (compact.startsWith('//') || compact.startsWith('\\\\') || compact.startsWith('/\\')) return null;
  if (kind === 'image') return null;
  return value.trim();
}

/** Sanitize rich text to the allow-list; the result is well-formed (every element closed). */
export function sanitizeHtml(html: string): string {
  const out: string[] = [];
  const open: string[] = [];
  const dropStack: string[] = [];
  for (const tok of tokenize(html)) {
    if (dropStack.length) {
      // Inside a dropped element: only track nesting of the same element name.
      if (tok.type === 'start' && tok.name === dropStack[dropStack.length - 1] && !tok.selfClosing) dropStack.push(tok.name);
      else if (tok.type === 'end' && tok.name === dropStack[dropStack.length - 1]) dropStack.pop();
      continue;
    }
    if (tok.type === 'text') {
      out.push(escapeText(tok.text));
      continue;
    }
    if (tok.type === 'start') {
      if (DROP_CONTENT.has(tok.name)) {
        if (!tok.selfClosing && !['embed', 'frame', 'base', 'meta', 'link'].includes(tok.name)) dropStack.push(tok.name);
        continue;
      }
      const allowed = ALLOWED[tok.name];
      if (!allowed) continue; // unknown element: unwrapped (its text stays, escaped)
      const attrs = attributes(tok.name, tok.attrs, allowed);
      if (attrs === null) continue;
      out.push(`<${tok.name}${attrs}>`);
      if (!VOID.has(tok.name)) {
        if (tok.selfClosing) out.push(`</${tok.name}>`);
        else open.push(tok.name);
      }
      continue;
    }
    // End tag: close up to the matching open element; stray end tags are ignored.
    const at = open.lastIndexOf(tok.name);
    if (at < 0) continue;
    while (open.length > at) out.push(`</${open.pop()}>`);
  }
  while (open.length) out.push(`</${open.pop()}>`);
  return out.join('');
}

/** The allowed attributes, serialized; null when the element is pointless without one (an image without a safe src). */
function attributes(tag: string, attrs: [string, string][], allowed: string[]): string | null {
  let s = '';
  let blankTarget = false;
  for (const [name, raw] of attrs) {
    if (!allowed.includes(name)) continue;
    let value: string | null = raw;
    if (name === 'href') value = safeUrl(raw, 'link');
    else if (name === 'src') value = safeUrl(raw, 'image');
    else if (NUMERIC.has(name)) value = /^\d{1,5}$/.test(raw.trim()) ? raw.trim() : null;
    else if (name === 'target') {
      value = raw.trim() === '_blank' ? '_blank' : null;
      blankTarget = value !== null;
    } else value = raw.slice(0, 500);
    if (value === null) continue;
    s += ` ${name}="${escapeAttr(value)}"`;
  }
  if (tag === 'img' && !/ src="/.test(s)) return null;
  // Links never give the opened page a handle on ours, nor pass on referrers or ranking.
  if (tag === 'a') s += blankTarget ? ' rel="noopener noreferrer nofollow"' : ' rel="nofollow"';
  return s;
}

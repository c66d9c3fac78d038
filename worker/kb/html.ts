// A small, forgiving HTML tokenizer and the text view of a document: what the sanitizer, the web page
// importer and the indexer read HTML with. It never builds a DOM and never executes anything.

export type HtmlToken =
  | { type: 'text'; text: string }
  | { type: 'start'; name: string; attrs: [string, string][]; selfClosing: boolean }
  | { type: 'end'; name: string };

/** Elements whose content is raw text up to their own end tag (never markup). */
const RAW_TEXT = new Set(['script', 'style', 'textarea', 'title', 'xmp', 'iframe', 'noembed', 'noframes', 'noscript']);

const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', copy: '©', reg: '®', trade: '™', hellip: '…',
  mdash: '—', ndash: '–', lsquo: '‘', rsquo: '’', ldquo: '“', rdquo: '”', laquo: '«', raquo: '»', euro: '€', pound: '£',
  yen: '¥', cent: '¢', deg: '°', times: '×', divide: '÷', middot: '·', bull: '•', sect: '§', para: '¶', iexcl: '¡',
  iquest: '¿', aacute: 'á', eacute: 'é', iacute: 'í', oacute: 'ó', uacute: 'ú', Aacute: 'Á', Eacute: 'É', Iacute: 'Í',
  Oacute: 'Ó', Uacute: 'Ú', ntilde: 'ñ', Ntilde: 'Ñ', uuml: 'ü', Uuml: 'Ü', ouml: 'ö', Ouml: 'Ö', auml: 'ä', Auml: 'Ä',
  ccedil: 'ç', Ccedil: 'Ç', agrave: 'à', egrave: 'è', ograve: 'ò', atilde: 'ã', otilde: 'õ', acirc: 'â', ecirc: 'ê',
  ocirc: 'ô', szlig: 'ß', tab: '\t', newline: '\n',
};

/** Decode character references (named, decimal, hex); unknown names stay as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(#x[0-9a-f]{1,6}|#[0-9]{1,7}|[a-z][a-z0-9]{1,31});?/gi, (whole, ref: string) => {
    if (ref[0] === '#') {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      // NUL, surrogates and out-of-range code points become U+FFFD, as browsers do.
      if (!Number.isFinite(code) || code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return '\ufffd';
      return String.fromCodePoint(code);
    }
    return NAMED[ref] ?? whole;
  });
}

export function escapeText(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function escapeAttr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;');
}

/** Tokens of an HTML string: text (entities decoded), start tags (lower-case names, decoded attributes) and end tags. */
export function* tokenize(html: string): Generator<HtmlToken> {
  const n = html.length;
  let i = 0;
  let text = '';
  const flush = function* (): Generator<HtmlToken> {
    if (text) yield { type: 'text', text: decodeEntities(text) };
    text = '';
  };
  while (i < n) {
    const lt = html.indexOf('<', i);
    if (lt < 0) {
      text += html.slice(i);
      break;
    }
    text += html.slice(i, lt);
    i = lt;
    const next = html[i + 1];
    if (html.startsWith('<!--', i)) {
      const end = html.indexOf('-->', i + 4);
      i = end < 0 ? n : end + 3;
      continue;
    }
    if (next === '!' || next === '?') {
      // Doctype, CDATA, processing instruction: dropped.
      const end = html.indexOf('>', i + 2);
      i = end < 0 ? n : end + 1;
      continue;
    }
    if (next === '/' && /[a-z]/i.test(html[i + 2] ?? '')) {
      const end = html.indexOf('>', i + 2);
      if (end < 0) {
        i = n;
        break;
      }
      const name = /^[a-z][a-z0-9-]*/i.exec(html.slice(i + 2, end))![0].toLowerCase();
      yield* flush();
      yield { type: 'end', name };
      i = end + 1;
      continue;
    }
    if (!/[a-z]/i.test(next ?? '')) {
      // A lone "<" is text.
      text += '<';
      i++;
      continue;
    }
    const tag = readStartTag(html, i);
    if (!tag) {
      // An unterminated tag at the end of input: browsers drop it.
      i = n;
      break;
    }
    yield* flush();
    yield { type: 'start', name: tag.name, attrs: tag.attrs, selfClosing: tag.selfClosing };
    i = tag.end;
    if (RAW_TEXT.has(tag.name) && !tag.selfClosing) {
      const close = new RegExp(`</${tag.name}[\\s/>]`, 'i').exec(html.slice(i));
      const rawEnd = close ? i + close.index : n;
      const raw = html.slice(i, rawEnd);
      if (raw) yield { type: 'text', text: tag.name === 'textarea' || tag.name === 'title' ? decodeEntities(raw) : raw };
      if (close) {
        const gt = html.indexOf('>', rawEnd);
        i = gt < 0 ? n : gt + 1;
        yield { type: 'end', name: tag.name };
      } else {
        i = n;
      }
    }
  }
  yield* flush();
}

function readStartTag(html: string, start: number): { name: string; attrs: [string, string][]; selfClosing: boolean; end: number } | null {
  const m = /^<([a-z][a-z0-9-]*)/i.exec(html.slice(start, start + 64));
  if (!m) return null;
  const name = m[1].toLowerCase();
  let i = start + m[0].length;
  const n = html.length;
  const attrs: [string, string][] = [];
  let selfClosing = false;
  while (i < n) {
    while (i < n && /[\s/]/.test(html[i])) {
      if (html[i] === '/' && html[i + 1] === '>') selfClosing = true;
      i++;
    }
    if (i >= n) return null;
    if (html[i] === '>') return { name, attrs, selfClosing, end: i + 1 };
    const nameMatch = /^[^\s/>=]+/.exec(html.slice(i, i + 256));
    // "=" with no name: skip it, as browsers do.
    const attrName = nameMatch ? nameMatch[0].toLowerCase() : '';
    i += nameMatch ? nameMatch[0].length : 1;
    while (i < n && /\s/.test(html[i])) i++;
    let value = '';
    if (html[i] === '=') {
      i++;
      while (i < n && /\s/.test(html[i])) i++;
      const q = html[i];
      if (q === '"' || q === "'") {
        const close = html.indexOf(q, i + 1);
        if (close < 0) return null;
        value = html.slice(i + 1, close);
        i = close + 1;
      } else {
        const unq = /^[^\s>]*/.exec(html.slice(i))![0];
        value = unq;
        i += unq.length;
      }
    }
    if (attrName && !attrs.some(([k]) => k === attrName)) attrs.push([attrName, decodeEntities(value)]);
  }
  return null;
}

const BLOCK = new Set([
  'p', 'div', 'section', 'article', 'main', 'header', 'footer', 'aside', 'nav', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'ul', 'ol',
  'li', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'blockquote', 'pre', 'hr', 'figure', 'figcaption', 'dl', 'dt', 'dd', 'form',
  'fieldset', 'address', 'details', 'summary', 'caption',
]);
/** Never part of a page's readable text. */
const INVISIBLE = new Set(['script', 'style', 'textarea', 'noscript', 'iframe', 'template', 'svg', 'math', 'object', 'embed', 'select', 'button', 'head', 'title', 'xmp', 'noembed', 'noframes', 'canvas', 'video', 'audio']);
/** Page furniture that is not content (when converting whole web pages). */
const CHROME = new Set(['nav', 'header', 'footer', 'aside', 'form']);

export interface TextOptions {
  /** Drop navigation, headers, footers, asides and forms (web page import). */
  dropChrome?: boolean;
}

/** Readable plain text: blocks on their own lines, list items as "- ", whitespace collapsed. */
export function htmlToText(html: string, opts: TextOptions = {}): string {
  const out: string[] = [];
  let hidden = 0;
  const hiddenStack: string[] = [];
  let pre = 0;
  for (const tok of tokenize(html)) {
    if (tok.type === 'start') {
      const hides = INVISIBLE.has(tok.name) || (opts.dropChrome === true && CHROME.has(tok.name));
      if (hides && !tok.selfClosing && tok.name !== 'embed') {
        hidden++;
        hiddenStack.push(tok.name);
        continue;
      }
      if (hidden) continue;
      if (tok.name === 'br') out.push('\n');
      else if (tok.name === 'li') out.push('\n- ');
      else if (tok.name === 'td' || tok.name === 'th') out.push(' ');
      else if (tok.name === 'img') {
        const alt = tok.attrs.find(([k]) => k === 'alt')?.[1];
        if (alt) out.push(` ${alt} `);
      } else if (BLOCK.has(tok.name)) out.push('\n\n');
      if (tok.name === 'pre') pre++;
    } else if (tok.type === 'end') {
      if (hidden) {
        const at = hiddenStack.lastIndexOf(tok.name);
        if (at >= 0) {
          hidden -= hiddenStack.length - at;
          hiddenStack.length = at;
        }
        continue;
      }
      if (tok.name === 'pre') pre = Math.max(0, pre - 1);
      // A list item ends where the next one (or the list) starts.
      if (BLOCK.has(tok.name) && tok.name !== 'li') out.push('\n\n');
    } else if (!hidden) {
      out.push(pre ? tok.text : tok.text.replace(/\s+/g, ' '));
    }
  }
  return tidyText(out.join(''));
}

/** Trim every line, collapse runs of spaces and of blank lines. */
export function tidyText(s: string): string {
  return s
    .replace(/\r\n?/g, '\n')
    .replace(/\u00a0/g, ' ')
    .split('\n')
    .map((line) => line.replace(/[ \t]+/g, ' ').trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .replace(/(\n- )\n+/g, '$1')
    .trim();
}

/** Plain text → safe HTML paragraphs (blank lines separate paragraphs, single newlines become <br>). */
export function textToHtml(text: string): string {
  return tidyText(text)
    .split(/\n{2,}/)
    .filter(Boolean)
    .map((para) => `<p>${para.split('\n').map(escapeText).join('<br>')}</p>`)
    .join('\n');
}

// Sources from outside: uploaded text/Markdown/HTML files and web pages imported by URL (fetched
// through an injectable fetcher, cleaned to text, re-fetchable: a re-fetch versions only real changes).
import { Problem } from '../http/problem';
import { sha256Hex } from '../crypto/bytes';
import { createArticle, getArticle, updateArticle, type ArticleRow, type ArticleStatus, type KbContext } from './articles';
import { htmlToText, textToHtml, tokenize, type HtmlToken } from './html';
import { markdownToHtml } from './markdown';
import { sanitizeHtml } from './sanitize';

export type Fetcher = (url: string, init?: RequestInit) => Promise<Response>;

let fetcherOverride: Fetcher | null = null;

/** Tests point page imports at a fake origin; production uses the runtime's fetch. */
export function setPageFetcher(f: Fetcher | null): void {
  fetcherOverride = f;
}

export function pageFetcher(): Fetcher {
  return fetcherOverride ?? ((url, init) => fetch(url, init));
}

export const MAX_PAGE_BYTES = 2 * 1024 * 1024;
const FETCH_TIMEOUT_MS = 10_000;
const MAX_REDIRECTS = 3;

export type FileFormat = 'text' | 'markdown' | 'html';

export function fileFormat(name: string, contentType: string | undefined): FileFormat | null {
  const type = (contentType ?? '').split(';')[0].trim().toLowerCase();
  const ext = /\.([a-z0-9]+)$/i.exec(name)?.[1]?.toLowerCase();
  if (type === 'text/html' || ext === 'html' || ext === 'htm') return 'html';
  if (type === 'text/markdown' || type === 'text/x-markdown' || ext === 'md' || ext === 'markdown') return 'markdown';
  if (type === 'text/plain' || ext === 'txt' || ((!type || type === 'application/octet-stream') && !ext)) return 'text';
  return null;
}

/** File content → sanitized HTML and a title (first heading, else the file name). */
export function convertFile(content: string, format: FileFormat, name: string): { title: string; body: string } {
  const html = format === 'html' ? content : format === 'markdown' ? markdownToHtml(content) : textToHtml(content);
  const page = format === 'html' ? readPage(html) : null;
  const body = page ? textToHtml(page.text) : sanitizeHtml(html);
  const heading = format === 'markdown' ? /^\s{0,3}#{1,2}\s+(.+?)\s*#*\s*$/m.exec(content)?.[1] : undefined;
  const title = (page?.title || heading || name.replace(/\.[a-z0-9]+$/i, '').replace(/[-_]+/g, ' ')).trim().slice(0, 300);
  return { title: title || 'Untitled', body };
}

/**
 * A web page's title and readable text: the <main> or <article> element when there is one, else the
 * body without navigation, headers, footers, asides and forms.
 */
export function readPage(html: string): { title: string; text: string } {
  const tokens = [...tokenize(html)];
  let title = '';
  let h1 = '';
  let ogTitle = '';
  let inTitle = false;
  let inH1 = false;
  // The first <main>/<article> element, as a token range.
  let mainStart = -1;
  let mainEnd = -1;
  let depth = 0;
  tokens.forEach((t, i) => {
    if (t.type === 'start') {
      if (t.name === 'title') inTitle = true;
      if (t.name === 'h1' && !h1) inH1 = true;
      if (t.name === 'meta' && t.attrs.some(([k, v]) => k === 'property' && v === 'og:title')) ogTitle = t.attrs.find(([k]) => k === 'content')?.[1] ?? '';
      if ((t.name === 'main' || t.name === 'article') && mainEnd < 0) {
        if (mainStart < 0) mainStart = i;
        depth++;
      }
    } else if (t.type === 'end') {
      if (t.name === 'title') inTitle = false;
      if (t.name === 'h1') inH1 = false;
      if ((t.name === 'main' || t.name === 'article') && depth > 0 && --depth === 0) mainEnd = i;
    } else if (inTitle) title += t.text;
    else if (inH1) h1 += t.text;
  });
  const content = mainStart >= 0 ? tokens.slice(mainStart, mainEnd < 0 ? undefined : mainEnd + 1) : tokens;
  const text = htmlToText(serialize(content), { dropChrome: mainStart < 0 });
  return { title: (ogTitle || title || h1).replace(/\s+/g, ' ').trim(), text };
}

/** Tokens back to (escaped) markup, so htmlToText can read a slice of a document. */
function serialize(tokens: HtmlToken[]): string {
  return tokens
    .map((t) => {
      if (t.type === 'text') return t.text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
      if (t.type === 'end') return `</${t.name}>`;
      const alt = t.attrs.find(([k]) => k === 'alt');
      return `<${t.name}${alt ? ` alt="${alt[1].replace(/"/g, '&quot;')}"` : ''}${t.selfClosing ? '/' : ''}>`;
    })
    .join('');
}

/** Refuse URLs that point into private networks or at this machine (SSRF). */
export function checkPublicUrl(raw: string, field = 'url'): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw Problem.badRequest(field, 'must be an absolute http(s) URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw Problem.badRequest(field, 'must be an http(s) URL');
  if (url.username || url.password) throw Problem.badRequest(field, 'must not contain credentials');
  const host = url.hostname.toLowerCase().replace(/^\[|\]$/g, '');
  const privateHost =
    host === 'localhost' ||
    host.endsWith('.localhost') ||
    host.endsWith('.local') ||
    host.endsWith('.internal') ||
    /^(0|10|127)\.\d+\.\d+\.\d+$/.test(host) ||
    /^169\.254\.\d+\.\d+$/.test(host) ||
    /^192\.168\.\d+\.\d+$/.test(host) ||
    /^172\.(1[6-9]|2\d|3[01])\.\d+\.\d+$/.test(host) ||
    /^100\.(6[4-9]|[7-9]\d|1[01]\d|12[0-7])\.\d+\.\d+$/.test(host) ||
    host === '::' ||
    host === '::1' ||
    /^f[cd][0-9a-f]{2}:/.test(host) ||
    /^fe[89ab][0-9a-f]:/.test(host) ||
    /^::ffff:/.test(host) ||
    /^\d+$/.test(host);
  if (privateHost) throw Problem.badRequest(field, 'must point to a public host');
  return url;
}

export interface FetchedPage {
  url: string;
  title: string;
  text: string;
  etag: string | null;
  hash: string;
  notModified: boolean;
}

async function readLimited(res: Response): Promise<string> {
  const declared = Number(res.headers.get('content-length') ?? 0);
  if (declared > MAX_PAGE_BYTES) throw new Problem(422, 'Page too large', `The page is larger than ${MAX_PAGE_BYTES} bytes`, [{ field: 'url', message: 'the page is too large to import' }]);
  if (!res.body) return '';
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_PAGE_BYTES) {
      await reader.cancel();
      throw new Problem(422, 'Page too large', `The page is larger than ${MAX_PAGE_BYTES} bytes`, [{ field: 'url', message: 'the page is too large to import' }]);
    }
    chunks.push(value);
  }
  const all = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) (all.set(c, at), (at += c.byteLength));
  return new TextDecoder().decode(all);
}

/** Fetch a page (redirects followed by hand, each hop checked), with If-None-Match when re-fetching. */
export async function fetchPage(rawUrl: string, opts: { fetcher?: Fetcher; etag?: string | null } = {}): Promise<FetchedPage> {
  const fetcher = opts.fetcher ?? pageFetcher();
  let url = checkPublicUrl(rawUrl);
  let res: Response;
  for (let hop = 0; ; hop++) {
    const headers: Record<string, string> = { accept: 'text/html, text/plain;q=0.9, text/markdown;q=0.9', 'user-agent': 'ParleyKnowledgeBase/1.0' };
    if (opts.etag) headers['if-none-match'] = opts.etag;
    try {
      res = await fetcher(url.toString(), { headers, redirect: 'manual', signal: AbortSignal.timeout(FETCH_TIMEOUT_MS) });
    } catch (err) {
      throw new Problem(502, 'Page unreachable', `Could not fetch ${url}: ${String(err instanceof Error ? err.message : err)}`, [{ field: 'url', message: 'the page could not be fetched' }]);
    }
    if (res.status >= 300 && res.status < 400 && res.status !== 304 && res.headers.get('location')) {
      if (hop >= MAX_REDIRECTS) throw new Problem(502, 'Too many redirects', `${rawUrl} redirects more than ${MAX_REDIRECTS} times`, [{ field: 'url', message: 'too many redirects' }]);
      url = checkPublicUrl(new URL(res.headers.get('location')!, url).toString());
      continue;
    }
    break;
  }
  if (res.status === 304) return { url: url.toString(), title: '', text: '', etag: opts.etag ?? null, hash: '', notModified: true };
  if (!res.ok) throw new Problem(502, 'Page unreachable', `${url} answered ${res.status}`, [{ field: 'url', message: `the page answered HTTP ${res.status}` }]);
  const format = fileFormat(url.pathname, res.headers.get('content-type') ?? undefined);
  if (!format) throw new Problem(415, 'Unsupported media type', `Only HTML, Markdown and plain-text pages can be imported (got ${res.headers.get('content-type')})`, [{ field: 'url', message: 'not an HTML or text page' }]);
  const content = await readLimited(res);
  const page = format === 'html' ? readPage(content) : { title: convertFile(content, format, url.pathname.split('/').pop() || url.hostname).title, text: format === 'markdown' ? htmlToText(markdownToHtml(content)) : content };
  if (!page.text.trim()) throw new Problem(422, 'Empty page', `${url} has no readable text`, [{ field: 'url', message: 'the page has no readable text' }]);
  return { url: url.toString(), title: page.title || url.hostname, text: page.text, etag: res.headers.get('etag'), hash: await sha256Hex(page.text), notModified: false };
}

export async function importPage(ctx: KbContext, input: { url: string; title?: string; categoryId?: string | null; tags?: string[]; status?: ArticleStatus }, fetcher?: Fetcher): Promise<ArticleRow> {
  const page = await fetchPage(input.url, { fetcher });
  return createArticle(ctx, {
    kind: 'url',
    title: input.title?.trim() || page.title,
    body: textToHtml(page.text),
    categoryId: input.categoryId,
    tags: input.tags,
    status: input.status,
    sourceUrl: page.url,
    sourceEtag: page.etag,
    sourceHash: page.hash,
    fetchedAt: Date.now(),
  });
}

/** Fetch an imported page again; a new version only when its text changed. */
export async function refetchPage(ctx: KbContext, id: string, fetcher?: Fetcher): Promise<{ article: ArticleRow; changed: boolean }> {
  const current = await getArticle(ctx.scope, id);
  if (current.kind !== 'url' || !current.sourceUrl) throw Problem.badRequest('id', 'only sources imported from a URL can be re-fetched');
  const page = await fetchPage(current.sourceUrl, { fetcher, etag: current.sourceEtag });
  const now = Date.now();
  if (page.notModified || page.hash === current.sourceHash) {
    const article = await updateArticle(ctx, id, { fetchedAt: now, sourceEtag: page.etag ?? current.sourceEtag });
    return { article, changed: false };
  }
  const article = await updateArticle(ctx, id, { body: textToHtml(page.text), sourceEtag: page.etag, sourceHash: page.hash, fetchedAt: now }, { note: `Re-fetched from ${page.url}` });
  return { article, changed: true };
}

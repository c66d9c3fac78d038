// What an e-mail broadcast adds to the rendered template for one recipient, as a deliverability-minded
// sender does: links in the HTML part tracked like the text part's (same /t/c/<token>.<n> numbering),
// the open pixel, an unsubscribe footer in both parts, and the RFC 2369 / RFC 8058 headers that let a
// mail client show its own "Unsubscribe" button and unsubscribe with one POST (Gmail and Yahoo require
// this of bulk senders since 2024). Pure apart from HTMLRewriter (lol-html, built into workerd).
import { escapeHtml } from '../templates/email-html';
import { rewriteLinks, unsubscribeUrl, URL_RE } from './links';

/** Sent to the delivery consumer in outbound_options.email, read back by worker/delivery/consumer.ts. */
export interface BroadcastEmail {
  subject: string;
  /** The plain-text part as it goes out (tracked links, unsubscribe line). */
  text: string;
  html: string | null;
  /** List-Unsubscribe and List-Unsubscribe-Post. */
  headers: Record<string, string>;
  /** The inbox's from name, else the workspace's name (never the campaign's internal name). */
  fromName: string | null;
  /** A campaign, not a reply: no In-Reply-To/References, the provider's bulk stream where it has one. */
  bulk: true;
}

export interface EmailParts {
  origin: string;
  /** The recipient's tracking token (open pixel, tracked links). */
  token: string;
  /** The signed unsubscribe token (worker/broadcasts/unsubscribe-token.ts). */
  unsubscribeToken: string;
  /** The inbox's own address: the mailto: form of List-Unsubscribe goes there (worker/email/handler.ts acts on it). */
  address: string | null;
  /** Open pixel and tracked links; off: links as written, no pixel. */
  tracking: boolean;
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };
/** An attribute value as lol-html hands it over (entities as written) → the URL it means. */
const decodeAttr = (v: string) => v.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_m, e: string) => ENTITIES[e]);

/** Every http(s) <a href> of the HTML part → /t/c/<token>.<n>; `links` is shared with the text part, so one target has one number. */
export async function trackHtmlLinks(html: string, origin: string, token: string, links: string[]): Promise<string> {
  const rewriter = new HTMLRewriter().on('a[href]', {
    element(el) {
      const url = decodeAttr(el.getAttribute('href') ?? '').trim();
      if (!/^https?:\/\//i.test(url)) return;
      let i = links.indexOf(url);
      if (i < 0) i = links.push(url) - 1;
      el.setAttribute('href', `${origin}/t/c/${token}.${i}`);
    },
  });
  return rewriter.transform(new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } })).text();
}

/**
 * An HTML part for a template written as text only: paragraphs at blank lines, line breaks kept, links
 * clickable, everything else escaped. Every broadcast mail is text plus HTML (multipart/alternative):
 * the HTML part is where the open pixel and the unsubscribe link a reader can see live.
 */
export function textToHtml(text: string): string {
  const inline = (line: string) => {
    let out = '';
    let last = 0;
    for (const m of line.matchAll(URL_RE)) {
      out += `${escapeHtml(line.slice(last, m.index))}<a href="${escapeHtml(m[0])}">${escapeHtml(m[0])}</a>`;
      last = m.index + m[0].length;
    }
    return out + escapeHtml(line.slice(last));
  };
  return text
    .split(/\n{2,}/)
    .map((p) => p.trim())
    .filter(Boolean)
    .map((p) => `<p>${p.split('\n').map(inline).join('<br>')}</p>`)
    .join('\n');
}

/** The List-Unsubscribe pair: the https one-click URL first (RFC 8058 needs one), the mailto: as a fallback. */
export function unsubscribeHeaders(origin: string, unsubscribeToken: string, address: string | null): Record<string, string> {
  const targets = [`<${unsubscribeUrl(origin, unsubscribeToken)}>`];
  if (address) targets.push(`<mailto:${address}?subject=${encodeURIComponent(`unsubscribe ${unsubscribeToken}`)}>`);
  return { 'List-Unsubscribe': targets.join(', '), 'List-Unsubscribe-Post': 'List-Unsubscribe=One-Click' };
}

/**
 * The text and HTML parts of one recipient's mail. Links the template's text and HTML share get one
 * number; the unsubscribe link itself is never tracked (a click there must not read as interest).
 */
export async function emailParts(text: string, html: string | null, p: EmailParts): Promise<{ text: string; html: string | null; links: string[] }> {
  const unsubscribe = unsubscribeUrl(p.origin, p.unsubscribeToken);
  const tracked = p.tracking ? rewriteLinks(text, p.origin, p.token) : { text, links: [] as string[] };
  const links = tracked.links;
  let outHtml: string | null = null;
  html ??= text.trim() ? textToHtml(text) : null;
  if (html) {
    const body = p.tracking ? await trackHtmlLinks(html, p.origin, p.token, links) : html;
    const footer = `<p style="margin-top: 32px; font-size: 12px; color: #6b7280">Don't want these e-mails? <a href="${escapeHtml(unsubscribe)}" style="color: #6b7280">Unsubscribe</a>.</p>`;
    // After the content, where senders put it: a template long enough for Gmail to clip (~102 KB) loses
    // its opens, never its content.
    const pixel = p.tracking ? `<img src="${escapeHtml(`${p.origin}/t/o/${p.token}`)}" width="1" height="1" alt="" style="display: block; width: 1px; height: 1px; border: 0">` : '';
    outHtml = `${body}\n${footer}${pixel}`;
  }
  return { text: `${tracked.text}\n\nUnsubscribe: ${unsubscribe}`, html: outHtml, links };
}

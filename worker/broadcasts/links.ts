// Tracked links: every http(s) URL in an SMS or e-mail body becomes /t/c/<recipient token>.<n>, the
// recipient's row keeps the targets in order. Pure. Hand-written: a URL regex over plain text is all
// this needs (the HTML part's <a href>s are rewritten by worker/broadcasts/email.ts with lol-html).
export const URL_RE = /\bhttps?:\/\/[^\s<>"')\]]+[^\s<>"')\].,;:!?]/gi;

export function rewriteLinks(text: string, origin: string, token: string): { text: string; links: string[] } {
  const links: string[] = [];
  const out = text.replace(URL_RE, (url) => {
    let i = links.indexOf(url);
    if (i < 0) i = links.push(url) - 1;
    return `${origin}/t/c/${token}.${i}`;
  });
  return { text: out, links };
}

export function unsubscribeUrl(origin: string, token: string): string {
  return `${origin}/u/${token}`;
}

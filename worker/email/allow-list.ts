// The one HTMLRewriter (lol-html) walker behind both HTML sanitizers: inbound e-mail shown to agents
// (worker/email/sanitize.ts) and e-mail templates as stored and sent (worker/templates/email-html.ts).
// Each says what it keeps in a policy; the walk is the same: dropped elements go with their content,
// elements not kept leave their content, attributes outside the list or with an unsafe URL go,
// comments and the doctype go.

export interface SanitizePolicy {
  /** Elements kept (with their allowed attributes). */
  keep: ReadonlySet<string>;
  /** Elements removed with everything inside them. */
  drop: ReadonlySet<string>;
  /** Attributes kept (lowercase), subject to `url` for href/src and to `attribute`. */
  attributes: ReadonlySet<string>;
  /** Whether an href or src value may stay. */
  url(value: string, attr: 'href' | 'src'): boolean;
  /** A kept attribute's value rewritten (a string), removed (null), or left as it is (undefined). */
  attribute?(name: string, value: string): string | null | undefined;
  /** Last word on a kept element, after its attributes (e.g. how links open). */
  finish?(el: Element, tag: string): void;
}

/** Elements that never survive either sanitizer, content and all: active content, forms, document metadata, embedded media. */
export const DROP_WITH_CONTENT: ReadonlySet<string> = new Set(
  'script style iframe frame frameset object embed applet form input button textarea select option head title meta link base svg math noscript template audio video source track canvas'.split(' '),
);

export function sanitizeWith(policy: SanitizePolicy): (html: string) => Promise<string> {
  return (html) => {
    const rewriter = new HTMLRewriter()
      .on('*', {
        element(el) {
          const tag = el.tagName.toLowerCase();
          if (policy.drop.has(tag)) return void el.remove();
          if (!policy.keep.has(tag)) return void el.removeAndKeepContent();
          const names = [...(el.attributes as unknown as Iterable<[string, string]>)].map(([name]) => name);
          for (const name of names) {
            const lower = name.toLowerCase();
            const value = el.getAttribute(name) ?? '';
            if (!policy.attributes.has(lower) || ((lower === 'href' || lower === 'src') && !policy.url(value, lower))) {
              el.removeAttribute(name);
              continue;
            }
            const next = policy.attribute?.(lower, value);
            if (next === null) el.removeAttribute(name);
            else if (next !== undefined) el.setAttribute(name, next);
          }
          policy.finish?.(el, tag);
        },
        comments(c) {
          c.remove();
        },
      })
      .onDocument({
        doctype() {},
        comments(c) {
          c.remove();
        },
      });
    return rewriter.transform(new Response(html, { headers: { 'content-type': 'text/html; charset=utf-8' } })).text();
  };
}

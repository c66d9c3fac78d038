// The allow-list sanitizer against hostile input: nothing executable survives, safe formatting does.
import { describe, expect, it } from 'vitest';
import { safeUrl, sanitizeHtml } from '../../worker/kb/sanitize';

/** No script-capable construct anywhere in the output: no dangerous elements, handlers, styles or URLs. */
function assertInert(html: string) {
  expect(html).not.toMatch(/<\s*(script|style|iframe|object|embed|svg|math|base|meta|link|form|template|textarea)/i);
  for (const [tag] of html.matchAll(/<[a-z][^>]*>/gi)) {
    // Attribute values never contain a raw quote (it is escaped), so name="value" pairs split cleanly.
    const rest = tag.replace(/^<[a-z0-9]+/i, '').replace(/\s[a-z-]+="[^"]*"/g, '');
    expect(rest, tag).toMatch(/^\s*\/?>$/);
    for (const [, name, value] of tag.matchAll(/\s([a-z-]+)="([^"]*)"/g)) {
      expect(name, tag).not.toMatch(/^(on|style|srcset|srcdoc|formaction)/i);
      if (name === 'href' || name === 'src') expect(value.replace(/[\s\u0000-\u001f]/g, ''), tag).not.toMatch(/^(javascript|vbscript|data|file):|^\/\//i);
    }
  }
}

describe('sanitizeHtml', () => {
  it('keeps formatting, lists, tables, safe links and images', () => {
    const input =
      '<h2>Check-in</h2><p>From <strong>4 pm</strong>, <em>no</em> <u>exceptions</u>.</p><ul><li>One</li><li>Two</li></ul>' +
      '<ol start="3"><li>Three</li></ol><table><tr><th colspan="2">Fee</th></tr><tr><td>€20</td><td>early</td></tr></table>' +
      '<p><a href="https://example.com/x?a=1&amp;b=2" title="Info" target="_blank">info</a> <a href="mailto:a@b.c">mail</a> <a href="/help#wifi">wifi</a></p>' +
      '<img src="https://cdn.example.com/a.png" alt="Map" width="300"><blockquote>Quote</blockquote><pre><code>a &lt; b</code></pre>';
    const out = sanitizeHtml(input);
    expect(out).toBe(
      '<h2>Check-in</h2><p>From <strong>4 pm</strong>, <em>no</em> <u>exceptions</u>.</p><ul><li>One</li><li>Two</li></ul>' +
        '<ol start="3"><li>Three</li></ol><table><tr><th colspan="2">Fee</th></tr><tr><td>€20</td><td>early</td></tr></table>' +
        '<p><a href="https://example.com/x?a=1&amp;b=2" title="Info" target="_blank" rel="noopener noreferrer nofollow">info</a> <a href="mailto:a@b.c" rel="nofollow">mail</a> <a href="/help#wifi" rel="nofollow">wifi</a></p>' +
        '<img src="https://cdn.example.com/a.png" alt="Map" width="300"><blockquote>Quote</blockquote><pre><code>a &lt; b</code></pre>',
    );
  });

  const hostile: [string, string][] = [
    ['script element', '<p>hi</p><script>alert(1)</script>'],
    ['script with attributes and odd case', '<ScRiPt type="text/javascript" src="//evil.example/x.js"></sCrIpT>'],
    ['unterminated script', '<p>x</p><script>alert(document.cookie)'],
    ['event handler on img', '<img src=x onerror=alert(1)>'],
    ['event handler on allowed element', '<p onclick="alert(1)" onmouseover=alert(2)>click</p>'],
    ['javascript: link', '<a href="javascript:alert(1)">x</a>'],
    ['javascript: with entities and whitespace', '<a href="jav&#x09;ascript:alert(1)">x</a><a href=" &#106;avascript:alert(1)">y</a><a href="java\nscript:alert(1)">z</a>'],
    ['javascript: upper case', '<a href="JaVaScRiPt:alert(1)">x</a>'],
    ['vbscript and data URLs', '<a href="vbscript:msgbox(1)">v</a><a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">d</a><img src="data:image/svg+xml,<svg onload=alert(1)>">'],
    ['protocol-relative image', '<img src="//evil.example/track.gif">'],
    ['svg with script', '<svg><script>alert(1)</script><circle onload="alert(1)"/></svg><p>after</p>'],
    ['math with nested markup', '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>'],
    ['iframe and object', '<iframe src="https://evil.example"></iframe><object data="x.swf"></object><embed src="x.swf">'],
    ['style element and attribute', '<style>body{background:url(javascript:alert(1))}</style><p style="background:url(javascript:alert(1))">x</p>'],
    ['base, meta and link', '<base href="https://evil.example/"><meta http-equiv="refresh" content="0;url=javascript:alert(1)"><link rel="stylesheet" href="x.css">'],
    ['form controls', '<form action="https://evil.example"><input name="password"><button formaction="javascript:alert(1)">Go</button><textarea><script>x</script></textarea></form>'],
    ['split tag trick', '<scr<script>ipt>alert(1)</scr</script>ipt>'],
    ['comment smuggling', '<!--><img src=x onerror=alert(1)>--><p>ok</p><!-- <script>alert(1)</script> -->'],
    ['attribute quote breaking', '<a href="https://ok.example" title=\'x" onmouseover="alert(1)\'>x</a>'],
    ['unquoted attribute with event', '<a href=https://ok.example onclick=alert(1)>x</a>'],
    ['template and noscript', '<template><img src=x onerror=alert(1)></template><noscript><p title="</noscript><img src=x onerror=alert(1)>"></p></noscript>'],
    ['CDATA and processing instruction', '<![CDATA[<script>alert(1)</script>]]><?xml version="1.0"?><p>x</p>'],
    ['srcdoc and formaction attributes', '<iframe srcdoc="<script>alert(1)</script>"></iframe><img src="https://ok.example/a.png" srcset="javascript:alert(1)">'],
  ];
  for (const [name, input] of hostile) {
    it(`neutralizes: ${name}`, () => {
      const out = sanitizeHtml(input);
      assertInert(out);
      // Idempotent: sanitizing the output changes nothing.
      expect(sanitizeHtml(out)).toBe(out);
    });
  }

  it('escapes text so it can never become markup', () => {
    expect(sanitizeHtml('1 < 2 && 3 > 2 "quoted"')).toBe('1 &lt; 2 &amp;&amp; 3 &gt; 2 "quoted"');
    expect(sanitizeHtml('&lt;script&gt;alert(1)&lt;/script&gt;')).toBe('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('closes unclosed elements and drops stray end tags', () => {
    expect(sanitizeHtml('<p><strong>bold<em>both</p>text</div></span>')).toBe('<p><strong>bold<em>both</em></strong></p>text');
  });

  it('unwraps unknown elements but keeps their text', () => {
    expect(sanitizeHtml('<custom-el data-x="1">hello <blink>world</blink></custom-el>')).toBe('hello world');
  });

  it('drops images without a safe source and numeric attributes that are not numbers', () => {
    expect(sanitizeHtml('<img src="javascript:alert(1)" alt="x">')).toBe('');
    expect(sanitizeHtml('<td colspan="2;x">a</td>')).toBe('<td>a</td>');
  });
});

describe('safeUrl', () => {
  it('accepts http(s), mailto, tel and relative links; images only over http(s)', () => {
    expect(safeUrl('https://a.example/x', 'link')).toBe('https://a.example/x');
    expect(safeUrl('tel:+351210000000', 'link')).toBe('tel:+351210000000');
    expect(safeUrl('#section', 'link')).toBe('#section');
    expect(safeUrl('/help', 'image')).toBeNull();
    expect(safeUrl('mailto:a@b.c', 'image')).toBeNull();
  });
  it('refuses scripts however they are disguised', () => {
    for (const u of ['javascript:x', ' javascript:x', 'java\tscript:x', 'JAVASCRIPT:x', '\u0001javascript:x', 'data:text/html,x', '//evil.example', '/\\evil.example']) {
      expect(safeUrl(u, 'link'), u).toBeNull();
    }
  });
});

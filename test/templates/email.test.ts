// E-mail templates: HTML sanitized on save (scripts, handlers, javascript: links gone), the style
// sheet inlined into style attributes, a plain-text alternative derived when no body is given, and
// merge values escaped in the HTML preview.
import { describe, expect, it } from 'vitest';
import { call, createContact, expectProblem, newWorkspace } from '../helpers';
import { inlineRules, parseRules, prepareEmailHtml, sanitizeDeclarations, textAlternative } from '../../worker/templates/email-html';
import { renderTemplate } from '../../worker/templates/render';

const HTML = `<!doctype html><html><head><title>x</title>
<style>
  p { color: #333333; margin: 0 0 12px }
  .cta { background: #0a7; color: white }
  #footer { font-size: 12px }
  td.price b { font-weight: 700 }
  a:hover { color: red }
  @media (max-width: 600px) { p { font-size: 18px } }
  .evil { width: expression(alert(1)); background: url(javascript:alert(1)); color: blue }
</style>
<script>alert('x')</script></head>
<body onload="steal()">
<h1>Hello {{contact.first_name}}</h1>
<p>Your stay <b>{{reservation.reference}}</b> is coming up.</p>
<img src="https://casa-azul.example/logo.png" onerror="alert(1)" alt="Casa Azul">
<p class="cta" style="color: black">Book <a href="javascript:alert(1)">now</a> or <a href="https://casa-azul.example/book" onclick="x()">online</a></p>
<p class="evil">careful</p>
<table><tr><td class="price"><b>€120</b></td></tr></table>
<iframe src="https://evil.example"></iframe>
<div id="footer">Casa Azul · <a href="mailto:hi@casa-azul.example">hi@casa-azul.example</a></div>
</body></html>`;

describe('e-mail templates', () => {
  it('sanitizes, inlines the style sheet and derives the text alternative on save', async () => {
    const ws = await newWorkspace();
    const res = await call('POST', '/api/templates', { token: ws.token, body: { name: 'Pre-arrival', channel: 'email', category: 'reminder', language: 'en', subject: 'See you soon, {{contact.first_name}}', html: HTML } });
    expect(res.status, JSON.stringify(res.body)).toBe(201);
    const html: string = res.body.html;
    for (const gone of ['<script', 'alert(', 'onload', 'onerror', 'onclick', 'javascript:', '<iframe', '<style', 'expression(', '<title', 'steal()']) expect(html, gone).not.toContain(gone);
    expect(html).toContain('<p style="color: #333333; margin: 0 0 12px">Your stay');
    // Class rule after the tag rule (higher specificity), the element's own style last (it wins).
    expect(html).toContain('<p class="cta" style="color: #333333; margin: 0 0 12px; background: #0a7; color: white; color: black">Book <a>now</a>');
    expect(html).toContain('<a href="https://casa-azul.example/book">online</a>');
    expect(html).toContain('<div id="footer" style="font-size: 12px">');
    expect(html).toContain('<td class="price"><b style="font-weight: 700">€120</b></td>');
    expect(html).toContain('<img src="https://casa-azul.example/logo.png" alt="Casa Azul">');
    // The dangerous declarations of .evil are dropped, its harmless one kept.
    expect(html).toContain('<p class="evil" style="color: #333333; margin: 0 0 12px; color: blue">careful</p>');
    expect(res.body.bodyFromHtml).toBe(true);
    expect(res.body.body).toBe(
      'Hello {{contact.first_name}}\n\nYour stay {{reservation.reference}} is coming up.\n\nBook now or online (https://casa-azul.example/book)\n\ncareful\n\n€120\n\nCasa Azul · hi@casa-azul.example (mailto:hi@casa-azul.example)',
    );

    // The derived text follows the HTML; a text the author writes stays theirs.
    const changed = await call('PATCH', `/api/templates/${res.body.id}`, { token: ws.token, body: { html: '<p>Short <i>and</i> sweet</p>' } });
    expect(changed.body).toMatchObject({ body: 'Short and sweet', bodyFromHtml: true, version: 2 });
    const own = await call('PATCH', `/api/templates/${res.body.id}`, { token: ws.token, body: { body: 'Plain words' } });
    expect(own.body).toMatchObject({ body: 'Plain words', bodyFromHtml: false });
    expect((await call('PATCH', `/api/templates/${res.body.id}`, { token: ws.token, body: { html: '<p>New</p>' } })).body.body).toBe('Plain words');
    expectProblem(await call('PATCH', `/api/templates/${res.body.id}`, { token: ws.token, body: { html: '<p>Hi {{guest.name}}</p>' } }), 400, 'html');
  });

  it('previews with merge values escaped, for desktop and phone', async () => {
    const ws = await newWorkspace();
    const contact = await createContact(ws, { name: '<b>Zoë</b> O\'Neil', email: 'zoe@example.com' });
    const t = await call('POST', '/api/templates', { token: ws.token, body: { name: 'Welcome', channel: 'email', category: 'welcome', language: 'en', subject: 'Welcome {{contact.first_name}}', html: '<p>Hi {{contact.name}}, write to <a href="mailto:{{contact.email}}">us</a>. {{contact.vip_code}}</p>' } });
    expect(t.status, JSON.stringify(t.body)).toBe(201);
    const p = await call('GET', `/api/templates/${t.body.id}/preview?contactId=${contact.id}`, { token: ws.token });
    expect(p.status, JSON.stringify(p.body)).toBe(200);
    expect(p.body.html).toBe('<p>Hi &lt;b&gt;Zoë&lt;/b&gt; O&#39;Neil, write to <a href="mailto:zoe@example.com">us</a>. </p>');
    expect(p.body.subject).toBe('Welcome <b>Zoë</b>');
    expect(p.body.text).toBe("Hi <b>Zoë</b> O'Neil, write to us (mailto:zoe@example.com).");
    expect(p.body.previews).toEqual({ desktop: p.body.html, phone: p.body.html });
    expect(p.body.missing).toEqual(['contact.vip_code']);
  });

  it('the pieces: declarations, rule order, selectors the inliner leaves alone', async () => {
    expect(sanitizeDeclarations('color: red; behavior: url(x.htc); background: url("https://x.example/a.png"); background-image: url(http://x.example/b.png); -moz-binding: url(y); width: 10px')).toBe(
      'color: red; background: url("https://x.example/a.png"); width: 10px',
    );
    const rules = parseRules('#a { color: red } .b { color: green } div { color: blue } @font-face { font-family: x; src: url(https://f) } li:first-child { color: pink }');
    expect(rules.map((r) => r.selector)).toEqual(['div', '.b', '#a']);
    expect(await inlineRules('<div id="a" class="b">x</div><li>y</li>', rules)).toBe('<div id="a" class="b" style="color: blue; color: green; color: red">x</div><li>y</li>');
    expect(await prepareEmailHtml('<p data-parley-own-style="color: red" style="x: expression(1)">a</p><form><input value="x"></form>')).toBe('<p>a</p>');
    // A merge value cannot add a header line to the subject.
    const r = renderTemplate({ name: 'x', channel: 'email', category: 'utility', language: 'en' }, { body: 'Hi', subject: 'Hello {{contact.name}}' }, { contact: { name: 'Eve\r\nBcc: all@example.com' } });
    expect(r.subject).toBe('Hello Eve Bcc: all@example.com');
    expect(textAlternative('<ul><li>One</li><li>Two &amp; three</li></ul><p>Bye&nbsp;now</p>')).toBe('• One\n• Two & three\n\nBye now');
  });
});

// The pure pieces of the knowledge base: HTML to text, Markdown, web page reading, passages, diffs.
import { describe, expect, it } from 'vitest';
import { chunkText } from '../../worker/kb/chunks';
import { diffText, diffVersions, diffWords } from '../../worker/kb/diff';
import { decodeEntities, htmlToText, textToHtml } from '../../worker/kb/html';
import { checkPublicUrl, convertFile, fileFormat, readPage } from '../../worker/kb/import';
import { markdownToHtml } from '../../worker/kb/markdown';

describe('htmlToText', () => {
  it('puts blocks on their own lines, lists as dashes, and drops scripts and styles', () => {
    const text = htmlToText('<h1>Wi-Fi</h1><p>Network:   <b>CasaAzul</b><br>Password: sol&amp;mar</p><ul><li>Restart</li><li>Wait</li></ul><script>x()</script><style>p{}</style>');
    expect(text).toBe('Wi-Fi\n\nNetwork: CasaAzul\nPassword: sol&mar\n\n- Restart\n- Wait');
  });
  it('decodes character references, leaving unknown names alone', () => {
    expect(decodeEntities('caf&eacute; &#8364;5 &#x1F600; &bogus; &amp;lt;')).toBe('café €5 😀 &bogus; &lt;');
  });
  it('plain text round-trips through paragraphs', () => {
    expect(textToHtml('a <b>\n\nsecond\nline')).toBe('<p>a &lt;b&gt;</p>\n<p>second<br>line</p>');
  });
});

describe('markdownToHtml', () => {
  it('converts headings, lists, emphasis, code and links; raw HTML stays text', () => {
    const html = markdownToHtml('# Parking\n\nFree **garage** spot, see [map](https://m.example/?a=1&b=2).\n\n- remote in *drawer*\n- height `1.9 m`\n\n1. one\n2. two\n\n> note\n\n<script>x</script>');
    expect(html).toBe(
      '<h1>Parking</h1>\n<p>Free <strong>garage</strong> spot, see <a href="https://m.example/?a=1&amp;b=2">map</a>.</p>\n<ul><li>remote in <em>drawer</em></li><li>height <code>1.9 m</code></li></ul>\n<ol><li>one</li><li>two</li></ol>\n<blockquote><p>note</p></blockquote>\n<p>&lt;script&gt;x&lt;/script&gt;</p>',
    );
  });
  it('keeps fenced code verbatim', () => {
    expect(markdownToHtml('```\n<b> & *x*\n```')).toBe('<pre><code>&lt;b&gt; &amp; *x*</code></pre>');
  });
});

describe('files and pages', () => {
  it('recognizes formats by type or extension and refuses the rest', () => {
    expect(fileFormat('faq.md', undefined)).toBe('markdown');
    expect(fileFormat('page.HTML', 'application/octet-stream')).toBe('html');
    expect(fileFormat('notes', 'text/plain; charset=utf-8')).toBe('text');
    expect(fileFormat('photo.png', 'image/png')).toBeNull();
    expect(fileFormat('doc.pdf', 'application/pdf')).toBeNull();
  });
  it('titles a Markdown file by its first heading and a text file by its name', () => {
    expect(convertFile('# House rules\n\nNo parties.', 'markdown', 'rules.md').title).toBe('House rules');
    expect(convertFile('No parties.', 'text', 'house-rules_2025.txt').title).toBe('house rules 2025');
  });
  it('reads a page: <main> when present, else the body without navigation, header, footer and forms', () => {
    const withMain = readPage('<html><head><title>Help &amp; FAQ</title></head><body><nav>Home | About</nav><main><h1>Parking</h1><p>Free spot.</p></main><footer>© 2025</footer></body></html>');
    expect(withMain).toEqual({ title: 'Help & FAQ', text: 'Parking\n\nFree spot.' });
    const noMain = readPage('<body><header><h1>Site</h1></header><div><h2>Pets</h2><p>Dogs welcome.</p></div><form><input></form><footer>x</footer><script>track()</script></body>');
    expect(noMain.text).toBe('Pets\n\nDogs welcome.');
    expect(readPage('<meta property="og:title" content="Our rooms"><title>x</title><p>y</p>').title).toBe('Our rooms');
  });
  it('refuses URLs into private networks, credentials and non-http schemes', () => {
    for (const u of ['http://localhost/x', 'http://127.0.0.1/', 'http://10.1.2.3/', 'http://192.168.1.1/', 'http://172.20.0.1/', 'http://169.254.169.254/latest', 'http://[::1]/', 'http://2130706433/', 'http://svc.internal/', 'ftp://example.com/', 'file:///etc/passwd', 'https://user:pw@example.com/', 'not a url']) {
      expect(() => checkPublicUrl(u), u).toThrow();
    }
    expect(checkPublicUrl('https://help.example.com/faq').hostname).toBe('help.example.com');
  });
});

describe('chunkText', () => {
  it('keeps short articles whole and cuts long ones on paragraph and sentence bounds', () => {
    expect(chunkText('Short.\n\nAlso short.')).toEqual(['Short.\n\nAlso short.']);
    const para = (n: number) => `Paragraph ${n}. ${'Words go here and there. '.repeat(12)}`.trim();
    const text = [1, 2, 3, 4].map(para).join('\n\n');
    const chunks = chunkText(text);
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.every((c) => c.length <= 1100)).toBe(true);
    expect(chunks.join('\n\n').replace(/\s+/g, ' ')).toBe(text.replace(/\s+/g, ' '));
  });
  it('keeps a heading with the paragraph that follows it', () => {
    const chunks = chunkText(`${'Intro sentence. '.repeat(40).trim()}\n\nParking\n\n${'Garage details here. '.repeat(20).trim()}`);
    expect(chunks.some((c) => c.startsWith('Parking\n\nGarage'))).toBe(true);
  });
});

describe('diff', () => {
  it('diffs lines, showing a one-line replacement as a word-level change', () => {
    const d = diffText('Check-in from 4 pm.\nCheck-out by 11 am.\nNo parties.', 'Check-in from 3 pm.\nCheck-out by 11 am.\nQuiet after 10 pm.\nNo parties.');
    expect(d).toEqual([
      { op: 'change', from: 'Check-in from 4 pm.', to: 'Check-in from 3 pm.', words: [{ op: 'equal', text: 'Check-in from' }, { op: 'delete', text: ' 4' }, { op: 'insert', text: ' 3' }, { op: 'equal', text: ' pm.' }] },
      { op: 'equal', text: 'Check-out by 11 am.' },
      { op: 'insert', text: 'Quiet after 10 pm.' },
      { op: 'equal', text: 'No parties.' },
    ]);
  });
  it('word diff of titles, and what else changed between versions', () => {
    expect(diffWords('Pets policy', 'Pets and animals policy')).toEqual([{ op: 'equal', text: 'Pets' }, { op: 'insert', text: ' and animals' }, { op: 'equal', text: ' policy' }]);
    const v = diffVersions(
      { version: 1, title: 'A', bodyText: 'x', tags: ['a', 'b'], status: 'draft', categoryId: null },
      { version: 2, title: 'A', bodyText: 'x', tags: ['b', 'c'], status: 'published', categoryId: 'kbc_1' },
    );
    expect(v.title).toBeNull();
    expect(v.tags).toEqual({ added: ['c'], removed: ['a'] });
    expect(v.status).toEqual({ from: 'draft', to: 'published' });
    expect(v.categoryId).toEqual({ from: null, to: 'kbc_1' });
  });
});

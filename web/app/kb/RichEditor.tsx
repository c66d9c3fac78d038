// A small contentEditable rich-text editor: bold, italic, headings, lists, links. It produces HTML
// that the server sanitizes on save (tags, attributes and link schemes on an allow-list); what it is
// given to start from is the server's already-sanitized HTML of the article, never customer text.
import { useEffect, useRef } from 'preact/hooks';

const TOOLS: { cmd: string; arg?: string; label: string; text: string; key?: string }[] = [
  { cmd: 'bold', label: 'Bold', text: 'B', key: 'b' },
  { cmd: 'italic', label: 'Italic', text: 'I', key: 'i' },
  { cmd: 'formatBlock', arg: 'h2', label: 'Heading', text: 'H2' },
  { cmd: 'formatBlock', arg: 'h3', label: 'Subheading', text: 'H3' },
  { cmd: 'formatBlock', arg: 'p', label: 'Paragraph', text: '¶' },
  { cmd: 'insertUnorderedList', label: 'Bulleted list', text: '•' },
  { cmd: 'insertOrderedList', label: 'Numbered list', text: '1.' },
];

export function RichEditor({ html, onChange, labelledBy }: { html: string; onChange: (html: string) => void; labelledBy: string }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    // Sanitized by the server (worker/kb/sanitize.ts) before it was stored: safe to edit as HTML.
    if (ref.current) ref.current.innerHTML = html || '<p><br></p>';
    document.execCommand('defaultParagraphSeparator', false, 'p');
  }, []);

  const emit = () => onChange(ref.current?.innerHTML ?? '');
  const run = (cmd: string, arg?: string) => {
    ref.current?.focus();
    document.execCommand(cmd, false, arg);
    emit();
  };
  const link = () => {
    const url = prompt('Link address (https://…)', 'https://');
    if (!url) return;
    if (!/^(https?:|mailto:)/i.test(url.trim())) {
      alert('Links must start with https://, http:// or mailto:');
      return;
    }
    run('createLink', url.trim());
  };

  return (
    <div class="rte">
      <div class="rte-toolbar" role="toolbar" aria-label="Formatting">
        {TOOLS.map((t) => (
          <button
            key={t.label}
            type="button"
            class={`rte-btn rte-${t.cmd}`}
            title={t.key ? `${t.label} (Ctrl+${t.key.toUpperCase()})` : t.label}
            onMouseDown={(e) => e.preventDefault()}
            onClick={() => run(t.cmd, t.arg)}
          >
            {/* The glyph is decoration; the name is the words (so it never mismatches a visible label). */}
            <span aria-hidden="true">{t.text}</span>
            <span class="sr-only">{t.label}</span>
          </button>
        ))}
        <span class="rte-sep" aria-hidden="true" />
        <button type="button" class="rte-btn" title="Link" onMouseDown={(e) => e.preventDefault()} onClick={link}>
          <span aria-hidden="true">🔗</span>
          <span class="sr-only">Link</span>
        </button>
        <button type="button" class="rte-btn" title="Remove link" onMouseDown={(e) => e.preventDefault()} onClick={() => run('unlink')}>
          <span aria-hidden="true">⛓̸</span>
          <span class="sr-only">Remove link</span>
        </button>
      </div>
      <div
        ref={ref}
        class="rte-body"
        contentEditable
        role="textbox"
        aria-multiline="true"
        aria-labelledby={labelledBy}
        tabIndex={0}
        onInput={emit}
        onBlur={emit}
        onPaste={(e) => {
          // Paste as plain text: formatting from elsewhere is rarely wanted and the server would strip most of it.
          const t = e.clipboardData?.getData('text/plain');
          if (t === undefined) return;
          e.preventDefault();
          document.execCommand('insertText', false, t);
          emit();
        }}
      />
    </div>
  );
}

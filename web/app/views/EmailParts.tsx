// E-mail conversations read as e-mail (issue 16): a From/To/Cc header on each message, the subject
// once per thread (again only when it changes), the quoted history behind a "…" toggle, and replies'
// light formatting (**bold**, _italic_, [links](https://…), "- " lists) shown as such. Everything is
// built as elements from text: customer text is never parsed as HTML here.
import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import type { ThreadMessage } from '../lib/types';
import { conversation, messages } from '../state/thread';
import { RichText } from './MessageItem';

/** Messages shown as e-mail: customer mail and our replies on an e-mail conversation (not notes). */
export function isEmailMessage(m: ThreadMessage): boolean {
  return m.channel === 'email' && !m.isInternalNote && m.direction !== 'internal' && m.authorType !== 'system';
}

/** "Re: Re: Fwd: Subject" and "subject" are the same thread subject. */
export function baseSubject(s: string | null | undefined): string {
  return (s ?? '').replace(/^\s*((re|fwd?|aw|sv|tr)\s*:\s*)+/i, '').trim().toLowerCase();
}

function subjectOf(m: ThreadMessage): string | null {
  return m.email?.subject ?? null;
}

/** The subject shows on the first e-mail of the thread and wherever it changes. */
function subjectChanged(m: ThreadMessage): boolean {
  const s = subjectOf(m);
  if (!s) return false;
  const list = messages.value;
  let prev: string | null = null;
  for (const x of list) {
    if (x.id === m.id || x.seq >= m.seq) break;
    if (isEmailMessage(x) && subjectOf(x)) prev = subjectOf(x);
  }
  return prev === null || baseSubject(prev) !== baseSubject(s);
}

export function EmailHead({ m }: { m: ThreadMessage }) {
  const e = m.email;
  const contact = conversation.value?.contact;
  const customer = contact?.email ? (contact.name ? `${contact.name} <${contact.email}>` : contact.email) : null;
  const inbound = m.direction === 'inbound';
  const from = e?.from ?? (inbound ? customer : m.authorName);
  const to = e?.to?.length ? e.to : !inbound && customer ? [customer] : [];
  const rows: [string, string][] = [];
  if (from) rows.push(['From', from]);
  if (to.length) rows.push(['To', to.join(', ')]);
  if (e?.cc?.length) rows.push(['Cc', e.cc.join(', ')]);
  if (e?.bcc?.length) rows.push(['Bcc', e.bcc.join(', ')]);
  const subject = subjectChanged(m) ? subjectOf(m) : null;
  return (
    <div class="email-head">
      {subject ? <p class="email-subject">{subject}</p> : null}
      {rows.length ? (
        <dl class="email-addresses">
          {rows.map(([k, v]) => (
            <div key={k}>
              <dt>{k}</dt>
              <dd>{v}</dd>
            </div>
          ))}
        </dl>
      ) : null}
    </div>
  );
}

/** The message's new text (without the subject the server puts before a first mail), then its quoted history, collapsed. */
export function EmailText({ m }: { m: ThreadMessage }) {
  const open = useSignal(false);
  const subject = m.email?.subject;
  let text = m.text;
  if (subject && text.startsWith(`${subject}\n\n`)) text = text.slice(subject.length + 2);
  else if (subject && text === subject) text = '';
  const quoted = m.email?.quoted;
  const formatted = m.direction === 'outbound' && m.authorType === 'agent';
  return (
    <>
      {text ? <div class="msg-text email-text">{formatted ? <FormattedText text={text} /> : <RichText text={text} />}</div> : null}
      {quoted ? (
        <div class="email-quote">
          <button type="button" class="email-quote-toggle" aria-expanded={open.value} aria-label={open.value ? 'Hide quoted text' : 'Show quoted text'} title={open.value ? 'Hide quoted text' : 'Show quoted text'} onClick={() => (open.value = !open.value)}>
            …
          </button>
          {open.value ? (
            <pre class="email-quoted">
              <RichText text={quoted} />
            </pre>
          ) : null}
        </div>
      ) : null}
    </>
  );
}

// ---- Light formatting: the composer writes it, the thread shows it, the mail gets it as HTML ----

const INLINE = /\*\*([^*\n]+)\*\*|_([^_\n]+)_|\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g;

function inline(line: string): ComponentChildren[] {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const m of line.matchAll(INLINE)) {
    const at = m.index ?? 0;
    if (at > last) out.push(<RichText text={line.slice(last, at)} />);
    if (m[1]) out.push(<strong>{m[1]}</strong>);
    else if (m[2]) out.push(<em>{m[2]}</em>);
    else
      out.push(
        <a href={m[4]} target="_blank" rel="noopener noreferrer nofollow">
          {m[3]}
        </a>,
      );
    last = at + m[0].length;
  }
  if (last < line.length) out.push(<RichText text={line.slice(last)} />);
  return out;
}

/** Paragraph blocks: runs of "- " lines become lists, other lines keep their breaks. */
function blocks(text: string): { list: boolean; lines: string[] }[] {
  const out: { list: boolean; lines: string[] }[] = [];
  for (const raw of text.split('\n')) {
    const item = /^\s*[-*]\s+(.*)$/.exec(raw);
    const list = !!item;
    const line = item ? item[1] : raw;
    const last = out[out.length - 1];
    if (last && last.list === list && (list || raw.trim() !== '')) last.lines.push(line);
    else if (!list && raw.trim() === '') out.push({ list: false, lines: [] });
    else out.push({ list, lines: [line] });
  }
  return out.filter((b) => b.lines.length);
}

export function FormattedText({ text }: { text: string }) {
  return (
    <>
      {blocks(text).map((b, i) =>
        b.list ? (
          <ul key={i}>
            {b.lines.map((l, j) => (
              <li key={j}>{inline(l)}</li>
            ))}
          </ul>
        ) : (
          <p key={i}>
            {b.lines.map((l, j) => (
              <>
                {j ? <br /> : null}
                {inline(l)}
              </>
            ))}
          </p>
        ),
      )}
    </>
  );
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** The same formatting as HTML for the mail's text/html part (the server sanitizes it again). */
export function formattedHtml(text: string): string {
  const line = (l: string) =>
    esc(l).replace(/\*\*([^*\n]+)\*\*|_([^_\n]+)_|\[([^\]\n]+)\]\((https?:\/\/[^\s)]+)\)/g, (_m, b, i, label, href) =>
      b ? `<strong>${b}</strong>` : i ? `<em>${i}</em>` : `<a href="${href}">${label}</a>`,
    );
  return blocks(text)
    .map((b) => (b.list ? `<ul>${b.lines.map((l) => `<li>${line(l)}</li>`).join('')}</ul>` : `<p>${b.lines.map(line).join('<br>')}</p>`))
    .join('\n');
}

// The reply box: reply / internal note, attachments uploaded to R2 through the API, the "/" saved
// reply picker (rendered by the server with the conversation's merge fields), suggested replies above
// it, SMS segments and the WhatsApp 24-hour window, Ctrl/Cmd+Enter to send, and a draft per
// conversation that survives reloads.
import { signal, useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { fileSize, until } from '../lib/format';
import { windowClosesText } from '../lib/wording';
import type { Attachment, ReplyEmail, SavedReply } from '../lib/types';
import { loadDraft, saveDraft, searchSavedReplies } from '../state/drafts';
import { signatureFor, withSignature } from '../state/profile';
import { conversation, messages, noteTyping, replyLockHolder, send, stopTyping } from '../state/thread';
import { toast } from '../state/toast';
import { Icon } from '../ui/Icon';
import { MOD } from './Shortcuts';
import { loadMentionable, matchPeople, mentionedIds, mentionQuery, type Mentionable } from './mentions';
import { myId } from '../state/session';
import { Avatar } from '../ui/Avatar';
import { SuggestionStrip } from './Suggestions';
import { formattedHtml } from './EmailParts';

/** Text that uses the composer's formatting marks gets an HTML part too. */
const FORMATTED = /\*\*[^*\n]+\*\*|_[^_\n]+_|\[[^\]\n]+\]\(https?:\/\/[^\s)]+\)|^\s*[-*]\s/m;

/** "Re: " and the thread's latest e-mail subject (or the conversation's). */
function defaultSubject(): string {
  const latest = [...messages.value].reverse().find((m) => m.channel === 'email' && m.email?.subject)?.email?.subject ?? conversation.value?.subject ?? '';
  const s = latest.trim();
  return !s ? '' : /^re:/i.test(s) ? s : `Re: ${s}`;
}

/** Channels whose limits (segments, the 24-hour window) the composer checks before sending. */
const CHECKED_CHANNELS = new Set(['sms', 'whatsapp']);

interface ComposeCheck {
  canSend: boolean;
  reasons: string[];
  segments: { segments: number; encoding: string; characters: number; remaining: number } | null;
  window: { open: boolean; closesAt: number | null; templatesOnly: boolean } | null;
}

/** Keyboard shortcuts R and N ask the composer for focus in a mode. */
export const composerRequest = signal<{ note: boolean; n: number } | null>(null);

interface Upload {
  id: string;
  name: string;
  size: number;
  done?: Attachment;
  error?: string;
}

export function Composer({ conversationId }: { conversationId: string }) {
  const initial = loadDraft(conversationId);
  const text = useSignal(initial.text);
  const note = useSignal(initial.note);
  const uploads = useSignal<Upload[]>([]);
  const picker = useSignal<{ query: string; index: number; items: SavedReply[] } | null>(null);
  const missing = useSignal<string[]>([]);
  const mentionPicker = useSignal<{ query: string; index: number; items: Mentionable[] } | null>(null);
  const picked = useSignal<Mentionable[]>([]);
  /** People picked who cannot see the conversation: said in the composer, never sent as mentions. */
  const unseen = useSignal<string[]>([]);
  const mentionSeq = useRef(0);
  const check = useSignal<ComposeCheck | null>(null);
  const channel = conversation.value?.id === conversationId ? conversation.value.channel : '';
  const checked = CHECKED_CHANNELS.has(channel);
  const isEmail = channel === 'email';
  // E-mail replies: subject (null until edited: it follows the thread's "Re: …"), Cc/Bcc, formatting.
  const subject = useSignal<string | null>(null);
  const cc = useSignal('');
  const bcc = useSignal('');
  const showCopies = useSignal(false);
  const checkTimer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const pickerSeq = useRef(0);
  const input = useRef<HTMLTextAreaElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const saveTimer = useRef<ReturnType<typeof setTimeout>>(undefined);

  const persist = () => {
    clearTimeout(saveTimer.current);
    saveDraft(conversationId, { text: text.value, note: note.value });
  };
  useEffect(() => {
    const flush = () => persist();
    window.addEventListener('beforeunload', flush);
    resize();
    return () => {
      window.removeEventListener('beforeunload', flush);
      persist();
      stopTyping();
    };
  }, []);

  const req = composerRequest.value;
  useEffect(() => {
    if (!req) return;
    composerRequest.value = null;
    note.value = req.note;
    persist();
    input.current?.focus();
  }, [req?.n]);

  // SMS segments and the WhatsApp window, checked by the server as the text changes (debounced), on
  // what will be sent: the reply with the agent's signature for this inbox.
  const plain = text.value.trim() ? withSignature(text.value, signatureFor(conversation.value?.inboxId)) : text.value;
  useEffect(() => {
    if (!checked || note.value) {
      check.value = null;
      return;
    }
    clearTimeout(checkTimer.current);
    checkTimer.current = setTimeout(async () => {
      try {
        check.value = await api<ComposeCheck>('/channels/compose', { json: { text: plain, conversationId } });
      } catch {
        check.value = null;
      }
    }, 300);
    return () => clearTimeout(checkTimer.current);
  }, [checked, note.value, plain]);

  function resize() {
    const el = input.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, 260)}px`;
  }

  function onInput(e: Event) {
    const el = e.currentTarget as HTMLTextAreaElement;
    text.value = el.value;
    resize();
    clearTimeout(saveTimer.current);
    saveTimer.current = setTimeout(persist, 250);
    if (el.value.trim()) noteTyping(note.value);
    else stopTyping();
    void updatePicker(el);
    void updateMentions(el);
  }

  async function updateMentions(el: HTMLTextAreaElement) {
    const q = note.value ? mentionQuery(el.value.slice(0, el.selectionStart ?? el.value.length)) : null;
    const n = ++mentionSeq.current;
    if (q === null) {
      mentionPicker.value = null;
      return;
    }
    let people: Mentionable[];
    try {
      people = await loadMentionable(conversationId);
    } catch {
      return;
    }
    if (n !== mentionSeq.current) return;
    mentionPicker.value = { query: q, index: 0, items: matchPeople(people, q, myId.value) };
  }

  function insertMention(person: Mentionable) {
    const el = input.current;
    mentionPicker.value = null;
    if (!el) return;
    const caret = el.selectionStart ?? el.value.length;
    const before = el.value.slice(0, caret).replace(/@[\p{L}\p{N}._-]*$/u, `@${person.name} `);
    text.value = before + el.value.slice(caret);
    if (person.canSee) picked.value = [...picked.value.filter((p) => p.id !== person.id), person];
    else if (!unseen.value.includes(person.name)) unseen.value = [...unseen.value, person.name];
    persist();
    requestAnimationFrame(() => {
      el.value = text.value;
      el.setSelectionRange(before.length, before.length);
      el.focus();
      resize();
    });
  }

  async function updatePicker(el: HTMLTextAreaElement) {
    const before = el.value.slice(0, el.selectionStart ?? el.value.length);
    const m = /(?:^|\s)\/([\w-]*)$/.exec(before);
    const n = ++pickerSeq.current;
    if (!m) {
      picker.value = null;
      return;
    }
    const items = await searchSavedReplies(m[1], channel);
    if (n !== pickerSeq.current) return; // a newer keystroke answered first
    picker.value = { query: m[1], index: 0, items: items.slice(0, 8) };
  }

  /** Put text at the caret (or replace the "/query" being typed), then focus the end of it. */
  function insertText(body: string, replaceSlash = false) {
    const el = input.current;
    if (!el) return;
    const caret = el.selectionStart ?? el.value.length;
    let before = el.value.slice(0, caret);
    if (replaceSlash) before = before.replace(/\/[\w-]*$/, '');
    const after = el.value.slice(caret);
    text.value = before + body + after;
    persist();
    requestAnimationFrame(() => {
      el.value = text.value;
      const pos = (before + body).length;
      el.setSelectionRange(pos, pos);
      el.focus();
      resize();
    });
  }

  /** The server renders the reply for this conversation: its channel variant, merge fields filled. */
  async function insertReply(r: SavedReply) {
    picker.value = null;
    try {
      const res = await api<{ text: string; missing: string[] }>(`/saved-replies/${r.id}/render`, { json: { conversationId } });
      insertText(res.text, true);
      missing.value = res.missing ?? [];
    } catch (err) {
      toast(`Could not insert “${r.name}”: ${errorText(err)}`, 'error');
    }
  }

  function useSuggestion(body: string) {
    const el = input.current;
    if (!el) return;
    // Into an empty box as is; otherwise at the caret, on its own paragraph.
    if (!el.value.trim()) {
      el.setSelectionRange(0, el.value.length);
      text.value = '';
      el.value = '';
      insertText(body);
    } else insertText(`${/\s$/.test(el.value.slice(0, el.selectionStart ?? 0)) ? '' : '\n\n'}${body}`);
  }

  /** Reply lock: while another agent types a reply, sending asks first ("Send anyway" sends with force). */
  const lockConfirm = useSignal(false);
  const holder = replyLockHolder.value;
  const confirming = lockConfirm.value && !!holder && !note.value;
  /** Your signature for this inbox (Settings → Profile), appended to replies when they are sent. */
  const signature = signatureFor(conversation.value?.inboxId);

  /** Wrap the selection in a formatting mark (or, for a list, start each selected line with "- "). */
  function format(kind: 'bold' | 'italic' | 'link' | 'list') {
    const el = input.current;
    if (!el) return;
    const start = el.selectionStart ?? el.value.length;
    const end = el.selectionEnd ?? start;
    const v = el.value;
    const sel = v.slice(start, end);
    let insert: string;
    let selectFrom: number;
    let selectTo: number;
    if (kind === 'list') {
      const lineStart = v.lastIndexOf('\n', start - 1) + 1;
      const block = v.slice(lineStart, end);
      insert = block
        .split('\n')
        .map((l) => (/^\s*[-*]\s/.test(l) ? l : `- ${l}`))
        .join('\n');
      text.value = v.slice(0, lineStart) + insert + v.slice(end);
      selectFrom = selectTo = lineStart + insert.length;
    } else {
      const body = sel || (kind === 'link' ? 'link text' : kind === 'bold' ? 'bold text' : 'italic text');
      insert = kind === 'bold' ? `**${body}**` : kind === 'italic' ? `_${body}_` : `[${body}](https://)`;
      text.value = v.slice(0, start) + insert + v.slice(end);
      // A link leaves its address selected to type over; the others keep the words selected.
      selectFrom = kind === 'link' ? start + body.length + 3 : start + (kind === 'bold' ? 2 : 1);
      selectTo = kind === 'link' ? selectFrom + 8 : selectFrom + body.length;
    }
    el.value = text.value;
    el.focus();
    el.setSelectionRange(selectFrom, selectTo);
    persist();
    resize();
  }

  function submit(force = false) {
    if (!force && !note.value && replyLockHolder.value) {
      lockConfirm.value = true;
      return;
    }
    lockConfirm.value = false;
    const body = text.value.trim();
    const files = uploads.value;
    if (files.some((u) => !u.done && !u.error)) {
      toast('Wait for the attachments to finish uploading', 'info');
      return;
    }
    const attachments = files.filter((u) => u.done).map((u) => u.done!);
    if (!body && attachments.length === 0) return;
    let email: ReplyEmail | undefined;
    if (isEmail && !note.value) {
      const list = (v: string) => v.split(/[,;\s]+/).map((x) => x.trim()).filter(Boolean);
      const copies = { cc: list(cc.value), bcc: list(bcc.value) };
      const bad = [...copies.cc, ...copies.bcc].find((a) => !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(a));
      if (bad) {
        toast(`“${bad}” is not an e-mail address`, 'error');
        return;
      }
      const subj = (subject.value ?? defaultSubject()).trim();
      // The HTML part carries the signature too: most mail clients show only it.
      email = { ...(subj ? { subject: subj } : {}), ...(copies.cc.length ? { cc: copies.cc } : {}), ...(copies.bcc.length ? { bcc: copies.bcc } : {}), ...(FORMATTED.test(body) ? { html: formattedHtml(withSignature(body, signature)) } : {}) };
    }
    send(note.value ? body : withSignature(body, signature), note.value, attachments, force, email, note.value ? mentionedIds(body, picked.value) : []);
    text.value = '';
    picked.value = [];
    unseen.value = [];
    mentionPicker.value = null;
    uploads.value = [];
    picker.value = null;
    missing.value = [];
    saveDraft(conversationId, { text: '', note: note.value });
    requestAnimationFrame(resize);
  }

  function onKeyDown(e: KeyboardEvent) {
    const mp = mentionPicker.value;
    if (mp && mp.items.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = mp.items.length;
        mentionPicker.value = { ...mp, index: (mp.index + (e.key === 'ArrowDown' ? 1 : n - 1)) % n };
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        insertMention(mp.items[mp.index]);
        return;
      }
    }
    if (mp && e.key === 'Escape') {
      e.stopPropagation();
      mentionPicker.value = null;
      return;
    }
    const p = picker.value;
    if (p && p.items.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        const n = p.items.length;
        picker.value = { ...p, index: (p.index + (e.key === 'ArrowDown' ? 1 : n - 1)) % n };
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        insertReply(p.items[p.index]);
        return;
      }
    }
    if (e.key === 'Escape') {
      e.stopPropagation();
      if (p) picker.value = null;
      else (e.currentTarget as HTMLElement).blur();
      return;
    }
    if (e.key === 'Enter' && (e.metaKey || e.ctrlKey)) {
      e.preventDefault();
      submit();
    }
  }

  async function addFiles(files: FileList | File[]) {
    for (const file of [...files]) {
      const id = `${Date.now()}-${Math.random()}`;
      uploads.value = [...uploads.value, { id, name: file.name || 'pasted-image.png', size: file.size }];
      try {
        const res = await api<Attachment & { url: string }>('/files', { query: { name: file.name || 'pasted-image.png' }, body: file, headers: { 'content-type': file.type || 'application/octet-stream' } });
        uploads.value = uploads.value.map((u) => (u.id === id ? { ...u, done: { key: res.key, name: res.name, contentType: res.contentType, size: res.size } } : u));
      } catch (err) {
        uploads.value = uploads.value.map((u) => (u.id === id ? { ...u, error: errorText(err) } : u));
      }
    }
  }

  const isNote = note.value;
  // Only while their "@Name" is still in the text: deleting it takes the warning with it.
  const unseenNamed = unseen.value.filter((name) => text.value.includes(`@${name}`));
  const canSend = !!text.value.trim() || uploads.value.some((u) => u.done);
  const ch = check.value;
  return (
    <>
    <SuggestionStrip conversationId={conversationId} onUse={useSuggestion} />
    <form
      class={`composer${isNote ? ' is-note' : ''}`}
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
      onDragOver={(e) => e.preventDefault()}
      onDrop={(e) => {
        e.preventDefault();
        if (e.dataTransfer?.files.length) void addFiles(e.dataTransfer.files);
      }}
    >
      <div class="composer-modes" role="radiogroup" aria-label="Message type">
        <button type="button" role="radio" aria-checked={!isNote} class={`mode${!isNote ? ' active' : ''}`} onClick={() => ((note.value = false), persist(), input.current?.focus())}>
          <Icon name="reply" size={15} /> Reply
        </button>
        <button type="button" role="radio" aria-checked={isNote} class={`mode mode-note${isNote ? ' active' : ''}`} onClick={() => ((note.value = true), persist(), input.current?.focus())}>
          <Icon name="note" size={15} /> Internal note
        </button>
        <span class="spacer" />
        <span class="muted composer-hint">{isNote ? 'Only your team sees notes · @ to mention' : ''}</span>
      </div>
      {isEmail && !isNote ? (
        <div class="email-fields">
          <div class="email-field">
            <label for="composer-subject">Subject</label>
            <input id="composer-subject" type="text" maxLength={300} value={subject.value ?? defaultSubject()} onInput={(e) => (subject.value = e.currentTarget.value)} />
            <button type="button" class="btn btn-sm btn-ghost" aria-expanded={showCopies.value} aria-controls="email-copies" onClick={() => (showCopies.value = !showCopies.value)}>
              Cc/Bcc
            </button>
          </div>
          <div id="email-copies" hidden={!showCopies.value}>
            <div class="email-field">
              <label for="composer-cc">Cc</label>
              <input id="composer-cc" type="text" inputMode="email" autoComplete="off" placeholder="name@example.com, …" value={cc.value} onInput={(e) => (cc.value = e.currentTarget.value)} />
            </div>
            <div class="email-field">
              <label for="composer-bcc">Bcc</label>
              <input id="composer-bcc" type="text" inputMode="email" autoComplete="off" placeholder="name@example.com, …" value={bcc.value} onInput={(e) => (bcc.value = e.currentTarget.value)} />
            </div>
          </div>
        </div>
      ) : null}
      {picker.value ? (
        <div class="reply-picker" role="listbox" aria-label="Saved replies" id="saved-replies">
          {picker.value.items.length === 0 ? (
            <div class="menu-note">{picker.value.query ? `No saved reply matches “${picker.value.query}”.` : 'No saved replies yet.'}</div>
          ) : (
            picker.value.items.map((r, i) => (
              <div
                key={r.id}
                id={`sr-${r.id}`}
                role="option"
                aria-selected={i === picker.value!.index}
                class={`reply-option${i === picker.value!.index ? ' active' : ''}`}
                onMouseDown={(e) => {
                  e.preventDefault();
                  insertReply(r);
                }}
              >
                <strong>{r.shortcut ? `/${r.shortcut}` : r.name}</strong>
                <span>{r.shortcut ? <em class="reply-name">{r.name} · </em> : null}{r.text}</span>
              </div>
            ))
          )}
        </div>
      ) : null}
      {mentionPicker.value && isNote ? (
        <div class="reply-picker mention-picker" role="listbox" aria-label="Mention a teammate" id="mention-picker">
          {mentionPicker.value.items.length === 0 ? (
            <div class="menu-note">{`Nobody called “${mentionPicker.value.query}” in this workspace.`}</div>
          ) : (
            mentionPicker.value.items.map((person, i) => (
              <div
                key={person.id}
                id={`mn-${person.id}`}
                role="option"
                aria-selected={i === mentionPicker.value!.index}
                class={`reply-option mention-option${i === mentionPicker.value!.index ? ' active' : ''}${person.canSee ? '' : ' cannot-see'}`}
                onMouseDown={(e) => {
                  e.preventDefault();
                  insertMention(person);
                }}
              >
                <Avatar name={person.name} seed={person.id} size={22} />
                <strong>{person.name}</strong>
                {person.canSee ? null : <span class="mention-why">cannot see this conversation</span>}
              </div>
            ))
          )}
        </div>
      ) : null}
      {uploads.value.length ? (
        <ul class="uploads">
          {uploads.value.map((u) => (
            <li key={u.id} class={u.error ? 'error' : u.done ? 'done' : 'busy'}>
              <Icon name="file" size={14} />
              <span class="upload-name">{u.name}</span>
              <span class="muted">{u.error ? u.error : u.done ? fileSize(u.size) : 'Uploading…'}</span>
              <button type="button" class="btn-icon" aria-label={`Remove ${u.name}`} onClick={() => (uploads.value = uploads.value.filter((x) => x.id !== u.id))}>
                <Icon name="x" size={12} />
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      <label class="sr-only" for="composer-input">
        {isNote ? 'Internal note' : 'Reply'}
      </label>
      <textarea
        id="composer-input"
        ref={input}
        rows={2}
        value={text.value}
        placeholder={isNote ? 'Write a note for your team…  (/ for saved replies)' : 'Write a reply…  (/ for saved replies)'}
        onInput={onInput}
        onKeyDown={onKeyDown}
        onPaste={(e) => {
          const files = [...(e.clipboardData?.files ?? [])];
          if (files.length) {
            e.preventDefault();
            void addFiles(files);
          }
        }}
        aria-autocomplete="list"
        aria-controls={mentionPicker.value && isNote ? 'mention-picker' : picker.value ? 'saved-replies' : undefined}
        aria-activedescendant={
          mentionPicker.value && isNote
            ? mentionPicker.value.items[mentionPicker.value.index]
              ? `mn-${mentionPicker.value.items[mentionPicker.value.index].id}`
              : undefined
            : picker.value?.items[picker.value.index]
              ? `sr-${picker.value.items[picker.value.index].id}`
              : undefined
        }
      />
      {signature && !isNote ? (
        <p class="compose-signature" data-testid="composer-signature">
          <span class="muted">Signature, added when you send:</span> <span class="compose-signature-text">{signature}</span>
        </p>
      ) : null}
      {holder && !isNote ? (
        <div class={`reply-lock${confirming ? ' confirming' : ''}`} role={confirming ? 'alert' : 'status'} data-testid="reply-lock">
          <Icon name="alert" size={13} />
          <span>
            <strong>{holder.name}</strong> is replying{confirming ? '. Send yours anyway?' : ''}
          </span>
          {confirming ? (
            <>
              <button type="button" class="btn btn-sm btn-primary" onClick={() => submit(true)}>
                Send anyway
              </button>
              <button type="button" class="btn btn-sm" onClick={() => (lockConfirm.value = false)}>
                Cancel
              </button>
            </>
          ) : null}
        </div>
      ) : null}
      {isNote && unseenNamed.length ? (
        <p class="composer-missing mention-warning" role="status">
          <Icon name="alert" size={13} />
          <span class="mention-warning-text">{unseenNamed.join(', ')} cannot see this conversation, so they will not be notified. Assign or transfer it to bring them in.</span>
          <button type="button" class="btn-icon tiny" aria-label="Dismiss" onClick={() => (unseen.value = [])}>
            <Icon name="x" size={12} />
          </button>
        </p>
      ) : null}
      {missing.value.length ? (
        <p class="composer-missing" role="status">
          <Icon name="alert" size={13} /> No value for {missing.value.map((f) => `{{${f}}}`).join(', ')}: fill {missing.value.length === 1 ? 'it' : 'them'} in before sending.
          <button type="button" class="btn-icon tiny" aria-label="Dismiss" onClick={() => (missing.value = [])}>
            <Icon name="x" size={12} />
          </button>
        </p>
      ) : null}
      {ch && (ch.window || ch.segments || ch.reasons.length) ? (
        <div class={`compose-check${ch.canSend ? '' : ' blocked'}`} role="status" aria-live="polite">
          {ch.window ? (
            <span class={`cc-window${ch.window.open ? ' open' : ''}`}>
              <Icon name="clock" size={13} /> {ch.window.open ? `24-hour window open${ch.window.closesAt ? ` · ${windowClosesText(ch.window.closesAt, Date.now())}` : ''}` : '24-hour window closed: templates only'}
            </span>
          ) : null}
          {ch.segments && ch.segments.characters > 0 ? (
            <span class="cc-seg">
              {ch.segments.segments} {ch.segments.segments === 1 ? 'segment' : 'segments'} · {ch.segments.characters} chars · {ch.segments.encoding} · {ch.segments.remaining} left
            </span>
          ) : null}
          {ch.reasons.filter((r) => !ch.window || !/24-hour/.test(r)).map((r) => (
            <span key={r} class="cc-reason">
              {r}
            </span>
          ))}
        </div>
      ) : null}
      <div class="composer-foot">
        <input ref={fileInput} type="file" multiple hidden onChange={(e) => {
          const files = e.currentTarget.files;
          if (files?.length) void addFiles(files);
          e.currentTarget.value = '';
        }} />
        <button type="button" class="btn-icon" aria-label="Attach files" title="Attach files" onClick={() => fileInput.current?.click()}>
          <Icon name="clip" />
        </button>
        <button
          type="button"
          class="btn-icon"
          aria-label="Insert a saved reply"
          title="Saved replies (/)"
          onClick={() => {
            const el = input.current;
            if (!el) return;
            const v = el.value;
            const add = v && !/\s$/.test(v) ? ' /' : '/';
            text.value = v + add;
            el.value = text.value;
            el.focus();
            el.setSelectionRange(el.value.length, el.value.length);
            void updatePicker(el);
          }}
        >
          <span class="slash" aria-hidden="true">/</span>
        </button>
        {isEmail && !isNote ? (
          <div class="format-bar" role="group" aria-label="Formatting">
            <button type="button" class="btn-icon" aria-label="Bold" title="Bold (**text**)" onClick={() => format('bold')}>
              <b aria-hidden="true">B</b>
            </button>
            <button type="button" class="btn-icon" aria-label="Italic" title="Italic (_text_)" onClick={() => format('italic')}>
              <i aria-hidden="true">I</i>
            </button>
            <button type="button" class="btn-icon" aria-label="Link" title="Link ([text](https://…))" onClick={() => format('link')}>
              <Icon name="globe" size={14} />
            </button>
            <button type="button" class="btn-icon" aria-label="List" title="List (- item)" onClick={() => format('list')}>
              <span aria-hidden="true">•≡</span>
            </button>
          </div>
        ) : null}
        <span class="spacer" />
        <span class="muted composer-kbd" aria-hidden="true">
          <kbd>{MOD}</kbd> <kbd>Enter</kbd>
        </span>
        <button type="submit" class={`btn ${isNote ? 'btn-note' : 'btn-primary'}`} disabled={!canSend}>
          <Icon name={isNote ? 'note' : 'send'} size={15} /> {isNote ? 'Add note' : 'Send'}
        </button>
      </div>
    </form>
    </>
  );
}

// The template editor: name, category and language, then the channel's own fields — an SMS text with
// its live GSM-7/UCS-2 count and opt-out footer; a WhatsApp template in the Cloud API's shape (header,
// body with {{1}} parameters mapped to merge fields with sample values, footer, buttons) with Submit for
// approval and the review status kept live; an e-mail's subject, formatted body and plain-text part.
// Merge fields come from a menu; the side shows the preview for a chosen contact and the versions.
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api, ApiError, errorText, type FieldError } from '../../lib/api';
import { navigate } from '../../lib/router';
import { inboxes, isManager } from '../../state/session';
import { toast } from '../../state/toast';
import { useAfterRender } from '../../ui/after-render';
import { Icon } from '../../ui/Icon';
import { Dropdown, MenuItem } from '../../ui/Popover';
import { Loading } from '../../ui/form';
import { RichEditor } from '../../kb/RichEditor';
import { countSms } from '../../../../worker/templates/sms';
import { PageFrame } from '../sla/parts';
import {
  BUTTON_LABEL,
  BUTTON_TYPES,
  CATEGORY_LABEL,
  CHANNEL_LABEL,
  CHANNELS,
  blankDraft,
  draftOf,
  fieldLabel,
  HEADER_LABEL,
  insertAt,
  isDirty,
  LANGUAGES,
  MENU_FIELDS,
  nextParameter,
  parameterKeys,
  requestBody,
  SAMPLE,
  TEMPLATE_CATEGORIES,
  type Channel,
  type Draft,
  type Template,
  type TemplateButton,
} from './model';
import { StatusChip, TemplatePreview, VersionList } from './Panels';

const BASE = '/inbox/messaging/templates';
/** How often a template waiting for WhatsApp's review is re-read (Meta's verdict arrives by webhook). */
const POLL_MS = 3000;

type Target = 'body' | 'subject' | 'html' | 'header';

export function TemplateEditor({ id, onSaved }: { id: string | null; onSaved: () => void }) {
  const saved = useSignal<Template | null>(null);
  const draft = useSignal<Draft | null>(id ? null : blankDraft('sms'));
  const errors = useSignal<FieldError[]>([]);
  const problem = useSignal('');
  const busy = useSignal(false);
  const loadError = useSignal('');
  /** Bumped when the draft is replaced from outside (load, restore): remounts the HTML editor. */
  const generation = useSignal(0);
  const previewKey = useSignal(0);
  const submitInbox = useSignal('');
  const target = useRef<Target>('body');
  const afterRender = useAfterRender();
  /** After a merge field is inserted, the caret goes back after it (the menu left focus on its button). */
  const caretAfter = (id: string, at: number) =>
    afterRender(() => {
      const el = document.getElementById(id) as HTMLInputElement | HTMLTextAreaElement | null;
      el?.focus();
      el?.setSelectionRange(at, at);
    });
  const htmlRange = useRef<Range | null>(null);
  const summary = useRef<HTMLDivElement>(null);
  const manager = isManager.value;

  const adopt = (t: Template) => {
    saved.value = t;
    draft.value = draftOf(t);
    generation.value++;
    previewKey.value++;
  };

  useEffect(() => {
    if (id)
      api<Template>(`/templates/${encodeURIComponent(id)}`)
        .then(adopt)
        .catch((err) => (loadError.value = errorText(err)));
  }, [id]);

  // WhatsApp's verdict comes by webhook at any time: while the template waits, re-read it.
  const status = saved.value?.status;
  useEffect(() => {
    if (!id || status !== 'pending') return;
    const timer = setInterval(() => {
      if (document.hidden) return;
      api<Template>(`/templates/${encodeURIComponent(id)}`)
        .then((t) => {
          if (t.status === saved.value?.status && t.version === saved.value.version) return;
          const unchanged = draft.value && saved.value && !isDirty(draft.value, saved.value);
          saved.value = t;
          if (unchanged) draft.value = draftOf(t);
          previewKey.value++;
          if (t.status === 'approved') toast(`WhatsApp approved “${t.name}”`, 'success');
          else if (t.status === 'rejected') toast(`WhatsApp rejected “${t.name}”`, 'error');
          onSaved();
        })
        .catch(() => {});
    }, POLL_MS);
    return () => clearInterval(timer);
  }, [id, status]);

  // The HTML editor's caret, kept so a merge field chosen from the menu lands where the author was.
  useEffect(() => {
    const onSelection = () => {
      const sel = document.getSelection();
      const body = document.querySelector('.tpl-html .rte-body');
      if (sel && sel.rangeCount && body?.contains(sel.anchorNode)) htmlRange.current = sel.getRangeAt(0).cloneRange();
    };
    document.addEventListener('selectionchange', onSelection);
    return () => document.removeEventListener('selectionchange', onSelection);
  }, []);

  const d = draft.value;
  if (loadError.value)
    return (
      <PageFrame id="template" title="Template" intro="">
        <p class="form-error" role="alert">
          Could not load this template: {loadError.value}
        </p>
        <a href={BASE}>Back to templates</a>
      </PageFrame>
    );
  if (!d) return <Loading />;

  const t = saved.value;
  const set = (patch: Partial<Draft>) => (draft.value = { ...d, ...patch });
  const dirty = isDirty(d, t);
  const err = (field: string) => errors.value.filter((e) => e.field === field || e.field.startsWith(`${field}.`)).map((e) => e.message);
  const whatsappInboxes = inboxes.value.filter((i) => i.channel === 'whatsapp');

  const showErrors = (e: unknown) => {
    if (e instanceof ApiError && e.errors.length) {
      errors.value = e.errors;
      problem.value = `${e.errors.length === 1 ? 'One problem' : `${e.errors.length} problems`} to fix:`;
    } else {
      errors.value = [];
      problem.value = errorText(e);
    }
    requestAnimationFrame(() => summary.current?.focus());
  };

  const save = async () => {
    busy.value = true;
    problem.value = '';
    try {
      if (!id) {
        const created = await api<Template>('/templates', { json: { ...requestBody(d), channel: d.channel } });
        toast(`Template “${created.name}” created`, 'success');
        errors.value = [];
        onSaved();
        navigate(`${BASE}/${encodeURIComponent(created.id)}`, { replace: true });
        return;
      }
      const next = await api<Template>(`/templates/${encodeURIComponent(id)}`, { method: 'PATCH', json: requestBody(d) });
      errors.value = [];
      const back = t && t.channel === 'whatsapp' && t.status !== 'draft' && next.status === 'draft';
      adopt(next);
      toast(back ? `Saved as version ${next.version}; back to draft: submit it to WhatsApp again` : `Saved as version ${next.version}`, 'success');
      onSaved();
    } catch (e) {
      showErrors(e);
    } finally {
      busy.value = false;
    }
  };

  const submit = async () => {
    if (!id) return;
    busy.value = true;
    problem.value = '';
    try {
      const next = await api<Template>(`/templates/${encodeURIComponent(id)}/submit`, { json: submitInbox.value ? { inboxId: submitInbox.value } : {} });
      saved.value = next;
      errors.value = [];
      toast('Sent to WhatsApp for approval', 'success');
      onSaved();
    } catch (e) {
      showErrors(e);
    } finally {
      busy.value = false;
    }
  };

  const restore = async (version: number) => {
    if (!id || !confirm(`Restore version ${version}? It is saved as a new version; the current one stays in the history.`)) return;
    try {
      const next = await api<Template>(`/templates/${encodeURIComponent(id)}/versions/${version}/restore`, { method: 'POST' });
      errors.value = [];
      problem.value = '';
      adopt(next);
      toast(`Version ${version} restored as version ${next.version}`, 'success');
      onSaved();
    } catch (e) {
      showErrors(e);
    }
  };

  const remove = async () => {
    if (!id || !t || !confirm(`Delete the template “${t.name}” and all its versions?`)) return;
    try {
      await api(`/templates/${encodeURIComponent(id)}`, { method: 'DELETE' });
      toast('Template deleted', 'success');
      onSaved();
      navigate(BASE);
    } catch (e) {
      showErrors(e);
    }
  };

  /** A merge field into the last text the author was in. */
  const insertField = (field: string) => {
    const where = target.current;
    if (d.channel === 'whatsapp') {
      // WhatsApp takes numbered parameters; the number maps to the merge field and a sample for Meta's review.
      if (where === 'header' && d.header?.format === 'text') {
        if (/\{\{\s*1\s*\}\}/.test(d.header.text ?? '')) return toast('A WhatsApp header takes one parameter, and it has one', 'error');
        const el = document.getElementById('tpl-header-text') as HTMLInputElement | null;
        const r = insertAt(d.header.text ?? '', el?.selectionStart ?? (d.header.text ?? '').length, el?.selectionEnd ?? (d.header.text ?? '').length, '{{1}}');
        caretAfter('tpl-header-text', r.caret);
        return set({ header: { ...d.header, text: r.text }, variables: { ...d.variables, 'header.1': field }, examples: { ...d.examples, 'header.1': SAMPLE[field] ?? '' } });
      }
      const n = nextParameter(d.body);
      const el = document.getElementById('tpl-body') as HTMLTextAreaElement | null;
      const r = insertAt(d.body, el?.selectionStart ?? d.body.length, el?.selectionEnd ?? d.body.length, `{{${n}}}`);
      caretAfter('tpl-body', r.caret);
      return set({ body: r.text, variables: { ...d.variables, [n]: field }, examples: { ...d.examples, [n]: SAMPLE[field] ?? '' } });
    }
    const token = `{{${field}}}`;
    if (where === 'html' && d.channel === 'email') {
      const body = document.querySelector<HTMLElement>('.tpl-html .rte-body');
      body?.focus();
      const sel = document.getSelection();
      if (sel && htmlRange.current) {
        sel.removeAllRanges();
        sel.addRange(htmlRange.current);
      }
      // Fires the editor's input event, which carries the new HTML into the draft.
      document.execCommand('insertText', false, token);
      return;
    }
    const key = where === 'subject' && d.channel === 'email' ? 'subject' : 'body';
    const elId = key === 'subject' ? 'tpl-subject' : 'tpl-body';
    const el = document.getElementById(elId) as HTMLInputElement | HTMLTextAreaElement | null;
    const text = d[key];
    const r = insertAt(text, el?.selectionStart ?? text.length, el?.selectionEnd ?? text.length, token);
    caretAfter(elId, r.caret);
    set(key === 'subject' ? { subject: r.text } : { body: r.text, ...(d.channel === 'email' ? { bodyFromHtml: false } : {}) });
  };

  const title = id ? (t?.name ?? 'Template') : 'New template';
  const canSubmit = !!t && t.channel === 'whatsapp' && (t.status === 'draft' || t.status === 'rejected');

  return (
    <PageFrame
      id="template"
      title={title}
      intro={
        id && t
          ? `${CHANNEL_LABEL[t.channel]} template, version ${t.version}. Saving makes a new version${t.channel === 'whatsapp' ? '; an approved WhatsApp template goes back to draft and needs approval again' : ''}.`
          : 'Choose the channel, write the message, then save. WhatsApp templates are sent to WhatsApp for approval after saving.'
      }
      actions={
        <a class="btn" href={BASE}>
          <Icon name="left" size={16} /> All templates
        </a>
      }
    >
      <div class="tpl-editor">
        <form
          class="form tpl-form"
          aria-label="Template"
          onSubmit={(e) => {
            e.preventDefault();
            void save();
          }}
        >
          {!manager ? (
            <p class="card tpl-readonly">
              <Icon name="lock" size={16} /> Only managers can change templates. You can read them and preview them for a contact.
            </p>
          ) : null}
          <fieldset class="tpl-fields" disabled={!manager}>
            <legend class="sr-only">Template details</legend>
            {t ? (
              <div class="card tpl-status-card" aria-live="polite">
                <span class="tpl-status-label">Status</span>
                <StatusChip t={t} />
                {t.channel === 'whatsapp' ? <StatusHelp t={t} dirty={dirty} /> : null}
              </div>
            ) : null}
            {!id ? (
              <fieldset class="fieldset card tpl-channel">
                <legend>Channel</legend>
                <div class="seg" role="radiogroup" aria-label="Channel">
                  {CHANNELS.map((c) => (
                    <label key={c} class={`seg-opt${d.channel === c ? ' active' : ''}`}>
                      <input type="radio" name="tpl-channel" value={c} checked={d.channel === c} onChange={() => (draft.value = { ...blankDraft(c), name: d.name, language: d.language })} />
                      {CHANNEL_LABEL[c]}
                    </label>
                  ))}
                </div>
              </fieldset>
            ) : null}
            <div class="card tpl-meta">
              <div class="tpl-name">
              <label class="field">
                <span>Name</span>
                <input id="tpl-name" value={d.name} required maxLength={512} aria-invalid={err('name').length > 0} aria-describedby="tpl-name-help" onInput={(e) => set({ name: e.currentTarget.value })} />
              </label>
              <small id="tpl-name-help" class="muted tpl-help">
                {d.channel === 'whatsapp' ? 'WhatsApp names use lowercase letters, digits and underscores, e.g. booking_confirmation.' : 'Shown only to your team.'}
              </small>
              <Errors list={err('name')} />
              </div>
              <label class="field">
                <span>Category</span>
                <select id="tpl-category" value={d.category} onChange={(e) => set({ category: e.currentTarget.value })}>
                  {TEMPLATE_CATEGORIES.map((c) => (
                    <option key={c} value={c}>
                      {CATEGORY_LABEL[c] ?? c}
                    </option>
                  ))}
                </select>
              </label>
              <label class="field">
                <span>Language</span>
                <select id="tpl-language" value={d.language} onChange={(e) => set({ language: e.currentTarget.value })}>
                  {(LANGUAGES.some(([c]) => c === d.language) ? LANGUAGES : [[d.language, d.language] as [string, string], ...LANGUAGES]).map(([c, l]) => (
                    <option key={c} value={c}>
                      {l}
                    </option>
                  ))}
                </select>
              </label>
            </div>
            <div class="tpl-merge-row">
              <MergeMenu onPick={insertField} channel={d.channel} />
              <span class="muted small">{d.channel === 'whatsapp' ? 'Adds a numbered parameter to the body (or the text header you were in) and maps it to the field.' : 'Adds the field where your cursor was.'}</span>
            </div>
            {d.channel === 'sms' ? (
              <SmsFields d={d} set={set} err={err} onFocus={(w) => (target.current = w)} />
            ) : d.channel === 'whatsapp' ? (
              <WhatsAppFields d={d} set={set} err={err} onFocus={(w) => (target.current = w)} />
            ) : (
              <EmailFields key={generation.value} d={d} set={set} err={err} onFocus={(w) => (target.current = w)} />
            )}
          </fieldset>
          <div class="tpl-save-bar">
            <div ref={summary} tabIndex={-1} class="tpl-summary" aria-live="polite">
              {problem.value ? (
                <div class="form-error" role="alert">
                  <p>{problem.value}</p>
                  {errors.value.length ? (
                    <ul>
                      {errors.value.map((e) => (
                        <li key={`${e.field}:${e.message}`}>
                          {fieldWords(e.field)}: {e.message}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </div>
              ) : null}
            </div>
            {manager ? (
              <div class="form-actions tpl-actions">
                {id ? (
                  <button type="button" class="btn btn-ghost tpl-delete" onClick={() => void remove()}>
                    <Icon name="trash" size={16} /> Delete
                  </button>
                ) : null}
                <span class="muted small">{dirty ? 'Unsaved changes' : 'All changes saved'}</span>
                {canSubmit && whatsappInboxes.length > 1 ? (
                  <label class="field tpl-inbox">
                    <span class="sr-only">WhatsApp number to submit through</span>
                    <select value={submitInbox.value} onChange={(e) => (submitInbox.value = e.currentTarget.value)}>
                      <option value="">Choose the WhatsApp number…</option>
                      {whatsappInboxes.map((i) => (
                        <option key={i.id} value={i.id}>
                          {i.name}
                        </option>
                      ))}
                    </select>
                  </label>
                ) : null}
                {canSubmit ? (
                  <button type="button" class="btn" disabled={busy.value || dirty} title={dirty ? 'Save your changes first' : undefined} onClick={() => void submit()}>
                    Submit for approval
                  </button>
                ) : null}
                <button type="submit" class="btn btn-primary" disabled={busy.value || (!!id && !dirty)}>
                  {id ? 'Save' : 'Create template'}
                </button>
              </div>
            ) : null}
          </div>
        </form>
        <aside class="tpl-side" aria-label="Preview and history">
          {id && t ? (
            <>
              <TemplatePreview key={previewKey.value} template={t} dirty={dirty} />
              <VersionList key={`v${previewKey.value}`} templateId={t.id} current={t.version} canRestore={manager} onRestore={(v) => void restore(v)} />
            </>
          ) : (
            <div class="card tpl-panel">
              <h2>Preview</h2>
              <p class="muted">Create the template first; then you can preview it for any contact here and see its versions.</p>
            </div>
          )}
        </aside>
      </div>
    </PageFrame>
  );
}

const FIELD_WORDS: Record<string, string> = { name: 'Name', body: 'Text', subject: 'Subject', html: 'E-mail body', footer: 'Footer', buttons: 'Buttons', header: 'Header', template: 'WhatsApp', inboxId: 'WhatsApp number', category: 'Category', language: 'Language' };

function fieldWords(field: string): string {
  const m = field.match(/^(variables|examples)\.(header\.)?(\d+)$/);
  if (m) return `Parameter {{${m[3]}}}${m[2] ? ' in the header' : ''}`;
  const b = field.match(/^buttons\.(\d+)/);
  if (b) return `Button ${Number(b[1]) + 1}`;
  if (field.startsWith('header.')) return 'Header';
  return FIELD_WORDS[field] ?? field;
}

function Errors({ list, id }: { list: string[]; id?: string }) {
  if (!list.length) return null;
  return (
    <ul class="form-error tpl-field-errors" id={id}>
      {list.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

function StatusHelp({ t, dirty }: { t: Template; dirty: boolean }) {
  const words =
    t.status === 'draft'
      ? dirty
        ? 'Save, then submit it to WhatsApp for approval. Until WhatsApp approves it, it can only be sent inside the 24-hour window after a customer writes.'
        : 'Not yet sent to WhatsApp. Submit it for approval to use it outside the 24-hour window.'
      : t.status === 'pending'
        ? 'WhatsApp is reviewing it; this usually takes minutes, sometimes up to a day. This page updates by itself.'
        : t.status === 'approved'
          ? 'WhatsApp approved it: it can start conversations and go out in broadcasts. Editing it sends it back to draft.'
          : t.status === 'rejected'
            ? 'Change what WhatsApp objected to, save, and submit it again.'
            : 'WhatsApp stopped this template; it cannot be sent now.';
  return <p class="muted small tpl-status-help">{words}</p>;
}

type SetDraft = (patch: Partial<Draft>) => void;
type ErrOf = (field: string) => string[];

function MergeMenu({ onPick, channel }: { onPick: (field: string) => void; channel: Channel }) {
  return (
    <Dropdown id="tpl-merge-menu" class="btn btn-sm" label={<>Insert merge field</>} wide>
      {(close) => (
        <div role="menu" aria-label="Merge fields" class="tpl-merge-menu">
          {MENU_FIELDS.map((g) => (
            <div key={g.group} role="group" aria-label={g.group}>
              <div class="tpl-merge-group" aria-hidden="true">
                {g.group}
              </div>
              {g.fields.map((f) => (
                <MenuItem
                  key={f}
                  onSelect={() => {
                    close();
                    onPick(f);
                  }}
                >
                  {fieldLabel(f).split(': ')[1]}
                  <span class="sr-only"> ({g.group}{channel === 'whatsapp' ? ', as a numbered parameter' : ''})</span>
                </MenuItem>
              ))}
            </div>
          ))}
        </div>
      )}
    </Dropdown>
  );
}

function SmsFields({ d, set, err, onFocus }: { d: Draft; set: SetDraft; err: ErrOf; onFocus: (t: Target) => void }) {
  const count = countSms(d.body, d.category, d.language);
  const footerOnly = count.footer ? countSms('', d.category, d.language) : null;
  return (
    <div class="card tpl-channel-card">
      <label class="field">
        <span>Text</span>
        <textarea id="tpl-body" rows={6} value={d.body} maxLength={1600} aria-invalid={err('body').length > 0} aria-describedby="tpl-sms-count" onFocus={() => onFocus('body')} onInput={(e) => set({ body: e.currentTarget.value })} />
      </label>
      <Errors list={err('body')} />
      {count.footer ? (
        <p class="tpl-footer-note">
          <span class="muted small">Added at the end of every marketing text:</span> <span class="tpl-sms-footer">{count.footer}</span>
        </p>
      ) : (
        <p class="muted small">{d.category === 'marketing' ? 'The text already tells people to reply STOP, so no opt-out line is added.' : 'Marketing texts get an opt-out line (“Reply STOP to opt out”) added; this category does not.'}</p>
      )}
      <p id="tpl-sms-count" class={`tpl-sms-count${count.encoding === 'UCS-2' ? ' is-ucs2' : ''}`} aria-live="polite" data-segments={count.segments} data-encoding={count.encoding}>
        <strong>
          {count.characters} character{count.characters === 1 ? '' : 's'} · {count.segments} {count.segments === 1 ? 'message' : 'messages'}
        </strong>{' '}
        <span>
          {count.encoding === 'GSM-7'
            ? `Standard characters: up to ${count.segments > 1 ? '153 per part when split' : '160 in one message'}.`
            : `Contains special characters (such as emoji or accented letters outside the standard SMS set), so each message holds fewer: up to ${count.segments > 1 ? '67 per part' : '70 in one message'}.`}
        </span>
        {footerOnly ? <span class="muted small"> Counts include the opt-out line.</span> : null}
      </p>
    </div>
  );
}

function WhatsAppFields({ d, set, err, onFocus }: { d: Draft; set: SetDraft; err: ErrOf; onFocus: (t: Target) => void }) {
  const keys = parameterKeys(d);
  const format = d.header?.format ?? 'none';
  const setButton = (i: number, b: TemplateButton | null) => {
    const next = [...d.buttons];
    if (b) next[i] = b;
    else next.splice(i, 1);
    set({ buttons: next });
  };
  return (
    <div class="card tpl-channel-card">
      <fieldset class="fieldset tpl-sub">
        <legend>Header (optional)</legend>
        <label class="field">
          <span>Type</span>
          <select
            id="tpl-header-format"
            value={format}
            onChange={(e) => {
              const f = e.currentTarget.value;
              set({ header: f === 'none' ? null : ({ format: f, ...(f === 'text' ? { text: d.header?.text ?? '' } : { mediaUrl: d.header?.mediaUrl ?? '' }) } as Draft['header']) });
            }}
          >
            {Object.entries(HEADER_LABEL).map(([k, l]) => (
              <option key={k} value={k}>
                {l}
              </option>
            ))}
          </select>
        </label>
        {format === 'text' ? (
          <label class="field">
            <span>Header text</span>
            <input id="tpl-header-text" value={d.header?.text ?? ''} maxLength={60} onFocus={() => onFocus('header')} onInput={(e) => set({ header: { format: 'text', text: e.currentTarget.value } })} />
          </label>
        ) : format !== 'none' ? (
          <label class="field">
            <span>Sample {HEADER_LABEL[format].toLowerCase()} link (https)</span>
            <input type="url" value={d.header?.mediaUrl ?? ''} placeholder="https://" onInput={(e) => set({ header: { format: format as 'image', mediaUrl: e.currentTarget.value } })} />
          </label>
        ) : null}
        <Errors list={err('header')} />
      </fieldset>
      <label class="field">
        <span>Body</span>
        <textarea id="tpl-body" rows={6} value={d.body} maxLength={1024} aria-invalid={err('body').length > 0} aria-describedby="tpl-body-help" onFocus={() => onFocus('body')} onInput={(e) => set({ body: e.currentTarget.value })} />
      </label>
      <small id="tpl-body-help" class="muted tpl-help">
        Up to 1,024 characters. Personal details go in numbered parameters such as {'{{1}}'}: use “Insert merge field”. A parameter may not start or end the body.
      </small>
      <Errors list={err('body')} />
      {keys.length ? (
        <div class="tpl-params" role="group" aria-labelledby="tpl-params-title">
          <h3 id="tpl-params-title">Parameters</h3>
          <p class="muted small">What each number is filled with, and the sample WhatsApp reviews the template with.</p>
          {keys.map((k) => {
            const n = k.replace('header.', '');
            const where = k.startsWith('header.') ? ' in the header' : '';
            return (
              <div key={k} class="tpl-param">
                <span class="tpl-param-n" aria-hidden="true">{`{{${n}}}`}</span>
                <label class="field">
                  <span>
                    Field for {`{{${n}}}`}
                    {where}
                  </span>
                  <select value={d.variables[k] ?? ''} aria-invalid={err(`variables.${k}`).length > 0} onChange={(e) => set({ variables: { ...d.variables, [k]: e.currentTarget.value }, examples: d.examples[k] ? d.examples : { ...d.examples, [k]: SAMPLE[e.currentTarget.value] ?? '' } })}>
                    <option value="">Choose a field…</option>
                    {MENU_FIELDS.map((g) => (
                      <optgroup key={g.group} label={g.group}>
                        {g.fields.map((f) => (
                          <option key={f} value={f}>
                            {fieldLabel(f)}
                          </option>
                        ))}
                      </optgroup>
                    ))}
                    {d.variables[k] && !MENU_FIELDS.some((g) => g.fields.includes(d.variables[k])) ? <option value={d.variables[k]}>{d.variables[k]}</option> : null}
                  </select>
                </label>
                <label class="field">
                  <span>
                    Sample value for {`{{${n}}}`}
                    {where}
                  </span>
                  <input value={d.examples[k] ?? ''} maxLength={200} onInput={(e) => set({ examples: { ...d.examples, [k]: e.currentTarget.value } })} />
                </label>
                <Errors list={[...err(`variables.${k}`), ...err(`examples.${k}`)]} />
              </div>
            );
          })}
        </div>
      ) : null}
      <label class="field">
        <span>Footer (optional)</span>
        <input id="tpl-footer" value={d.footer} maxLength={60} onInput={(e) => set({ footer: e.currentTarget.value })} />
      </label>
      <Errors list={err('footer')} />
      <fieldset class="fieldset tpl-sub">
        <legend>Buttons (optional)</legend>
        {d.buttons.map((b, i) => (
          <div key={i} class="tpl-button-row">
            <label class="field">
              <span>Button {i + 1} type</span>
              <select value={b.type} onChange={(e) => setButton(i, { type: e.currentTarget.value as TemplateButton['type'], text: b.text, ...(e.currentTarget.value === 'URL' ? { url: '' } : e.currentTarget.value === 'PHONE_NUMBER' ? { phoneNumber: '' } : {}) })}>
                {BUTTON_TYPES.map((k) => (
                  <option key={k} value={k}>
                    {BUTTON_LABEL[k]}
                  </option>
                ))}
              </select>
            </label>
            <label class="field">
              <span>Button {i + 1} text</span>
              <input value={b.text} maxLength={25} onInput={(e) => setButton(i, { ...b, text: e.currentTarget.value })} />
            </label>
            {b.type === 'URL' ? (
              <label class="field">
                <span>Button {i + 1} link</span>
                <input type="url" value={b.url ?? ''} placeholder="https://" onInput={(e) => setButton(i, { ...b, url: e.currentTarget.value })} />
              </label>
            ) : b.type === 'PHONE_NUMBER' ? (
              <label class="field">
                <span>Button {i + 1} phone number</span>
                <input type="tel" value={b.phoneNumber ?? ''} placeholder="+34600111222" onInput={(e) => setButton(i, { ...b, phoneNumber: e.currentTarget.value })} />
              </label>
            ) : null}
            <button type="button" class="btn-icon tpl-button-x" aria-label={`Remove button ${i + 1}`} onClick={() => setButton(i, null)}>
              <Icon name="trash" size={16} />
            </button>
            <Errors list={err(`buttons.${i}`)} />
          </div>
        ))}
        <Errors list={errorsExact(err('buttons'), d.buttons.length)} />
        {d.buttons.length < 10 ? (
          <button type="button" class="btn btn-sm" onClick={() => set({ buttons: [...d.buttons, { type: 'QUICK_REPLY', text: '' }] })}>
            <Icon name="plus" size={14} /> Add button
          </button>
        ) : null}
      </fieldset>
    </div>
  );
}

/** Errors about the button list itself (per-button ones are shown on their row). */
function errorsExact(list: string[], _n: number): string[] {
  return list.filter((m) => !/^1 to |^a URL button|^a phone number button|^only /.test(m));
}

function EmailFields({ d, set, err, onFocus }: { d: Draft; set: SetDraft; err: ErrOf; onFocus: (t: Target) => void }) {
  return (
    <div class="card tpl-channel-card">
      <label class="field">
        <span>Subject</span>
        <input id="tpl-subject" value={d.subject} maxLength={300} aria-invalid={err('subject').length > 0} onFocus={() => onFocus('subject')} onInput={(e) => set({ subject: e.currentTarget.value })} />
      </label>
      <Errors list={err('subject')} />
      <div class="field tpl-html" onFocusCapture={() => onFocus('html')}>
        <span id="tpl-html-label">E-mail body</span>
        <RichEditor html={d.html} labelledBy="tpl-html-label" onChange={(html) => set({ html })} />
        <small class="muted">Saved as e-mail-safe HTML: scripts, forms and unsafe links are removed and styles are written onto each element.</small>
      </div>
      <Errors list={err('html')} />
      <label class="field">
        <span>Plain-text version</span>
        <textarea
          id="tpl-body"
          rows={5}
          value={d.body}
          aria-describedby="tpl-text-help"
          onFocus={() => onFocus('body')}
          onInput={(e) => set({ body: e.currentTarget.value, bodyFromHtml: !e.currentTarget.value.trim() })}
        />
      </label>
      <small id="tpl-text-help" class="muted tpl-help">
        {d.bodyFromHtml ? 'Written from the e-mail body when you save. Type here to write your own instead.' : 'Your own text. Empty it to have it written from the e-mail body again.'}
      </small>
      <Errors list={err('body')} />
    </div>
  );
}

// Saved replies: the list (search, categories), and an editor with per-channel variants, a menu of
// merge fields and a preview filled for a sample conversation. Managers keep the workspace's replies;
// staff keep personal ones (only they see them); the composer's `/` menu offers both.
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { CHANNEL_KEYS, channelLabel, contactName } from '../lib/format';
import type { ListItem } from '../lib/types';
import { canEditKb, channels, isManager } from '../state/session';
import { toast } from '../state/toast';
import { ErrorLine, Loading } from '../ui/form';
import { Icon } from '../ui/Icon';
import { Modal } from '../ui/Modal';
import { Dropdown, MenuItem } from '../ui/Popover';

interface Reply {
  id: string;
  name: string;
  shortcut: string | null;
  category: string | null;
  text: string;
  variants: Record<string, string>;
  personal: boolean;
  usageCount: number;
}

interface Draft {
  id: string | null;
  name: string;
  shortcut: string;
  category: string;
  text: string;
  variants: [string, string][];
  personal: boolean;
}

/** The fields a reply may use, as GET /api/saved-replies/fields lists them. */
type Fields = Record<string, string[]>;

const NAMESPACE_LABEL: Record<string, string> = { contact: 'Customer', agent: 'You', conversation: 'Conversation', inbox: 'Inbox', workspace: 'Workspace', reservation: 'Reservation', order: 'Order' };
const fieldLabel = (key: string) => key.replace(/_/g, ' ').replace(/^./, (c) => c.toUpperCase());

/** Channel families offered first for variants: the workspace's own channels, then the common ones. */
function variantChannels(): string[] {
  return [...new Set([...channels.value, 'whatsapp', 'sms', 'email', 'messenger', 'instagram', 'webchat', ...CHANNEL_KEYS])];
}

export function SavedReplies() {
  const items = useSignal<Reply[] | null>(null);
  const categories = useSignal<string[]>([]);
  const q = useSignal('');
  const category = useSignal('');
  const editing = useSignal<Draft | null>(null);
  const error = useSignal('');

  async function load() {
    try {
      const res = await api<{ items: Reply[]; categories: string[] }>('/saved-replies', { query: { q: q.value.trim() || undefined, category: category.value || undefined } });
      items.value = res.items;
      if (!category.value) categories.value = res.categories;
    } catch (err) {
      error.value = errorText(err);
    }
  }
  useEffect(() => {
    const t = setTimeout(() => void load(), q.value ? 200 : 0);
    return () => clearTimeout(t);
  }, [q.value, category.value]);

  const canChange = (r: Reply) => r.personal || isManager.value;
  const start = (r?: Reply) =>
    (editing.value = r
      ? { id: r.id, name: r.name, shortcut: r.shortcut ?? '', category: r.category ?? '', text: r.text, variants: Object.entries(r.variants), personal: r.personal }
      : { id: null, name: '', shortcut: '', category: category.value, text: '', variants: [], personal: !isManager.value });

  async function remove(r: Reply) {
    if (!confirm(`Delete the saved reply “${r.name}”?`)) return;
    try {
      await api(`/saved-replies/${r.id}`, { method: 'DELETE' });
      toast('Saved reply deleted', 'success');
      await load();
    } catch (err) {
      toast(errorText(err), 'error');
    }
  }

  return (
    <section class="settings-section">
      <header class="settings-head">
        <div>
          <h2>Saved replies</h2>
          <p class="muted">
            {isManager.value ? 'Answers everyone can insert with / in the composer, and your personal ones.' : 'Workspace replies are kept by your managers; your personal ones are yours alone.'}
          </p>
        </div>
        {canEditKb.value ? (
          <button type="button" class="btn btn-primary" onClick={() => start()}>
            <Icon name="plus" size={16} /> New saved reply
          </button>
        ) : null}
      </header>
      <div class="sr-toolbar">
        <label class="field grow">
          <span>Search</span>
          <input type="search" value={q.value} onInput={(e) => (q.value = e.currentTarget.value)} placeholder="Name, shortcut or text" />
        </label>
        <label class="field">
          <span>Category</span>
          <select value={category.value} onChange={(e) => (category.value = e.currentTarget.value)}>
            <option value="">All categories</option>
            {categories.value.map((c) => (
              <option key={c} value={c}>
                {c}
              </option>
            ))}
          </select>
        </label>
      </div>
      <ErrorLine text={error.value} />
      {items.value === null ? (
        <Loading />
      ) : (
        <ul class="card sr-list" aria-label="Saved replies">
          {items.value.map((r) => (
            <li key={r.id} class="sr-row">
              <div class="sr-main">
                <div class="sr-title">
                  <strong>{r.name}</strong>
                  {r.shortcut ? <code class="sr-shortcut">/{r.shortcut}</code> : null}
                  {r.category ? <span class="chip">{r.category}</span> : null}
                  {r.personal ? <span class="chip chip-accent">Only me</span> : null}
                </div>
                <p class="sr-text muted">{r.text}</p>
                {Object.keys(r.variants).length ? (
                  <p class="sr-variants small muted">Versions for {Object.keys(r.variants).map(channelLabel).join(', ')}</p>
                ) : null}
              </div>
              {canChange(r) ? (
                <div class="sr-actions">
                  <button type="button" class="btn btn-sm" onClick={() => start(r)} aria-label={`Edit ${r.name}`}>
                    <Icon name="edit" size={14} /> Edit
                  </button>
                  <button type="button" class="btn-icon" onClick={() => void remove(r)} aria-label={`Delete ${r.name}`}>
                    <Icon name="trash" size={16} />
                  </button>
                </div>
              ) : null}
            </li>
          ))}
          {items.value.length === 0 ? <li class="muted sr-empty">{q.value || category.value ? 'No saved reply matches.' : 'No saved replies yet. Create one for the answers you type most.'}</li> : null}
        </ul>
      )}
      {editing.value ? (
        <Editor
          draft={editing.value}
          categories={categories.value}
          onClose={() => (editing.value = null)}
          onSaved={async () => {
            editing.value = null;
            await load();
          }}
        />
      ) : null}
    </section>
  );
}

function Editor({ draft, categories, onClose, onSaved }: { draft: Draft; categories: string[]; onClose: () => void; onSaved: () => Promise<void> }) {
  const d = useSignal<Draft>(draft);
  const fields = useSignal<Fields>({});
  const samples = useSignal<ListItem[]>([]);
  const sample = useSignal('');
  /** Which text the preview shows: '' the default, else a channel's variant. */
  const previewOf = useSignal('');
  const preview = useSignal<{ text: string; missing: string[] } | null>(null);
  const previewError = useSignal('');
  const busy = useSignal(false);
  const error = useSignal<{ text: string; field?: string }>({ text: '' });
  /** The text box the merge-field menu inserts into (the last one focused). */
  const target = useRef<{ el: HTMLTextAreaElement; index: number } | null>(null);
  const set = (patch: Partial<Draft>) => (d.value = { ...d.value, ...patch });

  useEffect(() => {
    void api<{ fields: Fields }>('/saved-replies/fields').then((r) => (fields.value = r.fields)).catch(() => {});
    void api<{ items: ListItem[] }>('/conversations', { query: { limit: 20 } })
      .then((r) => {
        samples.value = r.items;
        sample.value = r.items[0]?.id ?? '';
      })
      .catch(() => {});
  }, []);

  const previewText = previewOf.value ? (d.value.variants.find(([c]) => c === previewOf.value)?.[1] ?? '') : d.value.text;
  useEffect(() => {
    if (!previewText.trim()) {
      preview.value = null;
      return;
    }
    const t = setTimeout(() => {
      api<{ text: string; missing: string[] }>('/saved-replies/preview', { json: { text: previewText, conversationId: sample.value || undefined } })
        .then((r) => {
          preview.value = r;
          previewError.value = '';
        })
        .catch((err) => (previewError.value = errorText(err)));
    }, 300);
    return () => clearTimeout(t);
  }, [previewText, sample.value]);

  function insertField(token: string) {
    const t = target.current;
    const value = `{{${token}}}`;
    if (!t) {
      set({ text: `${d.value.text}${value}` });
      return;
    }
    const { el, index } = t;
    const at = el.selectionStart ?? el.value.length;
    const next = el.value.slice(0, at) + value + el.value.slice(el.selectionEnd ?? at);
    if (index < 0) set({ text: next });
    else set({ variants: d.value.variants.map((v, i) => (i === index ? [v[0], next] : v)) });
    requestAnimationFrame(() => {
      el.focus();
      el.setSelectionRange(at + value.length, at + value.length);
    });
  }

  async function save(e: Event) {
    e.preventDefault();
    busy.value = true;
    error.value = { text: '' };
    const v = d.value;
    const body = {
      name: v.name,
      text: v.text,
      shortcut: v.shortcut.trim().replace(/^\//, '') || null,
      category: v.category.trim() || null,
      variants: Object.fromEntries(v.variants.filter(([, text]) => text.trim())),
    };
    try {
      if (v.id) await api(`/saved-replies/${v.id}`, { method: 'PATCH', json: body });
      else await api('/saved-replies', { json: { ...body, personal: v.personal } });
      toast(v.id ? 'Saved reply updated' : 'Saved reply created', 'success');
      await onSaved();
    } catch (err) {
      const field = (err as { errors?: { field: string }[] }).errors?.[0]?.field;
      error.value = { text: errorText(err), field };
    } finally {
      busy.value = false;
    }
  }

  const used = new Set(d.value.variants.map(([c]) => c));
  const addable = variantChannels().filter((c) => !used.has(c));
  const fieldError = (name: string) => (error.value.field === name ? error.value.text : '');

  return (
    <Modal title={draft.id ? 'Edit saved reply' : 'New saved reply'} onClose={onClose} wide>
      <form class="form sr-editor" onSubmit={save} noValidate>
        <div class="sr-editor-grid">
          <div class="sr-editor-fields">
            <div class="form-row">
              <label class="field grow">
                <span>Name</span>
                <input required maxLength={120} value={d.value.name} onInput={(e) => set({ name: e.currentTarget.value })} aria-invalid={!!fieldError('name')} />
              </label>
              <label class="field">
                <span>Shortcut (after /)</span>
                <input maxLength={40} value={d.value.shortcut} onInput={(e) => set({ shortcut: e.currentTarget.value })} placeholder="checkin" aria-invalid={!!fieldError('shortcut')} />
              </label>
            </div>
            <div class="form-row">
              <label class="field grow">
                <span>Category</span>
                <input list="sr-categories" maxLength={60} value={d.value.category} onInput={(e) => set({ category: e.currentTarget.value })} placeholder="e.g. Arrival" />
                <datalist id="sr-categories">
                  {categories.map((c) => (
                    <option key={c} value={c} />
                  ))}
                </datalist>
              </label>
            </div>
            {!draft.id && isManager.value ? (
              <fieldset class="fieldset sr-visibility">
                <legend>Who can use it</legend>
                <label class="check-field">
                  <input type="radio" name="sr-visibility" checked={!d.value.personal} onChange={() => set({ personal: false })} /> Everyone
                </label>
                <label class="check-field">
                  <input type="radio" name="sr-visibility" checked={d.value.personal} onChange={() => set({ personal: true })} /> Only me
                </label>
              </fieldset>
            ) : null}
            <div class="sr-text-head">
              <label for="sr-text">Reply (every channel without its own version)</label>
              <Dropdown id="sr-fields" label={<>Insert field <Icon name="down" size={14} /></>} class="btn btn-sm" align="right" wide>
                {(close) => (
                  <div class="sr-field-menu" role="menu" aria-label="Merge fields">
                    {Object.entries(fields.value).map(([ns, keys]) => (
                      <div key={ns} class="sr-field-group">
                        <div class="menu-label">{NAMESPACE_LABEL[ns] ?? ns}</div>
                        {keys.map((k) => (
                          <MenuItem
                            key={k}
                            onSelect={() => {
                              close();
                              insertField(`${ns}.${k}`);
                            }}
                          >
                            {fieldLabel(k)}
                          </MenuItem>
                        ))}
                      </div>
                    ))}
                  </div>
                )}
              </Dropdown>
            </div>
            <textarea
              id="sr-text"
              rows={5}
              value={d.value.text}
              onInput={(e) => set({ text: e.currentTarget.value })}
              onFocus={(e) => (target.current = { el: e.currentTarget, index: -1 })}
              aria-invalid={!!fieldError('text')}
            />
            {d.value.variants.map(([channel, text], i) => (
              <div key={channel} class="sr-variant">
                <div class="sr-text-head">
                  <label for={`sr-variant-${channel}`}>Version for {channelLabel(channel)}</label>
                  <button type="button" class="btn btn-sm" onClick={() => set({ variants: d.value.variants.filter((_, j) => j !== i) })} aria-label={`Remove the ${channelLabel(channel)} version`}>
                    <Icon name="trash" size={14} /> Remove
                  </button>
                </div>
                <textarea
                  id={`sr-variant-${channel}`}
                  rows={3}
                  value={text}
                  onInput={(e) => set({ variants: d.value.variants.map((v, j) => (j === i ? [channel, e.currentTarget.value] : v)) })}
                  onFocus={(e) => (target.current = { el: e.currentTarget, index: i })}
                  aria-invalid={!!fieldError(`variants.${channel}`)}
                />
              </div>
            ))}
            <label class="field sr-add-variant">
              <span>Add a version for a channel</span>
              <select
                value=""
                onChange={(e) => {
                  const c = e.currentTarget.value;
                  if (c) set({ variants: [...d.value.variants, [c, d.value.text]] });
                  e.currentTarget.value = '';
                }}
              >
                <option value="">Choose a channel…</option>
                {addable.map((c) => (
                  <option key={c} value={c}>
                    {channelLabel(c)}
                  </option>
                ))}
              </select>
            </label>
          </div>
          <aside class="sr-preview" aria-label="Preview">
            <h3>Preview</h3>
            <label class="field">
              <span>Sample conversation</span>
              <select value={sample.value} onChange={(e) => (sample.value = e.currentTarget.value)}>
                <option value="">None (your own details only)</option>
                {samples.value.map((c) => (
                  <option key={c.id} value={c.id}>
                    {contactName(c.contact ?? null)} · {channelLabel(c.channel)}
                  </option>
                ))}
              </select>
            </label>
            {d.value.variants.length ? (
              <label class="field">
                <span>Version</span>
                <select value={previewOf.value} onChange={(e) => (previewOf.value = e.currentTarget.value)}>
                  <option value="">Every other channel</option>
                  {d.value.variants.map(([c]) => (
                    <option key={c} value={c}>
                      {channelLabel(c)}
                    </option>
                  ))}
                </select>
              </label>
            ) : null}
            <div class="sr-preview-text" role="status" aria-live="polite" data-testid="sr-preview">
              {preview.value ? preview.value.text || <span class="muted">(empty)</span> : <span class="muted">Write the reply to see it filled in.</span>}
            </div>
            {preview.value?.missing.length ? (
              <p class="sr-missing small">
                <Icon name="alert" size={13} /> No value here for {preview.value.missing.map((f) => `{{${f}}}`).join(', ')}: the agent fills it in before sending.
              </p>
            ) : null}
            <ErrorLine text={previewError.value} />
          </aside>
        </div>
        <ErrorLine text={error.value.text} />
        <div class="form-actions">
          <button type="button" class="btn" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" class="btn btn-primary" disabled={busy.value || !d.value.name.trim() || !d.value.text.trim()}>
            {busy.value ? 'Saving…' : 'Save reply'}
          </button>
        </div>
      </form>
    </Modal>
  );
}

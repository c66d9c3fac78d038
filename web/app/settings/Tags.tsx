// The workspace tag list (conversations and contacts can also carry tags that are not listed).
import { useSignal } from '@preact/signals';
import { api, errorText } from '../lib/api';
import { loadDirectory, tags } from '../state/session';
import { toast } from '../state/toast';
import { Icon } from '../ui/Icon';

export function Tags() {
  const name = useSignal('');
  const color = useSignal('#6366f1');
  return (
    <section class="settings-section">
      <header class="settings-head">
        <div>
          <h2>Tags</h2>
          <p class="muted">The tags agents pick from. Tagging with a new word works too; add it here to offer it to everyone.</p>
        </div>
      </header>
      <form
        class="card form inline-form"
        onSubmit={async (e) => {
          e.preventDefault();
          try {
            await api('/tags', { json: { name: name.value.trim(), color: color.value } });
            await loadDirectory();
            toast(`Tag “${name.value.trim().toLowerCase()}” added`, 'success');
            name.value = '';
          } catch (err) {
            toast(errorText(err), 'error');
          }
        }}
      >
        <label class="field grow">
          <span>New tag</span>
          <input value={name.value} onInput={(e) => (name.value = e.currentTarget.value)} placeholder="e.g. refund" maxLength={50} />
        </label>
        <label class="field">
          <span>Colour</span>
          <input type="color" value={color.value} onInput={(e) => (color.value = e.currentTarget.value)} />
        </label>
        <div class="form-actions">
          <button type="submit" class="btn btn-primary" disabled={!name.value.trim()}>
            <Icon name="plus" size={16} /> Add tag
          </button>
        </div>
      </form>
      <ul class="card tag-list" aria-label="Tags">
        {tags.value.map((t) => (
          <li key={t.id}>
            <span class="swatch" style={{ background: t.color ?? 'var(--muted-bg)' }} aria-hidden="true" />
            <span class="tag-name">{t.name}</span>
            <button
              type="button"
              class="btn-icon"
              aria-label={`Delete tag ${t.name}`}
              onClick={async () => {
                if (!confirm(`Remove “${t.name}” from the tag list? Conversations keep it.`)) return;
                try {
                  await api(`/tags/${t.id}`, { method: 'DELETE' });
                  await loadDirectory();
                  toast('Tag removed', 'success');
                } catch (err) {
                  toast(errorText(err), 'error');
                }
              }}
            >
              <Icon name="trash" size={16} />
            </button>
          </li>
        ))}
        {tags.value.length === 0 ? <li class="muted">No tags yet.</li> : null}
      </ul>
    </section>
  );
}

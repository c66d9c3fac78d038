// What the team remembers about a customer (allergies, preferences, plans, how earlier visits went),
// grouped by kind: read, add, edit and forget. Extracted ones say which conversation they came from;
// an edit makes them the team's (worker/memories/).
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { relativeTime } from '../lib/format';
import { toast } from '../state/toast';
import { Icon } from '../ui/Icon';

type MemoryType = 'fact' | 'preference' | 'goal' | 'experience';
interface Memory {
  id: string;
  type: MemoryType;
  text: string;
  origin: 'agent' | 'extracted' | 'api';
  source: { conversationId: string | null };
  updatedAt: number;
}

const KINDS: { type: MemoryType; label: string }[] = [
  { type: 'fact', label: 'Facts' },
  { type: 'preference', label: 'Preferences' },
  { type: 'goal', label: 'Plans and occasions' },
  { type: 'experience', label: 'Earlier experiences' },
];
const SINGULAR: Record<MemoryType, string> = { fact: 'Fact', preference: 'Preference', goal: 'Plan or occasion', experience: 'Earlier experience' };

export function MemoriesSection({ contactId }: { contactId: string }) {
  const items = useSignal<Memory[] | null>(null);
  const editing = useSignal<string | null>(null);
  const draft = useSignal('');
  const type = useSignal<MemoryType>('fact');
  const text = useSignal('');
  const base = `/contacts/${contactId}/memories`;

  const load = () =>
    api<{ items: Memory[] }>(base)
      .then((r) => (items.value = r.items))
      .catch(() => (items.value = []));
  useEffect(() => {
    items.value = null;
    void load();
  }, [contactId]);

  async function run(p: Promise<unknown>, failure: string) {
    try {
      await p;
      await load();
      return true;
    } catch (err) {
      toast(`${failure}: ${errorText(err)}`, 'error');
      return false;
    }
  }

  const list = items.value;
  return (
    <section class="panel-section memories" aria-labelledby="memories-h">
      <h3 id="memories-h">Remember</h3>
      {!list ? (
        <div class="sk sk-line" style={{ width: '70%' }} />
      ) : list.length === 0 ? (
        <p class="muted">Nothing yet. Allergies, preferences and plans the customer mentions are added when a conversation closes.</p>
      ) : (
        KINDS.filter((k) => list.some((m) => m.type === k.type)).map((k) => (
          <div key={k.type} class="memory-group">
            <h4 class="mini-head">{k.label}</h4>
            <ul>
              {list
                .filter((m) => m.type === k.type)
                .map((m) =>
                  editing.value === m.id ? (
                    <li key={m.id}>
                      <form
                        class="memory-edit"
                        onSubmit={async (e) => {
                          e.preventDefault();
                          if (await run(api(`${base}/${m.id}`, { method: 'PATCH', json: { text: draft.value } }), 'Could not save')) editing.value = null;
                        }}
                      >
                        <label class="sr-only" for={`mem-${m.id}`}>
                          Edit what we remember
                        </label>
                        <input id={`mem-${m.id}`} value={draft.value} maxLength={500} onInput={(e) => (draft.value = e.currentTarget.value)} />
                        <button type="submit" class="btn btn-sm btn-primary" disabled={!draft.value.trim()}>
                          Save
                        </button>
                        <button type="button" class="btn btn-sm btn-ghost" onClick={() => (editing.value = null)}>
                          Cancel
                        </button>
                      </form>
                    </li>
                  ) : (
                    <li key={m.id} class="memory">
                      <span class="memory-text">{m.text}</span>
                      <small class="muted">
                        {m.origin === 'extracted' ? 'From a conversation' : 'Added by the team'} · {relativeTime(m.updatedAt)}
                      </small>
                      <span class="memory-actions">
                        <button
                          type="button"
                          class="btn-icon tiny"
                          aria-label={`Edit “${m.text}”`}
                          onClick={() => {
                            draft.value = m.text;
                            editing.value = m.id;
                          }}
                        >
                          <Icon name="edit" size={12} />
                        </button>
                        <button type="button" class="btn-icon tiny" aria-label={`Forget “${m.text}”`} onClick={() => void run(api(`${base}/${m.id}`, { method: 'DELETE' }), 'Could not forget it')}>
                          <Icon name="trash" size={12} />
                        </button>
                      </span>
                    </li>
                  ),
                )}
            </ul>
          </div>
        ))
      )}
      <form
        class="memory-add"
        onSubmit={async (e) => {
          e.preventDefault();
          if (await run(api(base, { method: 'POST', json: { type: type.value, text: text.value } }), 'Could not add it')) text.value = '';
        }}
      >
        <label class="sr-only" for="memory-type">
          Kind
        </label>
        <select id="memory-type" value={type.value} onChange={(e) => (type.value = e.currentTarget.value as MemoryType)}>
          {KINDS.map((k) => (
            <option key={k.type} value={k.type}>
              {SINGULAR[k.type]}
            </option>
          ))}
        </select>
        <label class="sr-only" for="memory-text">
          What to remember
        </label>
        <input id="memory-text" placeholder="e.g. Allergic to peanuts" maxLength={500} value={text.value} onInput={(e) => (text.value = e.currentTarget.value)} />
        <button type="submit" class="btn btn-sm" disabled={!text.value.trim()}>
          Add
        </button>
      </form>
    </section>
  );
}

// Suggested replies for the open thread: up to three candidates drafted from the knowledge base and
// earlier answers, each with its sources and confidence. A click puts the text in the composer to
// edit; nothing is sent from here. Compact, refreshable, dismissible per conversation.
import { signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import type { SourceRef } from '../state/assistant';
import { percent } from '../state/assistant';
import { conversation } from '../state/thread';
import { Icon } from '../ui/Icon';

interface Suggestion {
  id: string;
  text: string;
  confidence: number;
  kind: string;
  sources: SourceRef[];
}

interface SuggestionsResponse {
  basedOn: string;
  question: string;
  items: Suggestion[];
}

/** Conversations where the agent closed the strip (until the customer writes again). */
const dismissed = signal<Record<string, string>>({});

function sourceLabel(s: SourceRef): string {
  return s.type === 'article' ? s.title : 'An earlier reply to this contact';
}

export function SuggestionStrip({ conversationId, onUse }: { conversationId: string; onUse: (text: string) => void }) {
  const data = useSignal<SuggestionsResponse | null>(null);
  const state = useSignal<'idle' | 'loading' | 'error'>('idle');
  const error = useSignal('');
  const c = conversation.value;
  // Recompute when the customer writes again (the server caches per last customer message).
  const key = c?.id === conversationId ? `${c.lastCustomerSeq}` : '';

  async function load(refresh = false) {
    state.value = 'loading';
    try {
      const res = await api<SuggestionsResponse>(`/conversations/${conversationId}/suggestions`, { query: { refresh: refresh ? 'true' : undefined } });
      data.value = res;
      state.value = 'idle';
    } catch (err) {
      error.value = errorText(err);
      state.value = 'error';
    }
  }
  useEffect(() => {
    void load();
  }, [conversationId, key]);

  const d = data.value;
  if (dismissed.value[conversationId] === (d?.basedOn ?? key)) return null;
  if (state.value === 'idle' && (!d || d.items.length === 0)) return null;
  if (state.value === 'error') return null;
  return (
    <section class="suggest" aria-label="Suggested replies" aria-busy={state.value === 'loading'}>
      <div class="suggest-head">
        <Icon name="sparkle" size={13} />
        <h3>Suggested replies</h3>
        <span class="spacer" />
        <button type="button" class="btn-icon tiny" aria-label="Refresh suggestions" title="Refresh suggestions" disabled={state.value === 'loading'} onClick={() => void load(true)}>
          <Icon name="undo" size={13} />
        </button>
        <button type="button" class="btn-icon tiny" aria-label="Dismiss suggestions" title="Dismiss" onClick={() => (dismissed.value = { ...dismissed.value, [conversationId]: d?.basedOn ?? key })}>
          <Icon name="x" size={13} />
        </button>
      </div>
      {!d && state.value === 'loading' ? (
        <div class="suggest-list">
          <div class="sk suggest-sk" />
          <div class="sk suggest-sk" />
        </div>
      ) : (
        <ul class="suggest-list">
          {d!.items.map((s) => (
            <li key={s.id}>
              <button type="button" class="suggest-chip" title={s.text} onClick={() => onUse(s.text)}>
                <span class="suggest-text">{s.text}</span>
                <span class="suggest-meta">
                  <span class={`suggest-conf${s.confidence >= 0.6 ? ' high' : s.confidence >= 0.3 ? ' mid' : ''}`}>{percent(s.confidence)}</span>
                  {s.sources.length ? <span class="suggest-src">{s.sources.map(sourceLabel).join(' · ')}</span> : null}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

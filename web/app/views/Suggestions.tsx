// Suggested replies for the open thread: up to three candidates drafted from the knowledge base and
// earlier answers, each with its sources and confidence. A click puts the text in the composer to
// edit; nothing is sent from here. One compact row (the best one; the rest on demand), the why on
// hover or focus, only while the customer waits for a reply; refreshable, dismissible per conversation.
import { signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import type { SourceRef } from '../state/assistant';
import { percent } from '../state/assistant';
import { conversation, messages, outbox } from '../state/thread';
import { plural } from '../lib/format';
import { confidenceBand, confidenceText, wantsSuggestions } from '../lib/wording';
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
  /** Candidates below the workspace's threshold, left out by the server. */
  hidden?: number;
  threshold?: number;
}

/** Conversations where the agent closed the strip (until the customer writes again). */
const dismissed = signal<Record<string, string>>({});

function sourceLabel(s: SourceRef): string {
  return s.type === 'article' ? s.title : 'An earlier reply to this contact';
}

/** The "why" of one suggestion: where it comes from and how sure it is, in words. */
function whyText(s: Suggestion): string {
  const from = s.sources.length ? `From ${s.sources.map((x) => (x.type === 'article' ? `“${x.title}”` : 'an earlier reply to this contact')).join(' and ')}` : 'A general acknowledgement (no matching article)';
  return `${from} · ${confidenceText(s.confidence)} (${percent(s.confidence)})`;
}

export function SuggestionStrip({ conversationId, onUse }: { conversationId: string; onUse: (text: string) => void }) {
  const data = useSignal<SuggestionsResponse | null>(null);
  const state = useSignal<'idle' | 'loading' | 'error'>('idle');
  const error = useSignal('');
  const expanded = useSignal(false);
  const c = conversation.value;
  // Recompute when the customer writes again (the server caches per last customer message).
  const key = c?.id === conversationId ? `${c.lastCustomerSeq}` : '';
  // Offered only while the customer waits: a reply (sent or on its way) or Resolve clears the strip.
  const latest = [...messages.value, ...outbox.value].filter((m) => !m.isInternalNote).at(-1);
  const wanted = c?.id === conversationId && wantsSuggestions(c.status, latest);

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
    expanded.value = false;
    if (wanted) void load();
  }, [conversationId, key, wanted]);

  const d = data.value;
  if (!wanted) return null;
  if (dismissed.value[conversationId] === (d?.basedOn ?? key)) return null;
  if (state.value === 'idle' && (!d || d.items.length === 0)) return null;
  if (state.value === 'error') return null;
  const items = d?.items ?? [];
  const shown = expanded.value ? items : items.slice(0, 1);
  const more = items.length - 1;
  return (
    <section class={`suggest${expanded.value ? '' : ' compact'}`} aria-label="Suggested replies" aria-busy={state.value === 'loading'}>
      <div class="suggest-head">
        <Icon name="sparkle" size={13} />
        <h3>Suggested{expanded.value ? ' replies' : ''}</h3>
        {!d && state.value === 'loading' ? (
          <div class="sk suggest-sk" />
        ) : (
          <ul class="suggest-list">
            {shown.map((s) => (
              <li key={s.id}>
                <button type="button" class="suggest-chip" aria-describedby={`why-${s.id}`} onClick={() => onUse(s.text)}>
                  <span class="suggest-text">{s.text}</span>
                  <span class={`suggest-conf ${confidenceBand(s.confidence)}`}>{confidenceText(s.confidence)}</span>
                  {expanded.value && s.sources.length ? <span class="suggest-src">{s.sources.map(sourceLabel).join(' · ')}</span> : null}
                </button>
                <span class="suggest-why" role="tooltip" id={`why-${s.id}`}>
                  {whyText(s)}
                </span>
              </li>
            ))}
          </ul>
        )}
        {more > 0 || expanded.value ? (
          <button type="button" class="btn btn-sm btn-ghost suggest-more" aria-expanded={expanded.value} onClick={() => (expanded.value = !expanded.value)}>
            {expanded.value ? 'Fewer' : `${more} more`}
          </button>
        ) : null}
        <button type="button" class="btn-icon tiny" aria-label="Refresh suggestions" title="Refresh suggestions" disabled={state.value === 'loading'} onClick={() => void load(true)}>
          <Icon name="undo" size={13} />
        </button>
        <button type="button" class="btn-icon tiny" aria-label="Dismiss suggestions" title="Dismiss" onClick={() => (dismissed.value = { ...dismissed.value, [conversationId]: d?.basedOn ?? key })}>
          <Icon name="x" size={13} />
        </button>
      </div>
      {expanded.value && d?.hidden ? <p class="suggest-hidden muted">{plural(d.hidden, 'weaker suggestion')} hidden (below {percent(d.threshold ?? 0)} confidence).</p> : null}
    </section>
  );
}

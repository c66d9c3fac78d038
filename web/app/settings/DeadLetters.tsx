// Webhooks and outbound deliveries that failed for good: the error, the attempts, the payload, and
// a replay that runs the job again now.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { channelLabel, fullDateTime, relativeTime } from '../lib/format';
import { toast } from '../state/toast';
import { Icon } from '../ui/Icon';

interface DeadLetter {
  id: string;
  queue: string;
  channel: string | null;
  inboxId: string | null;
  error: string;
  attempts: number;
  status: 'open' | 'replayed';
  replayCount: number;
  createdAt: number;
  payload: unknown;
}

export function DeadLetters() {
  const status = useSignal<'open' | 'replayed' | 'all'>('open');
  const items = useSignal<DeadLetter[] | null>(null);
  const busy = useSignal('');

  async function load() {
    try {
      items.value = (await api<{ items: DeadLetter[] }>('/admin/dead-letters', { query: { status: status.value, limit: 100 } })).items;
    } catch (err) {
      toast(errorText(err), 'error');
    }
  }
  useEffect(() => {
    items.value = null;
    void load();
  }, [status.value]);

  async function replay(d: DeadLetter) {
    busy.value = d.id;
    try {
      await api(`/admin/dead-letters/${d.id}/replay`, { method: 'POST' });
      toast('Replayed successfully', 'success');
      await load();
    } catch (err) {
      toast(`Replay failed: ${errorText(err)}`, 'error');
      await load();
    } finally {
      busy.value = '';
    }
  }

  return (
    <section class="settings-section">
      <header class="settings-head">
        <div>
          <h2>Dead letters</h2>
          <p class="muted">Incoming webhooks and outgoing deliveries that kept failing after their retries. Fix the cause (a credential, a deleted inbox), then replay.</p>
        </div>
        <label class="field">
          <span>Show</span>
          <select value={status.value} onChange={(e) => (status.value = e.currentTarget.value as typeof status.value)}>
            <option value="open">Open</option>
            <option value="replayed">Replayed</option>
            <option value="all">All</option>
          </select>
        </label>
      </header>
      {items.value === null ? (
        <div class="card">
          <div class="sk sk-lines" />
        </div>
      ) : items.value.length === 0 ? (
        <div class="card empty-card">
          <Icon name="check" size={28} />
          <p>{status.value === 'open' ? 'Nothing failed. Every webhook and delivery went through.' : 'No dead letters here.'}</p>
        </div>
      ) : (
        <ul class="dl-list">
          {items.value.map((d) => (
            <li key={d.id} class="card dl-item">
              <div class="dl-head">
                <span class="pill">{d.queue}</span>
                {d.channel ? <strong>{channelLabel(d.channel)}</strong> : null}
                <span class="muted small" title={fullDateTime(d.createdAt)}>
                  {relativeTime(d.createdAt)} · {d.attempts} attempts{d.replayCount ? ` · replayed ${d.replayCount}×` : ''}
                </span>
                <span class="spacer" />
                {d.status === 'open' ? (
                  <button type="button" class="btn btn-sm btn-primary" disabled={busy.value === d.id} onClick={() => void replay(d)}>
                    {busy.value === d.id ? 'Replaying…' : 'Replay'}
                  </button>
                ) : (
                  <span class="pill pill-ok">Replayed</span>
                )}
              </div>
              <p class="dl-error">{d.error}</p>
              <details>
                <summary>Payload</summary>
                <pre class="code">{typeof d.payload === 'string' ? d.payload : JSON.stringify(d.payload, null, 2)}</pre>
              </details>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

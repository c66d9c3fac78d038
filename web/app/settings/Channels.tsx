// Every channel Parley speaks, with what it can do and whether this workspace takes it: a disabled
// channel answers its webhooks with 403 and leaves the rail.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { disabledChannels } from '../state/session';
import { toast } from '../state/toast';
import { ChannelIcon } from '../ui/ChannelIcon';
// The server's own capability shape (type-only: nothing of the Worker is bundled).
import type { Capabilities } from '../../../worker/channels/types';

interface ChannelInfo {
  key: string;
  label: string;
  group: string;
  provider: string;
  capabilities: Capabilities;
  webhook: string | null;
  enabled: boolean;
  inboxes: number;
}

const CAPS: [keyof Capabilities, string][] = [
  ['outbound', 'Replies'],
  ['media', 'Media'],
  ['templates', 'Templates'],
  ['window24h', '24-hour window'],
  ['deliveryReceipts', 'Delivery receipts'],
  ['readReceipts', 'Read receipts'],
  ['segments', 'SMS segments'],
  ['publicReply', 'Public reply'],
];

export function Channels() {
  const items = useSignal<ChannelInfo[] | null>(null);
  const transport = useSignal('');
  const busy = useSignal('');
  useEffect(() => {
    api<{ transport: string; items: ChannelInfo[] }>('/channels')
      .then((r) => ((items.value = r.items), (transport.value = r.transport)))
      .catch((err) => toast(errorText(err), 'error'));
  }, []);

  async function toggle(ch: ChannelInfo) {
    busy.value = ch.key;
    try {
      await api(`/channels/${ch.key}`, { method: 'PATCH', json: { enabled: !ch.enabled } });
      items.value = items.value!.map((c) => (c.key === ch.key ? { ...c, enabled: !ch.enabled } : c));
      const next = new Set(disabledChannels.value);
      if (ch.enabled) next.add(ch.key);
      else next.delete(ch.key);
      disabledChannels.value = next;
      toast(`${ch.label} ${ch.enabled ? 'disabled' : 'enabled'}`, 'success');
    } catch (err) {
      toast(`Could not change ${ch.label}: ${errorText(err)}`, 'error');
    } finally {
      busy.value = '';
    }
  }

  return (
    <section class="settings-section">
      <header class="settings-head">
        <div>
          <h2>Channels</h2>
          <p class="muted">
            Which channels this workspace takes. A disabled channel refuses its webhooks and disappears from the inbox navigation.
            {transport.value === 'sandbox' ? ' Outbound messages are recorded by the sandbox transport, not sent.' : ''}
          </p>
        </div>
      </header>
      <div class="card table-card">
        <table class="table channels-table">
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">Capabilities</th>
              <th scope="col">Inboxes</th>
              <th scope="col">Enabled</th>
            </tr>
          </thead>
          <tbody>
            {(items.value ?? []).map((ch) => (
              <tr key={ch.key} class={ch.enabled ? '' : 'disabled'} data-channel={ch.key}>
                <td>
                  <span class="user-cell">
                    <ChannelIcon channel={ch.key} size={22} label={false} />
                    <span>
                      <strong>{ch.label}</strong>
                      <small class="muted block">{ch.provider}</small>
                    </span>
                  </span>
                </td>
                <td>
                  <span class="caps">
                    {CAPS.filter(([k]) => ch.capabilities[k]).map(([k, l]) => (
                      <span key={k} class="cap">
                        {l}
                      </span>
                    ))}
                    {ch.capabilities.maxTextLength ? <span class="cap">≤ {ch.capabilities.maxTextLength} chars</span> : null}
                  </span>
                </td>
                <td>{ch.inboxes}</td>
                <td>
                  <label class="switch">
                    <input type="checkbox" role="switch" checked={ch.enabled} disabled={busy.value === ch.key} aria-label={`${ch.label} enabled`} onChange={() => void toggle(ch)} />
                    <span class="switch-track" aria-hidden="true" />
                  </label>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {items.value === null ? <div class="sk sk-lines" /> : null}
      </div>
    </section>
  );
}

// Contact sidebar sections beyond the profile: the conversation summary (AI), the reservation or
// order this contact has with a booking or delivery platform, and contacts that look like the same
// person (merge or dismiss). Platform data is untrusted: it is shown as text only.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { channelLabel, contactName, relativeTime } from '../lib/format';
import type { Summary } from '../state/assistant';
import { me } from '../state/session';
import { toast } from '../state/toast';
import { Icon } from '../ui/Icon';

export function SummarySection({ conversationId }: { conversationId: string }) {
  const data = useSignal<Summary | null>(null);
  const busy = useSignal(false);
  useEffect(() => {
    data.value = null;
    api<Summary>(`/conversations/${conversationId}/summary`)
      .then((s) => (data.value = s))
      .catch(() => (data.value = { summary: null, followUps: [], at: null }));
  }, [conversationId]);

  async function summarize() {
    busy.value = true;
    try {
      data.value = await api<Summary>(`/conversations/${conversationId}/summary`, { method: 'POST' });
    } catch (err) {
      toast(`Could not summarize: ${errorText(err)}`, 'error');
    } finally {
      busy.value = false;
    }
  }

  const s = data.value;
  return (
    <section class="panel-section" aria-labelledby="summary-h">
      <div class="section-head">
        <h3 id="summary-h">Summary</h3>
        <button type="button" class="link" onClick={() => void summarize()} disabled={busy.value || !s}>
          {busy.value ? 'Summarizing…' : s?.summary ? 'Refresh' : 'Summarize'}
        </button>
      </div>
      {!s ? (
        <div class="sk sk-line" style={{ width: '80%' }} />
      ) : s.summary ? (
        <>
          <p class="summary-text">{s.summary}</p>
          {s.followUps.length ? (
            <>
              <h4 class="mini-head">Follow-ups</h4>
              <ul class="followups">
                {s.followUps.map((f) => (
                  <li key={f}>{f}</li>
                ))}
              </ul>
            </>
          ) : null}
          {s.at ? <p class="muted small">Updated {relativeTime(s.at)}</p> : null}
        </>
      ) : (
        <p class="muted">No summary yet.</p>
      )}
    </section>
  );
}

interface ContextItem {
  id: string;
  channel: string;
  kind: 'reservation' | 'order' | 'referral';
  reference: string;
  conversationId: string | null;
  data: Record<string, unknown>;
  updatedAt: number;
}

const str = (v: unknown): string | null => (v === null || v === undefined || v === '' ? null : typeof v === 'object' ? null : String(v));

function day(v: unknown): string | null {
  const s = str(v);
  if (!s) return null;
  const d = new Date(s);
  return Number.isNaN(d.getTime()) ? s : d.toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
}

function money(amount: unknown, currency: unknown): string | null {
  if (str(amount) === null) return null;
  const n = typeof amount === 'number' ? amount : Number(str(amount));
  if (!Number.isFinite(n)) return null;
  const cur = str(currency);
  try {
    return cur ? new Intl.NumberFormat(undefined, { style: 'currency', currency: cur }).format(n) : n.toFixed(2);
  } catch {
    return `${n.toFixed(2)} ${cur}`;
  }
}

function Prop({ label, value }: { label: string; value: string | null }) {
  return value ? (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  ) : null;
}

export function ContextSection({ contactId }: { contactId: string }) {
  const items = useSignal<ContextItem[] | null>(null);
  useEffect(() => {
    items.value = null;
    api<{ items: ContextItem[] }>(`/contacts/${contactId}/context`)
      .then((r) => (items.value = r.items))
      .catch(() => (items.value = []));
  }, [contactId]);
  const all = items.value;
  if (!all || all.length === 0) return null;
  const list = all.filter((x) => x.kind !== 'referral');
  const referrals = all.filter((x) => x.kind === 'referral');
  return (
    <>
      {referrals.length ? <ReferralSection items={referrals} /> : null}
      {list.length ? <BookingsSection list={list} /> : null}
    </>
  );
}

const REFERRAL_SOURCE: Record<string, string> = { ad: 'An ad', post: 'A post', link: 'A link', 'chat plugin': 'The chat plugin', campaign: 'A campaign', website: 'Another website' };

/** Where the customer came from: a Meta ad (WhatsApp, Messenger, Instagram) or a campaign/outside visit to the widget's page. */
function ReferralSection({ items }: { items: ContextItem[] }) {
  return (
    <section class="panel-section" aria-labelledby="ref-h">
      <h3 id="ref-h">Came from</h3>
      {items.slice(0, 3).map((x) => {
        const d = x.data;
        const utm = d.utm && typeof d.utm === 'object' ? (d.utm as Record<string, unknown>) : {};
        const campaign = [str(utm.campaign), [str(utm.source), str(utm.medium)].filter(Boolean).join(' / ') || null].filter(Boolean).join(' · ');
        return (
          <article key={x.id} class="ctx-card" aria-label={`Referral: ${REFERRAL_SOURCE[str(d.source) ?? ''] ?? 'a referral'}`}>
            <header class="ctx-head">
              <Icon name="globe" size={15} />
              <strong>{REFERRAL_SOURCE[str(d.source) ?? ''] ?? 'Referral'}</strong>
              <span class="muted">{channelLabel(x.channel)}</span>
            </header>
            <dl class="props">
              <Prop label="Ad" value={str(d.headline)} />
              <Prop label="Campaign" value={campaign || null} />
              <Prop label="Landed on" value={str(d.url)} />
              <Prop label="From" value={str(d.referrer)} />
              <Prop label="Reference" value={str(d.ref)} />
              <Prop label="When" value={relativeTime(x.updatedAt)} />
            </dl>
          </article>
        );
      })}
    </section>
  );
}

function BookingsSection({ list }: { list: ContextItem[] }) {
  return (
    <section class="panel-section" aria-labelledby="ctx-h">
      <h3 id="ctx-h">Bookings & orders</h3>
      {list.slice(0, 3).map((x) => {
        const d = x.data;
        const status = str(d.status);
        const orderItems = Array.isArray(d.items) ? (d.items as { name?: unknown; quantity?: unknown }[]) : [];
        const courier = d.courier && typeof d.courier === 'object' ? (d.courier as { name?: unknown; phone?: unknown }) : null;
        return (
          <article key={x.id} class="ctx-card" aria-label={`${x.kind === 'order' ? 'Order' : 'Reservation'} ${str(d.confirmationCode) ?? str(d.displayId) ?? x.reference}`}>
            <header class="ctx-head">
              <Icon name={x.kind === 'order' ? 'file' : 'key'} size={15} />
              <strong>{x.kind === 'order' ? 'Order' : 'Reservation'}</strong>
              <span class="muted">{channelLabel(x.channel)}</span>
              {status ? <span class="pill ctx-status">{status.replace(/_/g, ' ')}</span> : null}
            </header>
            <dl class="props">
              {x.kind === 'reservation' ? (
                <>
                  <Prop label="Listing" value={str(d.listing)} />
                  <Prop label="Code" value={str(d.confirmationCode) ?? x.reference} />
                  <Prop label="Check-in" value={day(d.checkIn)} />
                  <Prop label="Check-out" value={day(d.checkOut)} />
                  <Prop label="Guests" value={str(d.guests)} />
                  <Prop label="Amount" value={money(d.amount, d.currency)} />
                </>
              ) : (
                <>
                  <Prop label="Order" value={str(d.displayId) ?? x.reference} />
                  <Prop label="Items" value={orderItems.length ? orderItems.map((i) => `${str(i.quantity) ?? 1}× ${str(i.name) ?? 'item'}`).join(', ') : null} />
                  <Prop label="Total" value={money(d.total, d.currency)} />
                  <Prop label="Courier" value={courier ? [str(courier.name), str(courier.phone)].filter(Boolean).join(' · ') || null : null} />
                  <Prop label="ETA" value={str(d.eta) && !Number.isNaN(Date.parse(str(d.eta)!)) ? new Date(str(d.eta)!).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : str(d.eta)} />
                </>
              )}
            </dl>
          </article>
        );
      })}
    </section>
  );
}

interface MergeSuggestion {
  id: string;
  reason: string;
  value: string;
  candidate: { id: string; name: string | null; email: string | null; phone: string | null };
}

export function MergeSection({ contactId, onMerged }: { contactId: string; onMerged: () => void }) {
  const items = useSignal<MergeSuggestion[]>([]);
  const busy = useSignal('');
  useEffect(() => {
    items.value = [];
    api<{ items: MergeSuggestion[] }>(`/contacts/${contactId}/merge-suggestions`)
      .then((r) => (items.value = r.items))
      .catch(() => {});
  }, [contactId]);
  if (!items.value.length) return null;
  const canMerge = me.value?.user.role !== 'personal';

  async function merge(s: MergeSuggestion) {
    if (!confirm(`Merge ${contactName(s.candidate)} into this contact? Their conversations and channels move here.`)) return;
    busy.value = s.id;
    try {
      await api(`/contacts/${contactId}/merge`, { json: { sourceId: s.candidate.id } });
      items.value = items.value.filter((x) => x.id !== s.id);
      toast('Contacts merged', 'success');
      onMerged();
    } catch (err) {
      toast(`Could not merge: ${errorText(err)}`, 'error');
    } finally {
      busy.value = '';
    }
  }
  async function dismiss(s: MergeSuggestion) {
    busy.value = s.id;
    try {
      await api(`/contacts/${contactId}/merge-suggestions/${s.id}/dismiss`, { method: 'POST' });
      items.value = items.value.filter((x) => x.id !== s.id);
    } catch (err) {
      toast(`Could not dismiss: ${errorText(err)}`, 'error');
    } finally {
      busy.value = '';
    }
  }

  return (
    <section class="panel-section merge-section" aria-labelledby="merge-h">
      <h3 id="merge-h">Possible duplicates</h3>
      <ul class="merge-list">
        {items.value.map((s) => (
          <li key={s.id}>
            <span class="merge-who">
              <strong>{contactName(s.candidate)}</strong>
              <small class="muted">
                Same {s.reason === 'phone' ? 'phone' : s.reason === 'email' ? 'e-mail' : s.reason}: {s.value}
              </small>
            </span>
            <span class="merge-actions">
              {canMerge ? (
                <button type="button" class="btn btn-sm" disabled={busy.value === s.id} onClick={() => void merge(s)}>
                  Merge
                </button>
              ) : null}
              <button type="button" class="btn-icon tiny" aria-label={`Dismiss the suggestion to merge ${contactName(s.candidate)}`} disabled={busy.value === s.id} onClick={() => void dismiss(s)}>
                <Icon name="x" size={12} />
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}

// /inbox/messaging/sla (managers): SLA policies in priority order (first enabled match wins; drag or
// arrow keys to reorder), each with its conditions, targets, business hours, paused states and
// warning threshold, edited in a dialog at /inbox/messaging/sla/:id (or /new); below them the
// workspace's auto-status rules (pending, auto-close, archive, auto-priority).
import { signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { channelLabel, PRIORITY_LABEL } from '../lib/format';
import { navigate } from '../lib/router';
import type { AutoStatusSettings, Priority, SlaPolicy, SlaTarget } from '../lib/types';
import { channels, inboxes, teams } from '../state/session';
import { toast } from '../state/toast';
import { Icon } from '../ui/Icon';
import { Modal } from '../ui/Modal';
import { shortDuration, TARGET_LABEL } from './sla/countdown';
import { FormActions, runBusy } from '../ui/form';
import { CheckPills, deleteRule, DurationField, fieldError, FormErrors, ListInput, ManagersOnly, PageFrame, RuleList, RuleRow, saveEnabled } from './sla/parts';

const BASE = '/inbox/messaging/sla';
const PRIORITIES: Priority[] = ['urgent', 'high', 'normal', 'low'];
const TARGETS: SlaTarget[] = ['firstResponse', 'nextResponse', 'resolution'];

const policies = signal<SlaPolicy[] | null>(null);
const loadError = signal('');

async function loadPolicies(): Promise<void> {
  try {
    policies.value = (await api<{ items: SlaPolicy[] }>('/sla/policies')).items;
    loadError.value = '';
  } catch (err) {
    loadError.value = errorText(err);
  }
}

export function SlaPage({ id }: { id: string | null }) {
  useEffect(() => {
    void loadPolicies();
  }, []);
  const list = policies.value;
  const editing = id ? (id === 'new' ? 'new' : (list?.find((p) => p.id === id) ?? null)) : null;
  return (
    <PageFrame
      id="sla"
      title="SLA policies"
      intro="Response and resolution targets. The first enabled policy whose conditions match a conversation applies; its countdown shows on the conversation and breaches start escalation paths."
      actions={
        <ManagersOnly what="SLA policies">
          <a class="btn btn-primary" href={`${BASE}/new`}>
            <Icon name="plus" size={16} /> New policy
          </a>
        </ManagersOnly>
      }
    >
      <ManagersOnly what="SLA policies">
        {loadError.value ? (
          <p class="form-error" role="alert">
            Could not load the policies: {loadError.value}{' '}
            <button type="button" class="link" onClick={() => void loadPolicies()}>
              Try again
            </button>
          </p>
        ) : (
          <RuleList
            store={policies}
            label="SLA policies, first match wins"
            orderUrl="/sla/policies/order"
            emptyIcon="clock"
            empty="No SLA policies yet. Conversations have no deadlines until you add one."
            render={(p) => <PolicyRow p={p} />}
          />
        )}
        {id && editing === null && list !== null ? (
          <p class="form-error" role="alert">
            There is no policy “{id}”.
          </p>
        ) : null}
        {editing ? <PolicyEditor key={id} policy={editing === 'new' ? null : editing} onClose={() => navigate(BASE)} /> : null}
        <AutoStatus />
      </ManagersOnly>
    </PageFrame>
  );
}

export function targetsSummary(p: SlaPolicy): string {
  const parts = TARGETS.filter((t) => p.targets[t] != null).map((t) => `${TARGET_LABEL[t]} ${shortDuration(p.targets[t]!, false)}`);
  return parts.join(' · ') || 'No targets';
}

function conditionsSummary(p: SlaPolicy): string {
  const c = p.conditions;
  const parts: string[] = [];
  if (c.priorities.length) parts.push(c.priorities.map((x) => PRIORITY_LABEL[x]).join('/'));
  if (c.channels.length) parts.push(c.channels.map(channelLabel).join('/'));
  if (c.inboxIds.length) parts.push(c.inboxIds.map((x) => inboxes.value.find((i) => i.id === x)?.name ?? 'inbox').join('/'));
  if (c.teamIds.length) parts.push(c.teamIds.map((x) => teams.value.find((t) => t.id === x)?.name ?? 'team').join('/'));
  if (c.contactTags.length) parts.push(`tags ${c.contactTags.join('/')}`);
  return parts.length ? parts.join(' · ') : 'All conversations';
}

function PolicyRow({ p }: { p: SlaPolicy }) {
  const url = `/sla/policies/${p.id}`;
  return (
    <RuleRow
      rule={p}
      href={`${BASE}/${encodeURIComponent(p.id)}`}
      onToggle={(on) => void saveEnabled(policies, p, on, url, loadPolicies, true)}
      onDelete={() => void deleteRule({ question: `Delete the SLA policy “${p.name}”? Conversations it covers get the next matching policy.`, url, done: 'Policy deleted', reload: loadPolicies })}
    >
      <span class="mx-row-sub">{targetsSummary(p)}</span>
      <span class="mx-row-sub muted">
        {conditionsSummary(p)} · {p.businessHours ? 'business hours' : '24/7'} · warn at {p.warningPct}%
        {p.countPending ? '' : ' · pauses when pending'}
      </span>
    </RuleRow>
  );
}

type Draft = Omit<SlaPolicy, 'id' | 'position'>;

function blank(): Draft {
  return {
    name: '',
    enabled: true,
    conditions: { priorities: [], channels: [], inboxIds: [], teamIds: [], contactTags: [] },
    targets: { firstResponse: 3_600_000, nextResponse: null, resolution: null },
    businessHours: true,
    countPending: false,
    countSnoozed: false,
    warningPct: 75,
  };
}

function PolicyEditor({ policy, onClose }: { policy: SlaPolicy | null; onClose: () => void }) {
  const draft = useSignal<Draft>(policy ? structuredClone({ ...policy }) : blank());
  const error = useSignal<unknown>(null);
  const busy = useSignal(false);
  const d = draft.value;
  const set = (patch: Partial<Draft>) => (draft.value = { ...draft.value, ...patch });
  const setCond = (patch: Partial<Draft['conditions']>) => set({ conditions: { ...d.conditions, ...patch } });
  const badTarget = TARGETS.find((t) => Number.isNaN(d.targets[t]));
  return (
    <Modal title={policy ? `Edit “${policy.name}”` : 'New SLA policy'} onClose={onClose} wide>
      <form
        class="form mx-editor"
        onSubmit={(e) => {
          e.preventDefault();
          if (badTarget) return;
          const body = { name: d.name, enabled: d.enabled, conditions: d.conditions, targets: d.targets, businessHours: d.businessHours, countPending: d.countPending, countSnoozed: d.countSnoozed, warningPct: d.warningPct };
          return runBusy(busy, error, async () => {
            if (policy) await api(`/sla/policies/${policy.id}`, { method: 'PATCH', json: body });
            else await api('/sla/policies', { json: body });
            toast(policy ? 'Policy saved' : `Policy “${d.name}” created`, 'success');
            await loadPolicies();
            onClose();
          });
        }}
      >
        <label class="field">
          <span>Name</span>
          <input id="sla-name" value={d.name} required maxLength={120} onInput={(e) => set({ name: e.currentTarget.value })} aria-invalid={!!fieldError(error.value, 'name')} />
        </label>
        <fieldset class="fieldset">
          <legend>Targets</legend>
          <p class="muted small">Leave a target empty for none. Counted in business time when business hours are on.</p>
          <div class="mx-targets">
            {TARGETS.map((t) => (
              <DurationField
                key={t}
                id={`sla-target-${t}`}
                label={TARGET_LABEL[t]}
                ms={d.targets[t]}
                onChange={(ms) => set({ targets: { ...d.targets, [t]: ms } })}
                error={Number.isNaN(d.targets[t]) ? 'Enter a positive number' : fieldError(error.value, `targets.${t}`)}
              />
            ))}
          </div>
          {fieldError(error.value, 'targets') ? <p class="form-error">{fieldError(error.value, 'targets')}</p> : null}
        </fieldset>
        <fieldset class="fieldset">
          <legend>Applies to</legend>
          <p class="muted small">Every group you fill in must match; an empty group matches everything.</p>
          <CheckPills legend="Priorities" options={PRIORITIES.map((p): [Priority, string] => [p, PRIORITY_LABEL[p]])} value={d.conditions.priorities} onChange={(v) => setCond({ priorities: v })} />
          <CheckPills legend="Channels" options={channels.value.map((c): [string, string] => [c, channelLabel(c)])} value={d.conditions.channels} onChange={(v) => setCond({ channels: v })} />
          <CheckPills legend="Inboxes" options={inboxes.value.map((i): [string, string] => [i.id, i.name])} value={d.conditions.inboxIds} onChange={(v) => setCond({ inboxIds: v })} />
          <CheckPills legend="Teams" options={teams.value.map((t): [string, string] => [t.id, t.name])} value={d.conditions.teamIds} onChange={(v) => setCond({ teamIds: v })} />
          <ListInput id="sla-tags" label="Contact tags (any of)" value={d.conditions.contactTags} onChange={(v) => setCond({ contactTags: v })} placeholder="vip, enterprise" hint="Comma-separated; the contact needs at least one." />
        </fieldset>
        <fieldset class="fieldset">
          <legend>Clock</legend>
          <label class="check-field">
            <input type="checkbox" checked={d.businessHours} onChange={(e) => set({ businessHours: e.currentTarget.checked })} /> Business hours only (the team’s calendar if it has one, else the workspace’s)
          </label>
          <label class="check-field">
            <input type="checkbox" checked={d.countPending} onChange={(e) => set({ countPending: e.currentTarget.checked })} /> Count time while pending (waiting on the customer)
          </label>
          <label class="check-field">
            <input type="checkbox" checked={d.countSnoozed} onChange={(e) => set({ countSnoozed: e.currentTarget.checked })} /> Count time while snoozed
          </label>
          <label class="field mx-narrow">
            <span>Warn at (% of the target)</span>
            <input id="sla-warning" type="number" min={1} max={99} step={1} value={d.warningPct} onInput={(e) => set({ warningPct: Number(e.currentTarget.value) })} aria-invalid={!!fieldError(error.value, 'warningPct')} />
          </label>
          <label class="check-field">
            <input type="checkbox" checked={d.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} /> Enabled
          </label>
        </fieldset>
        <FormErrors error={error.value} />
        <FormActions onCancel={onClose} disabled={busy.value || !!badTarget}>
          {policy ? 'Save policy' : 'Create policy'}
        </FormActions>
      </form>
    </Modal>
  );
}

// ---- Auto-status ----

function AutoStatus() {
  const settings = useSignal<AutoStatusSettings | null>(null);
  const error = useSignal<unknown>(null);
  const busy = useSignal(false);
  const version = useSignal(0);
  useEffect(() => {
    api<AutoStatusSettings>('/automation/settings')
      .then((s) => {
        settings.value = s;
        version.value++;
      })
      .catch((err) => (error.value = err));
  }, []);
  const s = settings.value;
  const set = (patch: Partial<AutoStatusSettings>) => (settings.value = { ...settings.value!, ...patch });
  const invalid = s ? [s.pendingAfterMs, s.autoCloseAfterMs, s.archiveAfterMs].some((x) => Number.isNaN(x)) : false;
  return (
    <section class="card mx-section" aria-labelledby="auto-status-title">
      <h2 id="auto-status-title">Auto-status</h2>
      <p class="muted">Moves conversations along when nobody does: to pending, closed and archived after a while, and raises priority on urgent or VIP messages.</p>
      {!s ? (
        error.value ? <FormErrors error={error.value} /> : <p class="muted">Loading…</p>
      ) : (
        <form
          key={version.value}
          class="form"
          onSubmit={(e) => {
            e.preventDefault();
            return runBusy(busy, error, async () => {
              settings.value = await api<AutoStatusSettings>('/automation/settings', { method: 'PUT', json: s });
              toast('Auto-status saved', 'success');
            });
          }}
        >
          <div class="mx-targets">
            <DurationField id="auto-pending" label="Open → pending after (no customer reply)" ms={s.pendingAfterMs} units={['minutes', 'hours', 'days']} onChange={(ms) => set({ pendingAfterMs: ms })} error={fieldError(error.value, 'pendingAfterMs')} />
            <DurationField id="auto-close" label="Pending → closed after" ms={s.autoCloseAfterMs} units={['minutes', 'hours', 'days']} onChange={(ms) => set({ autoCloseAfterMs: ms })} error={fieldError(error.value, 'autoCloseAfterMs')} />
            <DurationField id="auto-archive" label="Closed → archived after" ms={s.archiveAfterMs} units={['minutes', 'hours', 'days']} onChange={(ms) => set({ archiveAfterMs: ms })} error={fieldError(error.value, 'archiveAfterMs')} />
          </div>
          <label class="field">
            <span>Message sent when auto-closing (optional)</span>
            <textarea rows={2} value={s.autoCloseMessage ?? ''} onInput={(e) => set({ autoCloseMessage: e.currentTarget.value || null })} placeholder="We haven’t heard back, so we’re closing this for now. Just reply to reopen it." />
          </label>
          <label class="check-field">
            <input type="checkbox" checked={s.autoPriority.enabled} onChange={(e) => set({ autoPriority: { ...s.autoPriority, enabled: e.currentTarget.checked } })} /> Auto-prioritize from urgency words, sentiment and VIP tags (never lowers)
          </label>
          <ListInput id="auto-vip" label="VIP contact tags" value={s.autoPriority.vipTags} onChange={(v) => set({ autoPriority: { ...s.autoPriority, vipTags: v } })} placeholder="vip" />
          <p class="muted small">Leave a time empty to switch that rule off. Archived conversations stay searchable and reopen on a new message.</p>
          <FormErrors error={error.value} />
          <FormActions disabled={busy.value || invalid}>Save auto-status</FormActions>
        </form>
      )}
    </section>
  );
}

// /inbox/messaging/ai-alerts (managers): AI alert rules in order (AND/OR conditions over sentiment,
// sentiment shift, keywords, VIP tags, SLA state, channel, priority; actions flag, notify, escalate,
// set priority), a "try it" box that runs sample messages through the sentiment analyzer and the
// rules (POST /api/ai-alerts/test), and the alerts that fired recently.
import { signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { channelLabel, fullDateTime, PRIORITY_LABEL, relativeTime } from '../lib/format';
import type { AlertAction, AlertCondition, AlertRule, EscalationPath, Priority } from '../lib/types';
import { channels } from '../state/session';
import { toast } from '../state/toast';
import { Icon } from '../ui/Icon';
import { Modal } from '../ui/Modal';
import { FormActions, Loading, Options, runBusy } from '../ui/form';
import { ActionBox, AddSelect, CheckPills, defaultRecipients, deleteRule, fieldError, FormErrors, ListInput, ManagersOnly, PageFrame, RecipientsFields, RuleList, RuleRow, saveEnabled } from './sla/parts';

const PRIORITIES: Priority[] = ['urgent', 'high', 'normal', 'low'];
type CondType = AlertCondition['type'];
type ActType = AlertAction['type'];
const COND_LABEL: Record<CondType, string> = {
  sentiment_below: 'Sentiment below',
  sentiment_shift: 'Sentiment shift',
  keywords: 'Keywords or phrases',
  vip: 'VIP contact',
  sla: 'SLA state',
  channel: 'Channel',
  priority: 'Priority',
};
const ACT_LABEL: Record<ActType, string> = { flag: 'Flag the conversation', notify: 'Notify', escalate: 'Escalate', set_priority: 'Set priority' };

function newCondition(type: CondType): AlertCondition {
  switch (type) {
    case 'sentiment_below':
      return { type, maxScore: -0.5 };
    case 'sentiment_shift':
      return { type, fromMin: 0.2, toMax: -0.3, window: 3 };
    case 'keywords':
      return { type, any: [] };
    case 'vip':
      return { type, tags: ['vip'] };
    case 'sla':
      return { type, status: 'warning' };
    case 'channel':
      return { type, in: [] };
    case 'priority':
      return { type, in: ['urgent', 'high'] };
  }
}

function newAction(type: ActType): AlertAction {
  switch (type) {
    case 'flag':
      return { type };
    case 'notify':
      return { type, recipients: defaultRecipients() };
    case 'escalate':
      return { type };
    case 'set_priority':
      return { type, priority: 'high' };
  }
}

export function conditionText(c: AlertCondition): string {
  switch (c.type) {
    case 'sentiment_below':
      return `sentiment ≤ ${c.maxScore}`;
    case 'sentiment_shift':
      return `sentiment from ≥ ${c.fromMin} to ≤ ${c.toMax} over ${c.window} messages`;
    case 'keywords':
      return `mentions ${c.any.map((k) => `“${k}”`).join(' or ') || '…'}`;
    case 'vip':
      return `VIP (${c.tags.join(', ')})`;
    case 'sla':
      return `SLA ${c.status}`;
    case 'channel':
      return `on ${c.in.map(channelLabel).join('/') || '…'}`;
    case 'priority':
      return `priority ${c.in.map((p) => PRIORITY_LABEL[p]).join('/') || '…'}`;
  }
}

function actionText(a: AlertAction): string {
  switch (a.type) {
    case 'flag':
      return 'flag';
    case 'notify':
      return 'notify';
    case 'escalate':
      return 'escalate';
    case 'set_priority':
      return `priority → ${PRIORITY_LABEL[a.priority]}`;
  }
}

interface FiredAlert {
  id: string;
  conversationId: string;
  ruleId: string;
  ruleName: string;
  reasons: string[];
  sentiment: number | null;
  createdAt: number;
}
interface TestResult {
  sentiment: { score: number; label: string; confidence: number; language: string | null }[];
  hits: { ruleId: string; ruleName: string; reasons: string[] }[];
  priority?: { priority: Priority; reasons: string[] } | Priority | null;
}

const rules = signal<AlertRule[] | null>(null);
const escalationPaths = signal<EscalationPath[]>([]);
async function loadRules(): Promise<void> {
  try {
    rules.value = (await api<{ items: AlertRule[] }>('/ai-alerts/rules')).items;
  } catch (err) {
    toast(`Could not load the alert rules: ${errorText(err)}`, 'error');
    rules.value = rules.value ?? [];
  }
}

export function AiAlertsPage(_props: { id: string | null }) {
  const editing = useSignal<AlertRule | 'new' | null>(null);
  useEffect(() => {
    void loadRules();
    api<{ items: EscalationPath[] }>('/escalations/paths')
      .then((r) => (escalationPaths.value = r.items))
      .catch(() => {});
  }, []);
  return (
    <PageFrame
      id="ai-alerts"
      title="AI alerts"
      intro="Rules over each new customer message: its sentiment (and how it shifted), words and phrases, VIP contacts, SLA state, channel and priority. When a rule matches, it flags, notifies, escalates or sets the priority."
      actions={
        <ManagersOnly what="AI alert rules">
          <button type="button" class="btn btn-primary" onClick={() => (editing.value = 'new')}>
            <Icon name="plus" size={16} /> New rule
          </button>
        </ManagersOnly>
      }
    >
      <ManagersOnly what="AI alert rules">
        <RuleList
          store={rules}
          label="AI alert rules"
          orderUrl="/ai-alerts/rules/order"
          emptyIcon="sparkle"
          empty="No alert rules yet."
          render={(r) => (
            <RuleRow
              rule={r}
              onOpen={() => (editing.value = r)}
              onToggle={(on) => void saveEnabled(rules, r, on, `/ai-alerts/rules/${r.id}`, loadRules)}
              onDelete={() => void deleteRule({ question: `Delete the alert rule “${r.name}”?`, url: `/ai-alerts/rules/${r.id}`, done: 'Rule deleted', reload: loadRules })}
            >
              <span class="mx-row-sub">When {r.conditions.map(conditionText).join(r.op === 'and' ? ' and ' : ' or ')}</span>
              <span class="mx-row-sub muted">Then {r.actions.map(actionText).join(', ')}</span>
            </RuleRow>
          )}
        />
        {editing.value ? <RuleEditor rule={editing.value === 'new' ? null : editing.value} onClose={() => (editing.value = null)} /> : null}
        <RecentAlerts />
      </ManagersOnly>
    </PageFrame>
  );
}

type Draft = Omit<AlertRule, 'id' | 'position'>;

function RuleEditor({ rule, onClose }: { rule: AlertRule | null; onClose: () => void }) {
  const draft = useSignal<Draft>(
    rule
      ? structuredClone({ name: rule.name, enabled: rule.enabled, op: rule.op, conditions: rule.conditions, actions: rule.actions })
      : { name: '', enabled: true, op: 'and', conditions: [newCondition('sentiment_below')], actions: [newAction('flag')] },
  );
  const error = useSignal<unknown>(null);
  const busy = useSignal(false);
  const d = draft.value;
  const set = (patch: Partial<Draft>) => (draft.value = { ...draft.value, ...patch });
  const setCond = (i: number, c: AlertCondition) => set({ conditions: d.conditions.map((x, j) => (j === i ? c : x)) });
  const setAct = (i: number, a: AlertAction) => set({ actions: d.actions.map((x, j) => (j === i ? a : x)) });
  return (
    <Modal title={rule ? `Edit “${rule.name}”` : 'New AI alert rule'} onClose={onClose} wide>
      <div class="mx-rule-layout">
        <form
          class="form mx-editor"
          onSubmit={(e) => {
            e.preventDefault();
            return runBusy(busy, error, async () => {
              if (rule) await api(`/ai-alerts/rules/${rule.id}`, { method: 'PATCH', json: d });
              else await api('/ai-alerts/rules', { json: d });
              toast(rule ? 'Rule saved' : `Rule “${d.name}” created`, 'success');
              await loadRules();
              onClose();
            });
          }}
        >
          <label class="field">
            <span>Name</span>
            <input id="rule-name" value={d.name} required maxLength={120} onInput={(e) => set({ name: e.currentTarget.value })} aria-invalid={!!fieldError(error.value, 'name')} />
          </label>
          <fieldset class="fieldset">
            <legend>Conditions</legend>
            <div class="mx-op" role="radiogroup" aria-label="Match">
              <label class="check-field">
                <input type="radio" name="rule-op" checked={d.op === 'and'} onChange={() => set({ op: 'and' })} /> All of these (AND)
              </label>
              <label class="check-field">
                <input type="radio" name="rule-op" checked={d.op === 'or'} onChange={() => set({ op: 'or' })} /> Any of these (OR)
              </label>
            </div>
            <ul class="mx-actions" aria-label="Conditions">
              {d.conditions.map((c, i) => (
                <li key={i} class="mx-action">
                  <ActionBox kind="condition" label={COND_LABEL[c.type]} onRemove={() => set({ conditions: d.conditions.filter((_, j) => j !== i) })}>
                    <ConditionEditor id={`c${i}`} c={c} onChange={(nc) => setCond(i, nc)} />
                  </ActionBox>
                </li>
              ))}
            </ul>
            <AddSelect label="Add a condition" prompt="+ Add condition…" labels={COND_LABEL} onAdd={(t) => set({ conditions: [...d.conditions, newCondition(t)] })} />
          </fieldset>
          <fieldset class="fieldset">
            <legend>Actions</legend>
            <ul class="mx-actions" aria-label="Actions">
              {d.actions.map((a, i) => (
                <li key={i} class="mx-action">
                  <ActionBox kind="action" label={ACT_LABEL[a.type]} onRemove={() => set({ actions: d.actions.filter((_, j) => j !== i) })}>
                    <ActionEditor a={a} onChange={(na) => setAct(i, na)} />
                  </ActionBox>
                </li>
              ))}
            </ul>
            <AddSelect label="Add an action" prompt="+ Add action…" labels={ACT_LABEL} onAdd={(t) => set({ actions: [...d.actions, newAction(t)] })} />
          </fieldset>
          <label class="check-field">
            <input type="checkbox" checked={d.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} /> Enabled
          </label>
          <FormErrors error={error.value} />
          <FormActions onCancel={onClose} disabled={busy.value}>
            {rule ? 'Save rule' : 'Create rule'}
          </FormActions>
        </form>
        <TryIt rule={d} />
      </div>
    </Modal>
  );
}

function ScoreField({ id, label, value, onChange }: { id: string; label: string; value: number; onChange: (v: number) => void }) {
  return (
    <label class="field mx-narrow">
      <span>{label}</span>
      <input id={id} type="number" min={-1} max={1} step={0.05} value={value} onInput={(e) => onChange(Number(e.currentTarget.value))} />
    </label>
  );
}

function ConditionEditor({ id, c, onChange }: { id: string; c: AlertCondition; onChange: (c: AlertCondition) => void }) {
  switch (c.type) {
    case 'sentiment_below':
      return <ScoreField id={`${id}-max`} label="Score at or below (−1 very negative … +1 very positive)" value={c.maxScore} onChange={(v) => onChange({ ...c, maxScore: v })} />;
    case 'sentiment_shift':
      return (
        <div class="mx-inline">
          <ScoreField id={`${id}-from`} label="From at least" value={c.fromMin} onChange={(v) => onChange({ ...c, fromMin: v })} />
          <ScoreField id={`${id}-to`} label="To at most" value={c.toMax} onChange={(v) => onChange({ ...c, toMax: v })} />
          <label class="field mx-narrow">
            <span>Across the last messages</span>
            <input type="number" min={2} max={20} step={1} value={c.window} onInput={(e) => onChange({ ...c, window: Number(e.currentTarget.value) })} />
          </label>
        </div>
      );
    case 'keywords':
      return <ListInput id={`${id}-kw`} label="Any of (comma-separated)" value={c.any} onChange={(v) => onChange({ ...c, any: v })} placeholder="refund, lawyer, cancel my booking" hint="Whole words, any case or accents, across channels." />;
    case 'vip':
      return <ListInput id={`${id}-vip`} label="Contact tags" value={c.tags} onChange={(v) => onChange({ ...c, tags: v })} placeholder="vip" />;
    case 'sla':
      return (
        <label class="field mx-narrow">
          <span>Status</span>
          <select value={c.status} onChange={(e) => onChange({ ...c, status: e.currentTarget.value as 'warning' | 'breached' })}>
            <option value="warning">Warning (pre-breach)</option>
            <option value="breached">Breached</option>
          </select>
        </label>
      );
    case 'channel':
      return <CheckPills legend="Channels" options={channels.value.map((x): [string, string] => [x, channelLabel(x)])} value={c.in} onChange={(v) => onChange({ ...c, in: v })} />;
    case 'priority':
      return <CheckPills legend="Priorities" options={PRIORITIES.map((p): [Priority, string] => [p, PRIORITY_LABEL[p]])} value={c.in} onChange={(v) => onChange({ ...c, in: v })} />;
  }
}

function ActionEditor({ a, onChange }: { a: AlertAction; onChange: (a: AlertAction) => void }) {
  switch (a.type) {
    case 'flag':
      return <p class="muted small">Marks the conversation until an agent clears the flag.</p>;
    case 'notify':
      return (
        <div class="mx-notify">
          <RecipientsFields value={a.recipients} onChange={(recipients) => onChange({ ...a, recipients })} />
        </div>
      );
    case 'escalate':
      return (
        <label class="field">
          <span>Path</span>
          <select value={a.pathId ?? ''} onChange={(e) => onChange(e.currentTarget.value ? { type: 'escalate', pathId: e.currentTarget.value } : { type: 'escalate' })}>
            <option value="">First matching path for AI alerts</option>
            <Options of={escalationPaths.value} value={(p) => p.id} label={(p) => p.name} />
          </select>
        </label>
      );
    case 'set_priority':
      return (
        <label class="field mx-narrow">
          <span>Priority</span>
          <select value={a.priority} onChange={(e) => onChange({ ...a, priority: e.currentTarget.value as Priority })}>
            <Options of={PRIORITIES} label={(p) => PRIORITY_LABEL[p]} />
          </select>
        </label>
      );
  }
}

function sentimentWord(score: number): string {
  return score <= -0.5 ? 'very negative' : score < -0.1 ? 'negative' : score >= 0.5 ? 'very positive' : score > 0.1 ? 'positive' : 'neutral';
}

/** Sample customer messages (one per line, oldest first) through the analyzer and this draft rule. */
function TryIt({ rule }: { rule: Draft }) {
  const text = useSignal('Hi, the check-in was great, thanks!\nBut now the heating is broken and nobody answers.\nThis is unacceptable, I want a refund.');
  const channel = useSignal(channels.value[0] ?? 'webchat');
  const priority = useSignal<Priority>('normal');
  const tags = useSignal<string[]>([]);
  const sla = useSignal('');
  const result = useSignal<TestResult | null>(null);
  const error = useSignal<unknown>(null);
  const busy = useSignal(false);
  const lines = text.value.split('\n').map((l) => l.trim()).filter(Boolean);
  return (
    <section class="mx-try card" aria-labelledby="try-title">
      <h3 id="try-title">Try it</h3>
      <form
        class="form compact"
        onSubmit={(e) => {
          e.preventDefault();
          const body = { rule: { ...rule, name: rule.name.trim() || 'Draft rule' }, messages: lines, channel: channel.value, priority: priority.value, contactTags: tags.value, slaStatus: sla.value || null };
          return runBusy(
            busy,
            error,
            async () => (result.value = await api<TestResult>('/ai-alerts/test', { json: body })),
            (err) => {
              result.value = null;
              return err;
            },
          );
        }}
      >
        <label class="field">
          <span>Customer messages, one per line (oldest first)</span>
          <textarea id="try-messages" rows={5} value={text.value} onInput={(e) => (text.value = e.currentTarget.value)} />
        </label>
        <div class="mx-inline">
          <label class="field">
            <span>Channel</span>
            <select value={channel.value} onChange={(e) => (channel.value = e.currentTarget.value)}>
              <Options of={channels.value.length ? channels.value : ['webchat']} label={channelLabel} />
            </select>
          </label>
          <label class="field">
            <span>Priority</span>
            <select value={priority.value} onChange={(e) => (priority.value = e.currentTarget.value as Priority)}>
              <Options of={PRIORITIES} label={(p) => PRIORITY_LABEL[p]} />
            </select>
          </label>
          <label class="field">
            <span>SLA</span>
            <select value={sla.value} onChange={(e) => (sla.value = e.currentTarget.value)}>
              <option value="">No SLA</option>
              <option value="ok">On track</option>
              <option value="warning">Warning</option>
              <option value="breached">Breached</option>
            </select>
          </label>
        </div>
        <ListInput id="try-tags" label="Contact tags" value={tags.value} onChange={(v) => (tags.value = v)} placeholder="vip" />
        <FormActions submitClass="btn btn-sm" disabled={busy.value || lines.length === 0}>
          <Icon name="sparkle" size={14} /> Try it
        </FormActions>
      </form>
      <FormErrors error={error.value} />
      <div aria-live="polite" class="mx-try-result">
        {result.value ? (
          <>
            <ol class="mx-sentiments" aria-label="Sentiment per message">
              {lines.map((l, i) => {
                // Only the last few messages are analyzed (what a conversation's alerts see).
                const s = result.value!.sentiment[i - (lines.length - result.value!.sentiment.length)];
                return (
                  <li key={i}>
                    <span class="mx-msg">{l}</span>
                    {s ? (
                      <span class={`mx-score ${s.score <= -0.1 ? 'neg' : s.score >= 0.1 ? 'pos' : 'neu'}`}>
                        {s.score.toFixed(2)} · {sentimentWord(s.score)}
                        {s.language ? ` · ${s.language}` : ''}
                      </span>
                    ) : (
                      <span class="mx-score neu">not evaluated (only the last {result.value!.sentiment.length} count)</span>
                    )}
                  </li>
                );
              })}
            </ol>
            {result.value.hits.length ? (
              <ul class="mx-hits" aria-label="Rules that fire">
                {result.value.hits.map((h) => (
                  <li key={h.ruleId}>
                    <strong>{h.ruleName || rule.name || 'This rule'}</strong> fires: {h.reasons.join('; ')}
                  </li>
                ))}
              </ul>
            ) : (
              <p class="muted mx-hits-none">No rule fires on these messages.</p>
            )}
            {result.value.priority ? <p class="muted small">Auto-priority: {typeof result.value.priority === 'string' ? PRIORITY_LABEL[result.value.priority] : `${PRIORITY_LABEL[result.value.priority.priority]} (${result.value.priority.reasons.join('; ')})`}</p> : null}
          </>
        ) : null}
      </div>
    </section>
  );
}

function RecentAlerts() {
  const items = useSignal<FiredAlert[] | null>(null);
  const error = useSignal('');
  useEffect(() => {
    api<{ items: FiredAlert[] }>('/ai-alerts')
      .then((r) => (items.value = r.items))
      .catch((err) => (error.value = errorText(err)));
  }, []);
  return (
    <section class="card mx-section" aria-labelledby="recent-alerts-title">
      <h2 id="recent-alerts-title">Recently fired</h2>
      {error.value ? (
        <p class="form-error">{error.value}</p>
      ) : items.value === null ? (
        <Loading />
      ) : items.value.length === 0 ? (
        <p class="muted">No alerts have fired yet.</p>
      ) : (
        <ul class="mx-fired">
          {items.value.map((a) => (
            <li key={a.id}>
              <a href={`/inbox/conversations/${encodeURIComponent(a.conversationId)}`}>{a.ruleName}</a>
              <span class="muted"> — {a.reasons.join('; ')}</span>
              {a.sentiment != null ? <span class="muted"> · sentiment {a.sentiment.toFixed(2)}</span> : null}
              <time class="muted" dateTime={new Date(a.createdAt).toISOString()} title={fullDateTime(a.createdAt)}>
                {' '}
                · {relativeTime(a.createdAt)}
              </time>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

// Form pieces of the routing page: comma-list inputs, the (nested) condition editor, the actions
// editor, and the rule tester (POST /api/routing/test) that runs draft rules before they are saved.
import { useSignal } from '@preact/signals';
import { api, errorText } from '../../lib/api';
import { channelLabel } from '../../lib/format';
import { inboxes, teams } from '../../state/session';
import { ErrorLine, FormActions, Options, runBusyText } from '../../ui/form';
import { Icon } from '../../ui/Icon';
import { PillChecks } from '../sla/parts';
import { blankCondition, CONDITION_LABEL, describeTest, MODE_LABEL, PRIORITIES, splitList, type AssignmentMode, type Priority, type RuleActions, type RuleCondition, type TestResult } from './logic';

/** A comma-separated list; keeps what is typed (trailing commas included) and reports the parsed list. */
export function ListInput({ label, values, onChange, placeholder, hint }: { label: string; values: string[]; onChange: (v: string[]) => void; placeholder?: string; hint?: string }) {
  const raw = useSignal(values.join(', '));
  // Outside changes (a reset) win over what was typed.
  if (splitList(raw.value).join('\u0000') !== values.join('\u0000') && document.activeElement?.getAttribute('data-list') !== label) raw.value = values.join(', ');
  return (
    <label class="field">
      <span>{label}</span>
      <input
        data-list={label}
        value={raw.value}
        placeholder={placeholder}
        onInput={(e) => {
          raw.value = e.currentTarget.value;
          onChange(splitList(raw.value));
        }}
      />
      {hint ? <small class="muted">{hint}</small> : null}
    </label>
  );
}

/** The teams as `<option>`s (value: the team's id). */
export function TeamOptions() {
  return <Options of={teams.value} value={(t) => t.id} label={(t) => t.name} />;
}

/** The assignment modes as `<option>`s. */
export function ModeOptions() {
  return <Options of={Object.keys(MODE_LABEL) as AssignmentMode[]} label={(m) => MODE_LABEL[m]} />;
}

export const knownChannels = () => [...new Set(inboxes.value.map((i) => i.channel))];

function Pills<T extends string>({ legend, options, values, onChange, label }: { legend: string; options: T[]; values: T[]; onChange: (v: T[]) => void; label: (v: T) => string }) {
  const all = [...new Set([...options, ...values])];
  return (
    <fieldset class="rt-pills">
      <legend>{legend}</legend>
      <PillChecks options={all.map((o): [T, string] => [o, label(o)])} value={values} onChange={onChange} />
      {all.length === 0 ? <span class="muted">Nothing to choose from yet.</span> : null}
    </fieldset>
  );
}

const inboxName = (id: string) => inboxes.value.find((i) => i.id === id)?.name ?? id;

function ConditionFields({ c, set, path }: { c: RuleCondition; set: (c: RuleCondition) => void; path: string }) {
  switch (c.type) {
    case 'channel':
      return <Pills legend="Channels" options={knownChannels()} values={c.values} onChange={(values) => set({ ...c, values })} label={channelLabel} />;
    case 'inbox':
      return <Pills legend="Inboxes" options={inboxes.value.map((i) => i.id)} values={c.values} onChange={(values) => set({ ...c, values })} label={inboxName} />;
    case 'keywords':
      return <ListInput label="Words or phrases (any of them)" values={c.values} onChange={(values) => set({ ...c, values })} placeholder="refund, cancel my order, invoice*" hint="Whole words, any case or accent; a trailing * matches any ending." />;
    case 'contact_tags':
      return (
        <div class="rt-row">
          <ListInput label="Contact tags" values={c.values} onChange={(values) => set({ ...c, values })} placeholder="vip, enterprise" />
          <label class="field">
            <span>Match</span>
            <select value={c.match ?? 'any'} onChange={(e) => set({ ...c, match: e.currentTarget.value as 'any' | 'all' })}>
              <option value="any">Any of them</option>
              <option value="all">All of them</option>
            </select>
          </label>
        </div>
      );
    case 'contact_attribute':
      return (
        <div class="rt-row">
          <label class="field">
            <span>Attribute</span>
            <input value={c.key} placeholder="plan" onInput={(e) => set({ ...c, key: e.currentTarget.value })} />
          </label>
          <label class="field">
            <span>Test</span>
            <select value={c.op} onChange={(e) => set({ ...c, op: e.currentTarget.value as typeof c.op })}>
              <option value="equals">equals</option>
              <option value="not_equals">does not equal</option>
              <option value="in">is one of</option>
              <option value="contains">contains</option>
              <option value="exists">is set</option>
            </select>
          </label>
          {c.op !== 'exists' ? (
            <label class="field">
              <span>{c.op === 'in' ? 'Values (comma-separated)' : 'Value'}</span>
              <input
                value={Array.isArray(c.value) ? c.value.join(', ') : String(c.value ?? '')}
                placeholder="enterprise"
                onInput={(e) => set({ ...c, value: c.op === 'in' ? splitList(e.currentTarget.value) : e.currentTarget.value })}
              />
            </label>
          ) : null}
        </div>
      );
    case 'business_hours':
      return (
        <div class="rt-row">
          <label class="field">
            <span>Calendar</span>
            <select value={c.calendar} onChange={(e) => set({ ...c, calendar: e.currentTarget.value })}>
              <option value="workspace">Workspace hours</option>
              <Options of={teams.value} value={(t) => t.id} label={(t) => `${t.name} team hours`} />
            </select>
          </label>
          <label class="field">
            <span>When</span>
            <select value={c.open ? 'open' : 'closed'} onChange={(e) => set({ ...c, open: e.currentTarget.value === 'open' })}>
              <option value="open">Inside business hours</option>
              <option value="closed">Outside business hours</option>
            </select>
          </label>
        </div>
      );
    case 'agents_available':
      return (
        <div class="rt-row">
          <label class="field">
            <span>Agents</span>
            <select value={c.available ? 'yes' : 'no'} onChange={(e) => set({ ...c, available: e.currentTarget.value === 'yes' })}>
              <option value="yes">Someone is available</option>
              <option value="no">Nobody is available</option>
            </select>
          </label>
          <label class="field">
            <span>In</span>
            <select value={c.teamId ?? ''} onChange={(e) => set({ ...c, teamId: e.currentTarget.value || null })}>
              <option value="">The whole workspace</option>
              <TeamOptions />
            </select>
          </label>
        </div>
      );
    case 'priority':
      return <Pills legend="Priorities" options={PRIORITIES} values={c.values} onChange={(values) => set({ ...c, values })} label={(p) => p} />;
    case 'group':
      return (
        <div class="rt-group">
          <OpChoice name={`${path}-op`} op={c.op} onChange={(op) => set({ ...c, op })} />
          <ConditionList conditions={c.conditions} onChange={(conditions) => set({ ...c, conditions })} depth={1} path={path} />
        </div>
      );
  }
}

export function OpChoice({ op, onChange, name }: { op: 'and' | 'or'; onChange: (op: 'and' | 'or') => void; name: string }) {
  return (
    <fieldset class="seg" aria-label="Combine conditions">
      {(['and', 'or'] as const).map((o) => (
        <label key={o} class={`seg-opt${op === o ? ' active' : ''}`}>
          <input type="radio" name={name} checked={op === o} onChange={() => onChange(o)} /> {o === 'and' ? 'All must hold (AND)' : 'Any may hold (OR)'}
        </label>
      ))}
    </fieldset>
  );
}

export function ConditionList({ conditions, onChange, depth = 0, path = 'cond' }: { conditions: RuleCondition[]; onChange: (c: RuleCondition[]) => void; depth?: number; path?: string }) {
  const types = (Object.keys(CONDITION_LABEL) as RuleCondition['type'][]).filter((t) => depth === 0 || t !== 'group');
  return (
    <div class="rt-conditions">
      {conditions.length === 0 ? <p class="muted">No conditions: the rule matches every conversation.</p> : null}
      <ol class="rt-cond-list">
        {conditions.map((c, i) => {
          const set = (next: RuleCondition) => onChange(conditions.map((x, j) => (j === i ? next : x)));
          return (
            <li key={i} class="rt-cond">
              <div class="rt-cond-head">
                <label class="field">
                  <span>Condition {i + 1}</span>
                  <select value={c.type} onChange={(e) => set(blankCondition(e.currentTarget.value as RuleCondition['type']))}>
                    <Options of={types} label={(t) => CONDITION_LABEL[t]} />
                  </select>
                </label>
                <label class="check-field">
                  <input type="checkbox" checked={!!c.negate} onChange={(e) => set({ ...c, negate: e.currentTarget.checked || undefined })} /> Not
                </label>
                <button type="button" class="btn-icon" aria-label={`Remove condition ${i + 1}`} onClick={() => onChange(conditions.filter((_, j) => j !== i))}>
                  <Icon name="trash" size={15} />
                </button>
              </div>
              <ConditionFields c={c} set={set} path={`${path}-${i}`} />
            </li>
          );
        })}
      </ol>
      <button type="button" class="btn btn-sm" onClick={() => onChange([...conditions, blankCondition('keywords')])}>
        <Icon name="plus" size={14} /> Add condition
      </button>
    </div>
  );
}

export function ActionsEditor({ a, onChange, name }: { a: RuleActions; onChange: (a: RuleActions) => void; name: string }) {
  const set = (patch: Partial<RuleActions>) => onChange({ ...a, ...patch });
  return (
    <div class="rt-actions-edit">
      <fieldset class="seg" aria-label="What happens">
        <label class={`seg-opt${a.assign ? ' active' : ''}`}>
          <input type="radio" name={`${name}-assign`} checked={a.assign} onChange={() => set({ assign: true })} /> Route to an agent
        </label>
        <label class={`seg-opt${!a.assign ? ' active' : ''}`}>
          <input type="radio" name={`${name}-assign`} checked={!a.assign} onChange={() => set({ assign: false })} /> Leave unassigned
        </label>
      </fieldset>
      <div class="rt-row">
        <label class="field">
          <span>Team (queue)</span>
          <select value={a.teamId ?? ''} onChange={(e) => set({ teamId: e.currentTarget.value || null })}>
            <option value="">The whole workspace</option>
            <TeamOptions />
          </select>
        </label>
        <label class="field">
          <span>Assignment mode</span>
          <select value={a.mode ?? ''} disabled={!a.assign} onChange={(e) => set({ mode: (e.currentTarget.value || undefined) as AssignmentMode | undefined })}>
            <option value="">The team’s own</option>
            <ModeOptions />
          </select>
        </label>
        <label class="field">
          <span>Set priority</span>
          <select value={a.priority ?? ''} onChange={(e) => set({ priority: (e.currentTarget.value || undefined) as Priority | undefined })}>
            <option value="">Leave as is</option>
            <Options of={PRIORITIES} label={(p) => p} />
          </select>
        </label>
      </div>
      <div class="rt-row">
        <ListInput label="Add tags" values={a.addTags ?? []} onChange={(v) => set({ addTags: v.length ? v.map((t) => t.toLowerCase()) : undefined })} placeholder="billing, vip" />
        <ListInput label="Required skills" values={a.requiredSkills ?? []} onChange={(v) => set({ requiredSkills: v.length ? v : undefined })} placeholder="es, refunds" />
        <ListInput label="Optional skills" values={a.optionalSkills ?? []} onChange={(v) => set({ optionalSkills: v.length ? v : undefined })} placeholder="vip" />
      </div>
    </div>
  );
}

export interface DraftRule {
  id?: string;
  name: string;
  enabled: boolean;
  op: 'and' | 'or';
  conditions: RuleCondition[];
  actions: RuleActions;
}

function localNow(): string {
  const d = new Date(Date.now() - new Date().getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

/** A sample conversation → which rule matches and who would get it, with the draft in place of its saved version. */
export function Tester({ rule, defaultRule, id }: { rule?: DraftRule; defaultRule?: RuleActions | null; id: string }) {
  const channel = useSignal(knownChannels()[0] ?? 'email');
  const inboxId = useSignal('');
  const text = useSignal('');
  const contactTags = useSignal<string[]>([]);
  const priority = useSignal<Priority>('normal');
  const at = useSignal(localNow());
  const busy = useSignal(false);
  const result = useSignal<TestResult | null>(null);
  const error = useSignal('');

  async function run(e: Event) {
    e.preventDefault();
    const when = at.value ? new Date(at.value).getTime() : Date.now();
    const json = {
      conversation: { channel: channel.value, inboxId: inboxId.value, text: text.value, contactTags: contactTags.value.map((t) => t.toLowerCase()), priority: priority.value, at: Number.isFinite(when) ? when : Date.now() },
      ...(rule ? { rule: { ...rule, name: rule.name.trim() || 'Untitled rule' } } : {}),
      ...(defaultRule ? { defaultRule } : {}),
    };
    await runBusyText(
      busy,
      error,
      async () => (result.value = await api<TestResult>('/routing/test', { json })),
      (err) => {
        result.value = null;
        return errorText(err);
      },
    );
  }

  const r = result.value;
  return (
    <form class="rt-tester" onSubmit={run} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>
        <Icon name="sparkle" size={15} /> Test {rule ? 'this rule' : 'routing'} on a sample conversation
      </h3>
      <div class="rt-row">
        <label class="field">
          <span>Channel</span>
          <select value={channel.value} onChange={(e) => (channel.value = e.currentTarget.value)}>
            <Options of={[...new Set([...knownChannels(), channel.value])]} label={channelLabel} />
          </select>
        </label>
        <label class="field">
          <span>Inbox</span>
          <select value={inboxId.value} onChange={(e) => (inboxId.value = e.currentTarget.value)}>
            <option value="">None in particular</option>
            <Options of={inboxes.value.filter((i) => i.channel === channel.value)} value={(i) => i.id} label={(i) => i.name} />
          </select>
        </label>
        <label class="field">
          <span>Priority</span>
          <select value={priority.value} onChange={(e) => (priority.value = e.currentTarget.value as Priority)}>
            <Options of={PRIORITIES} label={(p) => p} />
          </select>
        </label>
        <label class="field">
          <span>Arrives at</span>
          <input type="datetime-local" value={at.value} onInput={(e) => (at.value = e.currentTarget.value)} />
        </label>
      </div>
      <label class="field">
        <span>Message</span>
        <textarea rows={2} value={text.value} onInput={(e) => (text.value = e.currentTarget.value)} placeholder="Hi, I was charged twice and want a refund" />
      </label>
      <ListInput label="Contact tags" values={contactTags.value} onChange={(v) => (contactTags.value = v)} placeholder="vip" />
      <FormActions submitClass="btn btn-sm" disabled={busy.value}>
        {busy.value ? 'Testing…' : 'Run test'}
      </FormActions>
      <ErrorLine text={error.value} />
      <div class="rt-result" role="status" aria-live="polite">
        {r ? (
          <>
            <p class={`rt-verdict outcome-${r.decision.outcome}`} data-testid="tester-verdict">
              {describeTest(r)}
            </p>
            {r.decision.reason ? <p class="muted">{r.decision.reason}</p> : null}
            {r.trace.length ? (
              <ol class="rt-trace" aria-label="Rules checked, in order">
                {r.trace.map((t) => (
                  <li key={t.ruleId} class={t.matched ? 'matched' : ''}>
                    <span aria-hidden="true">{t.matched ? '✓' : '✗'}</span> {t.name}
                    {t.ruleId === 'draft' || t.ruleId === rule?.id ? <em> (draft)</em> : null}
                    {t.matched ? ' — matched' : t.failed ? ` — ${t.failed}` : ''}
                  </li>
                ))}
              </ol>
            ) : null}
            {r.decision.candidates.top.length ? (
              <ul class="rt-cands" aria-label="Candidates">
                {r.decision.candidates.top.map((c) => (
                  <li key={c.userId} class={c.eligible ? 'eligible' : ''}>
                    <strong>{c.name}</strong> · {c.status} · {c.load}/{c.capacity} — {c.reason}
                  </li>
                ))}
              </ul>
            ) : null}
          </>
        ) : null}
      </div>
    </form>
  );
}

// The escalation path editor (managers): triggers, conditions, and levels L1 → L2 → … each with a
// delay and its actions (reassign, notify, raise priority, add tags, flag, run a workflow).
import { signal, useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api } from '../../lib/api';
import { channelLabel, PRIORITY_LABEL } from '../../lib/format';
import type { EscalationAction, EscalationLevel, EscalationPath, EscalationTrigger, Priority } from '../../lib/types';
import { activeUsers, channels, teams } from '../../state/session';
import { toast } from '../../state/toast';
import { Icon } from '../../ui/Icon';
import { Modal } from '../../ui/Modal';
import { shortDuration } from './countdown';
import { FormActions, Options, runBusy } from '../../ui/form';
import { ActionBox, AddSelect, CheckPills, defaultRecipients, DurationField, fieldError, FormErrors, ListInput, RecipientsFields } from './parts';

export const TRIGGER_LABEL: Record<EscalationTrigger, string> = { breach: 'SLA breach', vip: 'VIP contact', alert: 'AI alert', manual: 'Manual (Escalate…)' };
const PRIORITIES: Priority[] = ['urgent', 'high', 'normal', 'low'];
const NOTIFY_CHANNELS = [
  ['in_app', 'In-app'],
  ['browser', 'Browser'],
  ['email', 'E-mail'],
] as const;

type ActionType = EscalationAction['type'];
const ACTION_LABEL: Record<ActionType, string> = { reassign: 'Reassign', notify: 'Notify', raise_priority: 'Raise priority', add_tags: 'Add tags', flag: 'Flag', workflow: 'Run a workflow' };

/** The workspace's workflows, for the "run a workflow" action (loaded when an editor opens). */
const workflows = signal<{ id: string; name: string; enabled: boolean }[] | null>(null);
export function loadWorkflowChoices(): void {
  api<{ items: { id: string; name: string; enabled: boolean }[] }>('/workflows')
    .then((r) => (workflows.value = r.items))
    .catch(() => (workflows.value = workflows.value ?? []));
}

function newAction(type: ActionType): EscalationAction {
  switch (type) {
    case 'reassign':
      return { type, to: 'queue' };
    case 'notify':
      return { type, channels: ['in_app'], recipients: defaultRecipients() };
    case 'raise_priority':
      return { type };
    case 'add_tags':
      return { type, tags: ['escalated'] };
    case 'flag':
      return { type };
    case 'workflow':
      return { type, workflowId: workflows.value?.find((w) => w.enabled)?.id ?? workflows.value?.[0]?.id ?? '' };
  }
}

/** One line per action, for the path list and the level summaries. */
export function actionSummary(a: EscalationAction): string {
  switch (a.type) {
    case 'reassign':
      return a.to === 'agent' ? `reassign to ${activeUsers.value.find((u) => u.id === a.userId)?.name ?? 'an agent'}` : a.to === 'team' ? `reassign to ${teams.value.find((t) => t.id === a.teamId)?.name ?? 'a team'}` : 'send to the escalation queue';
    case 'notify':
      return `notify ${[...a.recipients.roles.map((r) => `${r}s`), ...(a.recipients.assignee ? ['assignee'] : []), ...a.recipients.userIds.map((id) => activeUsers.value.find((u) => u.id === id)?.name ?? 'user')].join(', ') || 'nobody'}`;
    case 'raise_priority':
      return a.to ? `priority → ${PRIORITY_LABEL[a.to]}` : 'raise priority one step';
    case 'add_tags':
      return `tag ${a.tags.join(', ')}`;
    case 'flag':
      return 'flag';
    case 'workflow':
      return `run workflow “${workflows.value?.find((w) => w.id === a.workflowId)?.name ?? 'a workflow'}”`;
  }
}

export function levelsSummary(levels: EscalationLevel[]): string {
  return levels.map((l, i) => `L${i + 1}${l.delayMs ? ` after ${shortDuration(l.delayMs, false)}` : ''}: ${l.actions.map(actionSummary).join(', ')}`).join(' → ');
}

type Draft = Omit<EscalationPath, 'id' | 'position'>;

function blank(): Draft {
  return {
    name: '',
    enabled: true,
    triggers: ['breach'],
    conditions: { priorities: [], channels: [], contactTags: [] },
    levels: [
      { name: 'L1', delayMs: 0, actions: [newAction('notify'), newAction('raise_priority')] },
      { name: 'Manager', delayMs: 30 * 60_000, actions: [{ type: 'reassign', to: 'queue' }] },
    ],
  };
}

export function PathEditor({ path, onClose, onSaved }: { path: EscalationPath | null; onClose: () => void; onSaved: () => void }) {
  const draft = useSignal<Draft>(path ? structuredClone({ name: path.name, enabled: path.enabled, triggers: path.triggers, conditions: path.conditions, levels: path.levels }) : blank());
  const error = useSignal<unknown>(null);
  const busy = useSignal(false);
  useEffect(loadWorkflowChoices, []);
  const d = draft.value;
  const set = (patch: Partial<Draft>) => (draft.value = { ...draft.value, ...patch });
  const setLevel = (i: number, patch: Partial<EscalationLevel>) => set({ levels: d.levels.map((l, j) => (j === i ? { ...l, ...patch } : l)) });
  const bad = d.levels.some((l) => Number.isNaN(l.delayMs));
  return (
    <Modal title={path ? `Edit “${path.name}”` : 'New escalation path'} onClose={onClose} wide>
      <form
        class="form mx-editor"
        onSubmit={(e) => {
          e.preventDefault();
          if (bad) return;
          const body = { ...d, levels: d.levels.map((l) => ({ ...l, delayMs: l.delayMs ?? 0 })) };
          return runBusy(busy, error, async () => {
            if (path) await api(`/escalations/paths/${path.id}`, { method: 'PATCH', json: body });
            else await api('/escalations/paths', { json: body });
            toast(path ? 'Path saved' : `Path “${d.name}” created`, 'success');
            onSaved();
            onClose();
          });
        }}
      >
        <label class="field">
          <span>Name</span>
          <input id="path-name" value={d.name} required maxLength={120} onInput={(e) => set({ name: e.currentTarget.value })} aria-invalid={!!fieldError(error.value, 'name')} />
        </label>
        <CheckPills legend="Starts on" options={(Object.keys(TRIGGER_LABEL) as EscalationTrigger[]).map((t): [EscalationTrigger, string] => [t, TRIGGER_LABEL[t]])} value={d.triggers} onChange={(v) => set({ triggers: v })} />
        <fieldset class="fieldset">
          <legend>When the conversation has</legend>
          <p class="muted small">Empty groups match everything. For the VIP trigger, the contact tags say who is a VIP.</p>
          <CheckPills legend="Priority" options={PRIORITIES.map((p): [Priority, string] => [p, PRIORITY_LABEL[p]])} value={d.conditions.priorities} onChange={(v) => set({ conditions: { ...d.conditions, priorities: v } })} />
          <CheckPills legend="Channel" options={channels.value.map((c): [string, string] => [c, channelLabel(c)])} value={d.conditions.channels} onChange={(v) => set({ conditions: { ...d.conditions, channels: v } })} />
          <ListInput id="path-tags" label="VIP / contact tags (any of)" value={d.conditions.contactTags} onChange={(v) => set({ conditions: { ...d.conditions, contactTags: v } })} placeholder="vip" />
        </fieldset>
        <ol class="mx-levels" aria-label="Levels">
          {d.levels.map((l, i) => (
            <li key={i} class="mx-level">
              <fieldset class="fieldset">
                <legend>
                  Level {i + 1}
                  {l.name ? ` — ${l.name}` : ''}
                </legend>
                <div class="mx-level-head">
                  <label class="field">
                    <span>Level name</span>
                    <input value={l.name} onInput={(e) => setLevel(i, { name: e.currentTarget.value })} placeholder={i === d.levels.length - 1 && i > 0 ? 'Manager' : `L${i + 1}`} />
                  </label>
                  <DurationField id={`level-${i}-delay`} label={i === 0 ? 'Runs after the start' : 'Runs after the previous level'} ms={l.delayMs} allowEmpty={false} onChange={(ms) => setLevel(i, { delayMs: ms ?? 0 })} error={Number.isNaN(l.delayMs) ? 'Enter a positive number' : fieldError(error.value, `levels.${i}.delayMs`)} />
                  <button type="button" class="btn-icon" aria-label={`Remove level ${i + 1}`} disabled={d.levels.length === 1} onClick={() => set({ levels: d.levels.filter((_, j) => j !== i) })}>
                    <Icon name="trash" size={16} />
                  </button>
                </div>
                <ul class="mx-actions" aria-label={`Level ${i + 1} actions`}>
                  {l.actions.map((a, k) => (
                    <li key={k} class="mx-action">
                      <ActionEditor
                        id={`l${i}a${k}`}
                        action={a}
                        onChange={(na) => setLevel(i, { actions: l.actions.map((x, j) => (j === k ? na : x)) })}
                        onRemove={() => setLevel(i, { actions: l.actions.filter((_, j) => j !== k) })}
                      />
                    </li>
                  ))}
                </ul>
                <AddSelect
                  label={`Add an action to level ${i + 1}`}
                  prompt="+ Add action…"
                  labels={ACTION_LABEL}
                  onAdd={(t) => setLevel(i, { actions: [...l.actions, newAction(t)] })}
                />
              </fieldset>
            </li>
          ))}
        </ol>
        <div>
          <button type="button" class="btn btn-sm" disabled={d.levels.length >= 10} onClick={() => set({ levels: [...d.levels, { name: d.levels.length >= 1 ? 'Manager' : 'L1', delayMs: 30 * 60_000, actions: [newAction('notify')] }] })}>
            <Icon name="plus" size={14} /> Add level
          </button>
        </div>
        <label class="check-field">
          <input type="checkbox" checked={d.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} /> Enabled
        </label>
        <FormErrors error={error.value} />
        <FormActions onCancel={onClose} disabled={busy.value || bad}>
          {path ? 'Save path' : 'Create path'}
        </FormActions>
      </form>
    </Modal>
  );
}

function ActionEditor({ id, action: a, onChange, onRemove }: { id: string; action: EscalationAction; onChange: (a: EscalationAction) => void; onRemove: () => void }) {
  let body = null;
  switch (a.type) {
    case 'reassign':
      body = (
        <>
          <label class="field">
            <span>To</span>
            <select
              value={a.to}
              onChange={(e) => {
                const to = e.currentTarget.value;
                onChange(to === 'agent' ? { type: 'reassign', to, userId: activeUsers.value[0]?.id ?? '' } : to === 'team' ? { type: 'reassign', to, teamId: teams.value[0]?.id ?? '' } : { type: 'reassign', to: 'queue' });
              }}
            >
              <option value="queue">Escalation queue</option>
              <option value="agent">An agent</option>
              <option value="team">A team</option>
            </select>
          </label>
          {a.to === 'agent' ? (
            <label class="field">
              <span>Agent</span>
              <select value={a.userId} onChange={(e) => onChange({ ...a, userId: e.currentTarget.value })}>
                <Options of={activeUsers.value} value={(u) => u.id} label={(u) => u.name} />
              </select>
            </label>
          ) : a.to === 'team' ? (
            <label class="field">
              <span>Team</span>
              <select value={a.teamId} onChange={(e) => onChange({ ...a, teamId: e.currentTarget.value })}>
                <Options of={teams.value} value={(t) => t.id} label={(t) => t.name} />
              </select>
            </label>
          ) : null}
        </>
      );
      break;
    case 'notify':
      body = (
        <div class="mx-notify">
          <CheckPills legend="By" options={NOTIFY_CHANNELS.map(([k, l]): ['in_app' | 'browser' | 'email', string] => [k, l])} value={a.channels} onChange={(v) => onChange({ ...a, channels: v })} />
          <RecipientsFields value={a.recipients} onChange={(recipients) => onChange({ ...a, recipients })} />
        </div>
      );
      break;
    case 'raise_priority':
      body = (
        <label class="field">
          <span>To</span>
          <select value={a.to ?? ''} onChange={(e) => onChange(e.currentTarget.value ? { type: 'raise_priority', to: e.currentTarget.value as Priority } : { type: 'raise_priority' })}>
            <option value="">One step up</option>
            <Options of={PRIORITIES} label={(p) => `${PRIORITY_LABEL[p]} (never lowers)`} />
          </select>
        </label>
      );
      break;
    case 'add_tags':
      body = <ListInput id={`${id}-tags`} label="Tags" value={a.tags} onChange={(v) => onChange({ ...a, tags: v })} />;
      break;
    case 'flag':
      body = (
        <label class="field">
          <span>Reason (optional)</span>
          <input value={a.reason ?? ''} onInput={(e) => onChange({ type: 'flag', ...(e.currentTarget.value ? { reason: e.currentTarget.value } : {}) })} />
        </label>
      );
      break;
    case 'workflow': {
      const list = workflows.value;
      const chosen = list?.find((w) => w.id === a.workflowId);
      body =
        list === null ? (
          <p class="muted small">Loading workflows…</p>
        ) : list.length === 0 ? (
          <p class="muted small">
            No workflows yet: <a href="/inbox/messaging/workflows/new">create one</a>, then pick it here.
          </p>
        ) : (
          <>
            <label class="field">
              <span>Workflow</span>
              <select id={`${id}-workflow`} value={a.workflowId} required onChange={(e) => onChange({ type: 'workflow', workflowId: e.currentTarget.value })}>
                {a.workflowId && !chosen ? <option value={a.workflowId}>(deleted workflow)</option> : null}
                {!a.workflowId ? <option value="">Choose a workflow…</option> : null}
                <Options of={list} value={(w) => w.id} label={(w) => (w.enabled ? w.name : `${w.name} (disabled)`)} />
              </select>
            </label>
            {chosen && !chosen.enabled ? <p class="muted small">This workflow is disabled: the action is skipped until it is enabled.</p> : null}
          </>
        );
      break;
    }
  }
  return (
    <ActionBox kind="action" label={ACTION_LABEL[a.type]} onRemove={onRemove}>
      {body}
    </ActionBox>
  );
}

// The workflow editor: name, trigger and a vertical list of steps with nested blocks (if/else,
// parallel branches, waits with their reply/timeout branches) and a params form per action. Every
// node is addressed by its JSON pointer, so the server's validation errors (problem+json naming
// `/steps/0/then/1/params/teamId`) land on the node and field they name. Reordering is by the Move up
// / Move down buttons (the keyboard way; focus follows the step) or by dragging a step's handle within
// its list (HTML5 drag and drop, only the handle is draggable so text in the fields stays selectable);
// no graph library, nothing outside this chunk.
import { useSignal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';
import { api, ApiError, errorText, type FieldError } from '../../lib/api';
import { channelLabel } from '../../lib/format';
import { navigate } from '../../lib/router';
import type { EscalationPath } from '../../lib/types';
import { activeUsers, channels, inboxes, tags, teams } from '../../state/session';
import { toast } from '../../state/toast';
import { useAfterRender } from '../../ui/after-render';
import { Icon } from '../../ui/Icon';
import { Dropdown, MenuItem } from '../../ui/Popover';
import { Loading, Options } from '../../ui/form';
import { CheckPills, DurationField, ListInput, ManagersOnly, PageFrame, Toggle } from '../sla/parts';
import {
  ACTION_LABEL,
  ATTRIBUTE_PREFIX,
  blankDocument,
  CONDITION_FIELDS,
  dropStep,
  editList,
  FLOW_LABEL,
  listErrors,
  moveStep,
  newStep,
  OP_LABEL,
  ownErrors,
  pointerWords,
  PRIORITIES,
  replaceAt,
  runVars,
  STATUSES,
  stepLabel,
  TRIGGER_LABEL,
  type ActionStep,
  type ActionType,
  type Condition,
  type ConditionOp,
  type Leaf,
  type Step,
  type StepKind,
  type Trigger,
  type TriggerType,
  type Workflow,
  type WorkflowDoc,
} from './model';
import { RunLog, TestPanel, VersionHistory } from './Panels';

const BASE = '/inbox/messaging/workflows';

/** What every node of the editor needs: the draft, the server's errors, and a way to change the draft. */
export interface Ed {
  doc: WorkflowDoc;
  errors: FieldError[];
  set: (doc: WorkflowDoc) => void;
  /**
   * Set a draft whose step lists changed shape (a step added, removed, moved, dropped): steps are keyed
   * by position, so this also renews every step's key — a step's fields that keep state of their own
   * (a webhook's headers box) must not stay with the position when another step moves into it.
   */
  reshape: (doc: WorkflowDoc) => void;
  /** Part of every step's key: bumped by reshape() and whenever a whole draft is loaded. */
  generation: number;
  /** After the next render, focus the element with this data-focus key. */
  focusNext: (key: string) => void;
  paths: EscalationPath[];
  audiences: { id: string; name: string }[];
  templates: { id: string; name: string; channel: string; status: string }[];
  replies: { id: string; name: string }[];
  /** The step being dragged (its list and index), while a drag is on. */
  drag: { list: string; index: number } | null;
  setDrag: (d: { list: string; index: number } | null) => void;
}

const idOf = (ptr: string) => `wf${ptr.replace(/[^A-Za-z0-9]+/g, '-')}`;

/** Conditions are edited as groups: a bare condition becomes a group of one (the same meaning). */
function normalize(doc: WorkflowDoc): WorkflowDoc {
  const fix = (steps: Step[]): Step[] =>
    steps.map((s) => {
      if (s.type === 'if') return { ...s, when: 'all' in s.when || 'any' in s.when ? s.when : { all: [s.when] }, then: fix(s.then), ...(s.else ? { else: fix(s.else) } : {}) };
      if (s.type === 'parallel') return { ...s, branches: s.branches.map(fix) };
      if (s.type === 'wait_for_reply') return { ...s, ...(s.onReply ? { onReply: fix(s.onReply) } : {}), ...(s.onTimeout ? { onTimeout: fix(s.onTimeout) } : {}) };
      return s;
    });
  return { ...doc, steps: fix(doc.steps) };
}

export const documentOf = (w: WorkflowDoc): WorkflowDoc => ({ name: w.name, description: w.description ?? null, enabled: w.enabled, trigger: w.trigger, steps: w.steps });

export function WorkflowEditor({ id, onSaved }: { id: string | null; onSaved: () => void }) {
  const saved = useSignal<Workflow | null>(null);
  const draft = useSignal<WorkflowDoc | null>(id ? null : { ...blankDocument(), trigger: { type: 'tag.applied', tag: '' } });
  const errors = useSignal<FieldError[]>([]);
  const problem = useSignal('');
  const busy = useSignal(false);
  const loadError = useSignal('');
  const paths = useSignal<EscalationPath[]>([]);
  const audiences = useSignal<{ id: string; name: string }[]>([]);
  const templates = useSignal<Ed['templates']>([]);
  const replies = useSignal<Ed['replies']>([]);
  const drag = useSignal<Ed['drag']>(null);
  const generation = useSignal(0);
  const versionsKey = useSignal(0);
  const afterRender = useAfterRender();
  const summary = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (id)
      api<Workflow>(`/workflows/${encodeURIComponent(id)}`)
        .then((w) => {
          saved.value = w;
          draft.value = normalize(documentOf(w));
          generation.value++;
        })
        .catch((err) => (loadError.value = errorText(err)));
    api<{ items: EscalationPath[] }>('/escalations/paths')
      .then((r) => (paths.value = r.items))
      .catch(() => {});
    api<{ items: { id: string; name: string }[] }>('/audiences')
      .then((r) => (audiences.value = r.items))
      .catch(() => {});
    api<{ items: Ed['templates'] }>('/templates')
      .then((r) => (templates.value = r.items))
      .catch(() => {});
    // A workflow runs for the whole workspace: only workspace replies (a personal one is its owner's alone, and the server refuses it).
    api<{ items: (Ed['replies'][number] & { personal?: boolean })[] }>('/saved-replies')
      .then((r) => (replies.value = r.items.filter((x) => !x.personal)))
      .catch(() => {});
  }, [id]);

  const d = draft.value;
  const title = id ? (saved.value?.name ?? 'Workflow') : 'New workflow';
  if (loadError.value)
    return (
      <PageFrame id="workflow" title="Workflow" intro="">
        <p class="form-error" role="alert">
          Could not load this workflow: {loadError.value}
        </p>
        <a href={BASE}>Back to workflows</a>
      </PageFrame>
    );
  if (!d) return <Loading />;

  const ed: Ed = {
    doc: d,
    errors: errors.value,
    set: (doc) => (draft.value = doc),
    reshape: (doc) => {
      generation.value++;
      draft.value = doc;
    },
    generation: generation.value,
    // '' focuses nothing (the last step removed).
    focusNext: (key) => afterRender(() => key && document.querySelector<HTMLElement>(`[data-focus="${CSS.escape(key)}"]`)?.focus()),
    paths: paths.value,
    audiences: audiences.value,
    templates: templates.value,
    replies: replies.value,
    drag: drag.value,
    setDrag: (x) => (drag.value = x),
  };
  const dirty = !saved.value || JSON.stringify(normalize(documentOf(saved.value))) !== JSON.stringify(d);

  const save = async () => {
    busy.value = true;
    problem.value = '';
    try {
      const body = documentOf(d);
      if (!id) {
        const w = await api<Workflow>('/workflows', { json: body });
        toast(`Workflow “${w.name}” created`, 'success');
        errors.value = [];
        onSaved();
        navigate(`${BASE}/${encodeURIComponent(w.id)}`, { replace: true });
        return;
      }
      const w = await api<Workflow>(`/workflows/${encodeURIComponent(id)}`, { method: 'PATCH', json: body });
      saved.value = w;
      draft.value = normalize(documentOf(w));
      generation.value++;
      errors.value = [];
      versionsKey.value++;
      toast(`Saved as version ${w.version}`, 'success');
      onSaved();
    } catch (err) {
      showErrors(err);
    } finally {
      busy.value = false;
    }
  };

  const showErrors = (err: unknown) => {
    if (err instanceof ApiError && err.errors.length) {
      errors.value = err.errors;
      problem.value = `${err.errors.length === 1 ? 'One problem' : `${err.errors.length} problems`} to fix before this can be saved:`;
    } else {
      errors.value = [];
      problem.value = errorText(err);
    }
    requestAnimationFrame(() => summary.current?.focus());
  };

  const restore = async (doc: WorkflowDoc, version: number) => {
    if (!id || !confirm(`Restore version ${version}? It is saved as a new version; the current one stays in the history.`)) return;
    try {
      const w = await api<Workflow>(`/workflows/${encodeURIComponent(id)}`, { method: 'PATCH', json: { name: doc.name, description: doc.description ?? null, trigger: doc.trigger, steps: doc.steps } });
      saved.value = w;
      draft.value = normalize(documentOf(w));
      generation.value++;
      errors.value = [];
      versionsKey.value++;
      toast(`Version ${version} restored as version ${w.version}`, 'success');
      onSaved();
    } catch (err) {
      showErrors(err);
    }
  };

  return (
    <PageFrame
      id="workflow"
      title={title}
      intro={id ? `Version ${saved.value?.version ?? ''}. Saving makes a new version; runs in progress keep the version they started with.` : 'A trigger, then steps. Save to test it on a conversation.'}
      actions={
        <a class="btn" href={BASE}>
          <Icon name="left" size={16} /> All workflows
        </a>
      }
    >
      <ManagersOnly what="workflows">
        <div class="wf-editor">
          <form
            class="form wf-form"
            aria-label="Workflow"
            onSubmit={(e) => {
              e.preventDefault();
              void save();
            }}
          >
            <div class="wf-top card">
              <label class="field">
                <span>Name</span>
                <input id="wf-name" value={d.name} required maxLength={200} aria-invalid={ownErrors(errors.value, '/name').length > 0} onInput={(e) => ed.set({ ...d, name: e.currentTarget.value })} />
              </label>
              <FieldErrors errors={ownErrors(errors.value, '/name')} />
              <label class="field">
                <span>Description (optional)</span>
                <input value={d.description ?? ''} maxLength={2000} onInput={(e) => ed.set({ ...d, description: e.currentTarget.value || null })} />
              </label>
              <Toggle checked={d.enabled} label="Enabled" onChange={(on) => ed.set({ ...d, enabled: on })} />
            </div>
            <TriggerPicker ed={ed} />
            <section class="wf-steps-section" aria-labelledby="wf-steps-title">
              <h2 id="wf-steps-title">Steps</h2>
              <StepList ed={ed} listPtr="/steps" steps={d.steps} label="Steps" />
            </section>
            <div class="wf-save-bar">
            <div ref={summary} tabIndex={-1} class="wf-summary" aria-live="polite">
              {problem.value ? (
                <div class="form-error" role="alert">
                  <p>{problem.value}</p>
                  {errors.value.length ? (
                    <ul>
                      {errors.value.map((e) => (
                        <li key={`${e.field}:${e.message}`}>
                          {e.field.startsWith('/steps') ? `${pointerWords(e.field.replace(/\/(params|when).*$/, ''), d)}${paramWords(e.field)}` : e.field.slice(1) || 'document'}: {e.message}
                        </li>
                      ))}
                    </ul>
                  ) : null}
                </div>
              ) : null}
            </div>
            <div class="form-actions wf-save">
              {dirty ? <span class="muted small">Unsaved changes</span> : <span class="muted small">All changes saved</span>}
              <button type="submit" class="btn btn-primary" disabled={busy.value}>
                {id ? 'Save' : 'Create workflow'}
              </button>
            </div>
            </div>
          </form>
          <aside class="wf-side" aria-label="Test, runs and history">
            {id && saved.value ? (
              <>
                <TestPanel workflowId={id} draft={d} onErrors={showErrors} />
                <RunLog workflowId={id} doc={d} />
                <VersionHistory key={versionsKey.value} workflowId={id} current={saved.value.version} onRestore={(doc, v) => void restore(doc, v)} />
              </>
            ) : (
              <div class="card wf-panel">
                <h2>Test and runs</h2>
                <p class="muted">Create the workflow first; then you can try it on a conversation here and follow its runs.</p>
              </div>
            )}
          </aside>
        </div>
        <datalist id="wf-tag-names">
          {tags.value.map((t) => (
            <option key={t.id} value={t.name} />
          ))}
        </datalist>
      </ManagersOnly>
    </PageFrame>
  );
}

const PARAM_WORDS: Record<string, string> = { text: 'text', name: 'answer name', options: 'options', templateId: 'template', savedReplyId: 'saved reply', inSeconds: 'delay', threshold: 'confidence', timeoutSeconds: 'time to wait', teamId: 'team', userId: 'agent', tag: 'tag', url: 'URL', message: 'message' };

/** Which field of a step an error names, in words (“ › option 3”), so two errors on one step read apart. */
function paramWords(pointer: string): string {
  const m = /\/params\/([A-Za-z]+)(?:\/(\d+))?/.exec(pointer);
  if (!m) return '';
  if (m[1] === 'options' && m[2] !== undefined) return ` › option ${Number(m[2]) + 1}`;
  return ` › ${PARAM_WORDS[m[1]] ?? m[1].replace(/([A-Z])/g, ' $1').toLowerCase()}`;
}

export function FieldErrors({ errors, id }: { errors: FieldError[]; id?: string }) {
  if (!errors.length) return null;
  return (
    <ul class="form-error wf-node-errors" id={id}>
      {errors.map((e) => (
        <li key={`${e.field}:${e.message}`}>{e.message}</li>
      ))}
    </ul>
  );
}

// ---- trigger ----

function defaultTrigger(type: TriggerType): Trigger {
  switch (type) {
    case 'tag.applied':
      return { type, tag: '' };
    case 'sla.approaching':
      return { type, minutesBefore: 15 };
    case 'segment.matched':
      return { type, audienceId: '' };
    default:
      return { type };
  }
}

function TriggerPicker({ ed }: { ed: Ed }) {
  const t = ed.doc.trigger;
  const setT = (next: Trigger) => ed.set({ ...ed.doc, trigger: next });
  const opt = (key: string, value: unknown) => {
    const next = { ...t } as Record<string, unknown>;
    if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) delete next[key];
    else next[key] = value;
    setT(next as Trigger);
  };
  const err = (key: string) => ownErrors(ed.errors, `/trigger/${key}`);
  return (
    <fieldset class="fieldset card wf-trigger">
      <legend>Trigger</legend>
      <label class="field">
        <span>When</span>
        <select id="wf-trigger" value={t.type} onChange={(e) => setT(defaultTrigger(e.currentTarget.value as TriggerType))}>
          {(Object.keys(TRIGGER_LABEL) as TriggerType[]).map((k) => (
            <option key={k} value={k}>
              {TRIGGER_LABEL[k]}
            </option>
          ))}
        </select>
      </label>
      {t.type === 'message.received' || t.type === 'conversation.opened' ? (
        <>
          <CheckPills legend="Channels (none: any)" options={channels.value.map((c): [string, string] => [c, channelLabel(c)])} value={(t.channels as string[]) ?? []} onChange={(v) => opt('channels', v)} />
          <CheckPills legend="Inboxes (none: any)" options={inboxes.value.map((i): [string, string] => [i.id, i.name])} value={(t.inboxIds as string[]) ?? []} onChange={(v) => opt('inboxIds', v)} />
        </>
      ) : t.type === 'conversation.status_changed' ? (
        <label class="field">
          <span>To status</span>
          <select value={(t.to as string) ?? ''} onChange={(e) => opt('to', e.currentTarget.value)}>
            <option value="">Any status</option>
            <Options of={STATUSES} label={(s) => s} />
          </select>
        </label>
      ) : t.type === 'tag.applied' ? (
        <ParamField id="wf-trigger-tag" label="Tag" errors={err('tag')}>
          {(a) => <input {...a} list="wf-tag-names" value={String(t.tag ?? '')} maxLength={50} onInput={(e) => setT({ ...t, tag: e.currentTarget.value })} />}
        </ParamField>
      ) : t.type === 'sla.approaching' ? (
        <ParamField id="wf-trigger-minutes" label="Minutes before the deadline" errors={err('minutesBefore')}>
          {(a) => <input {...a} type="number" min={1} max={10080} value={String(t.minutesBefore ?? '')} onInput={(e) => setT({ ...t, minutesBefore: Number(e.currentTarget.value) })} />}
        </ParamField>
      ) : t.type === 'segment.matched' ? (
        <ParamField id="wf-trigger-audience" label="Audience" errors={err('audienceId')} hint="Starts when a contact who was not in the audience writes in matching it (checked on each customer message).">
          {(a) => (
            <select {...a} value={String(t.audienceId ?? '')} onChange={(e) => setT({ ...t, audienceId: e.currentTarget.value })}>
              <option value="">Choose…</option>
              <Options of={ed.audiences} value={(x) => x.id} label={(x) => x.name} />
            </select>
          )}
        </ParamField>
      ) : t.type === 'schedule' ? (
        <>
          <ParamField id="wf-trigger-cron" label="Cron expression" errors={err('cron')}>
            {(a) => <input {...a} value={String(t.cron ?? '')} placeholder="0 9 * * 1-5" onInput={(e) => opt('cron', e.currentTarget.value)} />}
          </ParamField>
          <ParamField id="wf-trigger-tz" label="Time zone" errors={err('timezone')}>
            {(a) => <input {...a} value={String(t.timezone ?? '')} placeholder="Europe/Berlin" onInput={(e) => opt('timezone', e.currentTarget.value)} />}
          </ParamField>
        </>
      ) : null}
      <FieldErrors errors={ownErrors(ed.errors, '/trigger').filter((e) => !['tag', 'minutesBefore', 'audienceId', 'cron', 'timezone'].some((k) => e.field === `/trigger/${k}`))} />
    </fieldset>
  );
}

/** A labelled control whose server error (if any) sits under it and is tied to it by aria-describedby. */
function ParamField({ id, label, errors, hint, children }: { id: string; label: string; errors: FieldError[]; hint?: ComponentChildren; children: (a: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ComponentChildren }) {
  const described = [errors.length ? `${id}-err` : '', hint ? `${id}-hint` : ''].filter(Boolean).join(' ');
  return (
    <div class="field">
      <label for={id}>{label}</label>
      {children({ id, 'aria-invalid': errors.length > 0, 'aria-describedby': described || undefined })}
      {hint ? (
        <small class="muted" id={`${id}-hint`}>
          {hint}
        </small>
      ) : null}
      <FieldErrors id={`${id}-err`} errors={errors} />
    </div>
  );
}

// ---- steps ----

// Flow steps, then the actions (the first ones as before: keyboard users learn the menu by position),
// then the bot and messaging steps.
const ADD_MENU: StepKind[] = [
  'if', 'parallel', 'wait', 'wait_until', 'wait_for_reply',
  'assign', 'move_to_queue', 'add_tag', 'remove_tag', 'set_priority', 'set_status', 'send_message', 'add_note', 'update_contact', 'escalate', 'handoff', 'call_webhook',
  'ask', 'answer_from_knowledge', 'send_template', 'schedule_follow_up',
];
const kindLabel = (k: StepKind) => (k in FLOW_LABEL ? FLOW_LABEL[k as keyof typeof FLOW_LABEL] : ACTION_LABEL[k as ActionType]);

function AddStep({ ed, listPtr, index, where }: { ed: Ed; listPtr: string; index: number; where: string }) {
  const menuId = `add${listPtr}/${index}`;
  return (
    <div class="wf-add">
      <Dropdown id={menuId} class="btn btn-sm wf-add-btn" title={`Add step ${where}`} label={<><Icon name="plus" size={14} /> Add step</>} wide>
        {(close) => (
          <div role="menu" aria-label={`Add step ${where}`} class="wf-add-menu">
            {ADD_MENU.map((k) => (
              <MenuItem
                key={k}
                onSelect={() => {
                  close();
                  ed.focusNext(`${listPtr}/${index}:card`);
                  ed.reshape(editList(ed.doc, listPtr, (l) => l.splice(index, 0, newStep(k))));
                }}
              >
                {kindLabel(k)}
              </MenuItem>
            ))}
          </div>
        )}
      </Dropdown>
    </div>
  );
}

function branchName(listPtr: string): string {
  return listPtr === '/steps' ? 'the workflow' : pointerWords(listPtr);
}

const DRAG_TYPE = 'application/x-parley-step';

export function StepList({ ed, listPtr, steps, label }: { ed: Ed; listPtr: string; steps: Step[]; label: string }) {
  const own = listErrors(ed.errors, listPtr);
  // The gap a dragged step would land in (0 = before the first step); only while dragging one of this list's steps.
  const dropAt = useSignal<number | null>(null);
  const mine = ed.drag?.list === listPtr;
  const gap = mine ? dropAt.value : null;
  // A drag that ended elsewhere (or left the list) leaves no line behind for the next one.
  useEffect(() => {
    if (!mine) dropAt.value = null;
  }, [mine]);
  const leave = (e: DragEvent) => {
    const to = e.relatedTarget as Node | null;
    if (!to || !(e.currentTarget as HTMLElement).contains(to)) dropAt.value = null;
  };
  const over = (e: DragEvent, i: number) => {
    // A step only moves within its own list: over another list the event goes on up to the list that owns the drag.
    if (!mine) return;
    e.preventDefault();
    e.stopPropagation();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'move';
    const r = (e.currentTarget as HTMLElement).getBoundingClientRect();
    const next = e.clientY < r.top + r.height / 2 ? i : i + 1;
    if (dropAt.value !== next) dropAt.value = next;
  };
  const drop = (e: DragEvent) => {
    if (!mine || !ed.drag) return;
    e.preventDefault();
    e.stopPropagation();
    const to = dropAt.value;
    const from = ed.drag.index;
    dropAt.value = null;
    ed.setDrag(null);
    if (to === null) return;
    const r = dropStep(ed.doc, listPtr, from, to);
    if (r.doc === ed.doc) return;
    ed.focusNext(`${listPtr}/${r.index}:card`);
    ed.reshape(r.doc);
  };
  return (
    <div class={`wf-list${own.length ? ' has-error' : ''}${mine ? ' wf-dragging' : ''}`} onDragLeave={mine ? leave : undefined}>
      <FieldErrors errors={own} />
      {steps.length === 0 ? <p class="muted small wf-list-empty">No steps yet.</p> : null}
      <ol class="wf-steps" aria-label={label}>
        {steps.map((s, i) => (
          <li
            key={`${ed.generation}:${i}:${s.type}:${s.type === 'action' ? s.action : ''}`}
            class={[gap === i ? 'wf-drop-before' : '', gap === steps.length && i === steps.length - 1 ? 'wf-drop-after' : '', mine && ed.drag?.index === i ? 'wf-drag-source' : ''].filter(Boolean).join(' ') || undefined}
            onDragOver={(e) => over(e, i)}
            onDrop={drop}
          >
            <StepCard ed={ed} step={s} listPtr={listPtr} index={i} count={steps.length} />
            {i < steps.length - 1 ? <AddStep ed={ed} listPtr={listPtr} index={i + 1} where={`after step ${i + 1} of ${branchName(listPtr)}`} /> : null}
          </li>
        ))}
      </ol>
      <AddStep ed={ed} listPtr={listPtr} index={steps.length} where={steps.length ? `at the end of ${branchName(listPtr)}` : `to ${branchName(listPtr)}`} />
    </div>
  );
}

function StepCard({ ed, step: s, listPtr, index, count }: { ed: Ed; step: Step; listPtr: string; index: number; count: number }) {
  const ptr = `${listPtr}/${index}`;
  const own = ownErrors(ed.errors, ptr).filter((e) => !e.field.startsWith(`${ptr}/params/`) && !e.field.startsWith(`${ptr}/when`));
  const bad = ownErrors(ed.errors, ptr).length > 0;
  const name = `${stepLabel(s)} (step ${index + 1})`;
  const move = (delta: -1 | 1) => {
    const r = moveStep(ed.doc, listPtr, index, delta);
    ed.focusNext(`${listPtr}/${r.index}:${delta < 0 ? 'up' : 'down'}`);
    ed.reshape(r.doc);
  };
  return (
    <section class={`wf-step wf-step-${s.type}${bad ? ' has-error' : ''}`} aria-label={name} tabIndex={-1} data-focus={`${ptr}:card`} data-pointer={ptr}>
      <header class="wf-step-head">
        {/* Pointer-only: the Move up / Move down buttons are the keyboard way, so the handle stays out of the tab order. */}
        <span
          class="wf-drag-handle"
          draggable
          aria-hidden="true"
          title="Drag to move"
          data-drag={ptr}
          onDragStart={(e) => {
            if (!e.dataTransfer) return;
            e.stopPropagation();
            e.dataTransfer.effectAllowed = 'move';
            e.dataTransfer.setData(DRAG_TYPE, ptr);
            const card = (e.currentTarget as HTMLElement).closest('.wf-step');
            if (card) e.dataTransfer.setDragImage(card, 16, 16);
            ed.setDrag({ list: listPtr, index });
          }}
          onDragEnd={() => ed.setDrag(null)}
        >
          ⠿
        </span>
        <span class="wf-step-num" aria-hidden="true">
          {index + 1}
        </span>
        <h3 class="wf-step-title">{stepLabel(s)}</h3>
        <div class="wf-step-tools">
          <button type="button" class="btn-icon" aria-label={`Move ${name} up`} disabled={index === 0} data-focus={`${ptr}:up`} onClick={() => move(-1)}>
            <Icon name="down" size={16} class="flip" />
          </button>
          <button type="button" class="btn-icon" aria-label={`Move ${name} down`} disabled={index === count - 1} data-focus={`${ptr}:down`} onClick={() => move(1)}>
            <Icon name="down" size={16} />
          </button>
          <button
            type="button"
            class="btn-icon"
            aria-label={`Delete ${name}`}
            onClick={() => {
              ed.focusNext(count > 1 ? `${listPtr}/${Math.max(0, index - 1)}:card` : '');
              ed.reshape(replaceAt(ed.doc, ptr, undefined));
            }}
          >
            <Icon name="trash" size={16} />
          </button>
        </div>
      </header>
      <FieldErrors errors={own} />
      <div class="wf-step-body">
        <StepBody ed={ed} step={s} ptr={ptr} />
      </div>
    </section>
  );
}

function Branch({ ed, ptr, label, steps, onRemove }: { ed: Ed; ptr: string; label: string; steps: Step[]; onRemove?: () => void }) {
  return (
    <div class="wf-branch" role="group" aria-label={label}>
      <div class="wf-branch-head">
        <span class="wf-branch-label">{label}</span>
        {onRemove ? (
          <button type="button" class="link small" onClick={onRemove}>
            Remove {label.toLowerCase()}
          </button>
        ) : null}
      </div>
      <StepList ed={ed} listPtr={ptr} steps={steps} label={label} />
    </div>
  );
}

function StepBody({ ed, step: s, ptr }: { ed: Ed; step: Step; ptr: string }) {
  const put = (next: Step) => ed.set(replaceAt(ed.doc, ptr, next));
  switch (s.type) {
    case 'if':
      return (
        <>
          <ConditionGroup ed={ed} cond={s.when as { all: Condition[] } | { any: Condition[] }} ptr={`${ptr}/when`} depth={0} />
          <div class="wf-branches">
            <Branch ed={ed} ptr={`${ptr}/then`} label="Then" steps={s.then} />
            {s.else ? (
              <Branch
                ed={ed}
                ptr={`${ptr}/else`}
                label="Else"
                steps={s.else}
                onRemove={() => {
                  const { else: _gone, ...rest } = s;
                  put(rest);
                }}
              />
            ) : (
              <div class="wf-branch wf-branch-add">
                <button type="button" class="btn btn-sm" onClick={() => put({ ...s, else: [newStep('add_note')] })}>
                  <Icon name="plus" size={14} /> Add an else branch
                </button>
              </div>
            )}
          </div>
        </>
      );
    case 'parallel':
      return (
        <>
          <div class="wf-branches wf-parallel">
            {s.branches.map((b, j) => (
              <Branch key={j} ed={ed} ptr={`${ptr}/branches/${j}`} label={`Branch ${j + 1}`} steps={b} onRemove={s.branches.length > 2 ? () => put({ ...s, branches: s.branches.filter((_, k) => k !== j) }) : undefined} />
            ))}
          </div>
          <button type="button" class="btn btn-sm" disabled={s.branches.length >= 10} onClick={() => put({ ...s, branches: [...s.branches, []] })}>
            <Icon name="plus" size={14} /> Add a branch
          </button>
        </>
      );
    case 'wait':
      return <SecondsField ed={ed} id={idOf(`${ptr}/seconds`)} label="Wait for" ptr={`${ptr}/seconds`} seconds={s.seconds} onChange={(n) => put({ ...s, seconds: n })} />;
    case 'wait_until':
      return <WaitUntil ed={ed} step={s} ptr={ptr} put={put} />;
    case 'wait_for_reply':
      return (
        <>
          <SecondsField ed={ed} id={idOf(`${ptr}/timeoutSeconds`)} label="Give up after" ptr={`${ptr}/timeoutSeconds`} seconds={s.timeoutSeconds} onChange={(n) => put({ ...s, timeoutSeconds: n })} />
          <div class="wf-branches">
            {s.onReply ? (
              <Branch
                ed={ed}
                ptr={`${ptr}/onReply`}
                label="On reply"
                steps={s.onReply}
                onRemove={() => {
                  const { onReply: _gone, ...rest } = s;
                  put(rest);
                }}
              />
            ) : (
              <div class="wf-branch wf-branch-add">
                <button type="button" class="btn btn-sm" onClick={() => put({ ...s, onReply: [newStep('add_tag')] })}>
                  <Icon name="plus" size={14} /> Steps when they reply
                </button>
              </div>
            )}
            {s.onTimeout ? (
              <Branch
                ed={ed}
                ptr={`${ptr}/onTimeout`}
                label="On timeout"
                steps={s.onTimeout}
                onRemove={() => {
                  const { onTimeout: _gone, ...rest } = s;
                  put(rest);
                }}
              />
            ) : (
              <div class="wf-branch wf-branch-add">
                <button type="button" class="btn btn-sm" onClick={() => put({ ...s, onTimeout: [newStep('send_message')] })}>
                  <Icon name="plus" size={14} /> Steps when they don’t
                </button>
              </div>
            )}
          </div>
        </>
      );
    case 'action':
      return <ActionParams ed={ed} step={s} ptr={ptr} put={put} />;
  }
}

function SecondsField({ ed, id, label, ptr, seconds, onChange, units }: { ed: Ed; id: string; label: string; ptr: string; seconds: number; onChange: (s: number) => void; units?: ('seconds' | 'minutes' | 'hours' | 'days')[] }) {
  const errs = ownErrors(ed.errors, ptr);
  const local = useSignal('');
  return (
    <DurationField
      id={id}
      label={label}
      ms={seconds * 1000}
      allowEmpty={false}
      units={units}
      error={local.value || errs.map((e) => e.message).join('; ') || undefined}
      onChange={(ms) => {
        if (ms === null || Number.isNaN(ms) || ms < 1000) {
          local.value = 'Enter a positive duration';
          return;
        }
        local.value = '';
        onChange(Math.round(ms / 1000));
      }}
    />
  );
}

function WaitUntil({ ed, step: s, ptr, put }: { ed: Ed; step: Extract<Step, { type: 'wait_until' }>; ptr: string; put: (s: Step) => void }) {
  const mode = s.at !== undefined ? 'at' : 'open';
  const name = idOf(`${ptr}/mode`);
  const local = (ms: number) => {
    const dt = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
    return dt.toISOString().slice(0, 16);
  };
  return (
    <fieldset class="fieldset wf-inline">
      <legend class="sr-only">Wait until</legend>
      <label class="check-field">
        <input type="radio" name={name} checked={mode === 'open'} onChange={() => put({ type: 'wait_until', ...(s.id ? { id: s.id } : {}), businessHours: 'next_open' })} /> The next business-hours opening
      </label>
      <label class="check-field">
        <input type="radio" name={name} checked={mode === 'at'} onChange={() => put({ type: 'wait_until', ...(s.id ? { id: s.id } : {}), at: Date.now() + 86_400_000 })} /> A date and time
      </label>
      {mode === 'at' ? (
        <ParamField id={idOf(`${ptr}/at`)} label="Date and time" errors={ownErrors(ed.errors, `${ptr}/at`)}>
          {(a) => (
            <input
              {...a}
              type="datetime-local"
              value={local(s.at!)}
              onInput={(e) => {
                const t = new Date(e.currentTarget.value).getTime();
                if (!Number.isNaN(t)) put({ ...s, at: t });
              }}
            />
          )}
        </ParamField>
      ) : null}
    </fieldset>
  );
}

// ---- actions ----

const MERGE_HINT = 'Merge fields: {{contact.first_name}}, {{contact.name|there}}, {{agent.name}} (the assignee), {{conversation.id}}.';

function ActionParams({ ed, step: s, ptr, put }: { ed: Ed; step: ActionStep; ptr: string; put: (s: Step) => void }) {
  const p = s.params;
  const set = (patch: Record<string, unknown>) => {
    const next = { ...p, ...patch };
    for (const k of Object.keys(next)) if (next[k] === undefined) delete next[k];
    put({ ...s, params: next });
  };
  const f = (key: string) => ({ id: idOf(`${ptr}/params/${key}`), errors: ownErrors(ed.errors, `${ptr}/params/${key}`) });
  const str = (k: string) => (p[k] === undefined || p[k] === null ? '' : String(p[k]));
  const teamSelect = (key: string, label: string, none?: string) => (
    <ParamField {...f(key)} label={label}>
      {(a) => (
        <select {...a} value={str(key)} onChange={(e) => set({ [key]: e.currentTarget.value || (none ? undefined : '') })}>
          <option value="">{none ?? 'Choose a team…'}</option>
          <Options of={teams.value} value={(t) => t.id} label={(t) => t.name} />
        </select>
      )}
    </ParamField>
  );
  switch (s.action) {
    case 'assign':
      return (
        <div class="wf-params">
          <ParamField {...f('to')} label="Assign to">
            {(a) => (
              <select {...a} value={str('to')} onChange={(e) => put({ ...s, params: { to: e.currentTarget.value, ...(e.currentTarget.value === 'agent' ? { userId: activeUsers.value[0]?.id ?? '' } : e.currentTarget.value === 'team' ? { teamId: teams.value[0]?.id ?? '' } : {}) } })}>
                <option value="agent">An agent</option>
                <option value="team">A team (its routing picks the agent)</option>
                <option value="unassign">Nobody (unassign)</option>
              </select>
            )}
          </ParamField>
          {p.to === 'agent' ? (
            <ParamField {...f('userId')} label="Agent">
              {(a) => (
                <select {...a} value={str('userId')} onChange={(e) => set({ userId: e.currentTarget.value })}>
                  <Options of={activeUsers.value} value={(u) => u.id} label={(u) => u.name} />
                </select>
              )}
            </ParamField>
          ) : p.to === 'team' ? (
            teamSelect('teamId', 'Team')
          ) : null}
        </div>
      );
    case 'move_to_queue':
      return <div class="wf-params">{teamSelect('teamId', 'Team queue')}</div>;
    case 'add_tag':
    case 'remove_tag':
      return (
        <div class="wf-params">
          <ParamField {...f('tag')} label="Tag">
            {(a) => <input {...a} list="wf-tag-names" maxLength={50} value={str('tag')} onInput={(e) => set({ tag: e.currentTarget.value })} />}
          </ParamField>
        </div>
      );
    case 'set_priority':
      return (
        <div class="wf-params">
          <ParamField {...f('priority')} label="Priority">
            {(a) => (
              <select {...a} value={str('priority')} onChange={(e) => set({ priority: e.currentTarget.value })}>
                <Options of={PRIORITIES} label={(x) => x} />
              </select>
            )}
          </ParamField>
        </div>
      );
    case 'set_status':
      return (
        <div class="wf-params">
          <ParamField {...f('status')} label="Status">
            {(a) => (
              <select {...a} value={str('status')} onChange={(e) => set({ status: e.currentTarget.value, snoozeSeconds: e.currentTarget.value === 'snoozed' ? 3600 : undefined })}>
                <Options of={STATUSES} label={(x) => (x === 'snoozed' ? 'snoozed (for a while)' : x)} />
              </select>
            )}
          </ParamField>
          {p.status === 'snoozed' ? <SecondsField ed={ed} id={idOf(`${ptr}/params/snoozeSeconds`)} label="Snooze for" ptr={`${ptr}/params/snoozeSeconds`} seconds={Number(p.snoozeSeconds ?? 3600)} units={['minutes', 'hours', 'days']} onChange={(n) => set({ snoozeSeconds: n })} /> : null}
        </div>
      );
    case 'send_message':
    case 'add_note':
      return (
        <div class="wf-params wf-params-wide">
          <ParamField {...f('text')} label={s.action === 'send_message' ? 'Message to the customer' : 'Note (only agents see it)'} hint={MERGE_HINT}>
            {(a) => <textarea {...a} rows={3} maxLength={5000} value={str('text')} onInput={(e) => set({ text: e.currentTarget.value })} />}
          </ParamField>
        </div>
      );
    case 'update_contact': {
      const field = str('field');
      const isAttr = field.startsWith('attributes.');
      return (
        <div class="wf-params">
          <ParamField {...f('field')} label="Field">
            {(a) => (
              <select {...a} value={isAttr ? 'attributes.' : field} onChange={(e) => set({ field: e.currentTarget.value === 'attributes.' ? 'attributes.' : e.currentTarget.value })}>
                <option value="name">Name</option>
                <option value="email">E-mail</option>
                <option value="phone">Phone</option>
                <option value="attributes.">An attribute…</option>
              </select>
            )}
          </ParamField>
          {isAttr ? (
            <ParamField id={idOf(`${ptr}/params/attr`)} errors={[]} label="Attribute key">
              {(a) => <input {...a} value={field.slice('attributes.'.length)} placeholder="plan" onInput={(e) => set({ field: `attributes.${e.currentTarget.value}` })} />}
            </ParamField>
          ) : null}
          <ParamField {...f('value')} label="Value">
            {(a) => <input {...a} value={str('value')} maxLength={1000} onInput={(e) => set({ value: e.currentTarget.value })} />}
          </ParamField>
        </div>
      );
    }
    case 'escalate':
      return (
        <div class="wf-params">
          <ParamField {...f('pathId')} label="Escalation path">
            {(a) => (
              <select {...a} value={str('pathId')} onChange={(e) => set({ pathId: e.currentTarget.value || undefined })}>
                <option value="">The first matching path</option>
                <Options of={ed.paths} value={(x) => x.id} label={(x) => x.name} />
              </select>
            )}
          </ParamField>
          <ParamField {...f('reason')} label="Reason (optional)">
            {(a) => <input {...a} maxLength={500} value={str('reason')} onInput={(e) => set({ reason: e.currentTarget.value || undefined })} />}
          </ParamField>
        </div>
      );
    case 'handoff':
      return (
        <div class="wf-params wf-params-wide">
          {teamSelect('teamId', 'To team', 'The shared inbox')}
          <ParamField {...f('message')} label="Message to the customer (optional)" hint={MERGE_HINT}>
            {(a) => <textarea {...a} rows={2} maxLength={5000} value={str('message')} onInput={(e) => set({ message: e.currentTarget.value || undefined })} />}
          </ParamField>
        </div>
      );
    case 'call_webhook':
      return <WebhookParams ed={ed} step={s} ptr={ptr} set={set} />;
    case 'send_template': {
      const useReply = p.savedReplyId !== undefined;
      const kind = idOf(`${ptr}/params/kind`);
      return (
        <div class="wf-params wf-params-wide">
          <fieldset class="fieldset wf-inline">
            <legend class="sr-only">Send</legend>
            <label class="check-field">
              <input type="radio" name={kind} checked={!useReply} onChange={() => put({ ...s, params: { templateId: '' } })} /> A template
            </label>
            <label class="check-field">
              <input type="radio" name={kind} checked={useReply} onChange={() => put({ ...s, params: { savedReplyId: '' } })} /> A saved reply
            </label>
          </fieldset>
          {useReply ? (
            <ParamField {...f('savedReplyId')} label="Saved reply" hint="Its variant for the conversation’s channel is sent, merge fields filled.">
              {(a) => (
                <select {...a} value={str('savedReplyId')} onChange={(e) => set({ savedReplyId: e.currentTarget.value })}>
                  <option value="">Choose a saved reply…</option>
                  <Options of={ed.replies} value={(r) => r.id} label={(r) => r.name} />
                </select>
              )}
            </ParamField>
          ) : (
            <ParamField {...f('templateId')} label="Template" hint="Only sent when its channel is the conversation’s and it is approved or active.">
              {(a) => (
                <select {...a} value={str('templateId')} onChange={(e) => set({ templateId: e.currentTarget.value })}>
                  <option value="">Choose a template…</option>
                  <Options of={ed.templates} value={(t) => t.id} label={(t) => `${t.name} (${channelLabel(t.channel)}, ${t.status.replace(/_/g, ' ')})`} />
                </select>
              )}
            </ParamField>
          )}
          <FieldErrors errors={ownErrors(ed.errors, `${ptr}/params`).filter((e) => e.field === `${ptr}/params`)} />
        </div>
      );
    }
    case 'schedule_follow_up':
      return (
        <div class="wf-params wf-params-wide">
          <SecondsField ed={ed} id={idOf(`${ptr}/params/inSeconds`)} label="Follow up after" ptr={`${ptr}/params/inSeconds`} seconds={Number(p.inSeconds ?? 86400)} units={['minutes', 'hours', 'days']} onChange={(n) => set({ inSeconds: n })} />
          <ParamField {...f('text')} label="Message to send then (optional)" hint={`Without a message the conversation simply comes back to open. ${MERGE_HINT}`}>
            {(a) => <textarea {...a} rows={2} maxLength={5000} value={str('text')} onInput={(e) => set({ text: e.currentTarget.value || undefined })} />}
          </ParamField>
          <Toggle checked={p.cancelOnReply !== false} label="Cancel it if the customer replies first" onChange={(on) => set({ cancelOnReply: on ? undefined : false })} />
        </div>
      );
    case 'ask':
      return <AskParams ed={ed} step={s} ptr={ptr} set={set} put={put} />;
    case 'answer_from_knowledge': {
      const pct = Math.round(Number(p.threshold ?? 0.6) * 100);
      return (
        <div class="wf-params wf-params-wide">
          <ParamField {...f('threshold')} label="Send the answer when the confidence is at least (%)" hint="Below it nothing is sent and the run goes on to the next step; an If on “The knowledge base answered” can branch on it.">
            {(a) => (
              <input
                {...a}
                class="wf-percent"
                type="number"
                min={0}
                max={100}
                step={1}
                inputMode="numeric"
                value={String(pct)}
                onInput={(e) => {
                  const n = Number(e.currentTarget.value);
                  if (e.currentTarget.value !== '' && Number.isFinite(n)) set({ threshold: Math.min(100, Math.max(0, n)) / 100 });
                }}
              />
            )}
          </ParamField>
        </div>
      );
    }
  }
}

type AskMode = 'options' | 'email' | 'free';

function AskParams({ ed, step: s, ptr, set, put }: { ed: Ed; step: ActionStep; ptr: string; set: (patch: Record<string, unknown>) => void; put: (s: Step) => void }) {
  const p = s.params;
  const options = Array.isArray(p.options) ? (p.options as string[]) : null;
  const mode: AskMode = options ? 'options' : p.validate === 'email' ? 'email' : 'free';
  const f = (key: string) => ({ id: idOf(`${ptr}/params/${key}`), errors: ownErrors(ed.errors, `${ptr}/params/${key}`) });
  const str = (k: string) => (p[k] === undefined || p[k] === null ? '' : String(p[k]));
  const setMode = (m: AskMode) => {
    const { options: _o, validate: _v, ...rest } = p;
    // Saving into the contact's e-mail needs an e-mail answer (the server refuses it otherwise): leaving that mode drops it.
    if (m !== 'email' && rest.saveTo === 'email') delete rest.saveTo;
    put({ ...s, params: { ...rest, ...(m === 'options' ? { options: ['', ''] } : m === 'email' ? { validate: 'email', saveTo: rest.saveTo ?? 'email' } : {}) } });
  };
  const setOptions = (list: string[]) => set({ options: list });
  const optErrs = ownErrors(ed.errors, `${ptr}/params/options`).filter((e) => e.field === `${ptr}/params/options`);
  const base = idOf(`${ptr}/params/options`);
  return (
    <div class="wf-params wf-params-wide">
      <ParamField {...f('text')} label="Question to the customer" hint={mode === 'options' ? 'The options are sent under it, numbered, so “2” is an answer too.' : undefined}>
        {(a) => <textarea {...a} rows={2} maxLength={5000} value={str('text')} onInput={(e) => set({ text: e.currentTarget.value })} />}
      </ParamField>
      <ParamField {...f('validate')} label="The customer answers with">
        {(a) => (
          <select {...a} value={mode} onChange={(e) => setMode(e.currentTarget.value as AskMode)}>
            <option value="options">One of these options</option>
            <option value="email">An e-mail address</option>
            <option value="free">Anything (free text)</option>
          </select>
        )}
      </ParamField>
      {options ? (
        <fieldset class="fieldset wf-ask-options">
          <legend>Options</legend>
          <ol class="wf-option-list">
            {options.map((o, i) => {
              const oid = `${base}-${i}`;
              const errs = ownErrors(ed.errors, `${ptr}/params/options/${i}`);
              const move = (to: number) => {
                const next = [...options];
                const [x] = next.splice(i, 1);
                next.splice(to, 0, x);
                // Follow the option with the same button, unless it is now at the end where that button is disabled.
                const edge = (to < i && to === 0) || (to > i && to === options.length - 1);
                ed.focusNext(`${ptr}:opt${to}:${(to < i) !== edge ? 'up' : 'down'}`);
                setOptions(next);
              };
              return (
                <li key={i} class="wf-option">
                  <label for={oid} class="sr-only">
                    Option {i + 1}
                  </label>
                  <span class="wf-option-num" aria-hidden="true">
                    {i + 1}.
                  </span>
                  <input id={oid} value={o} maxLength={100} data-focus={`${ptr}:opt${i}`} aria-invalid={errs.length > 0} aria-describedby={errs.length ? `${oid}-err` : undefined} onInput={(e) => setOptions(options.map((x, j) => (j === i ? e.currentTarget.value : x)))} />
                  <button type="button" class="btn-icon" aria-label={`Move option ${i + 1} up`} disabled={i === 0} data-focus={`${ptr}:opt${i}:up`} onClick={() => move(i - 1)}>
                    <Icon name="down" size={14} class="flip" />
                  </button>
                  <button type="button" class="btn-icon" aria-label={`Move option ${i + 1} down`} disabled={i === options.length - 1} data-focus={`${ptr}:opt${i}:down`} onClick={() => move(i + 1)}>
                    <Icon name="down" size={14} />
                  </button>
                  <button
                    type="button"
                    class="btn-icon"
                    aria-label={`Remove option ${i + 1}`}
                    disabled={options.length <= 2}
                    onClick={() => {
                      ed.focusNext(`${ptr}:opt${Math.max(0, i - 1)}`);
                      setOptions(options.filter((_, j) => j !== i));
                    }}
                  >
                    <Icon name="x" size={14} />
                  </button>
                  <FieldErrors id={`${oid}-err`} errors={errs} />
                </li>
              );
            })}
          </ol>
          <FieldErrors errors={optErrs} />
          <button
            type="button"
            class="btn btn-sm"
            disabled={options.length >= 10}
            onClick={() => {
              ed.focusNext(`${ptr}:opt${options.length}`);
              setOptions([...options, '']);
            }}
          >
            <Icon name="plus" size={14} /> Add an option
          </button>
        </fieldset>
      ) : null}
      <div class="wf-ask-row">
        <ParamField {...f('name')} label="Remember the answer as" hint="A short name (letters, digits, _); an If step can then branch on “Answer to …”.">
          {(a) => <input {...a} value={str('name')} maxLength={50} pattern="[A-Za-z][A-Za-z0-9_]*" onInput={(e) => set({ name: e.currentTarget.value })} />}
        </ParamField>
        <ParamField {...f('saveTo')} label="Also save it on the contact as">
          {(a) => (
            <select {...a} value={str('saveTo')} onChange={(e) => set({ saveTo: e.currentTarget.value || undefined })}>
              <option value="">Don’t save it</option>
              {mode === 'email' ? <option value="email">E-mail</option> : null}
              <option value="name">Name</option>
              <option value="phone">Phone</option>
            </select>
          )}
        </ParamField>
      </div>
      <SecondsField ed={ed} id={idOf(`${ptr}/params/timeoutSeconds`)} label="Stop waiting for an answer after" ptr={`${ptr}/params/timeoutSeconds`} seconds={Number(p.timeoutSeconds ?? 86400)} units={['minutes', 'hours', 'days']} onChange={(n) => set({ timeoutSeconds: n })} />
    </div>
  );
}

function WebhookParams({ ed, step: s, ptr, set }: { ed: Ed; step: ActionStep; ptr: string; set: (patch: Record<string, unknown>) => void }) {
  const p = s.params;
  const headersText = useSignal(
    Object.entries((p.headers as Record<string, string>) ?? {})
      .map(([k, v]) => `${k}: ${v}`)
      .join('\n'),
  );
  const f = (key: string) => ({ id: idOf(`${ptr}/params/${key}`), errors: ed.errors.filter((e) => e.field === `${ptr}/params/${key}` || e.field.startsWith(`${ptr}/params/${key}/`)) });
  return (
    <div class="wf-params wf-params-wide">
      <div class="wf-row">
        <ParamField {...f('method')} label="Method">
          {(a) => (
            <select {...a} value={String(p.method ?? 'POST')} onChange={(e) => set({ method: e.currentTarget.value })}>
              <Options of={['GET', 'POST', 'PUT', 'PATCH', 'DELETE']} label={(m) => m} />
            </select>
          )}
        </ParamField>
        <ParamField {...f('url')} label="URL">
          {(a) => <input {...a} type="url" value={String(p.url ?? '')} maxLength={2000} onInput={(e) => set({ url: e.currentTarget.value })} />}
        </ParamField>
      </div>
      <ParamField {...f('headers')} label="Headers (one “Name: value” a line)" hint="Signed with the workflow’s secret (Standard Webhooks headers are added for you).">
        {(a) => (
          <textarea
            {...a}
            rows={2}
            value={headersText.value}
            onInput={(e) => {
              headersText.value = e.currentTarget.value;
              const h: Record<string, string> = {};
              for (const line of e.currentTarget.value.split('\n')) {
                const at = line.indexOf(':');
                if (at > 0) h[line.slice(0, at).trim()] = line.slice(at + 1).trim();
              }
              set({ headers: Object.keys(h).length ? h : undefined });
            }}
          />
        )}
      </ParamField>
      <ParamField {...f('body')} label="Body (optional; merge fields allowed)">
        {(a) => <textarea {...a} rows={3} maxLength={20000} value={String(p.body ?? '')} onInput={(e) => set({ body: e.currentTarget.value || undefined })} />}
      </ParamField>
    </div>
  );
}

// ---- conditions ----

const NO_VALUE: ConditionOp[] = ['is_set', 'is_empty'];

function ConditionGroup({ ed, cond, ptr, depth, onRemove }: { ed: Ed; cond: { all: Condition[] } | { any: Condition[] }; ptr: string; depth: number; onRemove?: () => void }) {
  const mode = 'all' in cond ? 'all' : 'any';
  const items = 'all' in cond ? cond.all : cond.any;
  const put = (next: Condition) => ed.set(replaceAt(ed.doc, ptr, next));
  const setItems = (list: Condition[]) => put(mode === 'all' ? { all: list } : { any: list });
  const own = ownErrors(ed.errors, ptr).filter((e) => e.field === ptr || e.field === `${ptr}/${mode}`);
  const gid = idOf(ptr);
  return (
    <fieldset class={`wf-group${depth ? ' wf-group-nested' : ''}`}>
      <legend class="wf-group-legend">{depth === 0 ? 'If' : 'Group'}</legend>
      <div class="wf-group-head">
        <label class="field wf-inline-field">
          <span>Match</span>
          <select id={`${gid}-mode`} value={mode} onChange={(e) => put(e.currentTarget.value === 'all' ? { all: items } : { any: items })}>
            <option value="all">all of these (AND)</option>
            <option value="any">any of these (OR)</option>
          </select>
        </label>
        {onRemove ? (
          <button type="button" class="link small" onClick={onRemove}>
            Remove group
          </button>
        ) : null}
      </div>
      <FieldErrors errors={own} />
      <ul class="wf-conds">
        {items.map((c, i) => {
          const cptr = `${ptr}/${mode}/${i}`;
          const remove = items.length > 1 ? () => setItems(items.filter((_, j) => j !== i)) : undefined;
          return (
            <li key={i} class="wf-cond">
              {i > 0 ? (
                <span class="wf-joiner" aria-hidden="true">
                  {mode === 'all' ? 'and' : 'or'}
                </span>
              ) : null}
              {'all' in c || 'any' in c ? (
                <ConditionGroup ed={ed} cond={c} ptr={cptr} depth={depth + 1} onRemove={remove} />
              ) : 'not' in c ? (
                <div class="wf-not">
                  <span class="wf-branch-label">Not</span>
                  {'all' in c.not || 'any' in c.not ? (
                    <ConditionGroup ed={ed} cond={c.not} ptr={`${cptr}/not`} depth={depth + 1} onRemove={remove} />
                  ) : (
                    <ConditionRow ed={ed} cond={c.not as Leaf} ptr={`${cptr}/not`} onRemove={remove} />
                  )}
                </div>
              ) : (
                <ConditionRow ed={ed} cond={c} ptr={cptr} onRemove={remove} />
              )}
            </li>
          );
        })}
      </ul>
      <div class="wf-group-add">
        <button type="button" class="btn btn-sm" onClick={() => setItems([...items, { field: 'message.text', op: 'contains', value: '' }])}>
          <Icon name="plus" size={14} /> Add condition
        </button>
        {depth < 3 ? (
          <button type="button" class="btn btn-sm" onClick={() => setItems([...items, { [mode === 'all' ? 'any' : 'all']: [{ field: 'conversation.priority', op: 'eq', value: 'urgent' }] } as Condition])}>
            <Icon name="plus" size={14} /> Add {mode === 'all' ? 'an OR' : 'an AND'} group
          </button>
        ) : null}
      </div>
    </fieldset>
  );
}

function defaultValue(field: string): unknown {
  if (field === 'time.businessHours' || field === 'vars.answered') return true;
  if (field === 'conversation.status') return 'open';
  if (field === 'conversation.priority') return 'urgent';
  return '';
}

function ConditionRow({ ed, cond, ptr, onRemove }: { ed: Ed; cond: Leaf; ptr: string; onRemove?: () => void }) {
  const put = (next: Leaf) => ed.set(replaceAt(ed.doc, ptr, next));
  const isAttr = cond.field.startsWith(ATTRIBUTE_PREFIX);
  const vars = runVars(ed.doc);
  const known = CONDITION_FIELDS.some(([f]) => f === cond.field) || vars.some((x) => x.field === cond.field);
  const rid = idOf(ptr);
  const errs = (k: string) => ownErrors(ed.errors, `${ptr}/${k}`);
  const rowErrs = ownErrors(ed.errors, ptr).filter((e) => e.field === ptr);
  const setOp = (op: ConditionOp) => {
    let value = cond.value;
    if (NO_VALUE.includes(op)) value = undefined;
    else if (op === 'in' || op === 'not_in') value = Array.isArray(value) ? value : value === undefined || value === '' ? [] : [value as string];
    else if (op === 'gt' || op === 'lt') value = typeof value === 'number' ? value : 0;
    else if (Array.isArray(value)) value = value[0] ?? '';
    else if (value === undefined) value = defaultValue(cond.field);
    put({ field: cond.field, op, ...(value === undefined ? {} : { value }) });
  };
  return (
    <div class="wf-cond-row" role="group" aria-label="Condition">
      <div class="field">
        <label for={`${rid}-field`}>Field</label>
        <select
          id={`${rid}-field`}
          value={isAttr ? ATTRIBUTE_PREFIX : cond.field}
          aria-invalid={errs('field').length > 0}
          onChange={(e) => {
            const field = e.currentTarget.value;
            const op = field === 'time.businessHours' || field.startsWith('vars.') ? 'eq' : cond.op;
            put({ field, op, ...(NO_VALUE.includes(op) ? {} : { value: op === 'in' || op === 'not_in' ? [] : defaultValue(field) }) });
          }}
        >
          {vars.length ? (
            <optgroup label="Answers in this workflow">
              {vars.map((x) => (
                <option key={x.field} value={x.field}>
                  {x.label}
                </option>
              ))}
            </optgroup>
          ) : null}
          <optgroup label="Message, conversation and contact">
            {CONDITION_FIELDS.map(([f, l]) => (
              <option key={f} value={f}>
                {l}
              </option>
            ))}
            <option value={ATTRIBUTE_PREFIX}>Contact attribute…</option>
          </optgroup>
          {!known && !isAttr ? <option value={cond.field}>{cond.field.startsWith('vars.') ? `Answer “${cond.field.slice(5)}” (no step asks it)` : cond.field}</option> : null}
        </select>
      </div>
      {isAttr ? (
        <div class="field">
          <label for={`${rid}-attr`}>Attribute</label>
          <input id={`${rid}-attr`} value={cond.field.slice(ATTRIBUTE_PREFIX.length)} placeholder="plan" onInput={(e) => put({ ...cond, field: `${ATTRIBUTE_PREFIX}${e.currentTarget.value}` })} />
        </div>
      ) : null}
      <div class="field">
        <label for={`${rid}-op`}>Operator</label>
        <select id={`${rid}-op`} value={cond.op} onChange={(e) => setOp(e.currentTarget.value as ConditionOp)}>
          {(Object.keys(OP_LABEL) as ConditionOp[]).map((o) => (
            <option key={o} value={o}>
              {OP_LABEL[o]}
            </option>
          ))}
        </select>
      </div>
      {NO_VALUE.includes(cond.op) ? null : <ValueInput id={`${rid}-value`} cond={cond} runVar={vars.find((x) => x.field === cond.field)} errors={errs('value')} onChange={(value) => put({ ...cond, value })} />}
      {onRemove ? (
        <button type="button" class="btn-icon wf-cond-remove" aria-label="Remove condition" onClick={onRemove}>
          <Icon name="x" size={14} />
        </button>
      ) : null}
      <FieldErrors errors={[...rowErrs, ...errs('field'), ...errs('op'), ...errs('value')]} />
    </div>
  );
}

function ValueInput({ id, cond, runVar, errors, onChange }: { id: string; cond: Leaf; runVar?: { options?: string[]; yesNo?: boolean }; errors: FieldError[]; onChange: (v: unknown) => void }) {
  const common = { id, 'aria-invalid': errors.length > 0 };
  const v = cond.value;
  const choose = (options: [string, string][]) => (
    <select {...common} value={String(v ?? '')} onChange={(e) => onChange(e.currentTarget.value)}>
      {options.map(([k, l]) => (
        <option key={k} value={k}>
          {l}
        </option>
      ))}
    </select>
  );
  let control;
  if (cond.op === 'in' || cond.op === 'not_in') return <ListInput id={id} label="Values (comma-separated)" value={Array.isArray(v) ? (v as string[]).map(String) : []} onChange={onChange} />;
  if (cond.op === 'gt' || cond.op === 'lt') control = <input {...common} type="number" value={typeof v === 'number' ? String(v) : ''} onInput={(e) => onChange(e.currentTarget.value === '' ? undefined : Number(e.currentTarget.value))} />;
  else if (cond.field === 'time.businessHours' || runVar?.yesNo)
    control = (
      <select {...common} value={String(v)} onChange={(e) => onChange(e.currentTarget.value === 'true')}>
        <option value="true">yes</option>
        <option value="false">no</option>
      </select>
    );
  else if (cond.op === 'eq' || cond.op === 'neq') {
    if (runVar?.options) control = choose([['', 'Choose…'], ...runVar.options.map((o): [string, string] => [o, o]), ...(typeof v === 'string' && v && !runVar.options.includes(v) ? [[v, v] as [string, string]] : [])]);
    else if (cond.field === 'conversation.status') control = choose(STATUSES.map((s) => [s, s]));
    else if (cond.field === 'conversation.priority') control = choose(PRIORITIES.map((s) => [s, s]));
    else if (cond.field === 'conversation.teamId') control = choose([['', 'Choose…'], ...teams.value.map((t): [string, string] => [t.id, t.name])]);
    else if (cond.field === 'conversation.assigneeId') control = choose([['', 'Choose…'], ...activeUsers.value.map((u): [string, string] => [u.id, u.name])]);
    else if (cond.field === 'conversation.inboxId') control = choose([['', 'Choose…'], ...inboxes.value.map((i): [string, string] => [i.id, i.name])]);
    else if (cond.field === 'conversation.channel' || cond.field === 'message.channel') control = choose([['', 'Choose…'], ...channels.value.map((c): [string, string] => [c, channelLabel(c)])]);
  }
  control ??= <input {...common} value={v === undefined || v === null ? '' : String(v)} list={cond.field.endsWith('tags') ? 'wf-tag-names' : undefined} onInput={(e) => onChange(e.currentTarget.value)} />;
  return (
    <div class="field">
      <label for={id}>Value</label>
      {control}
    </div>
  );
}


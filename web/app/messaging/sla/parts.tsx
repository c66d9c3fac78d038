// Building blocks shared by the routing, SLA, escalation and AI alert pages: the page frame, a reorderable
// list (drag, or the handle's arrow keys, announced to screen readers) of rules with their enable switch
// and Delete, check-pill groups, a duration input, a comma-separated tags input and the action boxes.
import type { ComponentChildren } from 'preact';
import { useSignal, type Signal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { api, ApiError, errorText } from '../../lib/api';
import { activeUsers, isManager } from '../../state/session';
import { toast } from '../../state/toast';
import { useAfterRender } from '../../ui/after-render';
import { Loading, Options } from '../../ui/form';
import { Icon, type IconName } from '../../ui/Icon';
import { moveItem, splitDuration, joinDuration, type DurationUnit } from './countdown';

export function PageFrame({ title, intro, actions, children, id }: { title: string; intro: string; actions?: ComponentChildren; children: ComponentChildren; id: string }) {
  useEffect(() => {
    document.title = `${title} · Parley`;
    return () => (document.title = 'Parley');
  }, [title]);
  return (
    <section class="mx-page" aria-labelledby={`${id}-title`}>
      <header class="mx-head">
        <div>
          <h1 id={`${id}-title`}>{title}</h1>
          <p class="muted">{intro}</p>
        </div>
        {actions ? <div class="mx-head-actions">{actions}</div> : null}
      </header>
      {children}
    </section>
  );
}

/** Managers edit; everyone else gets a short explanation instead of a form they cannot save. */
export function ManagersOnly({ what, children }: { what: string; children: ComponentChildren }) {
  if (isManager.value) return <>{children}</>;
  return (
    <div class="card mx-empty">
      <Icon name="lock" size={24} />
      <p>Only managers can change {what}.</p>
    </div>
  );
}

/**
 * An ordered list the user can reorder by dragging a row, or by focusing its handle and pressing
 * ↑/↓ (Home/End to the ends). `onReorder` gets the new order of ids; the move is announced.
 */
export function ReorderList<T extends { id: string }>({ items, label, name, onReorder, render }: { items: T[]; label: string; name: (it: T) => string; onReorder: (ids: string[]) => void; render: (it: T, index: number) => ComponentChildren }) {
  const dragging = useSignal<string | null>(null);
  const over = useSignal<string | null>(null);
  const said = useSignal('');
  const afterRender = useAfterRender();
  const root = useRef<HTMLOListElement>(null);
  const move = (from: number, to: number, viaKeyboard: boolean) => {
    const next = moveItem(items, from, to);
    if (next === items) return;
    const it = items[from];
    // Keep focus on the moved row's handle (the DOM node moved, which drops focus in some browsers).
    if (viaKeyboard) afterRender(() => root.current?.querySelector<HTMLButtonElement>(`[data-handle="${CSS.escape(it.id)}"]`)?.focus());
    said.value = `${name(it)} moved to position ${next.indexOf(it) + 1} of ${next.length}`;
    onReorder(next.map((x) => x.id));
  };
  return (
    <>
      <ol class="mx-list" aria-label={label} ref={root}>
        {items.map((it, i) => (
          <li
            key={it.id}
            class={`mx-item${dragging.value === it.id ? ' dragging' : ''}${over.value === it.id && dragging.value !== it.id ? ' drop-target' : ''}`}
            data-id={it.id}
            onDragOver={(e) => {
              if (!dragging.value) return;
              e.preventDefault();
              over.value = it.id;
            }}
            onDrop={(e) => {
              e.preventDefault();
              const from = items.findIndex((x) => x.id === dragging.value);
              dragging.value = null;
              over.value = null;
              if (from >= 0) move(from, i, false);
            }}
          >
            <button
              type="button"
              class="mx-handle"
              data-handle={it.id}
              draggable
              aria-label={`Reorder ${name(it)}, position ${i + 1} of ${items.length}`}
              title="Drag, or use the arrow keys, to reorder"
              onDragStart={(e) => {
                dragging.value = it.id;
                e.dataTransfer?.setData('text/plain', it.id);
                if (e.dataTransfer) e.dataTransfer.effectAllowed = 'move';
              }}
              onDragEnd={() => {
                dragging.value = null;
                over.value = null;
              }}
              onKeyDown={(e) => {
                const to = e.key === 'ArrowUp' ? i - 1 : e.key === 'ArrowDown' ? i + 1 : e.key === 'Home' ? 0 : e.key === 'End' ? items.length - 1 : null;
                if (to === null || to < 0 || to >= items.length) return;
                e.preventDefault();
                move(i, to, true);
              }}
            >
              <span class="mx-pos" aria-hidden="true">
                {i + 1}
              </span>
              <svg class="icon" width={14} height={14} viewBox="0 0 24 24" aria-hidden="true" focusable="false">
                <path d="M9 6h.01M15 6h.01M9 12h.01M15 12h.01M9 18h.01M15 18h.01" />
              </svg>
            </button>
            {render(it, i)}
          </li>
        ))}
      </ol>
      <div class="sr-only" aria-live="polite">
        {said.value}
      </div>
    </>
  );
}

/** The checkbox pills of a multi-select: each option toggles its value in or out of the list. */
export function PillChecks<V extends string>({ options, value, onChange }: { options: [V, string][]; value: V[]; onChange: (v: V[]) => void }) {
  return (
    <>
      {options.map(([v, l]) => (
        <label key={v} class="check-pill">
          <input type="checkbox" checked={value.includes(v)} onChange={(e) => onChange(e.currentTarget.checked ? [...value, v] : value.filter((x) => x !== v))} />
          {l}
        </label>
      ))}
    </>
  );
}

/** A group of checkboxes in a fieldset (priorities, channels, teams…). */
export function CheckPills<V extends string>({ legend, options, value, onChange, hint }: { legend: string; options: [V, string][]; value: V[]; onChange: (v: V[]) => void; hint?: string }) {
  return (
    <fieldset class="fieldset mx-pills">
      <legend>{legend}</legend>
      {hint ? <p class="muted small">{hint}</p> : null}
      <div class="team-checks">
        <PillChecks options={options} value={value} onChange={onChange} />
        {options.length === 0 ? <span class="muted small">None yet.</span> : null}
      </div>
    </fieldset>
  );
}

/** A duration as a number and a unit; '' stands for "none" (null). Reports NaN when the number is not valid. */
export function DurationField({ id, label, ms, onChange, allowEmpty = true, error, units = ['seconds', 'minutes', 'hours', 'days'] }: { id: string; label: string; ms: number | null; onChange: (ms: number | null) => void; allowEmpty?: boolean; error?: string; units?: DurationUnit[] }) {
  const init = splitDuration(ms);
  const value = useSignal(init.value);
  const unit = useSignal<DurationUnit>(units.includes(init.unit) ? init.unit : units[0]);
  const emit = () => onChange(joinDuration(value.value, unit.value));
  return (
    <div class="mx-duration">
      <label class="field">
        <span>{label}</span>
        <input
          id={id}
          type="number"
          min="0"
          step="any"
          inputMode="decimal"
          value={value.value}
          placeholder={allowEmpty ? 'none' : undefined}
          aria-invalid={!!error}
          aria-describedby={error ? `${id}-error` : undefined}
          onInput={(e) => {
            value.value = e.currentTarget.value;
            emit();
          }}
        />
      </label>
      <label class="field">
        <span class="sr-only">{label} unit</span>
        <select
          value={unit.value}
          onChange={(e) => {
            unit.value = e.currentTarget.value as DurationUnit;
            emit();
          }}
        >
          <Options of={units} label={(u) => u} />
        </select>
      </label>
      {error ? (
        <span class="form-error mx-duration-error" id={`${id}-error`}>
          {error}
        </span>
      ) : null}
    </div>
  );
}

/** Tags (or keywords) typed comma-separated. */
export function ListInput({ id, label, value, onChange, placeholder, hint }: { id: string; label: string; value: string[]; onChange: (v: string[]) => void; placeholder?: string; hint?: string }) {
  const text = useSignal(value.join(', '));
  return (
    <label class="field">
      <span>{label}</span>
      <input
        id={id}
        value={text.value}
        placeholder={placeholder}
        aria-describedby={hint ? `${id}-hint` : undefined}
        onInput={(e) => {
          text.value = e.currentTarget.value;
          onChange(
            e.currentTarget.value
              .split(',')
              .map((s) => s.trim())
              .filter(Boolean),
          );
        }}
      />
      {hint ? (
        <small class="muted" id={`${id}-hint`}>
          {hint}
        </small>
      ) : null}
    </label>
  );
}

/** A switch-style checkbox with a visible label. */
export function Toggle({ checked, onChange, label, hideLabel }: { checked: boolean; onChange: (on: boolean) => void; label: string; hideLabel?: boolean }) {
  return (
    <label class="mx-toggle">
      <input type="checkbox" role="switch" checked={checked} onChange={(e) => onChange(e.currentTarget.checked)} />
      <span class={hideLabel ? 'sr-only' : ''}>{label}</span>
    </label>
  );
}

/** The server's field errors, all of them, under a form. */
export function FormErrors({ error }: { error: unknown }) {
  if (!error) return null;
  const list = error instanceof ApiError && error.errors.length ? error.errors.map((e) => `${e.field}: ${e.message}`) : [errorText(error)];
  return (
    <div class="form-error" role="alert">
      {list.length === 1 ? (
        list[0]
      ) : (
        <ul>
          {list.map((l) => (
            <li key={l}>{l}</li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function fieldError(error: unknown, field: string): string | undefined {
  return error instanceof ApiError ? error.field(field) : undefined;
}

export interface Recipients {
  userIds: string[];
  roles: ('manager' | 'admin')[];
  assignee: boolean;
}
/** Who a notify action reaches by default: the managers and the assignee. */
export const defaultRecipients = (): Recipients => ({ userIds: [], roles: ['manager'], assignee: true });
const ROLES: ['manager' | 'admin', string][] = [
  ['manager', 'Managers'],
  ['admin', 'Admins'],
];

/** Who a notify action reaches: roles, people and the assignee. */
export function RecipientsFields({ value, onChange }: { value: Recipients; onChange: (r: Recipients) => void }) {
  return (
    <>
      <CheckPills legend="Roles" options={ROLES} value={value.roles} onChange={(v) => onChange({ ...value, roles: v })} />
      <CheckPills legend="People" options={activeUsers.value.map((u): [string, string] => [u.id, u.name])} value={value.userIds} onChange={(v) => onChange({ ...value, userIds: v })} />
      <label class="check-field">
        <input type="checkbox" checked={value.assignee} onChange={(e) => onChange({ ...value, assignee: e.currentTarget.checked })} /> The assignee
      </label>
    </>
  );
}

/** Shown instead of an empty list. */
export function EmptyCard({ icon, children }: { icon: IconName; children: ComponentChildren }) {
  return (
    <div class="card mx-empty">
      <Icon name={icon} size={28} />
      <p>{children}</p>
    </div>
  );
}

interface Rule {
  id: string;
  name: string;
  enabled: boolean;
}

/** Saves a new order at once (PUT `url` {ids}); puts the old order back, and says so, when the server refuses. */
export async function saveOrder<T extends { id: string }>(store: Signal<T[] | null>, ids: string[], url: string): Promise<void> {
  const before = store.value ?? [];
  store.value = ids.map((x) => before.find((r) => r.id === x)!);
  try {
    await api(url, { method: 'PUT', json: { ids } });
  } catch (err) {
    store.value = before;
    toast(`Could not reorder: ${errorText(err)}`, 'error');
  }
}

/** Switches a rule on or off at once (PATCH `url`); reloads the list when that fails. `announce` toasts the outcome in words. */
export async function saveEnabled<T extends Rule>(store: Signal<T[] | null>, rule: T, on: boolean, url: string, reload: () => Promise<void>, announce = false): Promise<void> {
  store.value = (store.value ?? []).map((x) => (x.id === rule.id ? { ...x, enabled: on } : x));
  try {
    await api(url, { method: 'PATCH', json: { enabled: on } });
    if (announce) toast(`${rule.name} ${on ? 'enabled' : 'disabled'}`, 'success');
  } catch (err) {
    toast(announce ? `Could not ${on ? 'enable' : 'disable'} ${rule.name}: ${errorText(err)}` : errorText(err), 'error');
    void reload();
  }
}

/** Deletes after a confirm(), then reloads the list. */
export async function deleteRule({ question, url, done, reload }: { question: string; url: string; done: string; reload: () => Promise<void> }): Promise<void> {
  if (!confirm(question)) return;
  try {
    await api(url, { method: 'DELETE' });
    toast(done, 'success');
    void reload();
  } catch (err) {
    toast(errorText(err), 'error');
  }
}

/** The rules of a page in order (first match wins), reordered in place; "Loading…" and an empty card around it. */
export function RuleList<T extends Rule>({ store, label, orderUrl, empty, emptyIcon, render }: { store: Signal<T[] | null>; label: string; orderUrl: string; empty: ComponentChildren; emptyIcon: IconName; render: (it: T) => ComponentChildren }) {
  const list = store.value;
  if (list === null) return <Loading />;
  if (list.length === 0) return <EmptyCard icon={emptyIcon}>{empty}</EmptyCard>;
  return <ReorderList items={list} label={label} name={(r) => r.name} onReorder={(ids) => void saveOrder(store, ids, orderUrl)} render={render} />;
}

/** One rule's row: its name (a link, or a button that opens the editor), summary lines, the enable switch and Delete. */
export function RuleRow({ rule, href, onOpen, onToggle, onDelete, children }: { rule: Rule; href?: string; onOpen?: () => void; onToggle: (on: boolean) => void; onDelete: () => void; children: ComponentChildren }) {
  return (
    <div class={`mx-row${rule.enabled ? '' : ' is-off'}`}>
      <div class="mx-row-main">
        {href ? (
          <a class="mx-row-name" href={href}>
            {rule.name}
          </a>
        ) : (
          <button type="button" class="link mx-row-name" onClick={onOpen}>
            {rule.name}
          </button>
        )}
        {children}
      </div>
      <Toggle checked={rule.enabled} onChange={onToggle} label={`${rule.name} enabled`} hideLabel />
      <button type="button" class="btn-icon" aria-label={`Delete ${rule.name}`} onClick={onDelete}>
        <Icon name="trash" size={16} />
      </button>
    </div>
  );
}

/** One condition or action being edited: its kind, its fields, and Remove. */
export function ActionBox({ kind, label, onRemove, children }: { kind: string; label: string; onRemove: () => void; children: ComponentChildren }) {
  return (
    <div class="mx-action-box">
      <span class="mx-action-type">{label}</span>
      <div class="mx-action-body">{children}</div>
      <button type="button" class="btn-icon" aria-label={`Remove ${kind} ${label}`} onClick={onRemove}>
        <Icon name="x" size={14} />
      </button>
    </div>
  );
}

/** "+ Add …" as a select that resets after each pick. */
export function AddSelect<T extends string>({ label, prompt, labels, onAdd, disabled }: { label: string; prompt: string; labels: Record<T, string>; onAdd: (t: T) => void; disabled?: (t: T) => boolean }) {
  return (
    <label class="field mx-add-action">
      <span class="sr-only">{label}</span>
      <select
        value=""
        onChange={(e) => {
          const t = e.currentTarget.value as T;
          e.currentTarget.value = '';
          if (t) onAdd(t);
        }}
      >
        <option value="">{prompt}</option>
        {(Object.keys(labels) as T[]).map((t) => (
          <option key={t} value={t} disabled={disabled?.(t)}>
            {labels[t]}
          </option>
        ))}
      </select>
    </label>
  );
}

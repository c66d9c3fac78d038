// Building blocks shared by the SLA, escalation and AI alert pages: the page frame, a reorderable
// list (drag, or the handle's arrow keys, announced to screen readers), check-pill groups, a
// duration input and a comma-separated tags input.
import type { ComponentChildren } from 'preact';
import { useSignal } from '@preact/signals';
import { useEffect, useRef } from 'preact/hooks';
import { ApiError, errorText } from '../../lib/api';
import { isManager } from '../../state/session';
import { Icon } from '../../ui/Icon';
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
  const focusId = useRef<string | null>(null);
  const root = useRef<HTMLOListElement>(null);
  useEffect(() => {
    // Keep focus on the moved row's handle (the DOM node moved, which drops focus in some browsers).
    if (!focusId.current) return;
    root.current?.querySelector<HTMLButtonElement>(`[data-handle="${CSS.escape(focusId.current)}"]`)?.focus();
    focusId.current = null;
  });
  const move = (from: number, to: number, viaKeyboard: boolean) => {
    const next = moveItem(items, from, to);
    if (next === items) return;
    const it = items[from];
    if (viaKeyboard) focusId.current = it.id;
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

/** A group of checkboxes in a fieldset (priorities, channels, teams…). */
export function CheckPills<V extends string>({ legend, options, value, onChange, hint }: { legend: string; options: [V, string][]; value: V[]; onChange: (v: V[]) => void; hint?: string }) {
  return (
    <fieldset class="fieldset mx-pills">
      <legend>{legend}</legend>
      {hint ? <p class="muted small">{hint}</p> : null}
      <div class="team-checks">
        {options.map(([v, l]) => (
          <label key={v} class="check-pill">
            <input type="checkbox" checked={value.includes(v)} onChange={(e) => onChange(e.currentTarget.checked ? [...value, v] : value.filter((x) => x !== v))} />
            {l}
          </label>
        ))}
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
          {units.map((u) => (
            <option key={u} value={u}>
              {u}
            </option>
          ))}
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

// Small form pieces shared by the dialogs and supervisor pages: <option> lists, the error line, the
// loading line, the submit row (with Cancel in dialogs) and the busy/error bookkeeping of a submit.
// Kept tiny: the thread's dialogs (main chunk) use it too.
import type { ComponentChildren } from 'preact';
import type { Signal } from '@preact/signals';
import { errorText } from '../lib/api';

/** `<option>`s for a list; `value` defaults to the item itself (string unions). */
export function Options<T>({ of, value = String, label }: { of: readonly T[]; value?: (x: T) => string; label: (x: T) => string }) {
  return (
    <>
      {of.map((x) => (
        <option key={value(x)} value={value(x)}>
          {label(x)}
        </option>
      ))}
    </>
  );
}

/** An error line announced to screen readers; nothing when there is no error. */
export function ErrorLine({ text, id }: { text: string; id?: string }) {
  if (!text) return null;
  return (
    <p class="form-error" id={id} role="alert">
      {text}
    </p>
  );
}

export function Loading() {
  return (
    <p class="muted" aria-busy="true">
      Loading…
    </p>
  );
}

/** The submit button row; with `onCancel`, a Cancel button before it (dialogs). */
export function FormActions({ onCancel, submitClass = 'btn btn-primary', disabled, children }: { onCancel?: () => void; submitClass?: string; disabled?: boolean; children: ComponentChildren }) {
  return (
    <div class="form-actions">
      {onCancel ? (
        <button type="button" class="btn" onClick={onCancel}>
          Cancel
        </button>
      ) : null}
      <button type="submit" class={submitClass} disabled={disabled}>
        {children}
      </button>
    </div>
  );
}

/** Runs a submit: busy while it runs, the previous error cleared, a failure kept as is (for FormErrors and field errors). */
export function runBusy(busy: Signal<boolean>, error: Signal<unknown>, run: () => Promise<unknown>, fail: (err: unknown) => unknown = (err) => err): Promise<void> {
  return track(busy, error, null, run, fail);
}

/** The same with the error kept as a sentence (`fail` words it; the server's message by default). */
export function runBusyText(busy: Signal<boolean>, error: Signal<string>, run: () => Promise<unknown>, fail: (err: unknown) => string = errorText): Promise<void> {
  return track(busy, error, '', run, fail);
}

async function track<E>(busy: Signal<boolean>, error: Signal<E>, clear: E, run: () => Promise<unknown>, fail: (err: unknown) => E): Promise<void> {
  busy.value = true;
  error.value = clear;
  try {
    await run();
  } catch (err) {
    error.value = fail(err);
  } finally {
    busy.value = false;
  }
}

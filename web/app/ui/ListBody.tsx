// What every manager list page (workflows, audiences, broadcasts, templates) shows around its rows:
// the load error with a retry, the loading line, the empty card that explains the feature, and the
// table in a keyboard-scrollable region (a wide table scrolls inside it rather than the page).
import type { ComponentChildren } from 'preact';
import { Loading } from './form';
import { Icon, type IconName } from './Icon';

export function ListBody<T>({ what, error, items, retry, empty, children }: { what: string; error: string; items: T[] | null; retry: () => void; empty: ComponentChildren; children: (items: T[]) => ComponentChildren }) {
  if (error)
    return (
      <p class="form-error" role="alert">
        Could not load the {what}: {error}{' '}
        <button type="button" class="link" onClick={retry}>
          Try again
        </button>
      </p>
    );
  if (items === null) return <Loading />;
  if (items.length === 0) return <>{empty}</>;
  return <>{children(items)}</>;
}

/** The empty state: what the feature is for, and usually the button that starts it. */
export function EmptyCard({ icon, title, class: cls, children }: { icon: IconName; title: string; class?: string; children?: ComponentChildren }) {
  return (
    <div class={`card mx-empty${cls ? ` ${cls}` : ''}`}>
      <Icon name={icon} size={28} />
      <h2>{title}</h2>
      {children}
    </div>
  );
}

/** A data table with its caption for screen readers, in a focusable region that scrolls sideways. */
export function TableRegion({ label, caption, wrapClass, tableClass, children }: { label: string; caption?: string; wrapClass: string; tableClass: string; children: ComponentChildren }) {
  return (
    <div class={wrapClass} role="region" aria-label={`${label} table`} tabIndex={0}>
      <table class={tableClass}>
        <caption class="sr-only">{caption ?? label}</caption>
        {children}
      </table>
    </div>
  );
}

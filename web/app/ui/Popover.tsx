// Dropdowns: a button that opens a floating panel. One is open at a time (openMenu), so keyboard
// shortcuts can open one by id. The panel closes on Escape, an outside click or a choice, and focus
// returns to the button. Arrow keys move between the panel's menu items.
import { signal } from '@preact/signals';
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

export const openMenu = signal<string | null>(null);

export function closeMenus(): void {
  openMenu.value = null;
}

interface DropdownProps {
  id: string;
  label: ComponentChildren;
  /** Accessible name and tooltip, for buttons whose label is only an icon. */
  title?: string;
  /** Tooltip only (the visible label is the accessible name). */
  hint?: string;
  class?: string;
  align?: 'left' | 'right';
  disabled?: boolean;
  /** The panel's content; `close` dismisses it. */
  children: (close: () => void) => ComponentChildren;
  wide?: boolean;
}

export function Dropdown({ id, label, title, hint, class: cls, align = 'left', disabled, children, wide }: DropdownProps) {
  const open = openMenu.value === id;
  const button = useRef<HTMLButtonElement>(null);
  const panel = useRef<HTMLDivElement>(null);
  const close = () => {
    if (openMenu.value === id) openMenu.value = null;
    button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    // Focus the search box if the panel has one, else the first item.
    const first = panel.current?.querySelector<HTMLElement>('input:not([type=checkbox]), [role=menuitem], [role=menuitemcheckbox], [role=menuitemradio], button, input');
    first?.focus();
    const onDown = (e: MouseEvent) => {
      const t = e.target as Node;
      if (!panel.current?.contains(t) && !button.current?.contains(t)) openMenu.value = null;
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  function onKeyDown(e: KeyboardEvent) {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      close();
      return;
    }
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    const items = [...(panel.current?.querySelectorAll<HTMLElement>('[role^=menuitem]:not([disabled])') ?? [])];
    if (items.length === 0) return;
    e.preventDefault();
    const at = items.indexOf(document.activeElement as HTMLElement);
    const next = e.key === 'ArrowDown' ? (at + 1) % items.length : (at - 1 + items.length) % items.length;
    items[next]?.focus();
  }

  return (
    <div class={`dropdown${open ? ' is-open' : ''}`}>
      <button
        ref={button}
        type="button"
        class={cls ?? 'btn'}
        aria-haspopup="true"
        aria-expanded={open}
        aria-label={title}
        title={title ?? hint}
        disabled={disabled}
        onClick={() => (openMenu.value = open ? null : id)}
      >
        {label}
      </button>
      {open ? (
        <div ref={panel} class={`popover popover-${align}${wide ? ' popover-wide' : ''}`} onKeyDown={onKeyDown}>
          {children(close)}
        </div>
      ) : null}
    </div>
  );
}

export function MenuItem({ onSelect, children, checked, disabled, danger, role = checked === undefined ? 'menuitem' : 'menuitemcheckbox' }: { onSelect: () => void; children: ComponentChildren; checked?: boolean; disabled?: boolean; danger?: boolean; role?: 'menuitem' | 'menuitemcheckbox' | 'menuitemradio' }) {
  return (
    <button type="button" role={role} aria-checked={checked === undefined ? undefined : checked} class={`menu-item${danger ? ' danger' : ''}${checked ? ' checked' : ''}`} disabled={disabled} onClick={onSelect}>
      {checked !== undefined ? <span class="check" aria-hidden="true">{checked ? '✓' : ''}</span> : null}
      {children}
    </button>
  );
}

// Global keyboard shortcuts. Single keys only act when no text field has focus; Ctrl/Cmd
// combinations work everywhere. Menus and dialogs handle their own keys first.
import { navigate } from '../lib/router';
import { cursor, items, moveCursor, selectAll, toggleSelect } from '../state/inbox';
import { conversationHref, listHref, route } from '../state/route';
import { conversation, patchConversation, setArchived, threadId } from '../state/thread';
import { openMenu } from '../ui/Popover';
import { composerRequest } from './Composer';
import { requestResolve } from './ResolveDialog';
import { showShortcuts } from './Shortcuts';
import { downloadConversation } from './Thread';

function isTyping(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (el as HTMLElement).isContentEditable;
}

/** Focus the cursor's row once the windowed list has rendered it. */
export function focusRow(index: number, tries = 8): void {
  const el = document.querySelector<HTMLElement>(`.row-link[data-index="${index}"]`);
  if (el) el.focus({ preventScroll: true });
  else if (tries > 0) requestAnimationFrame(() => focusRow(index, tries - 1));
}

let pendingG = 0;

/** Ctrl/Cmd + 1…4 (the spec's): open, pending, resolve, archive. Alt + 1…4 keep open, pending, snooze, resolve. */
function modStatus(n: number): void {
  const c = conversation.value;
  if (!c) return;
  if (n === 1 || n === 2) return setStatus(n);
  if (n === 3) requestResolve();
  if (n === 4 && !c.archivedAt) void setArchived(true);
}

/** Ctrl/Cmd + [ and ]: open the previous / next conversation of the list. */
function stepConversation(delta: number): void {
  const open = threadId.value;
  const at = open ? items.value.findIndex((i) => i.id === open) : -1;
  if (at >= 0) cursor.value = at;
  const i = moveCursor(delta);
  const item = items.value[i];
  if (item && item.id !== open) navigate(conversationHref(item.id));
}

function setStatus(n: number): void {
  const c = conversation.value;
  if (!c) return;
  if (n === 1) void patchConversation({ status: 'open' }, 'Marked open');
  if (n === 2) void patchConversation({ status: 'pending' }, 'Marked pending');
  if (n === 3) openMenu.value = 'snooze';
  if (n === 4) requestResolve();
}

export function onGlobalKey(e: KeyboardEvent): void {
  if (e.defaultPrevented) return;
  const mod = e.metaKey || e.ctrlKey;
  const key = e.key;
  const inInbox = route.value.name === 'inbox';
  const dialogOpen = !!document.querySelector('dialog[open]');

  if (mod && (key === 'k' || key === 'K')) {
    if (!inInbox) return;
    e.preventDefault();
    const input = document.getElementById('search-input') as HTMLInputElement | null;
    input?.focus();
    input?.select();
    return;
  }
  if (mod && key === '/') {
    e.preventDefault();
    showShortcuts.value = !showShortcuts.value;
    return;
  }
  if ((mod || (e.altKey && !e.shiftKey)) && /^[1-4]$/.test(key) && threadId.value && !dialogOpen) {
    e.preventDefault();
    if (mod) modStatus(Number(key));
    else setStatus(Number(key));
    return;
  }
  // By the physical key too: on many layouts [ and ] need AltGr or Shift.
  const bracket = key === '[' || e.code === 'BracketLeft' ? -1 : key === ']' || e.code === 'BracketRight' ? 1 : 0;
  if (mod && !e.altKey && bracket && inInbox && !dialogOpen) {
    e.preventDefault();
    stepConversation(bracket);
    return;
  }
  if (dialogOpen || openMenu.value) return;
  const active = document.activeElement;
  if (isTyping(active)) return;
  if (mod && (key === 'a' || key === 'A') && inInbox && active?.closest('.list-pane')) {
    e.preventDefault();
    selectAll(true);
    return;
  }
  if (mod || e.altKey) return;
  if (!inInbox) return;

  if (pendingG && Date.now() - pendingG < 1200) {
    pendingG = 0;
    if (key === 'i') return navigate('/inbox');
    if (key === 'm') return navigate('/inbox/mine');
    if (key === 'u') return navigate('/inbox/unassigned');
  }
  // Arrow keys keep their usual job inside scrollable areas and controls outside the list.
  const arrowsFree = !active || active === document.body || !!active.closest('.list-pane');
  switch (key) {
    case 'j':
    case 'ArrowDown':
    case 'k':
    case 'ArrowUp': {
      if (key.startsWith('Arrow') && !arrowsFree) return;
      e.preventDefault();
      const i = moveCursor(key === 'j' || key === 'ArrowDown' ? 1 : -1);
      if (i >= 0) focusRow(i);
      return;
    }
    case 'Enter': {
      if (active && active !== document.body && !active.closest('.list-pane')) return;
      if (active?.matches('.row-link, button, a, input')) return; // the element's own Enter
      const item = items.value[cursor.value];
      if (item) {
        e.preventDefault();
        navigate(conversationHref(item.id));
      }
      return;
    }
    case 'Escape':
      if (threadId.value) {
        e.preventDefault();
        navigate(listHref());
        focusRow(cursor.value);
      }
      return;
    case 'x':
    case 'X': {
      const item = items.value[cursor.value];
      if (item) {
        e.preventDefault();
        toggleSelect(item.id, { index: cursor.value, range: e.shiftKey });
      }
      return;
    }
    case 'r':
    case 'n':
      if (!threadId.value) return;
      e.preventDefault();
      composerRequest.value = { note: key === 'n', n: Date.now() };
      return;
    case 'a':
    case 's':
    case 't':
    case 'p':
      if (!threadId.value) return;
      e.preventDefault();
      openMenu.value = { a: 'assign', s: 'snooze', t: 'tags', p: 'priority' }[key];
      return;
    case 'd':
    case 'D':
      if (!threadId.value) return;
      e.preventDefault();
      void downloadConversation('text');
      return;
    case 'g':
      pendingG = Date.now();
      return;
    case '?':
      showShortcuts.value = true;
      return;
  }
}

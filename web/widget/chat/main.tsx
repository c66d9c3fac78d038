// Entry of the chat frame (frame.html?websiteToken=…). Embedded, it waits for the loader's `init`, which
// carries the visitor's identity; opened on its own (or under a page without the loader) it starts anonymous.
import { effect } from '@preact/signals';
import { render } from 'preact';
import { accentColors } from '../color';
import { App } from './App';
import { focusComposer } from './Composer';
import { embedded, listenToHost, tellHost } from './host';
import { restoreFromHost } from './storage';
import { identify, inbox, panelOpen, setPage, start, unread } from './store';
import './styles.css';

// How long to wait for a loader that may not be there.
const INIT_TIMEOUT_MS = 3_000;

const websiteToken = new URLSearchParams(location.search).get('websiteToken') ?? '';

effect(() => {
  const current = inbox.value;
  if (!current) return;
  const colors = accentColors(current.color);
  if (colors) {
    document.documentElement.style.setProperty('--pw-accent', colors.accent);
    document.documentElement.style.setProperty('--pw-on-accent', colors.onAccent);
  }
  document.title = current.name;
  tellHost({ type: 'config', name: current.name, color: colors?.accent ?? null });
});

effect(() => tellHost({ type: 'unread', count: unread.value }));

if (embedded) {
  const fallback = setTimeout(() => void start(websiteToken, {}), INIT_TIMEOUT_MS);
  listenToHost({
    init(identity, open, saved, page) {
      clearTimeout(fallback);
      setPage(page);
      restoreFromHost(saved);
      panelOpen.value = open;
      if (open) focusComposer.value++;
      void start(websiteToken, identity);
    },
    identify: (identity) => void identify(identity),
    visibility(open) {
      panelOpen.value = open;
      if (open) focusComposer.value++;
    },
  });
  document.addEventListener('keydown', (e) => {
    if (e.key === 'Escape') tellHost({ type: 'close' });
  });
} else {
  void start(websiteToken, {});
}

render(<App embedded={embedded} />, document.getElementById('app')!);

// The app frame: sign-in gate, the rail, the inbox (list, thread, contact) or settings, and the
// overlays (toasts, shortcuts, batch results). Narrow screens show one pane at a time.
import { signal } from '@preact/signals';
import type { ComponentType } from 'preact';
import { useEffect } from 'preact/hooks';
import { location$, navigate } from '../lib/router';
import { load, save } from '../lib/storage';
import { startPolling, stopPolling } from '../state/inbox';
import { startLive, stopLive } from '../state/live';
import { route } from '../state/route';
import { authState } from '../state/session';
import { closeThread, conversation } from '../state/thread';
import { dismissToast, toasts } from '../state/toast';
import { Icon } from '../ui/Icon';
import { BulkDeleteDialog, BulkResultDialog } from './BulkBar';
import { ContactPanel } from './ContactPanel';
import { ConversationList } from './ConversationList';
import { onGlobalKey } from './keyboard';
import { Login } from './Login';
import { ResetPassword } from './ResetPassword';
import { Nav, SavedViewDialogs } from './Nav';
import { ShortcutsDialog } from './Shortcuts';
import { ThreadPane } from './Thread';

const navOpen = signal(false);

export function App() {
  const auth = authState.value;
  const r = route.value;

  useEffect(() => {
    if (auth === 'in') {
      startLive();
      startPolling();
    } else {
      stopLive();
      stopPolling();
      closeThread();
    }
  }, [auth]);

  useEffect(() => {
    document.addEventListener('keydown', onGlobalKey);
    const open = (e: Event) => navigate(`/inbox/conversations/${(e as CustomEvent<string>).detail}`);
    window.addEventListener('parley:open', open);
    return () => {
      document.removeEventListener('keydown', onGlobalKey);
      window.removeEventListener('parley:open', open);
    };
  }, []);

  useEffect(() => {
    if (auth !== 'in') return;
    if (r.name === 'home' || r.name === 'login') navigate('/inbox', { replace: true });
  }, [auth, r.name]);

  // A reset link works whether or not this browser is signed in.
  if (location$.value.path === '/reset-password') return <ResetPassword />;
  if (auth === 'checking') return <div class="splash" aria-busy="true" aria-label="Loading Parley" />;
  if (auth === 'out') return <Login />;

  return (
    <div class={`app${navOpen.value ? ' nav-open' : ''}`}>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <Nav onNavigate={() => (navOpen.value = false)} />
      <div class="scrim" onClick={() => (navOpen.value = false)} aria-hidden="true" />
      <div class="main-col">
        <header class="topbar">
          <button type="button" class="btn-icon" aria-label="Open navigation" aria-expanded={navOpen.value} onClick={() => (navOpen.value = true)}>
            <Icon name="menu" />
          </button>
          <span class="topbar-title">Parley</span>
        </header>
        <main id="main" class="main" tabIndex={-1}>
          {r.name === 'settings' ? (
            <SettingsRoute section={r.section} />
          ) : r.name === 'kb' ? (
            <KbRoute articleId={r.articleId} />
          ) : r.name === 'messaging' ? (
            <MessagingRoute page={r.page} id={r.id} />
          ) : r.name === 'contacts' ? (
            <ContactsRoute id={r.id} />
          ) : (
            <Inbox />
          )}
        </main>
      </div>
      <Toasts />
      <ShortcutsDialog />
      <BulkResultDialog />
      <SavedViewDialogs />
      <BulkDeleteDialog />
    </div>
  );
}

// Wide screens show the contact pane beside the thread (remembered); narrower ones slide it over on demand.
const wideQuery = matchMedia('(min-width: 1281px)');
const wide = signal(wideQuery.matches);
wideQuery.addEventListener('change', () => (wide.value = wideQuery.matches));
const pinnedContact = signal(load('contactPane', true));
const drawerContact = signal(false);

function Inbox() {
  const r = route.value;
  const id = r.name === 'inbox' ? r.conversationId : null;
  const contactOpen = { value: wide.value ? pinnedContact.value : drawerContact.value };
  const toggle = () => {
    if (wide.value) {
      pinnedContact.value = !pinnedContact.value;
      save('contactPane', pinnedContact.value);
    } else drawerContact.value = !drawerContact.value;
  };
  useEffect(() => {
    drawerContact.value = false;
  }, [id]);
  const contactId = conversation.value?.id === id ? conversation.value?.contactId : null;
  return (
    <div class={`inbox${id ? ' has-thread' : ''}${id && contactOpen.value ? ' has-contact' : ''}`}>
      <ConversationList />
      {id ? (
        <ThreadPane id={id} contactOpen={contactOpen.value} onToggleContact={toggle} />
      ) : (
        <section class="thread-pane thread-empty" aria-label="No conversation open">
          <Icon name="chat" size={40} />
          <h2>Pick a conversation</h2>
          <p class="muted">
            Use <kbd>j</kbd> <kbd>k</kbd> to move and <kbd>Enter</kbd> to open. <kbd>?</kbd> shows every shortcut.
          </p>
        </section>
      )}
      {id && contactOpen.value && contactId ? <ContactPanel contactId={contactId} onClose={toggle} /> : null}
    </div>
  );
}

// Settings are a separate chunk: most sessions never open them.
const settingsModule = signal<ComponentType<{ section: string }> | null>(null);
function SettingsRoute({ section }: { section: string }) {
  useEffect(() => {
    if (!settingsModule.value) void import('../settings/Settings').then((m) => (settingsModule.value = m.Settings));
  }, []);
  const S = settingsModule.value;
  return S ? <S section={section} /> : <div class="splash" aria-busy="true" aria-label="Loading settings" />;
}

// The knowledge base is its own chunk too (editor, history, diff): only editors open it.
const kbModule = signal<ComponentType<{ articleId: string | null }> | null>(null);
function KbRoute({ articleId }: { articleId: string | null }) {
  useEffect(() => {
    if (!kbModule.value) void import('../kb/KnowledgeBase').then((m) => (kbModule.value = m.KnowledgeBase));
  }, []);
  const K = kbModule.value;
  return K ? <K articleId={articleId} /> : <div class="splash" aria-busy="true" aria-label="Loading the knowledge base" />;
}

// Routing, SLA, escalation and AI-alert pages: one more chunk, for supervisors.
const messagingModule = signal<ComponentType<{ page: string; id: string | null }> | null>(null);
function MessagingRoute({ page, id }: { page: string; id: string | null }) {
  useEffect(() => {
    if (!messagingModule.value) void import('../messaging/Messaging').then((m) => (messagingModule.value = m.Messaging));
  }, []);
  const M = messagingModule.value;
  return M ? <M page={page} id={id} /> : <div class="splash" aria-busy="true" aria-label="Loading" />;
}

// The contact directory (list, profile, CSV import with its parser): a chunk of its own.
const contactsModule = signal<ComponentType<{ id: string | null }> | null>(null);
function ContactsRoute({ id }: { id: string | null }) {
  useEffect(() => {
    if (!contactsModule.value) void import('../contacts/Contacts').then((m) => (contactsModule.value = m.Contacts));
  }, []);
  const C = contactsModule.value;
  return C ? <C id={id} /> : <div class="splash" aria-busy="true" aria-label="Loading contacts" />;
}

function Toasts() {
  return (
    <div class="toasts" role="status" aria-live="polite">
      {toasts.value.map((t) => (
        <div key={t.id} class={`toast toast-${t.kind}`}>
          <span>{t.text}</span>
          {t.action ? (
            <button
              type="button"
              class="btn btn-sm toast-action"
              onClick={() => {
                dismissToast(t.id);
                t.action!.run();
              }}
            >
              {t.action.label}
            </button>
          ) : null}
          <button type="button" class="btn-icon" aria-label="Dismiss" onClick={() => dismissToast(t.id)}>
            <Icon name="x" size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}

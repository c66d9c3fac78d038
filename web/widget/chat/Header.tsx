import { availability, inbox } from './store';
import { tellHost } from './host';

export function Header({ closable }: { closable: boolean }) {
  const current = inbox.value;
  return (
    <header class="pw-header">
      <div class="pw-heading">
        <h1>{current?.name ?? 'Chat'}</h1>
        {current?.greeting && <p>{current.greeting}</p>}
        <Away />
      </div>
      {closable && (
        <button type="button" class="pw-close" aria-label="Close chat" onClick={() => tellHost({ type: 'close' })}>
          <svg viewBox="0 0 24 24" aria-hidden="true">
            <path d="M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12l5.6 5.6-1.4 1.4-5.6-5.6L6.4 19 5 17.6l5.6-5.6L5 6.4z" />
          </svg>
        </button>
      )}
    </header>
  );
}

/** Outside business hours: when the team will reply, in the visitor's own calendar and clock. */
function Away() {
  const a = availability.value;
  if (!a || a.open) return null;
  const back = a.nextOpenAt
    ? new Intl.DateTimeFormat(undefined, { weekday: 'long', hour: 'numeric', minute: '2-digit', ...(a.nextOpenAt - Date.now() > 6 * 86_400_000 ? { day: 'numeric', month: 'long' } : {}) }).format(a.nextOpenAt)
    : null;
  return (
    <p class="pw-away" data-testid="widget-away">
      {back ? `We’re away right now. We’ll reply from ${back}.` : 'We’re away right now. We’ll reply as soon as we’re back.'}
    </p>
  );
}

import { inbox } from './store';
import { tellHost } from './host';

export function Header({ closable }: { closable: boolean }) {
  const current = inbox.value;
  return (
    <header class="pw-header">
      <div class="pw-heading">
        <h1>{current?.name ?? 'Chat'}</h1>
        {current?.greeting && <p>{current.greeting}</p>}
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

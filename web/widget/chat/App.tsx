import { Composer } from './Composer';
import { Header } from './Header';
import { MessageList } from './MessageList';
import { connection, conversationStatus, failure, phase, retryStart, typing } from './store';

export function App({ embedded }: { embedded: boolean }) {
  return (
    <main class="pw">
      <Header closable={embedded} />
      {phase.value === 'ready' ? (
        <MessageList />
      ) : phase.value === 'failed' ? (
        <div class="pw-center" role="alert">
          <p>{failure.value}</p>
          <button type="button" class="pw-button" onClick={() => void retryStart()}>
            Try again
          </button>
        </div>
      ) : (
        <p class="pw-center" role="status">
          Connecting…
        </p>
      )}
      {connection.value === 'retrying' && (
        <p class="pw-banner" role="status">
          Reconnecting…
        </p>
      )}
      {conversationStatus.value === 'closed' && (
        <p class="pw-note">This conversation was closed. Write again any time and we'll pick it up.</p>
      )}
      {/* Kept in the DOM while empty: screen readers only announce changes to live regions that already exist. */}
      <p class="pw-typing" aria-live="polite">
        {typing.value && `${typing.value} is typing…`}
      </p>
      <Composer />
    </main>
  );
}

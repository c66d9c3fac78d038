import { useLayoutEffect, useRef } from 'preact/hooks';
import type { AuthorType, Message } from '../../../worker/conversations/model';
import { CsatCard, isCsatMessage } from './CsatCard';
import { RichText } from './RichText';
import { messages, outbox, retry, type Outgoing } from './store';

// Within this distance of the bottom the list follows new messages; further up the visitor is reading
// history and must not be yanked down.
const STICK_THRESHOLD_PX = 60;

const FALLBACK_NAMES: Record<AuthorType, string> = {
  contact: 'You',
  agent: 'Support',
  ai: 'Assistant',
  bot: 'Bot',
  system: 'System',
  broadcast: 'Support',
};

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function MessageList() {
  const list = messages.value;
  const pending = outbox.value;
  const log = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const pendingCount = useRef(pending.length);

  useLayoutEffect(() => {
    const el = log.current;
    // A message the visitor just wrote always comes into view, wherever they had scrolled.
    if (pending.length > pendingCount.current) stick.current = true;
    pendingCount.current = pending.length;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [list, pending]);

  let lastOwn: string | null = null;
  for (const m of list) if (m.direction === 'inbound') lastOwn = m.id;

  return (
    <div
      ref={log}
      class="pw-log"
      role="log"
      aria-label="Conversation"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_THRESHOLD_PX;
      }}
    >
      {!list.length && !pending.length && <p class="pw-empty">Send us a message and we'll get back to you here.</p>}
      {list.map((m, i) => (
        <MessageItem key={m.id} message={m} previous={list[i - 1]} showStatus={m.id === lastOwn && !pending.length} />
      ))}
      {pending.map((item) => (
        <PendingItem key={item.clientId} item={item} />
      ))}
    </div>
  );
}

interface MessageItemProps {
  message: Message;
  previous: Message | undefined;
  /** Only the visitor's latest message says "Sent"/"Seen"; on every message it would be noise. */
  showStatus: boolean;
}

function MessageItem({ message: m, previous, showStatus }: MessageItemProps) {
  const created = new Date(m.createdAt);
  if (isCsatMessage(m)) return <CsatCard message={m} />;
  if (m.authorType === 'system') {
    return (
      <p class="pw-system">
        <RichText text={m.text} />
      </p>
    );
  }
  const mine = m.direction === 'inbound';
  const author = m.authorName || FALLBACK_NAMES[m.authorType];
  // Consecutive messages from one person are grouped under a single name.
  const continues =
    previous !== undefined &&
    previous.authorType === m.authorType &&
    previous.authorId === m.authorId &&
    previous.direction === m.direction;
  return (
    <div class={`pw-msg ${mine ? 'pw-mine' : 'pw-theirs'}${continues ? '' : ' pw-first'}`}>
      {mine ? (
        <span class="pw-sr">You:</span>
      ) : (
        <div class={continues ? 'pw-sr' : 'pw-author'}>
          {author}
          <span aria-hidden="true">{continues ? '' : ' · '}</span>
          <time class={continues ? 'pw-sr' : undefined} dateTime={created.toISOString()}>
            {timeFormat.format(created)}
          </time>
        </div>
      )}
      <div class="pw-bubble" title={dateTimeFormat.format(created)}>
        <RichText text={m.text} />
        {m.attachments.map((a) => (
          // The visitor API has no download URL for attachments, so they are named rather than linked.
          <span key={a.key} class="pw-attachment">
            📎 {a.name}
          </span>
        ))}
      </div>
      {mine && showStatus && (
        <p class="pw-status">
          {m.status === 'failed' ? 'Not delivered' : m.status === 'read' ? 'Seen' : 'Sent'} ·{' '}
          <time dateTime={created.toISOString()}>{timeFormat.format(created)}</time>
        </p>
      )}
    </div>
  );
}

function PendingItem({ item }: { item: Outgoing }) {
  const failed = item.state === 'failed';
  return (
    <div class="pw-msg pw-mine pw-first">
      <span class="pw-sr">You:</span>
      <div class={`pw-bubble${failed ? ' pw-bubble-failed' : ''}`}>
        <RichText text={item.text} />
      </div>
      {failed ? (
        <p class="pw-status pw-failed" role="alert">
          Not sent{item.error ? ` (${item.error})` : ''}.{' '}
          <button type="button" class="pw-retry" onClick={() => retry(item.clientId)}>
            Retry
          </button>
        </p>
      ) : (
        <p class="pw-status">Sending…</p>
      )}
    </div>
  );
}

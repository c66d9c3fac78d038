// /inbox/messaging/mentions: the notes that mention me, newest first (GET /api/me/mentions), each a
// link to its conversation. Reloads when a mention notification arrives.
import { useSignal } from '@preact/signals';
import { useEffect } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { channelLabel, fullDateTime, relativeTime } from '../lib/format';
import { notifications } from '../state/notify';
import { ChannelIcon } from '../ui/ChannelIcon';
import { ErrorLine, Loading } from '../ui/form';
import { EmptyCard, PageFrame } from './sla/parts';

interface MentionItem {
  id: string;
  conversationId: string;
  messageId: string;
  authorName: string;
  excerpt: string;
  at: number;
  customer: string;
  channel: string;
  status: string;
}

const STATUS: Record<string, string> = { open: 'Open', pending: 'Pending', snoozed: 'Snoozed', closed: 'Resolved' };

export function MentionsPage() {
  const items = useSignal<MentionItem[] | null>(null);
  const error = useSignal('');
  // A new mention in the bell means a new row here.
  const latestMention = notifications.value.find((n) => n.kind === 'mention')?.at ?? 0;
  useEffect(() => {
    let gone = false;
    api<{ items: MentionItem[] }>('/me/mentions', { query: { limit: 50 } })
      .then((r) => !gone && ((items.value = r.items), (error.value = '')))
      .catch((err) => !gone && (error.value = errorText(err)));
    return () => void (gone = true);
  }, [latestMention]);
  return (
    <PageFrame id="mentions" title="Mentions" intro="Internal notes where a teammate mentioned you, newest first.">
      {error.value ? <ErrorLine text={error.value} /> : null}
      {items.value === null ? (
        error.value ? null : <Loading />
      ) : items.value.length === 0 ? (
        <EmptyCard icon="at">Nobody has mentioned you yet. When a teammate writes @ and your name in a note, it shows up here.</EmptyCard>
      ) : (
        <ul class="mention-list" aria-label="Mentions">
          {items.value.map((m) => (
            <li key={m.id}>
              <a class="mention-row card" href={`/inbox/conversations/${encodeURIComponent(m.conversationId)}`}>
                <span class="mention-head">
                  <ChannelIcon channel={m.channel} size={16} label={false} />
                  <strong>{m.customer}</strong>
                  <span class="muted">· {channelLabel(m.channel)} · {STATUS[m.status] ?? m.status}</span>
                  <time class="muted" dateTime={new Date(m.at).toISOString()} title={fullDateTime(m.at)}>
                    {relativeTime(m.at)}
                  </time>
                </span>
                <span class="mention-by">{m.authorName} wrote:</span>
                <span class="mention-excerpt">{m.excerpt}</span>
              </a>
            </li>
          ))}
        </ul>
      )}
    </PageFrame>
  );
}

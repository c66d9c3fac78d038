// One entry of the thread: a message (customer, agent, AI, bot; replies and internal notes) or a
// system line for a state change. Customer text is untrusted: it is only ever rendered as text
// nodes (links become <a> elements built here), never as HTML.
import type { ComponentChildren } from 'preact';
import { channelLabel, clockTime, fileSize, fullDateTime, STATUS_LABEL, until } from '../lib/format';
import type { ConversationEvent, ThreadMessage } from '../lib/types';
import { aiConfidence, percent } from '../state/assistant';
import { discardSend, retrySend } from '../state/thread';
import { teamsById, userName } from '../state/session';
import { Avatar } from '../ui/Avatar';
import { Icon } from '../ui/Icon';

const URL_RE = /\bhttps?:\/\/[^\s<>"')\]]+[^\s<>"')\].,;:!?]/g;

/** Text with its links made clickable; everything else stays plain text. */
export function RichText({ text }: { text: string }) {
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const m of text.matchAll(URL_RE)) {
    const at = m.index ?? 0;
    if (at > last) out.push(text.slice(last, at));
    out.push(
      <a href={m[0]} target="_blank" rel="noopener noreferrer nofollow">
        {m[0]}
      </a>,
    );
    last = at + m[0].length;
  }
  if (last < text.length) out.push(text.slice(last));
  return <>{out}</>;
}

const DELIVERY: Record<string, [string, string]> = {
  queued: ['clock', 'Queued'],
  sent: ['check', 'Sent'],
  delivered: ['checks', 'Delivered'],
  read: ['checks', 'Read'],
  failed: ['alert', 'Failed'],
};

export function MessageItem({ m, showChannel }: { m: ThreadMessage; showChannel: boolean }) {
  const kind = m.isInternalNote ? 'note' : m.direction === 'inbound' ? 'customer' : m.authorType === 'ai' ? 'ai' : m.authorType === 'bot' ? 'bot' : m.authorType === 'system' ? 'system' : 'agent';
  const mine = kind !== 'customer';
  const [icon, label] = DELIVERY[m.status] ?? ['dot', m.status];
  const images = m.attachments.filter((a) => a.contentType.startsWith('image/') && a.url);
  const files = m.attachments.filter((a) => !(a.contentType.startsWith('image/') && a.url));
  return (
    <article class={`msg msg-${kind}${mine ? ' msg-out' : ' msg-in'}${m.local ? ` msg-${m.local}` : ''}`} data-seq={m.local ? undefined : m.seq} aria-label={`${kind === 'note' ? 'Internal note' : 'Message'} from ${m.authorName ?? (kind === 'customer' ? 'the customer' : 'Parley')}`}>
      {!mine ? <Avatar name={m.authorName} seed={m.authorId ?? m.authorName ?? ''} size={30} /> : null}
      <div class="msg-body">
        <div class="msg-meta">
          <span class="msg-author">{m.authorName ?? (kind === 'customer' ? 'Customer' : 'Parley')}</span>
          {kind === 'note' ? <span class="msg-kind">Internal note</span> : null}
          {kind === 'ai' ? (
            <span class="msg-kind kind-ai" title="Written by the AI assistant; the percentage is how well its sources matched the question">
              <Icon name="sparkle" size={12} /> AI{aiConfidence.value.get(m.id) != null ? ` · ${percent(aiConfidence.value.get(m.id))}` : ''}
            </span>
          ) : null}
          {kind === 'bot' ? (
            <span class="msg-kind kind-bot">
              <Icon name="bot" size={12} /> Bot
            </span>
          ) : null}
          <time dateTime={new Date(m.createdAt).toISOString()} title={fullDateTime(m.createdAt)}>
            {clockTime(m.createdAt)}
          </time>
          {showChannel ? <span class="msg-channel">via {channelLabel(m.channel)}</span> : null}
        </div>
        <div class="bubble">
          {m.text ? (
            <p class="msg-text">
              <RichText text={m.text} />
            </p>
          ) : null}
          {images.length ? (
            <div class="msg-images">
              {images.map((a) => (
                <a key={a.key} href={a.url} target="_blank" rel="noopener noreferrer">
                  <img src={a.url} alt={a.name} loading="lazy" />
                </a>
              ))}
            </div>
          ) : null}
          {files.length ? (
            <ul class="msg-files">
              {files.map((a) => (
                <li key={a.key}>
                  <Icon name="file" size={16} />
                  {a.url ? (
                    <a href={a.url} target="_blank" rel="noopener noreferrer" download={a.name}>
                      {a.name}
                    </a>
                  ) : (
                    <span>{a.name}</span>
                  )}
                  <span class="muted">{fileSize(a.size)}</span>
                </li>
              ))}
            </ul>
          ) : null}
        </div>
        {m.local === 'failed' ? (
          <div class="msg-failed" role="alert">
            <Icon name="alert" size={14} /> Not sent{m.localError ? ` — ${m.localError}` : ''}.
            <button type="button" class="link" onClick={() => retrySend(m.externalId!)}>
              Retry
            </button>
            <button type="button" class="link" onClick={() => discardSend(m.externalId!)}>
              Discard
            </button>
          </div>
        ) : m.local === 'sending' ? (
          <div class="msg-status">
            <Icon name="clock" size={13} /> Sending…
          </div>
        ) : mine && kind !== 'note' && m.direction === 'outbound' ? (
          <div class={`msg-status status-${m.status}`} title={m.statusReason ?? undefined}>
            <Icon name={icon} size={13} /> {label}
            {m.status === 'failed' && m.statusReason ? ` — ${m.statusReason}` : ''}
          </div>
        ) : null}
      </div>
    </article>
  );
}

function describe(e: ConversationEvent): string | null {
  const who = e.actor?.type === 'system' || !e.actor?.name ? 'Parley' : e.actor.name;
  const d = e.data as Record<string, unknown>;
  switch (e.type) {
    case 'conversation.created':
      return `Conversation started${d.channel ? ` on ${channelLabel(String(d.channel))}` : ''}`;
    case 'conversation.assigned':
      if (!d.to) return `${who} unassigned the conversation`;
      if (e.actor?.id && e.actor.id === d.to) return `${who} took the conversation`;
      return `${who} assigned it to ${userName(String(d.to))}`;
    case 'conversation.status_changed': {
      const to = String(d.to);
      if (d.reason === 'snooze_expired') return 'Snooze ended — conversation reopened';
      if (to === 'closed') return `${who} resolved the conversation`;
      if (to === 'open') return d.from === 'closed' ? `${who === 'Parley' ? 'The conversation' : who} reopened${who === 'Parley' ? '' : ' the conversation'}` : `${who} marked it open`;
      if (to === 'snoozed') return `${who} snoozed the conversation`;
      return `${who} set the status to ${STATUS_LABEL[to] ?? to}`;
    }
    case 'conversation.updated': {
      const parts: string[] = [];
      if ('tags' in d) parts.push((d.tags as string[]).length ? `set tags: ${(d.tags as string[]).join(', ')}` : 'removed all tags');
      if ('priority' in d) parts.push(`set priority to ${String(d.priority)}`);
      if ('teamId' in d) parts.push(d.teamId ? `moved it to ${teamsById.value.get(String(d.teamId))?.name ?? 'a team'}` : 'removed the team');
      if ('snoozeUntil' in d && d.snoozeUntil) parts.push(`snoozed it until ${until(Number(d.snoozeUntil))}`);
      if ('subject' in d) parts.push(d.subject ? `set the subject to “${String(d.subject)}”` : 'cleared the subject');
      if ('closingNote' in d && d.closingNote) parts.push('added a closing note');
      if ('contactId' in d) parts.push('merged the contact');
      return parts.length ? `${who} ${parts.join(' and ')}` : null;
    }
    default:
      return null;
  }
}

export function SystemLine({ e }: { e: ConversationEvent }) {
  const text = describe(e);
  if (!text) return null;
  return (
    <div class="sys" role="note">
      <span>{text}</span>
      <time dateTime={new Date(e.at).toISOString()} title={fullDateTime(e.at)}>
        {clockTime(e.at)}
      </time>
    </div>
  );
}

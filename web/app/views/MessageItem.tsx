// One entry of the thread: a message (customer, agent, AI, bot; replies and internal notes) or a
// system line for a state change. Customer text is untrusted: it is only ever rendered as text
// nodes (links become <a> elements built here), never as HTML.
import { isInlineImage } from '../../../worker/files/serving';
import type { ComponentChildren } from 'preact';
import { channelLabel, clockTime, contactName, fileSize, fullDateTime, PRIORITY_LABEL, STATUS_LABEL, until } from '../lib/format';
import { activityPhrase, groupSummary } from '../lib/activity';
import { rawText, scoreText } from '../lib/csat';
import { alertReasonText, escalationReasonText, escalationTriggerText, sentenceCase, slaTargetText } from '../lib/wording';
import type { ConversationEvent, ThreadMessage } from '../lib/types';
import { aiConfidence, percent } from '../state/assistant';
import { conversation, discardSend, retrySend } from '../state/thread';
import { useSignal } from '@preact/signals';
import { teamsById, userName, usersById } from '../state/session';
import { Avatar } from '../ui/Avatar';
import { Icon } from '../ui/Icon';
import { RoutedDetails, routedLine } from './RoutedDetail';
import { EmailHead, EmailText, isEmailMessage } from './EmailParts';

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

/** A note's text with the "@Name" of each person it mentions marked (names from the ids the note stores). */
function NoteText({ text, mentions }: { text: string; mentions: string[] }) {
  const names = mentions.map((id) => usersById.value.get(id)?.name).filter((n): n is string => !!n);
  if (names.length === 0) return <RichText text={text} />;
  const re = new RegExp(`@(${names.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|')})`, 'g');
  const out: ComponentChildren[] = [];
  let last = 0;
  for (const m of text.matchAll(re)) {
    const at = m.index ?? 0;
    if (at > last) out.push(<RichText text={text.slice(last, at)} />);
    out.push(<span class="mention-chip">{m[0]}</span>);
    last = at + m[0].length;
  }
  if (last < text.length) out.push(<RichText text={text.slice(last)} />);
  return <>{out}</>;
}

const DELIVERY: Record<string, [string, string]> = {
  queued: ['clock', 'Queued'],
  sent: ['check', 'Sent'],
  delivered: ['checks', 'Delivered'],
  read: ['checks', 'Read'],
  failed: ['alert', 'Failed'],
};

/**
 * Who wrote a customer message: the contact as they are known now (a visitor who gave their name
 * later is shown by it), else the name the message arrived with; never an anonymous id.
 */
function customerName(m: ThreadMessage): string {
  const contact = conversation.value?.contact;
  if (contact?.name) return contact.name;
  if (m.authorName && !m.authorName.startsWith('anon:')) return m.authorName;
  return contactName(contact ?? null);
}

export function MessageItem({ m, showChannel }: { m: ThreadMessage; showChannel: boolean }) {
  const kind = m.isInternalNote ? 'note' : m.direction === 'inbound' ? 'customer' : m.authorType === 'ai' ? 'ai' : m.authorType === 'bot' ? 'bot' : m.authorType === 'system' ? 'system' : 'agent';
  const mine = kind !== 'customer';
  const [icon, label] = DELIVERY[m.status] ?? ['dot', m.status];
  // Only raster images become thumbnails (an SVG can carry script); the server serves the rest as downloads.
  const images = m.attachments.filter((a) => isInlineImage(a.contentType) && a.url);
  const files = m.attachments.filter((a) => !(isInlineImage(a.contentType) && a.url));
  const author = kind === 'customer' ? customerName(m) : (m.authorName ?? 'Parley');
  const asEmail = isEmailMessage(m);
  return (
    <article class={`msg msg-${kind}${mine ? ' msg-out' : ' msg-in'}${m.local ? ` msg-${m.local}` : ''}${asEmail ? ' msg-email' : ''}`} data-seq={m.local ? undefined : m.seq} aria-label={`${kind === 'note' ? 'Internal note' : 'Message'} from ${author}`}>
      {!mine ? <Avatar name={author} seed={m.authorId ?? author} url={kind === 'customer' ? conversation.value?.contact?.avatarUrl : undefined} size={30} /> : null}
      <div class="msg-body">
        <div class="msg-meta">
          <span class="msg-author">{author}</span>
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
          {asEmail ? (
            <>
              <EmailHead m={m} />
              <EmailText m={m} />
            </>
          ) : m.text ? (
            <p class="msg-text">
              {m.isInternalNote && m.mentions?.length ? <NoteText text={m.text} mentions={m.mentions} /> : <RichText text={m.text} />}
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
        ) : m.local === 'locked' ? (
          <div class="msg-failed msg-locked" role="alert">
            <Icon name="alert" size={14} /> Not sent — {m.localError ?? 'another agent is replying'}. Send anyway?
            <button type="button" class="link" onClick={() => retrySend(m.externalId!, true)}>
              Send anyway
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
      if (d.reason && e.actor?.type !== 'agent' && to !== 'closed') return `Status set to ${STATUS_LABEL[to] ?? sentenceCase(to)} (${sentenceCase(String(d.reason)).toLowerCase()})`;
      if (to === 'closed') return `${who} resolved the conversation`;
      if (to === 'open') return d.from === 'closed' ? `${who === 'Parley' ? 'The conversation' : who} reopened${who === 'Parley' ? '' : ' the conversation'}` : `${who} marked it open`;
      if (to === 'snoozed') return `${who} snoozed the conversation`;
      return `${who} set the status to ${STATUS_LABEL[to] ?? sentenceCase(to)}`;
    }
    case 'conversation.updated': {
      const parts: string[] = [];
      if ('tags' in d) parts.push((d.tags as string[]).length ? `set tags: ${(d.tags as string[]).join(', ')}` : 'removed all tags');
      if ('priority' in d) {
        const level = PRIORITY_LABEL[String(d.priority)]?.toLowerCase() ?? sentenceCase(String(d.priority)).toLowerCase();
        const why = d.reason === 'auto_priority' && Array.isArray(d.reasons) ? (d.reasons as unknown[]).map((r) => alertReasonText(String(r)).toLowerCase()).join('; ') : '';
        parts.push(`set priority to ${level}${why ? ` (${why})` : ''}`);
      }
      if (d.flagged === true) parts.push('flagged it for attention');
      if (d.flagged === false) parts.push('cleared the flag');
      if ('teamId' in d) parts.push(d.teamId ? `moved it to ${teamsById.value.get(String(d.teamId))?.name ?? 'a team'}` : 'removed the team');
      if ('snoozeUntil' in d && d.snoozeUntil) parts.push(`snoozed it ${until(Number(d.snoozeUntil))}`);
      if ('subject' in d) parts.push(d.subject ? `set the subject to “${String(d.subject)}”` : 'cleared the subject');
      if ('closingNote' in d && d.closingNote) parts.push('added a closing note');
      if ('contactId' in d) parts.push('merged the contact');
      return parts.length ? `${who} ${parts.join(' and ')}` : null;
    }
    case 'conversation.routed':
      return routedLine(e);
    // SLA, escalation and AI alert activity (issue 6). The data shapes are read defensively: older
    // events or a newer server may carry fewer fields.
    case 'sla.applied':
      return d.policyName ? `SLA policy “${String(d.policyName)}” applied` : d.policyId === null ? 'SLA policy removed' : 'SLA policy applied';
    case 'sla.met':
      return `${slaTargetText(d.target)} target met${typeof d.late === 'boolean' && d.late ? ' (late)' : ''}`;
    case 'sla.warning':
      return `${slaTargetText(d.target)} due soon${typeof d.dueAt === 'number' ? ` — deadline ${clockTime(d.dueAt)}` : ''}`;
    case 'sla.breached':
      return `${slaTargetText(d.target)} SLA breached${typeof d.dueAt === 'number' ? ` — was due ${clockTime(d.dueAt)}` : ''}`;
    case 'escalation.started': {
      const trigger = escalationTriggerText(d.trigger);
      const reason = escalationReasonText(d.reason ? String(d.reason) : '');
      return `${e.actor?.type !== 'agent' ? 'Escalated' : `${who} escalated the conversation`}${d.pathName ? ` on “${String(d.pathName)}”` : ''}${trigger && !reason.toLowerCase().startsWith(trigger.toLowerCase()) ? ` (${trigger})` : ''}${reason ? `: ${reason}` : ''}`;
    }
    case 'escalation.level': {
      // Prefer what each action did (results: {type, ok, detail}); fall back to what the level was set to do.
      const results = Array.isArray(d.results) ? (d.results as { ok?: boolean; detail?: string }[]).filter((r) => r && r.detail).map((r) => (r.ok === false ? `${r.detail} (failed)` : String(r.detail))) : [];
      const actions = results.length ? results : Array.isArray(d.actions) ? (d.actions as { type?: string }[]).map(actionText).filter(Boolean) : [];
      return `Escalation level ${d.level ?? '?'}${d.name ? ` (${String(d.name)})` : ''} ran${actions.length ? `: ${actions.join(', ')}` : ''}`;
    }
    case 'escalation.resolved':
      return `${who} resolved the escalation${d.note ? `: ${String(d.note)}` : ''}`;
    case 'csat.submitted':
      return csatLine(who, d);
    case 'alert.fired': {
      const reasons = Array.isArray(d.reasons) ? (d.reasons as unknown[]).map((r) => alertReasonText(String(r))) : [];
      return `AI alert “${String(d.ruleName ?? 'rule')}” fired${reasons.length ? `: ${reasons.join('; ')}` : ''}`;
    }
    default:
      return null;
  }
}


/** "The customer rated the conversation: 4 of 5 stars", or who recorded it by hand; with the comment. */
function csatLine(who: string, d: Record<string, unknown>): string {
  const scale = (['stars5', 'thumbs', 'emoji5'] as const).find((s) => s === d.scale);
  const rating = scale && typeof d.raw === 'number' ? rawText(scale, d.raw) : typeof d.score === 'number' ? scoreText(d.score) : 'a rating';
  const comment = typeof d.comment === 'string' && d.comment ? ` — “${d.comment}”` : '';
  if (d.source === 'manual') return `${who} recorded the customer’s rating: ${rating}${comment}`;
  return `The customer ${d.replaced ? 'changed their rating to' : 'rated the conversation'}: ${rating}${comment}`;
}

function actionText(a: { type?: string; [k: string]: unknown }): string {
  switch (a.type) {
    case 'reassign':
      return a.to === 'agent' ? `reassigned to ${userName(String(a.userId))}` : a.to === 'team' ? `moved to ${teamsById.value.get(String(a.teamId))?.name ?? 'a team'}` : 'sent to the escalation queue';
    case 'notify':
      return 'notified';
    case 'raise_priority':
      return a.to ? `priority raised to ${PRIORITY_LABEL[String(a.to)]?.toLowerCase() ?? String(a.to)}` : 'priority raised';
    case 'add_tags':
      return `tagged ${((a.tags as string[]) ?? []).join(', ')}`;
    case 'flag':
      return 'flagged';
    case 'workflow':
      return 'workflow started';
    default:
      return '';
  }
}

export function SystemLine({ e }: { e: ConversationEvent }) {
  const text = describe(e);
  if (!text) return null;
  return (
    <div class={`sys${e.type === 'conversation.routed' ? ' sys-routed' : ''}`} role="note">
      <span>{text}</span>
      <time dateTime={new Date(e.at).toISOString()} title={fullDateTime(e.at)}>
        {clockTime(e.at)}
      </time>
      {e.type === 'conversation.routed' ? <RoutedDetails e={e} /> : null}
    </div>
  );
}

/** Whether an event renders as a line at all (the thread groups only the ones that do). */
export function hasSystemLine(e: ConversationEvent): boolean {
  return describe(e) !== null;
}

/** Groups the agent opened, by the first event's seq (kept across re-renders and new events). */
const openGroups = new Set<number>();

/**
 * Consecutive activity folded into one row: "5 updates · assigned to Ana, tagged billing…"; a
 * button (keyboard-operable, aria-expanded) shows every line.
 */
export function ActivityGroup({ events }: { events: ConversationEvent[] }) {
  const first = events[0].seq;
  const open = useSignal(openGroups.has(first));
  const look = { user: (id: string) => userName(id), team: (id: string) => teamsById.value.get(id)?.name ?? null };
  const summary = groupSummary(
    events.map((e) => activityPhrase(e.type, e.data as Record<string, unknown>, e.actor?.id ?? null, look)),
    events.length,
  );
  const last = events[events.length - 1];
  const listId = `activity-${first}`;
  return (
    <div class={`sys-group${open.value ? ' open' : ''}`} role="group" aria-label="Activity">
      <div class="sys sys-summary">
        <button
          type="button"
          class="sys-toggle"
          aria-expanded={open.value}
          aria-controls={listId}
          onClick={() => {
            open.value = !open.value;
            if (open.value) openGroups.add(first);
            else openGroups.delete(first);
          }}
        >
          <Icon name={open.value ? 'down' : 'right'} size={12} />
          <span>{summary}</span>
        </button>
        <time dateTime={new Date(last.at).toISOString()} title={fullDateTime(last.at)}>
          {clockTime(last.at)}
        </time>
      </div>
      <div id={listId} class="sys-group-lines" hidden={!open.value}>
        {open.value ? events.map((e) => <SystemLine key={`e${e.seq}`} e={e} />) : null}
      </div>
    </div>
  );
}

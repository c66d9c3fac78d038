// The thread pane: header with every action on the conversation, the collision banner, messages
// grouped by day with system lines between them, the typing indicator and the composer.
import { useSignal } from '@preact/signals';
import { useEffect, useLayoutEffect, useRef } from 'preact/hooks';
import { api, errorText } from '../lib/api';
import { channelLabel, contactName, dayLabel, PRIORITY_LABEL, startOfDay, STATUS_LABEL, until } from '../lib/format';
import { navigate } from '../lib/router';
import { escalationTitle, sentenceCase } from '../lib/wording';
import type { ConversationEvent, Priority, ThreadMessage } from '../lib/types';
import { assistant, loadAssistant, setAssistantActive } from '../state/assistant';
import { markUnread } from '../state/inbox';
import { noteSelfAssign } from '../state/live';
import { listHref } from '../state/route';
import { isManager, myId, presenceOf, tags, teams, teamsById, userName, usersById } from '../state/session';
import {
  allMessages,
  arrivals,
  closeThread,
  collision,
  conversation,
  hasMoreBefore,
  loadEarlier,
  loadingBefore,
  messages,
  openThread,
  otherViewers,
  outbox,
  patchConversation,
  setArchived,
  setContact,
  socketState,
  systemEvents,
  threadError,
  threadId,
  threadState,
  typing,
} from '../state/thread';
import { toast } from '../state/toast';
import { Avatar } from '../ui/Avatar';
import { ChannelIcon } from '../ui/ChannelIcon';
import { Icon } from '../ui/Icon';
import { Dropdown, MenuItem } from '../ui/Popover';
import { Composer } from './Composer';
import { ActivityGroup, hasSystemLine, MessageItem, SystemLine } from './MessageItem';
import { groupRuns, redundantBeforeRouted } from '../lib/activity';
import { snoozePresets, toLocalInput } from './snooze';
import { FollowUpBanner, FollowUpMenu } from './FollowUps';
import { AgentPicker } from './AgentPicker';
import { BotTakeover, takeOver, TransferButton } from './TransferDialog';
import { EscalateDialog, escalateFor } from '../messaging/sla/EscalateDialog';
import { DeleteConversationDialog, deleteFor } from './DeleteConversation';
import { requestResolve, ResolveDialog } from './ResolveDialog';
import { ThreadSlaTimer } from './SlaTimer';
import { ClosedCard } from './ClosedCard';
import { saveBlob } from '../lib/download';

export function ThreadPane({ id, contactOpen, onToggleContact }: { id: string; contactOpen: boolean; onToggleContact: () => void }) {
  useEffect(() => {
    void openThread(id);
  }, [id]);
  useEffect(() => () => closeThread(), []);
  // The assistant's state and its messages' confidence; again whenever it writes.
  const aiCount = messages.value.reduce((n, m) => n + (m.authorType === 'ai' ? 1 : 0), 0);
  useEffect(() => {
    void loadAssistant(id);
  }, [id, aiCount]);

  if (threadState.value === 'error')
    return (
      <section class="thread-pane thread-empty" aria-label="Conversation">
        <Icon name="alert" size={32} />
        <p>{threadError.value}</p>
        <a class="btn" href={listHref()}>
          Back to the list
        </a>
      </section>
    );
  const conv = conversation.value;
  return (
    <section class="thread-pane" aria-label={conv ? `Conversation with ${contactName(conv.contact)}` : 'Conversation'} aria-busy={threadState.value === 'loading'}>
      {conv && threadId.value === id ? (
        <>
          <ThreadHeader contactOpen={contactOpen} onToggleContact={onToggleContact} />
          <CollisionBanner />
          <FollowUpBanner conversationId={id} />
          <Messages />
          <TypingIndicator />
          <Composer key={id} conversationId={id} />
        </>
      ) : (
        <div class="thread-loading" aria-label="Loading conversation">
          <div class="sk sk-line" style={{ width: '40%' }} />
          <div class="sk sk-bubble" />
          <div class="sk sk-bubble right" />
          <div class="sk sk-bubble" />
        </div>
      )}
    </section>
  );
}

function ThreadHeader({ contactOpen, onToggleContact }: { contactOpen: boolean; onToggleContact: () => void }) {
  const c = conversation.value!;
  const name = contactName(c.contact);
  const assignee = c.assigneeId ? usersById.value.get(c.assigneeId) : null;
  const team = c.teamId ? teamsById.value.get(c.teamId) : null;
  const live = socketState.value;
  return (
    <header class="thread-head">
      <div class="thread-title">
        <a href={listHref()} class="btn-icon back" aria-label="Back to the list">
          <Icon name="left" />
        </a>
        <Avatar name={name} seed={c.contactId} url={c.contact?.avatarUrl} size={36} />
        <div class="thread-who">
          <h2>
            {name}
            {c.contact?.blocked ? <span class="pill pill-danger">Blocked</span> : null}
          </h2>
          <p class="muted">
            <ChannelIcon channel={c.channel} size={14} /> {channelLabel(c.channel)}
            {c.subject ? <> · {c.subject}</> : null}
            <span class={`status status-${c.status}`}>{STATUS_LABEL[c.status]}</span>
            {c.status === 'snoozed' && c.snoozeUntil ? <span class="muted">{until(c.snoozeUntil)}</span> : null}
            <ThreadSlaTimer sla={c.sla} />
            {c.escalation && !c.escalation.resolvedAt ? (
              <span class="pill pill-escalated" title={escalationTitle(c.escalation.pathName, c.escalation.reason)}>
                Escalated{c.escalation.level ? ` · L${c.escalation.level}` : ''}
              </span>
            ) : null}
            {c.flagged ? (
              <span class="pill pill-flagged">
                Flagged
                <button type="button" class="pill-x" aria-label="Clear flag" title="Clear flag" onClick={() => void patchConversation({ flagged: false }, 'Flag cleared')}>
                  ✕
                </button>
              </span>
            ) : null}
          </p>
          <EscalateDialog />
          <DeleteConversationDialog />
          <ResolveDialog />
        </div>
        {/* Row one keeps to who this is and the primary actions; live state (viewers, connection, the
            AI) sits at the end of row two, so nothing here can squeeze the name, channel and status. */}
        <FollowUpMenu conversationId={c.id} />
        <SnoozeMenu />
        <span class="split-btn">
        {c.status === 'closed' ? (
          <button type="button" class="btn btn-sm" onClick={() => void patchConversation({ status: 'open' }, 'Conversation reopened')}>
            <Icon name="undo" size={15} /> <span class="lbl">Reopen</span>
          </button>
        ) : (
          <button type="button" class="btn btn-sm btn-primary" onClick={requestResolve}>
            <Icon name="check" size={15} /> <span class="lbl">Resolve</span>
          </button>
        )}
        <Dropdown id="status" class="btn btn-sm status-more" title="Change status" align="right" label={<Icon name="down" size={14} />}>
          {(close) => (
            <div role="menu" aria-label="Status">
              {(['open', 'pending', 'closed'] as const).map((s, i) => (
                <MenuItem
                  key={s}
                  role="menuitemradio"
                  checked={c.status === s}
                  onSelect={() => {
                    close();
                    if (s === 'closed') requestResolve();
                    else void patchConversation({ status: s }, `Marked ${STATUS_LABEL[s].toLowerCase()}`);
                  }}
                >
                  {STATUS_LABEL[s]} <span class="menu-hint">{i === 2 ? '4' : i + 1}</span>
                </MenuItem>
              ))}
            </div>
          )}
        </Dropdown>
        </span>
        <MoreMenu />
        <button type="button" class={`btn-icon${contactOpen ? ' is-active' : ''}`} aria-pressed={contactOpen} aria-label="Contact details" title="Contact details" onClick={onToggleContact}>
          <Icon name="sidebar" />
        </button>
      </div>
      <div class="thread-actions" role="toolbar" aria-label="Conversation actions">
        <AssignMenu current={c.assigneeId} label={assignee ? assignee.name : 'Unassigned'} />
        <Dropdown id="team" class="btn btn-sm btn-ghost" hint="Team" label={<><Icon name="users" size={15} /> <span class="sr-only">Team: </span><span class="lbl">{team?.name ?? 'No team'}</span></>}>
          {(close) => (
            <div role="menu" aria-label="Team">
              <MenuItem
                checked={!c.teamId}
                role="menuitemradio"
                onSelect={() => {
                  close();
                  void patchConversation({ teamId: null }, 'Team removed');
                }}
              >
                No team
              </MenuItem>
              {teams.value.map((t) => (
                <MenuItem
                  key={t.id}
                  role="menuitemradio"
                  checked={c.teamId === t.id}
                  onSelect={() => {
                    close();
                    void patchConversation({ teamId: t.id }, `Moved to ${t.name}`);
                  }}
                >
                  {t.name}
                </MenuItem>
              ))}
            </div>
          )}
        </Dropdown>
        <Dropdown id="priority" class="btn btn-sm btn-ghost" hint="Priority" label={<><span class={`prio-dot prio-${c.priority}`} /> <span class="sr-only">Priority: </span><span class="lbl">{PRIORITY_LABEL[c.priority]}</span></>}>
          {(close) => (
            <div role="menu" aria-label="Priority">
              {(['urgent', 'high', 'normal', 'low'] as Priority[]).map((p) => (
                <MenuItem
                  key={p}
                  role="menuitemradio"
                  checked={c.priority === p}
                  onSelect={() => {
                    close();
                    void patchConversation({ priority: p }, `Priority set to ${PRIORITY_LABEL[p].toLowerCase()}`);
                  }}
                >
                  <span class={`prio-dot prio-${p}`} /> {PRIORITY_LABEL[p]}
                </MenuItem>
              ))}
            </div>
          )}
        </Dropdown>
        <TagsMenu current={c.tags} />
        <TransferButton />
        <span class="thread-state">
          {live !== 'live' && live !== 'stopped' ? (
            <span class="conn" role="status" title="Live updates are reconnecting; nothing will be missed">
              <Icon name="wifiOff" size={14} /> <span class="lbl">Reconnecting…</span>
            </span>
          ) : null}
          <Viewers />
          <AssistantControl />
          <BotTakeover />
        </span>
      </div>
    </header>
  );
}

function Viewers() {
  const others = otherViewers.value;
  if (others.length === 0) return null;
  return (
    <span class="viewers" aria-label={`Also here: ${others.map((v) => v.name).join(', ')}`} role="img">
      {others.slice(0, 3).map((v) => (
        <span key={v.userId} class={`viewer${v.typing ? ' typing' : ''}`} title={`${v.name}${v.typing ? (v.note ? ' is writing a note' : ' is typing') : ' is viewing'}`}>
          <Avatar name={v.name} seed={v.userId} size={26} presence="online" />
        </span>
      ))}
    </span>
  );
}

export function AssignMenu({ current, label }: { current: string | null; label: string }) {
  const assign = (id: string | null, close: () => void, name?: string) => {
    close();
    if (id === myId.value) noteSelfAssign(conversation.value!.id);
    void patchConversation({ assigneeId: id }, id ? `Assigned to ${name ?? userName(id)}` : 'Unassigned');
  };
  return (
    <Dropdown id="assign" class="btn btn-sm btn-ghost" hint="Assign (A)" wide label={<>{current ? <Avatar name={label} seed={current} size={18} presence={presenceOf(current)} /> : <Icon name="userPlus" size={15} />} <span class="sr-only">Assignee: </span><span class="lbl">{label}</span></>}>
      {(close) => (
        <div class="picker">
          {/* The agent picker (presence, load, skills; GET /api/agents) with its own search and arrow keys. */}
          <AgentPicker id="assign" selected={current} label="Assign to" onPick={(a) => assign(a.userId, close, a.name)} />
          <div class="menu-sep" />
          <div role="menu" aria-label="Quick assign">
            {current !== myId.value ? (
              <MenuItem onSelect={() => assign(myId.value, close)}>
                <Icon name="user" /> Assign to me
              </MenuItem>
            ) : null}
            {current ? (
              <MenuItem onSelect={() => assign(null, close)}>
                <Icon name="x" /> Unassign
              </MenuItem>
            ) : null}
          </div>
        </div>
      )}
    </Dropdown>
  );
}

function TagsMenu({ current }: { current: string[] }) {
  const filter = useSignal('');
  const toggle = (name: string) => {
    const t = name.trim().toLowerCase();
    if (!t) return;
    const next = current.includes(t) ? current.filter((x) => x !== t) : [...current, t];
    void patchConversation({ tags: next }, current.includes(t) ? `Tag “${t}” removed` : `Tagged “${t}”`);
  };
  return (
    <Dropdown id="tags" class="btn btn-sm btn-ghost" hint="Tags (T)" label={<><Icon name="tag" size={15} /> <span class="sr-only">Tags: </span><span class="lbl">{current.length ? current.join(', ') : 'Tags'}</span></>}>
      {() => {
        const f = filter.value.trim().toLowerCase();
        const names = [...new Set([...tags.value.map((t) => t.name), ...current])].filter((n) => !f || n.includes(f));
        return (
          <div class="picker">
            <label class="sr-only" for="tag-filter">
              Find or create a tag
            </label>
            <input
              id="tag-filter"
              class="picker-search"
              placeholder="Find or create a tag…"
              value={filter.value}
              onInput={(e) => (filter.value = e.currentTarget.value)}
              onKeyDown={(e) => {
                if (e.key === 'Enter' && f) {
                  e.preventDefault();
                  toggle(f);
                  filter.value = '';
                }
              }}
            />
            <div role="menu" aria-label="Tags">
              {names.map((n) => (
                <MenuItem key={n} checked={current.includes(n)} onSelect={() => toggle(n)}>
                  {n}
                </MenuItem>
              ))}
              {f && !names.includes(f) ? (
                <MenuItem
                  onSelect={() => {
                    toggle(f);
                    filter.value = '';
                  }}
                >
                  <Icon name="plus" /> Add “{f}”
                </MenuItem>
              ) : null}
            </div>
          </div>
        );
      }}
    </Dropdown>
  );
}

function SnoozeMenu() {
  const custom = useSignal(toLocalInput(Date.now() + 24 * 3600_000));
  const snooze = (at: number, close: () => void) => {
    if (!(at > Date.now())) {
      toast('Pick a time in the future', 'error');
      return;
    }
    close();
    void patchConversation({ status: 'snoozed', snoozeUntil: at }, `Snoozed ${until(at)}`);
  };
  return (
    <Dropdown id="snooze" class={`btn-icon${conversation.value?.status === 'snoozed' ? ' is-active' : ''}`} title="Snooze" align="right" label={<Icon name="clock" />}>
      {(close) => (
        <div class="picker">
          <div role="menu" aria-label="Snooze until">
            {snoozePresets().map((p) => (
              <MenuItem key={p.label} onSelect={() => snooze(p.at, close)}>
                {p.label} <span class="menu-hint">{p.hint}</span>
              </MenuItem>
            ))}
          </div>
          <div class="menu-sep" />
          <form
            class="snooze-custom"
            onSubmit={(e) => {
              e.preventDefault();
              snooze(new Date(custom.value).getTime(), close);
            }}
          >
            <label class="field">
              <span>Until a date and time</span>
              <input type="datetime-local" value={custom.value} min={toLocalInput(Date.now())} onInput={(e) => (custom.value = e.currentTarget.value)} required />
            </label>
            <button type="submit" class="btn btn-sm btn-primary">
              Snooze
            </button>
          </form>
        </div>
      )}
    </Dropdown>
  );
}

function download(name: string, type: string, body: string): void {
  saveBlob(name, new Blob([body], { type }));
}

export async function downloadConversation(format: 'json' | 'text'): Promise<void> {
  const c = conversation.value;
  if (!c) return;
  try {
    const all = await allMessages(c.id);
    const base = `conversation-${c.id}`;
    if (format === 'json') {
      download(`${base}.json`, 'application/json', JSON.stringify({ conversation: c, messages: all }, null, 2));
    } else {
      const lines = [
        `Conversation with ${contactName(c.contact)} (${channelLabel(c.channel)})`,
        `Status: ${STATUS_LABEL[c.status]} · Started ${new Date(c.createdAt).toLocaleString()}`,
        '',
        ...all.map((m) => `[${new Date(m.createdAt).toLocaleString()}] ${m.isInternalNote ? '(note) ' : ''}${m.authorName ?? (m.direction === 'inbound' ? 'Customer' : 'Parley')}: ${m.text}${m.attachments.length ? ` [${m.attachments.map((a) => a.name).join(', ')}]` : ''}`),
      ];
      download(`${base}.txt`, 'text/plain;charset=utf-8', lines.join('\n'));
    }
  } catch (err) {
    toast(`Download failed: ${errorText(err)}`, 'error');
  }
}

/** Where an inbox has an assistant: whether it is answering here, and take over / resume. */
function AssistantControl() {
  const c = conversation.value!;
  const a = assistant.value;
  if (!a || a.mode === 'off') return null;
  const active = a.state === 'active';
  const label = active ? (a.mode === 'auto-send' ? 'AI answering' : 'AI suggesting') : a.state === 'handed_off' ? 'AI handed off' : 'You took over';
  return (
    <span class={`ai-control${active ? ' active' : ''}`}>
      <span class="ai-state" title={a.reason ? `Reason: ${sentenceCase(a.reason).toLowerCase()}` : undefined}>
        <Icon name="sparkle" size={13} /> <span class="lbl">{label}</span>
      </span>
      <button type="button" class="btn btn-sm btn-ghost" onClick={() => void (active ? takeOver(c.id) : setAssistantActive(c.id, true))}>
        {active ? 'Take over' : 'Resume AI'}
      </button>
    </span>
  );
}

function MoreMenu() {
  const c = conversation.value!;
  const blocked = !!c.contact?.blocked;
  return (
    <Dropdown id="more" class="btn-icon" title="More actions" align="right" label={<Icon name="more" />}>
      {(close) => (
        <div role="menu" aria-label="More actions">
          <MenuItem
            onSelect={() => {
              close();
              // Closed first, so opening it does not read it again before the server has the new position.
              closeThread();
              navigate(listHref());
              markUnread(c.id).then(
                (n) => toast(n > 0 ? 'Marked unread' : 'Nothing to mark unread: the customer has not written yet', n > 0 ? 'success' : 'info'),
                (err) => toast(`Could not mark unread: ${errorText(err)}`, 'error'),
              );
            }}
          >
            <Icon name="eyeOff" /> Mark unread
          </MenuItem>
          <MenuItem
            onSelect={() => {
              close();
              void setArchived(!c.archivedAt);
            }}
          >
            <Icon name="file" /> {c.archivedAt ? 'Take out of the archive' : 'Archive'}
          </MenuItem>
          <MenuItem
            onSelect={() => {
              close();
              escalateFor.value = c.id;
            }}
          >
            <Icon name="alert" /> Escalate…
          </MenuItem>
          {c.flagged ? (
            <MenuItem
              onSelect={() => {
                close();
                void patchConversation({ flagged: false }, 'Flag cleared');
              }}
            >
              <Icon name="bell" /> Clear flag
            </MenuItem>
          ) : null}
          <MenuItem
            onSelect={() => {
              close();
              void downloadConversation('json');
            }}
          >
            <Icon name="download" /> Download as JSON
          </MenuItem>
          <MenuItem
            onSelect={() => {
              close();
              void downloadConversation('text');
            }}
          >
            <Icon name="download" /> Download as text
          </MenuItem>
          <div class="menu-sep" />
          <MenuItem
            danger={!blocked}
            onSelect={async () => {
              close();
              if (!c.contact) return;
              if (!blocked && !confirm(`Block ${contactName(c.contact)}? Their new messages will not reach the inbox.`)) return;
              try {
                const updated = await api<{ id: string; name: string | null; email: string | null; phone: string | null; avatarUrl: string | null; blocked: boolean }>(`/contacts/${c.contact.id}`, { method: 'PATCH', json: { blocked: !blocked } });
                setContact(updated);
                toast(blocked ? 'Contact unblocked' : 'Contact blocked', 'success');
              } catch (err) {
                toast(`Could not ${blocked ? 'unblock' : 'block'} the contact: ${errorText(err)}`, 'error');
              }
            }}
          >
            <Icon name="ban" /> {blocked ? 'Unblock contact' : 'Block contact'}
          </MenuItem>
          {isManager.value ? (
            <MenuItem
              danger
              onSelect={() => {
                close();
                deleteFor.value = { id: c.id, who: contactName(c.contact) };
              }}
            >
              <Icon name="trash" /> Delete conversation…
            </MenuItem>
          ) : null}
        </div>
      )}
    </Dropdown>
  );
}

function CollisionBanner() {
  const col = collision.value;
  const typingAgent = otherViewers.value.find((v) => v.typing);
  const other = typingAgent ?? (col ? otherViewers.value.find((v) => v.userId === col.other.userId) : undefined);
  if (!other) return null;
  const isTyping = other.typing;
  return (
    <div class={`collision${isTyping ? ' typing' : ''}`} role="status" data-testid="collision-banner">
      <Avatar name={other.name} seed={other.userId} size={22} />
      <span>
        <strong>{other.name}</strong> {isTyping ? (other.note ? 'is writing an internal note here.' : 'is typing a reply to this conversation.') : 'is also viewing this conversation.'}
      </span>
      <button type="button" class="btn-icon" aria-label="Dismiss" onClick={() => (collision.value = null)} hidden={isTyping}>
        <Icon name="x" size={14} />
      </button>
    </div>
  );
}

function TypingIndicator() {
  const t = typing.value;
  const names = t.map((x) => x.name);
  return (
    <div class="typing" aria-live="polite">
      {t.length ? (
        <>
          <span class="dots" aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          {names.join(', ')} {t.length > 1 ? 'are' : 'is'} {t.every((x) => x.note) ? 'writing a note' : 'typing'}…
        </>
      ) : null}
    </div>
  );
}

type Entry = { kind: 'msg'; m: ThreadMessage; at: number; seq: number } | { kind: 'sys'; e: ConversationEvent; at: number; seq: number };

function Messages() {
  const scroller = useRef<HTMLDivElement>(null);
  const stick = useRef(true);
  const prevHeight = useRef(0);
  const msgs = messages.value;
  const sys = systemEvents.value;
  const pending = outbox.value;
  const firstSeq = msgs[0]?.seq ?? 0;

  // One line per action: the assignment a take over made is told by its routing line.
  const redundant = redundantBeforeRouted(sys);
  const entries: Entry[] = [
    ...msgs.map((m): Entry => ({ kind: 'msg', m, at: m.createdAt, seq: m.seq })),
    // System lines only within the loaded range (older ones come with older messages).
    ...sys.filter((e) => (!hasMoreBefore.value || e.seq >= firstSeq) && !redundant.has(e.seq)).map((e): Entry => ({ kind: 'sys', e, at: e.at, seq: e.seq })),
  ].sort((a, b) => a.seq - b.seq);
  for (const m of pending) entries.push({ kind: 'msg', m, at: m.createdAt, seq: Number.MAX_SAFE_INTEGER });

  const channelsUsed = new Set(msgs.map((m) => m.channel));
  const multiChannel = channelsUsed.size > 1;

  // Stay at the bottom when new messages arrive (if we were there); keep position when older ones load.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    if (prevHeight.current && el.scrollTop < 40 && !stick.current) {
      el.scrollTop += el.scrollHeight - prevHeight.current;
    } else if (stick.current) {
      el.scrollTop = el.scrollHeight;
    }
    prevHeight.current = el.scrollHeight;
  }, [arrivals.value, msgs.length, sys.length, pending.length]);

  const onScroll = () => {
    const el = scroller.current;
    if (!el) return;
    stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
    prevHeight.current = el.scrollHeight;
    if (el.scrollTop < 120 && hasMoreBefore.value && !loadingBefore.value) void loadEarlier();
  };

  // By day; within a day, consecutive activity lines fold into one expandable row (messages dominate).
  const days: Entry[][] = [];
  for (const entry of entries) {
    const last = days[days.length - 1];
    if (last && startOfDay(last[0].at) === startOfDay(entry.at)) last.push(entry);
    else days.push([entry]);
  }
  const out = [];
  for (const list of days) {
    const day = startOfDay(list[0].at);
    out.push(
      <div class="day" key={`day-${day}`} role="separator">
        <span>{dayLabel(list[0].at)}</span>
      </div>,
    );
    for (const run of groupRuns(list.filter((x) => x.kind === 'msg' || hasSystemLine(x.e)), (x) => x.kind === 'sys')) {
      if (run.kind === 'group') {
        const events = run.items.map((x) => (x as Extract<Entry, { kind: 'sys' }>).e);
        out.push(<ActivityGroup key={`g${events[0].seq}`} events={events} />);
      } else {
        const entry = run.item;
        out.push(entry.kind === 'msg' ? <MessageItem key={entry.m.id} m={entry.m} showChannel={multiChannel} /> : <SystemLine key={`e${entry.e.seq}`} e={entry.e} />);
      }
    }
  }

  return (
    <div class="messages" ref={scroller} onScroll={onScroll} role="log" aria-label="Messages" aria-live="polite" aria-relevant="additions" tabIndex={0}>
      {hasMoreBefore.value ? (
        <div class="load-earlier">
          <button type="button" class="link" onClick={() => void loadEarlier()} disabled={loadingBefore.value}>
            {loadingBefore.value ? 'Loading…' : 'Load earlier messages'}
          </button>
        </div>
      ) : null}
      {out}
      <ClosedCard />
    </div>
  );
}

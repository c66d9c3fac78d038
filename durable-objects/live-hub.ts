// The WorkspaceDO's live socket hub: every agent tab's socket (GET /api/live), the presence they feed
// (each tab's open, activity and close go to the agent's AgentDO, whose answer is handed to the
// router), and what goes out on them — conversation list changes in short merged batches (one message
// per socket per flush; changes to closed conversations gathered for a second), view counts, presence,
// personal notifications. Visibility is checked per socket; the router is none of its business.
import { canSeeConversation } from '../worker/auth/principal';
import { refusedUpgrade, SocketRights } from '../worker/auth/socket-rights';
import { RecentRevocations, revokes, type Revocation } from '../worker/auth/socket-revocation';
import type { Conversation, ConversationEventType } from '../worker/conversations/model';
import type { LiveIdentity } from '../worker/conversations/socket-protocol';
import { countKey, type CountKey } from '../worker/conversations/view-counts';
import type { LiveFrame, NotificationKind } from '../worker/presence/live-protocol';
import type { Presence } from '../worker/routing/model';
import type { PresenceConfig, PresenceSnapshot } from '../worker/routing/presence';
import { agentStub } from '../worker/routing/stubs';

/** What a live socket carries: who it is, which tab (connection), when it last reported activity. */
interface LiveAttachment extends LiveIdentity {
  connId?: string;
  activeAt?: number;
}

/** Live list updates wait this long to merge (a new conversation's created, received and routed changes become one frame). */
const FANOUT_BATCH_MS = 25;
/**
 * Changes to conversations closed before and after (a broadcast's new conversation, started closed; a
 * closed one retagged) are in nobody's working queue: they wait this long and go to each socket as one
 * `batch` frame. A broadcast starts up to its inbox's rate of them per second, each visible to every
 * agent: one frame per socket per second instead of two per conversation keeps the hub free for the
 * changes agents are waiting on.
 */
const BACKGROUND_BATCH_MS = 1000;
/** Frames per `batch` frame at most (a fast broadcast's second is split). */
const BATCH_FRAMES = 200;
/** The longest a new conversation's first list frame waits for its routing decision. */
const ROUTING_HOLD_MS = 1000;
/** Socket sends per slice of a fan-out batch before letting waiting requests run. */
const FANOUT_CHUNK = 400;
/** Activity frames are forwarded to the AgentDO at most this often per tab (unless the agent is away). */
const ACTIVITY_FORWARD_MS = 15_000;

/** One conversation's changes waiting to go out, merged. */
interface Pending {
  conversation: Conversation;
  created: boolean;
  routed: boolean;
  /** The conversation as agents' counts had it before the first merged change. */
  before: CountKey | null;
  at: number;
  readyAt: number;
  /** Closed before (or new) and closed now: batched (BACKGROUND_BATCH_MS). */
  background: boolean;
}

export interface HubDeps {
  /** The router is loaded and knows this agent; its presence timings for the AgentDO. */
  prepare(who: LiveIdentity): Promise<PresenceConfig>;
  /** A presence snapshot from an AgentDO, for the roster (which broadcasts it when it changed). */
  presence(snap: PresenceSnapshot): void;
  online(): { userId: string; name: string; status: Presence }[];
  isOnline(userId: string): boolean;
  /** Routing decides new conversations: their first list frame waits briefly for the decision. */
  routes(): boolean;
}

export class LiveHub {
  #pending = new Map<string, Pending>();
  /** Changes taken by the flush in progress and not sent yet (a deletion meanwhile cancels them). */
  #unsent = new Map<string, Pending>();
  /** When the open window for background changes flushes: they share it, so a second of them is one frame. */
  #backgroundDue = 0;
  #flushing = false;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #due = 0;
  #rights: SocketRights;
  #revocations = new RecentRevocations();

  constructor(
    private readonly ctx: DurableObjectState,
    private readonly env: Env,
    private readonly deps: HubDeps,
  ) {
    this.#rights = new SocketRights(env.DB);
  }

  /** A live socket for one agent tab. The AgentDO hears of it first and answers with the presence that follows. */
  async open(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade') !== 'websocket') return new Response('Expected a WebSocket upgrade', { status: 426 });
    const who = JSON.parse(request.headers.get('x-parley-identity') ?? 'null') as LiveIdentity | null;
    if (!who) return new Response('Missing identity', { status: 400 });
    // The Worker's principal may be seconds old, and a revocation may arrive during the awaits below: either refuses.
    const mark = this.#revocations.mark();
    const denied = await this.#rights.check({ kind: 'agent', ...who }, { fresh: true });
    if (denied) return refusedUpgrade(denied);
    const config = await this.deps.prepare(who);
    const connId = crypto.randomUUID();
    const agent = agentStub(this.env, who.workspaceId, who.userId);
    this.deps.presence(await agent.tabOpened({ workspaceId: who.workspaceId, userId: who.userId, name: who.name }, connId, config));
    const revoked = this.#revocations.since(mark, who);
    if (revoked) {
      const closed = await agent.tabClosed(connId);
      if (closed) this.deps.presence(closed);
      return refusedUpgrade(revoked.code);
    }
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [who.userId]);
    pair[1].serializeAttachment({ ...who, connId } satisfies LiveAttachment);
    send(pair[1], { t: 'hello', users: this.deps.online() });
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  async message(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    if (typeof raw !== 'string') return;
    if (raw.includes('"ping"')) return send(ws, { t: 'pong' });
    if (!raw.includes('"active"')) return;
    const who = ws.deserializeAttachment() as LiveAttachment;
    // Activity writes presence: only while the credential and the user are still good.
    const denied = await this.#rights.check({ kind: 'agent', ...who });
    if (denied) return void this.#expel(ws, denied, 'No longer allowed');
    if (ws.readyState !== WebSocket.OPEN) return;
    const now = Date.now();
    const away = !this.deps.isOnline(who.userId);
    if (!who.connId || (!away && who.activeAt && now - who.activeAt < ACTIVITY_FORWARD_MS)) return;
    ws.serializeAttachment({ ...who, activeAt: now } satisfies LiveAttachment);
    const snap = await agentStub(this.env, who.workspaceId, who.userId).tabActive(who.connId);
    if (snap) this.deps.presence(snap);
  }

  /** The tab closed (or errored). */
  async left(ws: WebSocket): Promise<void> {
    const who = ws.deserializeAttachment() as LiveAttachment;
    try {
      ws.close(1000, 'bye');
    } catch {
      // already closed
    }
    if (!who.connId) return;
    const snap = await agentStub(this.env, who.workspaceId, who.userId).tabClosed(who.connId);
    if (snap) this.deps.presence(snap);
  }

  /** A session ended, the user was disabled or their role changed. Their tabs close with the code; returns how many. */
  async revoke(r: Revocation): Promise<number> {
    this.#revocations.add(r);
    const hit = this.ctx.getWebSockets(r.userId).filter((ws) => ws.readyState === WebSocket.OPEN && revokes(r, ws.deserializeAttachment() as LiveAttachment));
    await Promise.all(hit.map((ws) => this.#expel(ws, r.code, r.reason)));
    return hit.length;
  }

  /** Close a tab whose rights ended; presence learns the tab is gone now, not when (or if) the close handshake ends. */
  async #expel(ws: WebSocket, code: number, reason: string): Promise<void> {
    const who = ws.deserializeAttachment() as LiveAttachment;
    // Its close handler, if it runs, finds no tab left to close.
    if (who.connId) ws.serializeAttachment({ ...who, connId: undefined } satisfies LiveAttachment);
    try {
      ws.close(code, reason);
    } catch {
      // already closing
    }
    if (!who.connId) return;
    const snap = await agentStub(this.env, who.workspaceId, who.userId).tabClosed(who.connId);
    if (snap) this.deps.presence(snap);
  }

  /** A personal notification to these agents' open tabs (one call for all). Returns the tabs reached. */
  notify(userIds: string[], n: { kind: NotificationKind; conversationId: string | null; title: string; body: string; at: number }, channels: Record<string, { sound: boolean; browser: boolean }>): number {
    let reached = 0;
    for (const userId of new Set(userIds)) {
      const sockets = this.ctx.getWebSockets(userId).filter((ws) => ws.readyState === WebSocket.OPEN);
      for (const ws of sockets) send(ws, { t: 'notification', ...n, ...channels[userId] });
      reached += sockets.length;
    }
    return reached;
  }

  /** The tabs (connection ids) an agent has open here. */
  connections(userId: string): string[] {
    return this.ctx
      .getWebSockets(userId)
      .filter((ws) => ws.readyState === WebSocket.OPEN)
      .map((ws) => (ws.deserializeAttachment() as LiveAttachment).connId ?? '');
  }

  broadcast(frame: LiveFrame): void {
    const data = JSON.stringify(frame);
    for (const ws of this.ctx.getWebSockets()) trySend(ws, data);
  }

  /** The conversation was deleted: every list that showed it drops it, with its count. */
  removed(c: Conversation): void {
    // Agents hold the conversation as last sent: before a change still waiting (held or mid-flush), which
    // now never goes out; a new one nobody was told of is nothing to take back.
    const waiting = this.#pending.get(c.id) ?? this.#unsent.get(c.id);
    this.#pending.delete(c.id);
    this.#unsent.delete(c.id);
    const held = waiting ? waiting.before : countKey(c);
    if (!held) return;
    const removed = JSON.stringify({ t: 'removed', id: c.id } satisfies LiveFrame);
    const counts = JSON.stringify({ t: 'counts', id: c.id, before: held, after: null } satisfies LiveFrame);
    for (const ws of this.ctx.getWebSockets()) {
      if (ws.readyState !== WebSocket.OPEN) continue;
      if (!canSeeConversation(ws.deserializeAttachment() as LiveIdentity, { workspaceId: c.workspaceId, assigneeId: held.assigneeId, teamId: held.teamId })) continue;
      trySend(ws, counts);
      trySend(ws, removed);
    }
  }

  /**
   * A conversation changed. Live list updates go out in short batches, after the requests already
   * waiting (routing decisions first): changes to one conversation within a batch merge into one frame
   * per socket, and a large batch yields between chunks so a burst of fan-out never holds a decision
   * back for long. A new, unassigned conversation the router is deciding on waits (briefly) for the
   * decision, so agents get one frame with its assignee rather than an "unassigned" flash followed by a
   * second frame.
   */
  changed(conversation: Conversation, types: ConversationEventType[], before: CountKey | null): void {
    const prev = this.#pending.get(conversation.id);
    const created = (prev?.created ?? false) || types.includes('conversation.created');
    const routed = (prev?.routed ?? false) || types.includes('conversation.routed');
    const hold = created && !routed && conversation.assigneeId === null && this.deps.routes();
    const now = Date.now();
    const firstBefore = prev ? prev.before : before;
    const background = (prev?.background ?? true) && conversation.status === 'closed' && (firstBefore === null || firstBefore.status === 'closed');
    const entry: Pending = {
      conversation,
      created,
      routed,
      // Counts move from the state before the first merged change to the latest one.
      before: firstBefore,
      at: prev?.at ?? now,
      readyAt: background ? (prev?.readyAt ?? this.#backgroundWindow(now)) : hold ? (prev?.readyAt ?? now + ROUTING_HOLD_MS) : now,
      background,
    };
    this.#pending.set(conversation.id, entry);
    if (!this.#flushing) this.#schedule(background || hold ? entry.readyAt - now : FANOUT_BATCH_MS);
  }

  #backgroundWindow(now: number): number {
    if (this.#backgroundDue <= now) this.#backgroundDue = now + BACKGROUND_BATCH_MS;
    return this.#backgroundDue;
  }

  #schedule(delay: number): void {
    const due = Date.now() + Math.max(0, delay);
    if (this.#timer && this.#due <= due) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#due = due;
    this.#timer = setTimeout(() => void this.#flush(), Math.max(0, delay));
  }

  async #flush(): Promise<void> {
    this.#timer = null;
    this.#flushing = true;
    try {
      for (;;) {
        const now = Date.now();
        const batch = [...this.#pending.values()].filter((e) => e.readyAt <= now);
        if (batch.length === 0) break;
        for (const e of batch) {
          this.#pending.delete(e.conversation.id);
          this.#unsent.set(e.conversation.id, e);
        }
        const sockets = this.ctx
          .getWebSockets()
          .filter((ws) => ws.readyState === WebSocket.OPEN)
          .map((ws) => ({ ws, who: ws.deserializeAttachment() as LiveIdentity }));
        // Nobody online: nothing to encode (the frames are built only for sockets that receive them).
        if (sockets.length === 0) {
          this.#unsent.clear();
          continue;
        }
        // Each socket's frames of this slice, sent as one message before any yield (so nothing deleted
        // meanwhile goes out after its removal) and at the end: foreground changes first, then background.
        const out = new Map<WebSocket, string[]>();
        let sent = 0;
        for (const e of [...batch.filter((x) => !x.background), ...batch.filter((x) => x.background)]) {
          // Deleted during a yield: removed() has told the agents already.
          if (this.#unsent.get(e.conversation.id) !== e) continue;
          this.#unsent.delete(e.conversation.id);
          this.#frames(e, sockets, out);
          sent += sockets.length;
          if (!e.background && sent >= FANOUT_CHUNK) {
            sent = 0;
            sendAll(out);
            await new Promise((r) => setTimeout(r, 0));
          }
        }
        sendAll(out);
      }
    } finally {
      this.#flushing = false;
      this.#unsent.clear();
      const held = [...this.#pending.values()].map((e) => e.readyAt);
      if (held.length > 0) this.#schedule(Math.min(...held) - Date.now());
    }
  }

  /**
   * One change's frames for every socket allowed to see it, appended to `out`: counts first, to everyone
   * who saw it before or sees it now (one that left an agent's view takes its count with it), each side
   * only as far as that agent may see; then the row; then, for a new unassigned conversation in the
   * working queue, the news. Each frame is encoded once, not once per socket.
   */
  #frames({ conversation: c, created, before, at, background }: Pending, sockets: { ws: WebSocket; who: LiveIdentity }[], out: Map<WebSocket, string[]>): void {
    const after = countKey(c);
    const countsFrames: (string | undefined)[] = [];
    let frame: string | null = null;
    let news: string | null = null;
    for (const { ws, who } of sockets) {
      const sawBefore = before !== null && canSeeConversation(who, { workspaceId: c.workspaceId, assigneeId: before.assigneeId, teamId: before.teamId });
      const seesNow = canSeeConversation(who, c);
      if (!sawBefore && !seesNow) continue;
      let list = out.get(ws);
      if (!list) out.set(ws, (list = []));
      const shape = (sawBefore ? 2 : 0) + (seesNow ? 1 : 0);
      list.push((countsFrames[shape] ??= JSON.stringify({ t: 'counts', id: c.id, before: sawBefore ? before : null, after: seesNow ? after : null } satisfies LiveFrame)));
      if (!seesNow) continue;
      list.push((frame ??= JSON.stringify({ t: 'conversation', conversation: c } satisfies LiveFrame)));
      // New and unassigned is news for everyone who can see it; one already routed is its assignee's alone,
      // and one started closed (a broadcast's) is nobody's.
      if (created && c.assigneeId === null && !background) {
        list.push((news ??= JSON.stringify({ t: 'notification', kind: 'new_conversation', conversationId: c.id, title: 'New conversation', body: c.lastMessagePreview ?? '', at } satisfies LiveFrame)));
      }
    }
  }
}

/** Each socket's gathered frames as one message: alone as itself, several as `batch` frames of up to BATCH_FRAMES. */
function sendAll(out: Map<WebSocket, string[]>): void {
  for (const [ws, list] of out) {
    if (list.length === 1) trySend(ws, list[0]);
    else for (let i = 0; i < list.length; i += BATCH_FRAMES) trySend(ws, `{"t":"batch","frames":[${list.slice(i, i + BATCH_FRAMES).join(',')}]}`);
  }
  out.clear();
}

function send(ws: WebSocket, frame: LiveFrame): void {
  trySend(ws, JSON.stringify(frame));
}

function trySend(ws: WebSocket, data: string): void {
  try {
    ws.send(data);
  } catch {
    // closed; its close handler tidies up
  }
}

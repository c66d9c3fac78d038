// The sockets watching one conversation: agents with the thread open and the widget visitor.
// Uses the hibernation API, so an idle conversation costs nothing while sockets stay connected.
import { canSeeConversation } from '../worker/auth/principal';
import { revokes, type Revocation } from '../worker/auth/socket-revocation';
import type { Conversation } from '../worker/conversations/model';
import { CLOSE, type CloseCode, type ServerEvent, type ServerFrame, type SocketAuthor, type Viewer } from '../worker/conversations/socket-protocol';

export type SocketIdentity = SocketAuthor;

interface Attachment {
  who: SocketIdentity;
  typing: boolean;
  note: boolean;
  since: number;
}

/** Events a visitor may see: their thread's messages (never notes) and its status. */
const VISITOR_EVENTS = new Set(['message.created', 'message.received', 'message.status', 'conversation.status_changed']);

export class SocketRoom {
  /**
   * `gone`: an agent's last open socket under a credential left (closed by either side), with when it
   * was accepted; the object tells the agent's AgentDO, which then stops sending revocations here.
   */
  constructor(
    private readonly ctx: DurableObjectState,
    private readonly gone: (who: Extract<SocketIdentity, { kind: 'agent' }>, since: number) => void = () => {},
  ) {}

  accept(ws: WebSocket, who: SocketIdentity): void {
    this.ctx.acceptWebSocket(ws, [who.kind, tagOf(who)]);
    ws.serializeAttachment({ who, typing: false, note: false, since: Date.now() } satisfies Attachment);
  }

  identity(ws: WebSocket): SocketIdentity {
    return (ws.deserializeAttachment() as Attachment).who;
  }

  hasVisitor(): boolean {
    return this.#open('visitor').length > 0;
  }

  /** Close every socket (the conversation was deleted). */
  closeAll(code: number, reason: string): void {
    for (const ws of this.ctx.getWebSockets()) {
      try {
        ws.close(code, reason);
      } catch {
        // Already closing.
      }
    }
  }

  /**
   * End a socket whose rights ended: closed with the code, and the others learn it stopped viewing.
   * Its close handler may run later (or not at all), so everything here skips sockets no longer open.
   */
  expel(ws: WebSocket, code: CloseCode, reason: string): void {
    if (ws.readyState !== WebSocket.OPEN) return;
    try {
      ws.close(code, reason);
    } catch {
      // already closing
    }
    if (this.identity(ws).kind === 'agent') {
      this.#broadcastViewers();
      this.#left(ws);
    }
  }

  /** Close the agent sockets a revocation reaches; returns how many. */
  revoke(r: Revocation): number {
    const hit = this.#open(`user:${r.userId}`).filter((ws) => {
      const who = this.identity(ws);
      return who.kind === 'agent' && revokes(r, who);
    });
    for (const ws of hit) this.expel(ws, r.code, r.reason);
    return hit.length;
  }

  /** Close a (blocked) contact's widget sockets. */
  closeVisitors(contactId: string, code: CloseCode, reason: string): number {
    const hit = this.#open(`contact:${contactId}`);
    for (const ws of hit) this.expel(ws, code, reason);
    return hit.length;
  }

  /** After a change of assignee or team: agents whose role no longer lets them see the conversation leave it. */
  enforceVisibility(state: Conversation): void {
    for (const ws of this.#open('agent')) {
      const who = this.identity(ws);
      if (who.kind === 'agent' && !canSeeConversation(who, state)) this.expel(ws, CLOSE.forbidden, 'This conversation is no longer visible to you');
    }
  }

  send(ws: WebSocket, frame: ServerFrame): void {
    try {
      ws.send(JSON.stringify(frame));
    } catch {
      // The socket closed under us; its close handler tidies up.
    }
  }

  /**
   * `lastOfCommit`: the commit's last event carries the conversation as it now stands whatever its type,
   * so what a message or an SLA event changed (the first reply meets the SLA, reopens, moves the clock)
   * reaches open threads with it, not at the next `conversation.*` event.
   */
  broadcastEvent(event: ServerEvent, state: Conversation, lastOfCommit = false): void {
    const withState = event.type.startsWith('conversation.') || (lastOfCommit && event.type !== 'message.status') ? { ...event, conversation: state } : event;
    const agentFrame = JSON.stringify({ t: 'event', event: withState } satisfies ServerFrame);
    // Never to an agent who cannot see the conversation as it now stands (enforceVisibility closed them).
    for (const ws of this.#open('agent')) {
      const who = this.identity(ws);
      if (who.kind === 'agent' && canSeeConversation(who, state)) trySend(ws, agentFrame);
    }

    if (!VISITOR_EVENTS.has(event.type) || event.message?.isInternalNote) return;
    const visitorEvent = { seq: event.seq, type: event.type, at: event.at, actor: event.actor, data: {}, message: event.message, conversation: event.type.startsWith('conversation.') ? { id: state.id, status: state.status, seq: state.seq } : undefined };
    const visitorFrame = JSON.stringify({ t: 'event', event: visitorEvent } satisfies ServerFrame);
    for (const ws of this.#open('visitor')) trySend(ws, visitorFrame);
  }

  viewers(): Viewer[] {
    const byUser = new Map<string, Viewer>();
    for (const ws of this.#open('agent')) {
      const a = ws.deserializeAttachment() as Attachment;
      if (a.who.kind !== 'agent') continue;
      const prev = byUser.get(a.who.userId);
      byUser.set(a.who.userId, {
        userId: a.who.userId,
        name: a.who.name,
        typing: a.typing || (prev?.typing ?? false),
        note: a.note || (prev?.note ?? false),
        since: Math.min(a.since, prev?.since ?? a.since),
      });
    }
    return [...byUser.values()];
  }

  /** A new agent socket: everyone learns who is viewing; a second agent in the thread is a collision. */
  announceViewer(ws: WebSocket): void {
    this.#broadcastViewers();
    const me = this.identity(ws);
    if (me.kind !== 'agent') return;
    const viewers = this.viewers();
    const mine = viewers.find((v) => v.userId === me.userId)!;
    for (const other of viewers) {
      if (other.userId === me.userId) continue;
      this.send(ws, { t: 'collision', other, reason: other.typing ? 'typing' : 'viewing' });
      for (const sock of this.#socketsOf(other.userId)) this.send(sock, { t: 'collision', other: mine, reason: 'viewing' });
    }
  }

  typing(ws: WebSocket, typing: boolean, note: boolean): void {
    const a = ws.deserializeAttachment() as Attachment;
    if (a.typing === typing && a.note === note) return;
    ws.serializeAttachment({ ...a, typing, note } satisfies Attachment);
    const actor = a.who.kind === 'agent' ? { type: 'agent' as const, id: a.who.userId, name: a.who.name } : { type: 'contact' as const, id: a.who.contactId, name: a.who.name };
    const frame = JSON.stringify({ t: 'typing', actor, typing, note } satisfies ServerFrame);
    for (const other of this.#open()) {
      if (other === ws) continue;
      const who = (other.deserializeAttachment() as Attachment).who;
      // Visitors never learn that an agent is writing an internal note.
      if (who.kind === 'visitor' && (note || a.who.kind === 'visitor')) continue;
      trySend(other, frame);
    }
    if (a.who.kind !== 'agent') return;
    this.#broadcastViewers();
    if (!typing) return;
    const me = this.viewers().find((v) => v.userId === (a.who as { userId: string }).userId)!;
    for (const other of this.#open('agent')) {
      const who = (other.deserializeAttachment() as Attachment).who as { userId: string };
      if (who.userId !== me.userId) this.send(other, { t: 'collision', other: me, reason: 'typing' });
    }
  }

  leave(ws: WebSocket): void {
    try {
      ws.close(1000, 'bye');
    } catch {
      // already closed
    }
    if (this.identity(ws).kind === 'agent') {
      this.#broadcastViewers(ws);
      this.#left(ws);
    }
  }

  #left(ws: WebSocket): void {
    const a = ws.deserializeAttachment() as Attachment;
    if (a.who.kind !== 'agent' || !a.who.credentialId) return;
    const credentialId = a.who.credentialId;
    const others = this.#open(`user:${a.who.userId}`).some((s) => s !== ws && (this.identity(s) as { credentialId?: string }).credentialId === credentialId);
    if (!others) this.gone(a.who, a.since);
  }

  #broadcastViewers(except?: WebSocket): void {
    const viewers = this.viewers().filter((v) => !except || this.#socketsOf(v.userId).some((s) => s !== except));
    const frame = JSON.stringify({ t: 'viewers', viewers } satisfies ServerFrame);
    for (const ws of this.#open('agent')) if (ws !== except) trySend(ws, frame);
  }

  /** The open sockets (with this tag): a socket closed by the server stays listed until its close handler runs. */
  #open(tag?: string): WebSocket[] {
    return this.ctx.getWebSockets(tag).filter((ws) => ws.readyState === WebSocket.OPEN);
  }

  #socketsOf(userId: string): WebSocket[] {
    return this.#open('agent').filter((ws) => {
      const who = (ws.deserializeAttachment() as Attachment).who;
      return who.kind === 'agent' && who.userId === userId;
    });
  }
}

function tagOf(who: SocketIdentity): string {
  return who.kind === 'agent' ? `user:${who.userId}` : `contact:${who.contactId}`;
}

function trySend(ws: WebSocket, data: string): void {
  try {
    ws.send(data);
  } catch {
    // closed; ignored
  }
}

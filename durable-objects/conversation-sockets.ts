// The ConversationDO's socket door: who may open a socket on the thread (the upgrade), what a frame
// from an open one does (ping, typing, read, message), and the revocations that close them. The room
// (socket-room.ts) holds the sockets; this decides, with the caller's rights re-checked, and hands
// writes to the object (a message to its append, a read position to its store).
import { canSeeConversation } from '../worker/auth/principal';
import { refusedUpgrade, rightsKey, SocketRights } from '../worker/auth/socket-rights';
import { RecentRevocations, type Revocation } from '../worker/auth/socket-revocation';
import { visitorView } from '../worker/conversations/append';
import type { IncomingMessage, MessageResult } from '../worker/conversations/inputs';
import type { Conversation } from '../worker/conversations/model';
import { CLOSE, messageFromFrame, type ClientFrame, type CloseCode, type ServerFrame } from '../worker/conversations/socket-protocol';
import { SocketRoom, type SocketIdentity } from './socket-room';

export interface SocketDeps {
  state: () => Conversation | null;
  /** A visitor writing into an open widget always reaches the conversation they are looking at: no reopen window. */
  addMessage: (input: IncomingMessage) => Promise<MessageResult>;
  markRead: (userId: string, seq: number | undefined) => void;
}

export class ConversationSockets {
  readonly room: SocketRoom;
  #rights: SocketRights;
  #revocations = new RecentRevocations();

  constructor(
    ctx: DurableObjectState,
    env: Env,
    private readonly deps: SocketDeps,
    gone: ConstructorParameters<typeof SocketRoom>[1],
  ) {
    this.room = new SocketRoom(ctx, gone);
    this.#rights = new SocketRights(env.DB);
  }

  /** WebSocket upgrade; the Worker has authenticated the caller and passes who it is. */
  async upgrade(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade') !== 'websocket') return new Response('Expected a WebSocket upgrade', { status: 426 });
    const state = this.deps.state();
    if (!state) return new Response('No such conversation', { status: 404 });
    const who = JSON.parse(request.headers.get('x-parley-identity') ?? 'null') as SocketIdentity | null;
    if (!who) return new Response('Missing identity', { status: 400 });
    if (who.kind === 'agent') {
      // The Worker's principal may be seconds old, and a revocation may arrive while this checks: either refuses.
      const mark = this.#revocations.mark();
      const denied = (await this.#rights.check(who, { fresh: true })) ?? this.#revocations.since(mark, who)?.code;
      if (denied) return refusedUpgrade(denied);
      // The Worker checked visibility before a commit may have moved the conversation away.
      if (!canSeeConversation(who, this.deps.state()!)) return new Response('Not visible to you', { status: 403 });
    }
    const pair = new WebSocketPair();
    this.room.accept(pair[1], who);
    this.room.send(pair[1], { t: 'hello', seq: state.seq, conversation: who.kind === 'agent' ? state : visitorView(state), viewers: who.kind === 'agent' ? this.room.viewers() : undefined });
    if (who.kind === 'agent') this.room.announceViewer(pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  async message(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    const who = this.room.identity(ws);
    let frame: ClientFrame;
    try {
      frame = JSON.parse(typeof raw === 'string' ? raw : new TextDecoder().decode(raw)) as ClientFrame;
    } catch {
      return this.room.send(ws, { t: 'error', status: 400, title: 'Frames must be JSON' });
    }
    if (frame.t === 'ping') return this.room.send(ws, { t: 'pong' });
    // Every other frame writes (a message, a read position, typing others see): only with the rights
    // the socket was opened with still current.
    const denied = await this.#rights.check(who);
    // Closed by a revocation while the check ran.
    if (ws.readyState !== WebSocket.OPEN) return;
    if (denied) return this.room.expel(ws, denied, denied === CLOSE.sessionRevoked ? 'Session revoked' : 'No longer allowed');
    const state = this.deps.state();
    if (who.kind === 'agent' && state && !canSeeConversation(who, state)) return this.room.expel(ws, CLOSE.forbidden, 'This conversation is no longer visible to you');
    if (frame.t === 'typing') return this.room.typing(ws, frame.typing === true, frame.note === true);
    if (frame.t === 'read') {
      if (who.kind === 'agent') this.deps.markRead(who.userId, Number(frame.seq) || undefined);
      return;
    }
    if (frame.t !== 'message') return this.room.send(ws, { t: 'error', status: 400, title: 'Unknown frame type' });
    const parsed = messageFromFrame(who, frame);
    if (!parsed.ok) return this.room.send(ws, parsed.error);
    const result = await this.deps.addMessage(parsed.input);
    const clientId = parsed.clientId;
    let answer: ServerFrame;
    if (result.ok) answer = { t: 'ack', clientId, message: result.message, duplicate: result.duplicate };
    else if (result.reason === 'locked') answer = { t: 'error', clientId, status: 409, title: `${result.holder.name} is replying`, detail: 'Send again with force: true to send anyway', lock: result.holder };
    else answer = { t: 'error', clientId, status: 409, title: `Conversation is ${result.reason}` };
    if (result.ok) this.room.typing(ws, false, false);
    this.room.send(ws, answer);
  }

  /** A user's session ended, they were disabled, or their role changed. Returns the sockets closed. */
  revoke(r: Revocation): number {
    this.#revocations.add(r);
    // Frames of these credentials already waiting on a rights check are refused too.
    if (r.code !== CLOSE.rightsChanged) for (const id of r.credentialIds ?? []) this.#rights.deny(rightsKey({ kind: 'agent', credentialId: id }), r.code);
    return this.room.revoke(r);
  }

  /** The contact was blocked: their widget sockets close and their frames are refused. */
  closeVisitors(contactId: string, code: CloseCode, reason: string): number {
    this.#rights.deny(rightsKey({ kind: 'visitor', contactId }), code);
    return this.room.closeVisitors(contactId, code, reason);
  }
}

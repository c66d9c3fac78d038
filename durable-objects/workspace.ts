// WorkspaceDO: one per workspace. Holds every agent tab's live socket (GET /api/live) and pushes
// conversation list changes, presence and personal notifications to the agents who may see them.
import { DurableObject } from 'cloudflare:workers';
import { canSeeConversation, type Role } from '../worker/auth/principal';
import type { Conversation, ConversationEventType } from '../worker/conversations/model';

export interface LiveIdentity {
  userId: string;
  name: string;
  role: Role;
  teamIds: string[];
  workspaceId: string;
}

export type LiveFrame =
  | { t: 'hello'; users: { userId: string; name: string; status: 'online' }[] }
  | { t: 'conversation'; conversation: Conversation }
  | { t: 'presence'; userId: string; name: string; status: 'online' | 'offline' }
  | { t: 'notification'; kind: 'assigned' | 'new_conversation'; conversationId: string; title: string; body: string; at: number }
  | { t: 'pong' };

export class WorkspaceDO extends DurableObject<Env> {
  /** A live socket for one agent tab. */
  async fetch(request: Request): Promise<Response> {
    if (request.headers.get('Upgrade') !== 'websocket') return new Response('Expected a WebSocket upgrade', { status: 426 });
    const who = JSON.parse(request.headers.get('x-parley-identity') ?? 'null') as LiveIdentity | null;
    if (!who) return new Response('Missing identity', { status: 400 });
    const wasOnline = this.ctx.getWebSockets(who.userId).length > 0;
    const pair = new WebSocketPair();
    this.ctx.acceptWebSocket(pair[1], [who.userId]);
    pair[1].serializeAttachment(who);
    send(pair[1], { t: 'hello', users: this.#online() });
    if (!wasOnline) this.#broadcast({ t: 'presence', userId: who.userId, name: who.name, status: 'online' }, pair[1]);
    return new Response(null, { status: 101, webSocket: pair[0] });
  }

  /** Called by ConversationDOs after they change: fan the new state out to whoever may see it. */
  async conversationChanged(conversation: Conversation, eventTypes: ConversationEventType[], previousAssigneeId: string | null): Promise<void> {
    const frame = JSON.stringify({ t: 'conversation', conversation } satisfies LiveFrame);
    const now = Date.now();
    for (const ws of this.ctx.getWebSockets()) {
      const who = ws.deserializeAttachment() as LiveIdentity;
      if (!canSeeConversation(who, conversation)) continue;
      trySend(ws, frame);
      if (eventTypes.includes('conversation.assigned') && conversation.assigneeId === who.userId && previousAssigneeId !== who.userId) {
        send(ws, { t: 'notification', kind: 'assigned', conversationId: conversation.id, title: 'Assigned to you', body: conversation.lastMessagePreview ?? '', at: now });
      } else if (eventTypes.includes('conversation.created')) {
        send(ws, { t: 'notification', kind: 'new_conversation', conversationId: conversation.id, title: 'New conversation', body: conversation.lastMessagePreview ?? '', at: now });
      }
    }
  }

  /** Who is online right now (has at least one live tab). */
  online(): { userId: string; name: string; status: 'online' }[] {
    return this.#online();
  }

  async webSocketMessage(ws: WebSocket, raw: string | ArrayBuffer): Promise<void> {
    if (typeof raw === 'string' && raw.includes('"ping"')) send(ws, { t: 'pong' });
  }

  async webSocketClose(ws: WebSocket): Promise<void> {
    this.#left(ws);
  }

  async webSocketError(ws: WebSocket): Promise<void> {
    this.#left(ws);
  }

  #left(ws: WebSocket): void {
    const who = ws.deserializeAttachment() as LiveIdentity;
    try {
      ws.close(1000, 'bye');
    } catch {
      // already closed
    }
    const stillOnline = this.ctx.getWebSockets(who.userId).some((s) => s !== ws && s.readyState === WebSocket.OPEN);
    if (!stillOnline) this.#broadcast({ t: 'presence', userId: who.userId, name: who.name, status: 'offline' }, ws);
  }

  #online(): { userId: string; name: string; status: 'online' }[] {
    const users = new Map<string, string>();
    for (const ws of this.ctx.getWebSockets()) {
      const who = ws.deserializeAttachment() as LiveIdentity;
      users.set(who.userId, who.name);
    }
    return [...users].map(([userId, name]) => ({ userId, name, status: 'online' as const }));
  }

  #broadcast(frame: LiveFrame, except?: WebSocket): void {
    const data = JSON.stringify(frame);
    for (const ws of this.ctx.getWebSockets()) if (ws !== except) trySend(ws, data);
  }
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

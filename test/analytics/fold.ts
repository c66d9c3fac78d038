// Builders for hand-written event streams fed to the pure fold (worker/analytics/facts.ts): each event
// gets the next seq and the conversation as it stands after it, the way ConversationDO sends them.
import type { Actor, Status } from '../../worker/conversations/model';
import type { EventConversation, EventMessage, ParleyEvent } from '../../worker/events/model';

export const T0 = Date.UTC(2026, 11, 4, 10, 0, 0); // Friday 4 December 2026, 10:00 UTC
export const S = 1000;

export class Stream {
  readonly events: ParleyEvent[] = [];
  conversation: EventConversation;
  constructor(
    readonly conversationId = 'cnv_fold',
    readonly workspaceId = 'ws_fold',
    at = T0,
    init: Partial<EventConversation> = {},
  ) {
    this.conversation = { contactId: 'ct_1', inboxId: 'ib_1', channel: 'webchat', status: 'open', priority: 'normal', assigneeId: null, teamId: null, tags: [], slaStatus: null, createdAt: at, ...init };
    this.push('conversation.created', at, { channel: this.conversation.channel, inboxId: this.conversation.inboxId });
  }

  private push(type: ParleyEvent['type'], at: number, data: Record<string, unknown>, actor: Actor | null = null, message?: EventMessage): ParleyEvent {
    const seq = this.events.length + 1;
    const e = { id: `${this.conversationId}:${seq}`, workspaceId: this.workspaceId, conversationId: this.conversationId, seq, type, at, actor, data, commit: { first: seq, last: seq }, conversation: { ...this.conversation }, ...(message ? { message } : {}) } as ParleyEvent;
    this.events.push(e);
    return e;
  }

  customer(at: number, text = 'hello'): this {
    const reopen = this.conversation.status !== 'open';
    const from = this.conversation.status;
    this.conversation.status = 'open';
    this.push('message.received', at, { messageId: `m${this.events.length}`, direction: 'inbound', isInternalNote: false }, { type: 'contact', id: 'ct_1', name: 'Ada' }, msg('inbound', 'contact', 'ct_1', text, false));
    if (reopen) this.push('conversation.status_changed', at, { from, to: 'open', reason: 'customer_replied' });
    return this;
  }

  agent(at: number, agentId = 'usr_a', opts: { note?: boolean; authorType?: 'agent' | 'ai' | 'bot' | 'system' } = {}): this {
    const authorType = opts.authorType ?? 'agent';
    this.push(
      'message.created',
      at,
      { messageId: `m${this.events.length}`, direction: opts.note ? 'internal' : 'outbound', isInternalNote: !!opts.note },
      { type: authorType, id: agentId, name: 'Agent' },
      msg(opts.note ? 'internal' : 'outbound', authorType, agentId, 'reply', !!opts.note),
    );
    return this;
  }

  status(at: number, to: Status): this {
    const from = this.conversation.status;
    this.conversation.status = to;
    this.push('conversation.status_changed', at, { from, to, reason: 'manual' });
    return this;
  }

  assign(at: number, to: string | null, teamId: string | null = this.conversation.teamId): this {
    const from = this.conversation.assigneeId;
    this.conversation.assigneeId = to;
    this.conversation.teamId = teamId;
    this.push('conversation.assigned', at, { from, to });
    return this;
  }

  sla(at: number, type: 'sla.met' | 'sla.breached', target: string, late = false): this {
    this.push(type, at, type === 'sla.met' ? { target, late } : { target });
    return this;
  }

  csat(at: number, score: number): this {
    this.push('csat.submitted', at, { score });
    return this;
  }

  escalate(at: number): this {
    this.push('escalation.started', at, { id: 'esc', pathId: 'p', pathName: 'P', trigger: 'manual', reason: 'r', nextLevelAt: null });
    return this;
  }
}

function msg(direction: EventMessage['direction'], authorType: string, authorId: string, text: string, note: boolean): EventMessage {
  return { id: 'msg', direction, authorType, authorId, text, isInternalNote: note, attachments: 0, externalId: null };
}

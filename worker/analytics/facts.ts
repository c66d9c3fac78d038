// A conversation's analytics facts as a pure fold over its events: (facts | null, events) → facts.
// The subscriber (worker/analytics/subscriber.ts) loads the row, folds the batch and writes the result;
// everything about what counts as a response, a reopen or a resolution lives here, tested without D1.
//
// Definitions (the read API documents the same):
// - A cycle is the conversation's first life (cycle 1) or a reopen (closed → any other status, cycle n > 1).
//   Snoozing, pending and waking from a snooze are not reopens.
// - The customer waits from their first inbound message that is not yet answered (a closed conversation
//   stops the wait: closing without a reply is not a response).
// - A response is a public (not internal note) outbound message by an agent, the AI or a bot while the
//   customer waits; its time is the wait. The first response of each cycle is that cycle's first response,
//   labelled by its cycle number; the conversation's first response is cycle 1's.
// - A cycle's resolution runs from its start (creation or the reopen) to its close. The conversation's
//   resolution runs from creation to its latest close (null while it is open again).
// - Durations are wall clock, and business time in the workspace calendar (routing/business-hours.ts, the
//   same arithmetic as SLA deadlines) as the calendar stands when the event is folded.
// - The handling agent (and team) is the assignee as of the latest event: a transfer moves the conversation's
//   figures to the new agent; a cycle keeps the agent it was resolved by; a response the agent at the reply.
// - SLA flags per target: 'met' on sla.met unless late, 'breached' on sla.breached or a late met; a breach is
//   never undone.
// - CSAT: the latest csat.submitted score (normalized 1–5, worker/csat/scale.ts) of the conversation.
import type { AuthorType, Status } from '../conversations/model';
import type { ParleyEvent } from '../events/model';
import { businessTimeBetween, type Calendar } from '../routing/business-hours';

export interface Facts {
  conversationId: string;
  workspaceId: string;
  contactId: string | null;
  channel: string;
  inboxId: string;
  teamId: string | null;
  assigneeId: string | null;
  status: Status;
  createdAt: number;
  firstResponseAt: number | null;
  firstResponseS: number | null;
  firstResponseBhS: number | null;
  resolvedAt: number | null;
  resolutionS: number | null;
  resolutionBhS: number | null;
  reopens: number;
  messagesIn: number;
  messagesOut: number;
  responses: number;
  responseSTotal: number;
  responseBhSTotal: number;
  slaFirstResponse: SlaOutcome | null;
  slaResolution: SlaOutcome | null;
  escalations: number;
  csatScore: number | null;
  cycle: number;
  waitingSince: number | null;
  lastSeq: number;
  updatedAt: number;
}

export type SlaOutcome = 'met' | 'breached';

export interface Cycle {
  conversationId: string;
  cycle: number;
  workspaceId: string;
  channel: string;
  inboxId: string;
  teamId: string | null;
  assigneeId: string | null;
  startedAt: number;
  firstResponseAt: number | null;
  firstResponseS: number | null;
  firstResponseBhS: number | null;
  responderId: string | null;
  resolvedAt: number | null;
  resolutionS: number | null;
  resolutionBhS: number | null;
}

export interface ResponseFact {
  conversationId: string;
  seq: number;
  workspaceId: string;
  channel: string;
  inboxId: string;
  teamId: string | null;
  assigneeId: string | null;
  responderId: string | null;
  cycle: number;
  first: boolean;
  waitedFrom: number;
  respondedAt: number;
  responseS: number;
  responseBhS: number;
}

/** What the fold starts from: the stored row and its current cycle (null for a conversation not seen yet). */
export interface FactsState {
  facts: Facts;
  cycle: Cycle;
}

export interface FoldResult {
  /** null when nothing could be applied to a conversation never seen (see `gap`). */
  state: FactsState | null;
  /** Cycles changed by the fold, the current one last (each a whole row). */
  cycles: Cycle[];
  /** Responses the fold found (new rows; the same event always yields the same row). */
  responses: ResponseFact[];
  /** Events applied (seq beyond the stored last_seq). */
  applied: number;
  /**
   * An event is missing before the first unapplied one (an earlier delivery failed and is being retried):
   * the fold stops there, so the facts never skip an event; the caller retries the rest later.
   */
  gap: boolean;
}

const REPLY_AUTHORS: readonly AuthorType[] = ['agent', 'ai', 'bot'];

/** Seconds from ms, kept to the millisecond. */
const seconds = (ms: number) => Math.round(Math.max(0, ms)) / 1000;

/**
 * Fold a conversation's events into its facts. Events at or below the stored last_seq are skipped
 * (redelivery), the rest are applied in seq order and must follow on without a gap. A conversation
 * not seen before starts at its seq-1 event; if that is missing the result is a gap (nothing applied).
 */
export function foldFacts(prev: FactsState | null, events: readonly ParleyEvent[], calendar: Calendar): FoldResult {
  const pending = [...events].filter((e) => prev === null || e.seq > prev.facts.lastSeq).sort((a, b) => a.seq - b.seq);
  const out: FoldResult = { state: prev, cycles: [], responses: [], applied: 0, gap: false };
  let facts = prev ? { ...prev.facts } : null;
  let cycle = prev ? { ...prev.cycle } : null;
  const touched = new Map<number, Cycle>();
  const bh = (from: number, to: number) => seconds(businessTimeBetween(calendar, from, to));

  for (const e of pending) {
    const expected = facts ? facts.lastSeq + 1 : 1;
    if (e.seq < expected) continue; // the same event twice in one batch
    if (e.seq > expected) {
      out.gap = true;
      break;
    }
    if (!facts || !cycle) {
      facts = initialFacts(e);
      cycle = newCycle(facts, 1, facts.createdAt);
    }
    const c = e.conversation;
    // Dimensions as the conversation stood after this event's commit.
    facts.contactId = c.contactId;
    facts.channel = c.channel;
    facts.inboxId = c.inboxId;
    facts.teamId = c.teamId;
    facts.assigneeId = c.assigneeId;
    facts.status = c.status;
    if (cycle.resolvedAt === null) cycle = { ...cycle, channel: c.channel, inboxId: c.inboxId, teamId: c.teamId, assigneeId: c.assigneeId };

    switch (e.type) {
      case 'message.received': {
        facts.messagesIn++;
        facts.waitingSince ??= e.at;
        break;
      }
      case 'message.created': {
        const direction = e.message?.direction ?? (e.data as { direction?: string }).direction;
        const note = e.message?.isInternalNote ?? (e.data as { isInternalNote?: boolean }).isInternalNote ?? false;
        if (direction !== 'outbound' || note) break;
        facts.messagesOut++;
        const author = (e.message?.authorType ?? e.actor?.type ?? null) as AuthorType | null;
        if (author === null || !REPLY_AUTHORS.includes(author) || facts.waitingSince === null) break;
        const waitedFrom = facts.waitingSince;
        const responseS = seconds(e.at - waitedFrom);
        const responseBhS = bh(waitedFrom, e.at);
        const responderId = e.message?.authorId ?? e.actor?.id ?? null;
        const first = cycle.firstResponseAt === null;
        out.responses.push({
          conversationId: facts.conversationId,
          seq: e.seq,
          workspaceId: facts.workspaceId,
          channel: facts.channel,
          inboxId: facts.inboxId,
          teamId: facts.teamId,
          assigneeId: facts.assigneeId,
          responderId,
          cycle: cycle.cycle,
          first,
          waitedFrom,
          respondedAt: e.at,
          responseS,
          responseBhS,
        });
        facts.responses++;
        facts.responseSTotal = round3(facts.responseSTotal + responseS);
        facts.responseBhSTotal = round3(facts.responseBhSTotal + responseBhS);
        facts.waitingSince = null;
        if (first) {
          cycle = { ...cycle, firstResponseAt: e.at, firstResponseS: responseS, firstResponseBhS: responseBhS, responderId };
          if (cycle.cycle === 1) {
            facts.firstResponseAt = e.at;
            facts.firstResponseS = responseS;
            facts.firstResponseBhS = responseBhS;
          }
        }
        break;
      }
      case 'conversation.status_changed': {
        const { from, to } = e.data as { from: Status; to: Status };
        if (to === 'closed' && from !== 'closed') {
          cycle = { ...cycle, resolvedAt: e.at, resolutionS: seconds(e.at - cycle.startedAt), resolutionBhS: bh(cycle.startedAt, e.at) };
          facts.resolvedAt = e.at;
          facts.resolutionS = seconds(e.at - facts.createdAt);
          facts.resolutionBhS = bh(facts.createdAt, e.at);
          facts.waitingSince = null;
        } else if (from === 'closed' && to !== 'closed') {
          touched.set(cycle.cycle, cycle);
          facts.reopens++;
          facts.cycle = cycle.cycle + 1;
          facts.resolvedAt = null;
          facts.resolutionS = null;
          facts.resolutionBhS = null;
          cycle = newCycle(facts, facts.cycle, e.at);
        }
        break;
      }
      case 'sla.met': {
        const { target, late } = e.data as { target: string; late?: boolean };
        const outcome: SlaOutcome = late ? 'breached' : 'met';
        if (target === 'firstResponse') facts.slaFirstResponse = worst(facts.slaFirstResponse, outcome);
        if (target === 'resolution') facts.slaResolution = worst(facts.slaResolution, outcome);
        break;
      }
      case 'sla.breached': {
        const { target } = e.data as { target: string };
        if (target === 'firstResponse') facts.slaFirstResponse = 'breached';
        if (target === 'resolution') facts.slaResolution = 'breached';
        break;
      }
      case 'escalation.started':
        facts.escalations++;
        break;
      case 'csat.submitted': {
        // The latest response stands (a replacement within the survey's window, or a manager's score).
        const score = Number((e.data as { score?: unknown }).score);
        if (Number.isFinite(score)) facts.csatScore = score;
        break;
      }
      default:
        break;
    }
    facts.lastSeq = e.seq;
    facts.updatedAt = e.at;
    touched.set(cycle.cycle, cycle);
    out.applied++;
  }

  if (facts && cycle) out.state = { facts, cycle };
  out.cycles = [...touched.values()].sort((a, b) => a.cycle - b.cycle);
  return out;
}

function worst(current: SlaOutcome | null, next: SlaOutcome): SlaOutcome {
  return current === 'breached' || next === 'breached' ? 'breached' : 'met';
}

const round3 = (n: number) => Math.round(n * 1000) / 1000;

function initialFacts(e: ParleyEvent): Facts {
  const c = e.conversation;
  return {
    conversationId: e.conversationId,
    workspaceId: e.workspaceId,
    contactId: c.contactId,
    channel: c.channel,
    inboxId: c.inboxId,
    teamId: c.teamId,
    assigneeId: c.assigneeId,
    status: c.status,
    createdAt: c.createdAt,
    firstResponseAt: null,
    firstResponseS: null,
    firstResponseBhS: null,
    resolvedAt: null,
    resolutionS: null,
    resolutionBhS: null,
    reopens: 0,
    messagesIn: 0,
    messagesOut: 0,
    responses: 0,
    responseSTotal: 0,
    responseBhSTotal: 0,
    slaFirstResponse: null,
    slaResolution: null,
    escalations: 0,
    csatScore: null,
    cycle: 1,
    waitingSince: null,
    lastSeq: 0,
    updatedAt: e.at,
  };
}

function newCycle(f: Facts, n: number, startedAt: number): Cycle {
  return {
    conversationId: f.conversationId,
    cycle: n,
    workspaceId: f.workspaceId,
    channel: f.channel,
    inboxId: f.inboxId,
    teamId: f.teamId,
    assigneeId: f.assigneeId,
    startedAt,
    firstResponseAt: null,
    firstResponseS: null,
    firstResponseBhS: null,
    responderId: null,
    resolvedAt: null,
    resolutionS: null,
    resolutionBhS: null,
  };
}

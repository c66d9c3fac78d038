// Activity grouping in the thread: consecutive system lines (routing, SLA, alerts, tags, assignment)
// fold into one row ("5 updates · assigned to Ana, tagged billing…") so the messages dominate. Pure:
// names are looked up through the functions passed in.

export type Run<T> = { kind: 'one'; item: T } | { kind: 'group'; items: T[] };

/** Runs of at least `min` consecutive activity items become groups; everything else stays as it is. */
export function groupRuns<T>(items: T[], isActivity: (t: T) => boolean, min = 2): Run<T>[] {
  const out: Run<T>[] = [];
  let run: T[] = [];
  const flush = () => {
    if (run.length >= min) out.push({ kind: 'group', items: run });
    else for (const item of run) out.push({ kind: 'one', item });
    run = [];
  };
  for (const item of items) {
    if (isActivity(item)) run.push(item);
    else {
      flush();
      out.push({ kind: 'one', item });
    }
  }
  flush();
  return out;
}

export interface Lookups {
  user: (id: string) => string;
  team: (id: string) => string | null;
}

/** A few words for one event in a group's summary; null when it says nothing worth the space. */
export function activityPhrase(type: string, data: Record<string, unknown>, actorId: string | null, look: Lookups): string | null {
  const d = data ?? {};
  switch (type) {
    case 'conversation.assigned':
      if (!d.to) return 'unassigned';
      return actorId && actorId === d.to ? `taken by ${look.user(String(d.to))}` : `assigned to ${look.user(String(d.to))}`;
    case 'conversation.routed': {
      const to = d.assigneeName ?? d.teamName ?? (d.teamId ? look.team(String(d.teamId)) : null);
      return to ? `routed to ${String(to)}` : 'routed';
    }
    case 'conversation.updated': {
      if (Array.isArray(d.tags)) return d.tags.length ? `tagged ${(d.tags as string[]).join(', ')}` : 'tags removed';
      if (d.priority) return `priority ${String(d.priority)}`;
      if ('teamId' in d) return d.teamId ? `moved to ${look.team(String(d.teamId)) ?? 'a team'}` : 'team removed';
      if (d.flagged === true) return 'flagged';
      return null;
    }
    case 'conversation.status_changed':
      return d.to === 'closed' ? 'resolved' : d.to === 'open' ? 'reopened' : d.to === 'snoozed' ? 'snoozed' : d.to === 'pending' ? 'pending' : null;
    case 'sla.applied':
      return 'SLA applied';
    case 'sla.warning':
      return 'SLA due soon';
    case 'sla.breached':
      return 'SLA missed';
    case 'sla.met':
      return 'SLA met';
    case 'alert.fired':
      return d.ruleName ? `alert “${String(d.ruleName)}”` : 'alert';
    case 'escalation.started':
      return 'escalated';
    case 'escalation.resolved':
      return 'escalation resolved';
    case 'conversation.created':
      return 'started';
    case 'csat.submitted':
      return typeof d.score === 'number' ? `rated ${d.score} of 5` : 'rated';
    default:
      return null;
  }
}

/** "5 updates · assigned to Ana, tagged billing…": the count, then the first distinct phrases. */
export function groupSummary(phrases: (string | null)[], count: number, show = 3): string {
  const distinct = [...new Set(phrases.filter((p): p is string => !!p))];
  const head = distinct.slice(0, show).join(', ');
  return `${count} ${count === 1 ? 'update' : 'updates'}${head ? ` · ${head}${distinct.length > show ? '…' : ''}` : ''}`;
}

interface EventLike {
  seq: number;
  type: string;
  actor?: { id?: string | null } | null;
  data: unknown;
}

/**
 * One line per action: a routing decision (take over, transfer, a rule) is stored as the state
 * changes it made (`conversation.assigned`, `conversation.updated` with team/tags) followed by the
 * `conversation.routed` that explains them. The stream keeps both (subscribers count assignments);
 * the thread shows only the explanation. Returns the seqs to leave out.
 */
export function redundantBeforeRouted(events: EventLike[]): Set<number> {
  const drop = new Set<number>();
  for (let i = 0; i < events.length; i++) {
    const routed = events[i];
    if (routed.type !== 'conversation.routed') continue;
    const r = (routed.data ?? {}) as Record<string, unknown>;
    const added = new Set(Array.isArray(r.addTags) ? (r.addTags as string[]) : []);
    // Walk back over the changes this decision made (same actor, adjacent seqs).
    for (let j = i - 1; j >= 0; j--) {
      const e = events[j];
      if (e.seq !== events[j + 1].seq - 1 || (e.actor?.id ?? null) !== (routed.actor?.id ?? null)) break;
      const d = (e.data ?? {}) as Record<string, unknown>;
      const covered =
        (e.type === 'conversation.assigned' && (d.to ?? null) === (r.assigneeId ?? null)) ||
        (e.type === 'conversation.updated' &&
          Object.keys(d).every((k) => (k === 'teamId' && d.teamId === r.teamId) || (k === 'priority' && r.priority != null && d.priority === r.priority) || (k === 'tags' && Array.isArray(d.tags) && (d.tags as string[]).every((t) => added.has(t)))));
      if (!covered) break;
      drop.add(e.seq);
    }
  }
  return drop;
}

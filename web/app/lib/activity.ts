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

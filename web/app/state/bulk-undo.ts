// Pure: what undoes a batch action, from the `previous` state each result carries. Conversations that
// had different values before (one was pending, another snoozed) go back in one call per value.
export type BulkAction = 'close' | 'reopen' | 'assign' | 'team' | 'tag' | 'untag' | 'snooze' | 'priority' | 'status' | 'delete';

export interface BulkPrevious {
  status: 'open' | 'pending' | 'snoozed' | 'closed';
  snoozeUntil: number | null;
  assigneeId: string | null;
  teamId?: string | null;
  priority: string;
  tags: string[];
}

export interface BulkCall {
  action: BulkAction;
  extra: Record<string, unknown>;
  ids: string[];
}

export function undoPlan(action: BulkAction, extra: Record<string, unknown>, results: { id: string; ok: boolean; previous?: BulkPrevious }[], now = Date.now()): BulkCall[] {
  const groups = new Map<string, BulkCall>();
  const add = (call: Omit<BulkCall, 'ids'>, id: string) => {
    const key = JSON.stringify(call);
    const g = groups.get(key) ?? { ...call, ids: [] };
    g.ids.push(id);
    groups.set(key, g);
  };
  const changed = ((extra.tags as string[] | undefined) ?? []).map((t) => t.toLowerCase());
  for (const r of results) {
    const p = r.previous;
    if (!r.ok || !p) continue;
    switch (action) {
      case 'close':
      case 'reopen':
      case 'status':
      case 'snooze':
        if (p.status === 'snoozed' && p.snoozeUntil && p.snoozeUntil > now) add({ action: 'snooze', extra: { snoozeUntil: p.snoozeUntil } }, r.id);
        else add({ action: 'status', extra: { status: p.status === 'snoozed' ? 'open' : p.status } }, r.id);
        break;
      case 'assign':
        add({ action: 'assign', extra: { assigneeId: p.assigneeId } }, r.id);
        break;
      case 'team':
        add({ action: 'team', extra: { teamId: p.teamId ?? null } }, r.id);
        break;
      case 'priority':
        add({ action: 'priority', extra: { priority: p.priority } }, r.id);
        break;
      case 'tag': {
        const added = changed.filter((t) => !p.tags.includes(t));
        if (added.length) add({ action: 'untag', extra: { tags: added } }, r.id);
        break;
      }
      case 'untag': {
        const removed = changed.filter((t) => p.tags.includes(t));
        if (removed.length) add({ action: 'tag', extra: { tags: removed } }, r.id);
        break;
      }
    }
  }
  return [...groups.values()];
}

// The conversation-local part of escalation levels and alert actions, pure: which actions stay inside
// the ConversationDO's commit and the patch they make (priority never lowered, tags merged, flag, unassign).
import { describe, expect, it } from 'vitest';
import { createConversation } from '../../worker/conversations/state';
import { isLocalAction, localActionPatch } from '../../worker/sla/effects';

const base = { ...createConversation({ id: 'cnv_1', workspaceId: 'ws_1', contactId: 'ct_1', inboxId: 'inb_1', channel: 'sms', tags: ['billing'] }, 1000, null).state, assigneeId: 'usr_a' };

describe('localActionPatch', () => {
  it('raises the priority one step (or to a target), merges tags, flags and unassigns, with a result per action', () => {
    const { patch, results } = localActionPatch(base, [
      { type: 'raise_priority' },
      { type: 'add_tags', tags: ['escalated'] },
      { type: 'notify', channels: ['in_app'], recipients: { userIds: ['usr_b'], roles: [], assignee: false } },
      { type: 'flag' },
      { type: 'reassign', to: 'queue' },
    ]);
    expect(patch).toEqual({ priority: 'high', tags: ['billing', 'escalated'], flagged: true, assigneeId: null });
    expect([...results.keys()]).toEqual([0, 1, 3, 4]);
    expect(results.get(0)).toEqual({ type: 'raise_priority', ok: true, detail: 'priority normal → high' });
    expect(results.get(4)!.detail).toBe('unassigned into the escalation queue');
  });

  it('never lowers a priority: raise_priority to a lower target and set_priority below the current one keep it', () => {
    const urgent = { ...base, priority: 'urgent' as const };
    expect(localActionPatch(urgent, [{ type: 'raise_priority', to: 'high' }]).patch).toEqual({});
    expect(localActionPatch(urgent, [{ type: 'set_priority', priority: 'low' }]).patch).toEqual({});
    expect(localActionPatch(base, [{ type: 'set_priority', priority: 'urgent' }]).patch).toEqual({ priority: 'urgent' });
    // Two raises in one level climb two steps.
    expect(localActionPatch(base, [{ type: 'raise_priority' }, { type: 'raise_priority' }]).patch).toEqual({ priority: 'urgent' });
  });

  it('tells local actions from the ones that reach outside the conversation', () => {
    expect(isLocalAction({ type: 'reassign', to: 'queue' })).toBe(true);
    expect(isLocalAction({ type: 'reassign', to: 'agent', userId: 'usr_b' })).toBe(false);
    expect(isLocalAction({ type: 'reassign', to: 'team', teamId: 'team_1' })).toBe(false);
    expect(isLocalAction({ type: 'notify', recipients: { userIds: [], roles: ['manager'], assignee: true } })).toBe(false);
    expect(isLocalAction({ type: 'escalate' })).toBe(false);
    expect(isLocalAction({ type: 'workflow', workflowId: 'wf' })).toBe(false);
  });
});

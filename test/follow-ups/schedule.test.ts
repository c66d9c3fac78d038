// The pure schedule (worker/follow-ups/schedule.ts): what each change does to the list, the summary
// and the events, without a Durable Object.
import { describe, expect, it } from 'vitest';
import type { Actor } from '../../worker/conversations/model';
import { createConversation } from '../../worker/conversations/state';
import { cancel, cancelledByReply, edit, fired, firstDue, schedule, ScheduleError, type ScheduledItem } from '../../worker/follow-ups/schedule';

const T0 = Date.UTC(2026, 11, 1, 9);
const agent: Actor = { type: 'agent', id: 'usr_a', name: 'Ana' };
const base = createConversation({ id: 'cnv_1', workspaceId: 'wsp_1', contactId: 'con_1', inboxId: 'inb_1', channel: 'sms' }, T0, null).state;
const input = (id: string, dueAt: number, extra: Partial<Parameters<typeof schedule>[2]> = {}) => ({ id, kind: 'followup' as const, dueAt, dueField: 'at', text: null, cancelOnReply: true, by: agent, ...extra });

function add(list: ScheduledItem[], id: string, dueAt: number, extra: Partial<Parameters<typeof schedule>[2]> = {}) {
  const r = schedule(base, list, input(id, dueAt, extra), T0);
  if (r.list === null) throw new Error('no change');
  return r;
}

describe('schedule', () => {
  it('summarizes the earliest due time; the same id twice is one item', () => {
    const a = add([], 'fup_a', T0 + 5000);
    const b = add(a.list, 'fup_b', T0 + 1000, { kind: 'message', text: 'Hi' });
    expect(b.transition.state.followUps).toEqual({ count: 2, nextAt: T0 + 1000 });
    expect(b.transition.events).toEqual([{ type: 'scheduled_message.scheduled', actor: agent, data: { id: 'fup_b', sendAt: T0 + 1000 } }]);
    expect(schedule(base, b.list, input('fup_a', T0 + 9000), T0)).toEqual({ item: a.item, list: null });
    expect(firstDue(b.list, T0 + 999)).toBeNull();
    expect(firstDue(b.list, T0 + 6000)!.id).toBe('fup_b');
  });

  it('refuses the past, beyond a year, empty text (naming the field)', () => {
    const err = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return e instanceof ScheduleError ? [e.field, e.message] : e;
      }
      return null;
    };
    expect(err(() => schedule(base, [], input('x', T0), T0))).toEqual(['at', 'must be in the future']);
    expect(err(() => schedule(base, [], input('x', T0 + 366 * 86_400_000), T0))).toEqual(['at', 'must be within 365 days']);
    expect(err(() => schedule(base, [], input('x', T0 + 1, { text: ' ' }), T0))).toEqual(['text', 'must not be empty']);
    expect(err(() => schedule(base, [], input('x', T0 + 1, { kind: 'message', text: null }), T0))).toEqual(['text', 'must not be empty']);
    expect(err(() => cancel(base, [], 'nope', 'followup', agent, T0))).toEqual(['id', 'no such pending follow-up']);
  });

  it('a customer message cancels only what asked for it; a text-less follow-up reopens a pending conversation', () => {
    const a = add([], 'fup_a', T0 + 5000);
    const b = add(a.list, 'fup_b', T0 + 6000, { cancelOnReply: false });
    const replied = { ...base, lastCustomerSeq: base.lastCustomerSeq + 1 };
    const c = cancelledByReply(replied, b.list, T0 + 10)!;
    expect(c.list.map((i) => i.id)).toEqual(['fup_b']);
    expect(c.transition.events).toEqual([{ type: 'followup.cancelled', actor: null, data: { id: 'fup_a', reason: 'customer_replied' } }]);
    expect(cancelledByReply(base, b.list, T0)).toBeNull();

    const pending = { ...base, status: 'pending' as const };
    const f = fired(pending, c.list, c.list[0], null, T0 + 7000);
    expect(f.transition.state).toMatchObject({ status: 'open', followUps: null });
    expect(f.transition.events.map((e) => e.type)).toEqual(['conversation.status_changed', 'followup.fired']);
  });

  it('edits a scheduled message (text and time), never a follow-up', () => {
    const m = add([], 'sch_m', T0 + 5000, { kind: 'message', text: 'Hello' });
    const e = edit(base, m.list, 'sch_m', { text: ' Hello again ', sendAt: T0 + 9000 }, agent, T0 + 1);
    expect(e.item).toMatchObject({ text: 'Hello again', dueAt: T0 + 9000, updatedAt: T0 + 1 });
    expect(e.transition.state.followUps).toEqual({ count: 1, nextAt: T0 + 9000 });
    const f = add([], 'fup_a', T0 + 5000);
    expect(() => edit(base, f.list, 'fup_a', { text: 'x' }, agent, T0)).toThrow(ScheduleError);
  });
});

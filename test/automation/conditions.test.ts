// Conditions: every op, the all/any/not forms, dotted fields into contact attributes, and the time facts
// in the workspace calendar (zone, business hours).
import { describe, expect, it } from 'vitest';
import { evaluate, timeFacts, type EvalContext } from '../../worker/automation/conditions';

const ctx: EvalContext = {
  message: { text: 'Where is my REFUND for order 1234?', channel: 'webchat', direction: 'inbound' },
  conversation: { status: 'open', priority: 'high', channel: 'webchat', inboxId: 'inb_1', teamId: null, assigneeId: 'usr_1', tags: ['billing', 'vip'] },
  contact: { name: 'Ada', email: 'ada@example.com', phone: null, tags: [], attributes: { plan: 'pro', seats: 12, trial: false } },
  time: { businessHours: true, weekday: 2, hour: 10 },
};

describe('conditions', () => {
  it.each([
    [{ field: 'conversation.status', op: 'eq', value: 'open' }, true],
    [{ field: 'conversation.status', op: 'eq', value: 'closed' }, false],
    [{ field: 'conversation.priority', op: 'neq', value: 'low' }, true],
    [{ field: 'message.text', op: 'contains', value: 'refund' }, true],
    [{ field: 'message.text', op: 'not_contains', value: 'invoice' }, true],
    [{ field: 'conversation.tags', op: 'contains', value: 'VIP' }, true],
    [{ field: 'conversation.tags', op: 'eq', value: 'billing' }, true],
    [{ field: 'conversation.priority', op: 'in', value: ['high', 'urgent'] }, true],
    [{ field: 'conversation.priority', op: 'not_in', value: ['high', 'urgent'] }, false],
    [{ field: 'message.text', op: 'matches', value: 'order \\d{4}' }, true],
    [{ field: 'message.text', op: 'matches', value: '^order' }, false],
    [{ field: 'contact.attributes.seats', op: 'gt', value: 10 }, true],
    [{ field: 'contact.attributes.seats', op: 'lt', value: 10 }, false],
    [{ field: 'contact.attributes.plan', op: 'gt', value: 1 }, false],
    [{ field: 'contact.attributes.plan', op: 'eq', value: 'PRO' }, true],
    [{ field: 'contact.attributes.trial', op: 'eq', value: 'false' }, true],
    [{ field: 'contact.phone', op: 'is_empty' }, true],
    [{ field: 'contact.email', op: 'is_set' }, true],
    [{ field: 'contact.tags', op: 'is_empty' }, true],
    [{ field: 'contact.attributes.missing', op: 'is_set' }, false],
    [{ field: 'conversation.teamId', op: 'is_empty' }, true],
    [{ field: 'time.businessHours', op: 'eq', value: true }, true],
    [{ field: 'time.hour', op: 'lt', value: 12 }, true],
    [{ field: 'time.weekday', op: 'in', value: [1, 2, 3, 4, 5] }, true],
  ] as const)('%j → %s', (cond, expected) => {
    expect(evaluate(cond as never, ctx)).toBe(expected);
  });

  it('combines with all, any and not', () => {
    const yes = { field: 'conversation.status', op: 'eq', value: 'open' } as const;
    const no = { field: 'conversation.status', op: 'eq', value: 'closed' } as const;
    expect(evaluate({ all: [yes, yes] }, ctx)).toBe(true);
    expect(evaluate({ all: [yes, no] }, ctx)).toBe(false);
    expect(evaluate({ any: [no, yes] }, ctx)).toBe(true);
    expect(evaluate({ any: [no, no] }, ctx)).toBe(false);
    expect(evaluate({ not: no }, ctx)).toBe(true);
    expect(evaluate({ not: { any: [no, { all: [yes, { not: yes }] }] } }, ctx)).toBe(true);
  });

  it('a message-less run (manual) reads message fields as unset', () => {
    expect(evaluate({ field: 'message.text', op: 'is_empty' }, { ...ctx, message: null })).toBe(true);
    expect(evaluate({ field: 'message.text', op: 'contains', value: 'x' }, { ...ctx, message: null })).toBe(false);
  });

  it('time facts follow the workspace zone and its business hours', () => {
    // Tuesday 2026-12-01 08:30 UTC = 09:30 in Paris (CET, +1).
    const at = Date.UTC(2026, 11, 1, 8, 30);
    const cal = { timezone: 'Europe/Paris', hours: { '2': [['09:00', '17:00']] as [string, string][] } };
    expect(timeFacts(cal, at)).toEqual({ businessHours: true, weekday: 2, hour: 9 });
    // 23:30 UTC Tuesday = 00:30 Wednesday in Paris: closed.
    expect(timeFacts(cal, Date.UTC(2026, 11, 1, 23, 30))).toEqual({ businessHours: false, weekday: 3, hour: 0 });
    // No hours: open around the clock.
    expect(timeFacts({ timezone: 'UTC', hours: null }, at).businessHours).toBe(true);
  });
});

// SLA deadline math, pure: policy matching, calendars, and reconcileSla driven through the real
// conversation state machine (create → messages → patches → alarms), the way the ConversationDO calls it.
import { describe, expect, it } from 'vitest';
import type { Conversation } from '../../worker/conversations/model';
import { applyMessage, applyPatch, createConversation, wake, type ConversationPatch, type PendingEvent, type Transition } from '../../worker/conversations/state';
import type { Calendar } from '../../worker/routing/business-hours';
import { matchPolicy, reconcileSla, slaCalendar, type SlaFacts } from '../../worker/sla/deadlines';
import type { SlaClock, SlaPolicy, SlaTarget } from '../../worker/sla/model';

const M = 60_000;
const H = 3600_000;
const at = (iso: string) => Date.parse(iso);
const weekdays = (from: string, to: string) => Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [[from, to] as [string, string]]]));
const everyDay = (from: string, to: string) => Object.fromEntries(['0', '1', '2', '3', '4', '5', '6'].map((d) => [d, [[from, to] as [string, string]]]));
const allDay: Calendar = { timezone: 'UTC', hours: null };

const policy = (over: Partial<SlaPolicy> = {}): SlaPolicy => ({
  id: 'pol_default',
  name: 'Default',
  enabled: true,
  position: 0,
  conditions: { priorities: [], channels: [], inboxIds: [], teamIds: [], contactTags: [] },
  targets: { firstResponse: 1 * H, nextResponse: 2 * H, resolution: 24 * H },
  businessHours: false,
  countPending: false,
  countSnoozed: false,
  warningPct: 75,
  ...over,
});
const only = (target: SlaTarget, ms: number, over: Partial<SlaPolicy> = {}) =>
  policy({ targets: { firstResponse: null, nextResponse: null, resolution: null, [target]: ms }, ...over });

const contact = { type: 'contact' as const, id: 'ct_1', name: 'Cy' };
const agent = { type: 'agent' as const, id: 'usr_1', name: 'Ann' };
let msgN = 0;
const message = (direction: 'inbound' | 'outbound' | 'internal', authorType: 'contact' | 'agent' | 'ai' | 'system' = direction === 'inbound' ? 'contact' : 'agent') => ({
  id: `m${++msgN}`,
  direction,
  authorType,
  text: 'hello',
  isInternalNote: direction === 'internal',
  hasAttachments: false,
});

/** A conversation driven by the real state machine, with reconcileSla applied after every step (as the DO does). */
class Sim {
  conv: Conversation | null = null;
  events: PendingEvent[] = [];
  constructor(
    public policy: SlaPolicy | null,
    public calendar: Calendar = allDay,
  ) {}

  get c(): Conversation {
    return this.conv!;
  }
  get sla() {
    return this.c.sla!;
  }
  clock(target: SlaTarget): SlaClock | undefined {
    return this.c.sla?.clocks.find((k) => k.target === target);
  }
  /** Apply a transition (or none: an alarm) at `now`; returns the SLA events of this step. */
  step(now: number, t?: (c: Conversation | null) => Transition): PendingEvent[] {
    const prev = this.conv;
    const next = t ? t(prev).state : prev!;
    const r = reconcileSla({ prev: t ? prev : next, next, policy: this.policy, calendar: this.calendar, now });
    this.conv = { ...next, sla: r.sla };
    this.events.push(...r.events);
    return r.events;
  }
  create(now: number) {
    return this.step(now, () => createConversation({ id: 'cnv_1', workspaceId: 'ws_1', contactId: 'ct_1', inboxId: 'inb_1', channel: 'email' }, now, null));
  }
  inbound(now: number) {
    return this.step(now, (c) => applyMessage(c!, message('inbound'), c!.seq + 1, now, contact));
  }
  reply(now: number, authorType: 'agent' | 'ai' = 'agent') {
    return this.step(now, (c) => applyMessage(c!, message('outbound', authorType), c!.seq + 1, now, agent));
  }
  note(now: number) {
    return this.step(now, (c) => applyMessage(c!, message('internal'), c!.seq + 1, now, agent));
  }
  patch(now: number, patch: ConversationPatch) {
    return this.step(now, (c) => applyPatch(c!, patch, now, agent));
  }
  alarm(now: number) {
    return this.step(now);
  }
  /** The DO re-matched a different policy (priority/team/tags changed or policies edited) without other change. */
  repolicy(now: number, p: SlaPolicy | null) {
    this.policy = p;
    return this.step(now, (c) => ({ state: c!, events: [] }));
  }
}

const types = (events: PendingEvent[]) => events.map((e) => e.type);

describe('matchPolicy', () => {
  const facts: SlaFacts = { priority: 'high', channel: 'email', inboxId: 'inb_1', teamId: 'team_a', contactTags: ['VIP', 'b2b'] };
  const cond = (c: Partial<SlaPolicy['conditions']>) => ({ priorities: [], channels: [], inboxIds: [], teamIds: [], contactTags: [], ...c });
  const cases: { name: string; conditions: Partial<SlaPolicy['conditions']>; facts?: Partial<SlaFacts>; match: boolean }[] = [
    { name: 'empty conditions match all', conditions: {}, match: true },
    { name: 'priority in list', conditions: { priorities: ['urgent', 'high'] }, match: true },
    { name: 'priority not in list', conditions: { priorities: ['urgent'] }, match: false },
    { name: 'channel', conditions: { channels: ['email'] }, match: true },
    { name: 'other channel', conditions: { channels: ['whatsapp'] }, match: false },
    { name: 'inbox', conditions: { inboxIds: ['inb_2'] }, match: false },
    { name: 'team', conditions: { teamIds: ['team_a'] }, match: true },
    { name: 'team list vs no team', conditions: { teamIds: ['team_a'] }, facts: { teamId: null }, match: false },
    { name: 'tags any-of, case-insensitive', conditions: { contactTags: ['gold', 'vip'] }, match: true },
    { name: 'tags none of', conditions: { contactTags: ['gold'] }, match: false },
    { name: 'all lists must match (AND)', conditions: { priorities: ['high'], channels: ['sms'] }, match: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const p = policy({ conditions: cond(c.conditions) });
      expect(matchPolicy([p], { ...facts, ...c.facts })?.id ?? null).toBe(c.match ? p.id : null);
    });
  }

  it('first enabled policy by position wins; disabled ones are skipped', () => {
    const vip = policy({ id: 'vip', position: 2, conditions: cond({ contactTags: ['vip'] }) });
    const urgent = policy({ id: 'urgent', position: 1, conditions: cond({ priorities: ['high'] }), enabled: false });
    const fallback = policy({ id: 'all', position: 5 });
    expect(matchPolicy([fallback, vip, urgent], facts)?.id).toBe('vip');
    expect(matchPolicy([fallback, vip, { ...urgent, enabled: true }], facts)?.id).toBe('urgent');
    expect(matchPolicy([fallback, vip], { ...facts, contactTags: [] })?.id).toBe('all');
    expect(matchPolicy([], facts)).toBeNull();
  });
});

describe('slaCalendar', () => {
  const workspace: Calendar = { timezone: 'Europe/Madrid', hours: weekdays('09:00', '17:00') };
  const support: Calendar = { timezone: 'America/New_York', hours: weekdays('08:00', '20:00') };
  const calendars = { workspace, teams: { team_a: support, team_b: null } };
  it('team calendar overrides the workspace one; a team without one uses the workspace', () => {
    expect(slaCalendar(policy({ businessHours: true }), calendars, 'team_a')).toBe(support);
    expect(slaCalendar(policy({ businessHours: true }), calendars, 'team_b')).toBe(workspace);
    expect(slaCalendar(policy({ businessHours: true }), calendars, 'team_unknown')).toBe(workspace);
    expect(slaCalendar(policy({ businessHours: true }), calendars, null)).toBe(workspace);
  });
  it('businessHours=false counts around the clock', () => {
    expect(slaCalendar(policy({ businessHours: false }), calendars, 'team_a')).toEqual({ timezone: 'America/New_York', hours: null });
  });
  it('a team calendar changes the deadline of the same policy', () => {
    const p = only('firstResponse', 2 * H, { businessHours: true });
    // Wednesday 16:00 Madrid = 15:00Z = 10:00 New York.
    const madrid = new Sim(p, slaCalendar(p, calendars, null));
    const ny = new Sim(p, slaCalendar(p, calendars, 'team_a'));
    for (const s of [madrid, ny]) {
      s.create(at('2026-03-04T15:00:00Z'));
      s.inbound(at('2026-03-04T15:00:00Z'));
    }
    expect(madrid.clock('firstResponse')!.dueAt).toBe(at('2026-03-05T09:00:00Z')); // 1h Wed, then Thu 09:00 CET + 1h
    expect(ny.clock('firstResponse')!.dueAt).toBe(at('2026-03-04T17:00:00Z'));
  });
});

describe('deadline math through reconcileSla', () => {
  const cases: { name: string; calendar: Calendar; start: string; target: number; due: string }[] = [
    { name: '24/7', calendar: allDay, start: '2026-03-07T22:30:00Z', target: 2 * H, due: '2026-03-08T00:30:00Z' },
    { name: 'business hours, same day', calendar: { timezone: 'Europe/Madrid', hours: weekdays('09:00', '17:00') }, start: '2026-03-04T09:00:00Z', target: 4 * H, due: '2026-03-04T13:00:00Z' },
    { name: 'business hours, overnight', calendar: { timezone: 'Europe/Madrid', hours: weekdays('09:00', '17:00') }, start: '2026-03-04T15:00:00Z', target: 4 * H, due: '2026-03-05T11:00:00Z' },
    { name: 'message outside hours starts counting at opening', calendar: { timezone: 'Europe/Madrid', hours: weekdays('09:00', '17:00') }, start: '2026-03-04T22:00:00Z', target: 30 * M, due: '2026-03-05T08:30:00Z' },
    { name: 'Friday evening → Monday (New York)', calendar: { timezone: 'America/New_York', hours: weekdays('09:00', '17:00') }, start: '2026-03-06T21:00:00Z', target: 2 * H, due: '2026-03-09T14:00:00Z' },
    // Across midnight: a 22:00–02:00 shift every day in Madrid (UTC+1 in early March).
    { name: 'shift across midnight, within one shift', calendar: { timezone: 'Europe/Madrid', hours: everyDay('22:00', '02:00') }, start: '2026-03-04T22:00:00Z', target: 2 * H, due: '2026-03-05T00:00:00Z' },
    { name: 'shift across midnight, into the next night', calendar: { timezone: 'Europe/Madrid', hours: everyDay('22:00', '02:00') }, start: '2026-03-05T00:30:00Z', target: 1 * H, due: '2026-03-05T21:30:00Z' },
    // DST: New York springs forward Sunday 2026-03-08 02:00 EST → 03:00 EDT; falls back Sunday 2026-11-01 02:00 EDT → 01:00 EST.
    { name: 'NY spring-forward: the 22:00–04:00 night is 5h long', calendar: { timezone: 'America/New_York', hours: everyDay('22:00', '04:00') }, start: '2026-03-08T03:00:00Z', target: 5 * H, due: '2026-03-08T08:00:00Z' },
    { name: 'NY spring-forward: beyond that night, the next night in EDT', calendar: { timezone: 'America/New_York', hours: everyDay('22:00', '04:00') }, start: '2026-03-08T03:00:00Z', target: 5.5 * H, due: '2026-03-09T02:30:00Z' },
    { name: 'NY spring-forward: day hours on the change day', calendar: { timezone: 'America/New_York', hours: everyDay('09:00', '17:00') }, start: '2026-03-07T21:00:00Z', target: 2 * H, due: '2026-03-08T14:00:00Z' },
    { name: 'NY fall-back: the 22:00–04:00 night is 7h long', calendar: { timezone: 'America/New_York', hours: everyDay('22:00', '04:00') }, start: '2026-11-01T02:00:00Z', target: 7 * H, due: '2026-11-01T09:00:00Z' },
    { name: 'NY fall-back: day hours on the change day', calendar: { timezone: 'America/New_York', hours: everyDay('09:00', '17:00') }, start: '2026-10-31T20:00:00Z', target: 2 * H, due: '2026-11-01T15:00:00Z' },
    // Madrid springs forward Sunday 2026-03-29 02:00 CET → 03:00 CEST; falls back Sunday 2026-10-25 03:00 CEST → 02:00 CET.
    { name: 'Madrid spring-forward: 22:00–04:00 night is 5h', calendar: { timezone: 'Europe/Madrid', hours: everyDay('22:00', '04:00') }, start: '2026-03-28T21:00:00Z', target: 5.5 * H, due: '2026-03-29T20:30:00Z' },
    { name: 'Madrid fall-back: 22:00–04:00 night is 7h', calendar: { timezone: 'Europe/Madrid', hours: everyDay('22:00', '04:00') }, start: '2026-10-24T20:00:00Z', target: 7 * H, due: '2026-10-25T03:00:00Z' },
    { name: 'Madrid fall-back: 09:00 CET on the change day', calendar: { timezone: 'Europe/Madrid', hours: everyDay('09:00', '17:00') }, start: '2026-10-24T14:00:00Z', target: 2 * H, due: '2026-10-25T09:00:00Z' },
    {
      name: 'holiday skipped',
      calendar: { timezone: 'Europe/Madrid', hours: weekdays('09:00', '17:00'), holidays: ['2026-03-05'] },
      start: '2026-03-04T15:00:00Z',
      target: 4 * H,
      due: '2026-03-06T11:00:00Z',
    },
    {
      name: 'holiday on the second half of a shift across midnight',
      calendar: { timezone: 'Europe/Madrid', hours: everyDay('22:00', '02:00'), holidays: ['2026-03-05'] },
      // Wed 22:00–24:00 open; Thursday's 00:00–02:00 and 22:00–24:00 are the holiday; Friday 00:00 CET resumes.
      start: '2026-03-04T21:00:00Z',
      target: 3 * H,
      due: '2026-03-06T00:00:00Z',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const s = new Sim(only('firstResponse', c.target, { businessHours: c.calendar.hours !== null, warningPct: 50 }), c.calendar);
      s.create(at(c.start));
      s.inbound(at(c.start));
      const clock = s.clock('firstResponse')!;
      expect(new Date(clock.dueAt!).toISOString()).toBe(new Date(at(c.due)).toISOString());
      expect(s.sla.dueAt).toBe(clock.dueAt);
      // The warning sits at half the business time, between start and deadline.
      expect(clock.warnAt!).toBeGreaterThan(at(c.start));
      expect(clock.warnAt!).toBeLessThan(clock.dueAt!);
      expect(s.sla.nextWakeAt).toBe(clock.warnAt);
    });
  }
});

describe('clock lifecycles', () => {
  const t0 = at('2026-03-04T10:00:00Z');

  it('opening inbound → firstResponse; a note does not meet it; a reply does; the next wait → nextResponse; close → resolution met', () => {
    const s = new Sim(policy());
    expect(types(s.create(t0))).toEqual(['sla.applied']);
    expect(s.events[0].data).toEqual({ policyId: 'pol_default', policyName: 'Default', previousPolicyId: null });
    expect(s.sla.clocks.map((c) => c.target)).toEqual(['resolution']);
    expect(s.clock('resolution')).toMatchObject({ startedAt: t0, dueAt: t0 + 24 * H, metAt: null });

    s.inbound(t0 + M);
    expect(s.clock('firstResponse')).toMatchObject({ startedAt: t0 + M, dueAt: t0 + M + H, warnAt: t0 + M + 45 * M });
    expect(s.sla).toMatchObject({ status: 'ok', dueAt: t0 + M + H, nextWakeAt: t0 + M + 45 * M });

    expect(s.note(t0 + 10 * M)).toEqual([]);
    expect(s.clock('firstResponse')!.metAt).toBeNull();

    const met = s.reply(t0 + 20 * M);
    expect(met).toEqual([{ type: 'sla.met', actor: expect.anything(), data: { target: 'firstResponse', late: false, at: t0 + 20 * M, startedAt: t0 + M } }]);
    expect(s.clock('firstResponse')).toMatchObject({ metAt: t0 + 20 * M, dueAt: null });
    expect(s.sla.dueAt).toBe(t0 + 24 * H); // only resolution runs

    // A second customer message while they are already waiting does not restart anything.
    s.inbound(t0 + H);
    s.inbound(t0 + 2 * H);
    expect(s.clock('nextResponse')).toMatchObject({ startedAt: t0 + H, dueAt: t0 + 3 * H });
    expect(s.clock('firstResponse')!.metAt).toBe(t0 + 20 * M);
    s.reply(t0 + 2 * H + 30 * M, 'ai');
    expect(s.clock('nextResponse')!.metAt).toBe(t0 + 2 * H + 30 * M);

    // Each new wait replaces the met nextResponse clock (one clock per target).
    s.inbound(t0 + 5 * H);
    expect(s.sla.clocks.filter((c) => c.target === 'nextResponse')).toHaveLength(1);
    expect(s.clock('nextResponse')).toMatchObject({ startedAt: t0 + 5 * H, metAt: null });

    const closing = s.patch(t0 + 6 * H, { status: 'closed' });
    expect(types(closing)).toEqual(['sla.met']);
    expect(closing[0].data).toMatchObject({ target: 'resolution', late: false });
    // Closing ends the unanswered wait's clock without calling it met.
    expect(s.clock('nextResponse')).toBeUndefined();
    expect(s.sla).toMatchObject({ status: 'ok', dueAt: null, nextWakeAt: null });
  });

  it('a conversation we opened (first message outbound) has no firstResponse clock', () => {
    const s = new Sim(policy());
    s.create(t0);
    s.reply(t0 + M);
    s.inbound(t0 + 2 * H);
    expect(s.clock('firstResponse')).toBeUndefined();
    expect(s.clock('nextResponse')).toMatchObject({ startedAt: t0 + 2 * H, dueAt: t0 + 4 * H });
  });

  it('reopen: a new resolution clock from the reopen, and a response clock when the customer writes', () => {
    const s = new Sim(policy());
    s.create(t0);
    s.inbound(t0);
    s.reply(t0 + M);
    s.patch(t0 + H, { status: 'closed' });
    expect(s.clock('resolution')!.metAt).toBe(t0 + H);
    expect(s.sla.status).toBe('ok');

    s.inbound(t0 + 10 * H); // reopens
    expect(s.c.status).toBe('open');
    expect(s.clock('resolution')).toMatchObject({ startedAt: t0 + 10 * H, dueAt: t0 + 34 * H, metAt: null });
    expect(s.clock('nextResponse')).toMatchObject({ startedAt: t0 + 10 * H, dueAt: t0 + 12 * H });
    expect(s.sla.clocks.filter((c) => c.target === 'resolution')).toHaveLength(1);
  });

  it('a manual reopen with the customer still waiting starts a response clock at the reopen', () => {
    const s = new Sim(policy());
    s.create(t0);
    s.inbound(t0);
    s.patch(t0 + 10 * M, { status: 'closed' });
    expect(s.clock('firstResponse')).toBeUndefined();
    s.patch(t0 + 3 * H, { status: 'open' });
    expect(s.clock('firstResponse')).toMatchObject({ startedAt: t0 + 3 * H, dueAt: t0 + 4 * H });
  });

  it('no policy: no SLA; losing the policy clears it with sla.applied {policyId: null}', () => {
    const s = new Sim(null);
    expect(s.create(t0)).toEqual([]);
    expect(s.c.sla).toBeNull();
    s.repolicy(t0 + M, policy());
    expect(s.c.sla).not.toBeNull();
    const ev = s.repolicy(t0 + 2 * M, null);
    expect(s.c.sla).toBeNull();
    expect(ev.map((e) => [e.type, e.data])).toEqual([['sla.applied', { policyId: null, policyName: null, previousPolicyId: 'pol_default' }]]);
  });
});

describe('warning and breach fire once, never early', () => {
  const t0 = at('2026-03-04T10:00:00Z');
  const start = () => {
    const s = new Sim(only('firstResponse', H));
    s.create(t0);
    s.inbound(t0);
    return s;
  };

  it('an alarm on time: warning at 75 %, breach at the deadline, each once', () => {
    const s = start();
    const warnAt = t0 + 45 * M;
    expect(s.sla.nextWakeAt).toBe(warnAt);
    expect(s.alarm(warnAt - 1)).toEqual([]); // early alarm: nothing
    expect(s.sla.status).toBe('ok');

    const w = s.alarm(warnAt);
    expect(w.map((e) => [e.type, e.data])).toEqual([['sla.warning', { target: 'firstResponse', dueAt: t0 + H }]]);
    expect(s.sla).toMatchObject({ status: 'warning', nextWakeAt: t0 + H, dueAt: t0 + H });
    expect(s.alarm(warnAt + 1000)).toEqual([]);
    expect(s.alarm(t0 + H - 1)).toEqual([]);

    const b = s.alarm(t0 + H + 250);
    expect(b.map((e) => [e.type, e.data])).toEqual([['sla.breached', { target: 'firstResponse', dueAt: t0 + H, lateMs: 250 }]]);
    expect(s.sla).toMatchObject({ status: 'breached', dueAt: t0 + H, nextWakeAt: null });
    expect(s.clock('firstResponse')!.breachedAt).toBe(t0 + H);
    for (let i = 1; i <= 3; i++) expect(s.alarm(t0 + H + i * M)).toEqual([]);
    expect(s.events.filter((e) => e.type === 'sla.breached')).toHaveLength(1);
    expect(s.events.filter((e) => e.type === 'sla.warning')).toHaveLength(1);
  });

  it('a late alarm fires warning then breach in one call, once', () => {
    const s = start();
    const ev = s.alarm(t0 + 3 * H);
    expect(types(ev)).toEqual(['sla.warning', 'sla.breached']);
    expect(ev[1].data).toMatchObject({ lateMs: 2 * H });
    expect(s.alarm(t0 + 4 * H)).toEqual([]);
  });

  it('a reply after an unfired deadline reports the breach, then the late met; the met clock stops counting', () => {
    const s = start();
    const ev = s.reply(t0 + 2 * H);
    expect(types(ev)).toEqual(['sla.warning', 'sla.breached', 'sla.met']);
    expect(ev[2].data).toMatchObject({ target: 'firstResponse', late: true });
    expect(s.sla).toMatchObject({ status: 'ok', dueAt: null, nextWakeAt: null });
  });

  it('status is the worst running clock: breached > warning > ok', () => {
    const s = new Sim(policy({ targets: { firstResponse: H, nextResponse: null, resolution: 2 * H } }));
    s.create(t0);
    s.inbound(t0);
    s.alarm(t0 + H); // firstResponse breached, resolution (2h) at 50 %
    expect(s.sla.status).toBe('breached');
    s.alarm(t0 + 90 * M); // resolution warning (75 % of 2h)
    expect(s.sla.status).toBe('breached');
    s.reply(t0 + 100 * M); // the breached clock is met: resolution's warning remains
    expect(s.sla.status).toBe('warning');
    expect(s.sla.dueAt).toBe(t0 + 2 * H);
  });
});

describe('pausing on pending and snoozed', () => {
  const t0 = at('2026-03-04T10:00:00Z');

  it('pending pauses every running clock (countPending=false) and resuming keeps the remaining time', () => {
    const s = new Sim(policy({ targets: { firstResponse: 2 * H, nextResponse: null, resolution: 10 * H } }));
    s.create(t0);
    s.inbound(t0);
    s.patch(t0 + 30 * M, { status: 'pending' });
    expect(s.clock('firstResponse')).toMatchObject({ dueAt: null, warnAt: null, remainingMs: 90 * M });
    expect(s.clock('resolution')).toMatchObject({ dueAt: null, remainingMs: 10 * H - 30 * M });
    expect(s.sla).toMatchObject({ status: 'ok', dueAt: null, nextWakeAt: null });
    expect(s.alarm(t0 + 5 * H)).toEqual([]); // nothing fires while paused

    s.patch(t0 + 5 * H, { status: 'open' });
    expect(s.clock('firstResponse')).toMatchObject({ dueAt: t0 + 5 * H + 90 * M, remainingMs: null, startedAt: t0 });
    expect(s.clock('resolution')!.dueAt).toBe(t0 + 5 * H + 10 * H - 30 * M);
  });

  it('countPending=true: pending changes nothing', () => {
    const s = new Sim(only('firstResponse', 2 * H, { countPending: true }));
    s.create(t0);
    s.inbound(t0);
    s.patch(t0 + 30 * M, { status: 'pending' });
    expect(s.clock('firstResponse')).toMatchObject({ dueAt: t0 + 2 * H, remainingMs: null });
    expect(types(s.alarm(t0 + 2 * H))).toEqual(['sla.warning', 'sla.breached']);
  });

  it('a customer message ends pending and resumes the clock', () => {
    const s = new Sim(only('resolution', 4 * H));
    s.create(t0);
    s.patch(t0 + H, { status: 'pending' });
    s.inbound(t0 + 3 * H);
    expect(s.c.status).toBe('open');
    expect(s.clock('resolution')!.dueAt).toBe(t0 + 3 * H + 3 * H);
  });

  it('paused business time: only open hours count before and after the pause', () => {
    // Madrid 09–17 weekdays; customer writes Wed 10:00 CET; pending 11:00–next day 10:00 CET; 4h target.
    const s = new Sim(only('firstResponse', 4 * H, { businessHours: true }), { timezone: 'Europe/Madrid', hours: weekdays('09:00', '17:00') });
    s.create(at('2026-03-04T09:00:00Z'));
    s.inbound(at('2026-03-04T09:00:00Z'));
    s.patch(at('2026-03-04T10:00:00Z'), { status: 'pending' });
    expect(s.clock('firstResponse')!.remainingMs).toBe(3 * H);
    s.patch(at('2026-03-05T09:00:00Z'), { status: 'open' });
    expect(s.clock('firstResponse')!.dueAt).toBe(at('2026-03-05T12:00:00Z'));
  });

  it('snoozed pauses (countSnoozed=false) and the snooze wake resumes; countSnoozed=true keeps counting', () => {
    for (const countSnoozed of [false, true]) {
      const s = new Sim(only('firstResponse', 2 * H, { countSnoozed }));
      s.create(t0);
      s.inbound(t0);
      s.patch(t0 + H, { status: 'snoozed', snoozeUntil: t0 + 4 * H });
      expect(s.clock('firstResponse')!.dueAt).toBe(countSnoozed ? t0 + 2 * H : null);
      s.step(t0 + 4 * H, (c) => wake(c!, t0 + 4 * H));
      expect(s.c.status).toBe('open');
      if (countSnoozed) expect(s.clock('firstResponse')!.breachedAt).toBe(t0 + 2 * H);
      else expect(s.clock('firstResponse')).toMatchObject({ dueAt: t0 + 5 * H, breachedAt: null });
    }
  });

  it('pausing after an unfired deadline reports the breach; resuming with nothing left does not re-fire', () => {
    const s = new Sim(only('firstResponse', H));
    s.create(t0);
    s.inbound(t0);
    expect(types(s.patch(t0 + 2 * H, { status: 'pending' }))).toEqual(['sla.warning', 'sla.breached']);
    expect(s.clock('firstResponse')!.remainingMs).toBe(-H);
    expect(s.sla.status).toBe('breached');
    expect(s.patch(t0 + 3 * H, { status: 'open' })).toEqual([]);
    expect(s.sla).toMatchObject({ status: 'breached', nextWakeAt: null });
  });
});

describe('policy changes re-schedule the deadlines', () => {
  const t0 = at('2026-03-04T10:00:00Z');
  const slow = policy({ id: 'pol_normal', name: 'Normal', targets: { firstResponse: 4 * H, nextResponse: 8 * H, resolution: 48 * H } });
  const fast = policy({ id: 'pol_urgent', name: 'Urgent', targets: { firstResponse: 2 * H, nextResponse: 1 * H, resolution: null } });

  it('a tighter policy: elapsed time counts against the new target; sla.applied names both policies', () => {
    const s = new Sim(slow);
    s.create(t0);
    s.inbound(t0);
    expect(s.clock('firstResponse')!.dueAt).toBe(t0 + 4 * H);
    s.patch(t0 + 30 * M, { priority: 'urgent' }); // the DO re-matches; here the policy is what changes
    const ev = s.repolicy(t0 + 30 * M, fast);
    expect(ev.map((e) => [e.type, e.data])).toEqual([['sla.applied', { policyId: 'pol_urgent', policyName: 'Urgent', previousPolicyId: 'pol_normal' }]]);
    expect(s.clock('firstResponse')).toMatchObject({ startedAt: t0, dueAt: t0 + 2 * H, warnAt: t0 + 90 * M });
    expect(s.clock('resolution')).toBeUndefined(); // the new policy has no resolution target
    expect(s.sla).toMatchObject({ policyId: 'pol_urgent', policyName: 'Urgent', dueAt: t0 + 2 * H, nextWakeAt: t0 + 90 * M });
  });

  it('paused time does not count against the new target', () => {
    const s = new Sim(slow);
    s.create(t0);
    s.inbound(t0);
    s.patch(t0 + 30 * M, { status: 'pending' });
    s.repolicy(t0 + 3 * H, fast);
    expect(s.clock('firstResponse')!.remainingMs).toBe(90 * M);
    s.patch(t0 + 4 * H, { status: 'open' });
    expect(s.clock('firstResponse')!.dueAt).toBe(t0 + 4 * H + 90 * M);
  });

  it('a new target already exceeded breaches at once; a looser one keeps the breach history', () => {
    const s = new Sim(slow);
    s.create(t0);
    s.inbound(t0);
    expect(types(s.repolicy(t0 + 3 * H, fast))).toEqual(['sla.applied', 'sla.warning', 'sla.breached']);
    expect(s.clock('firstResponse')!.breachedAt).toBe(t0 + 2 * H);
    const back = s.repolicy(t0 + 3 * H + M, slow);
    expect(types(back)).toEqual(['sla.applied']);
    expect(s.clock('firstResponse')).toMatchObject({ dueAt: t0 + 4 * H, breachedAt: t0 + 2 * H });
    expect(s.sla.status).toBe('breached');
    expect(s.alarm(t0 + 5 * H)).toEqual([]); // never twice
  });

  it('the same policy again emits nothing and keeps the deadlines', () => {
    const s = new Sim(slow);
    s.create(t0);
    s.inbound(t0);
    const before = s.sla;
    expect(s.repolicy(t0 + M, { ...slow })).toEqual([]);
    expect(s.sla).toEqual(before);
  });

  it('a longer business-hours target after a policy edit moves the alarm', () => {
    const cal: Calendar = { timezone: 'America/New_York', hours: weekdays('09:00', '17:00') };
    const s = new Sim(only('firstResponse', 2 * H, { businessHours: true }), cal);
    s.create(at('2026-03-06T20:00:00Z')); // Friday 15:00 EST
    s.inbound(at('2026-03-06T20:00:00Z'));
    expect(s.clock('firstResponse')!.dueAt).toBe(at('2026-03-06T22:00:00Z'));
    s.repolicy(at('2026-03-06T21:00:00Z'), only('firstResponse', 3 * H, { id: 'pol_edit', businessHours: true }));
    expect(s.clock('firstResponse')!.dueAt).toBe(at('2026-03-09T14:00:00Z')); // Monday 10:00 EDT
    expect(s.sla.nextWakeAt).toBe(s.clock('firstResponse')!.warnAt);
  });
});

describe('re-scheduling without a policy switch', () => {
  const t0 = at('2026-03-04T09:00:00Z'); // Wednesday 10:00 Madrid, 04:00 New York
  it('the same policy edited in place (new targets, same id) moves the deadline, without sla.applied', () => {
    const s = new Sim(only('firstResponse', 2 * H));
    s.create(t0);
    s.inbound(t0);
    expect(s.repolicy(t0 + M, only('firstResponse', 3 * H))).toEqual([]);
    expect(s.clock('firstResponse')).toMatchObject({ dueAt: t0 + 3 * H, warnAt: t0 + 135 * M });
    s.repolicy(t0 + 2 * M, only('firstResponse', 3 * H, { warningPct: 50 }));
    expect(s.clock('firstResponse')!.warnAt).toBe(t0 + 90 * M);
  });
  it('a team change to a team with another calendar moves the deadline of the same policy', () => {
    const p = only('firstResponse', 2 * H, { businessHours: true });
    const s = new Sim(p, { timezone: 'Europe/Madrid', hours: weekdays('09:00', '17:00') });
    s.create(t0);
    s.inbound(t0);
    expect(s.clock('firstResponse')!.dueAt).toBe(t0 + 2 * H);
    s.calendar = { timezone: 'America/New_York', hours: weekdays('09:00', '17:00') };
    s.patch(t0 + M, { teamId: 'team_ny' });
    expect(s.clock('firstResponse')!.dueAt).toBe(at('2026-03-04T16:00:00Z')); // 09:00 EST + 2h
    s.calendar = { timezone: 'Europe/Madrid', hours: weekdays('09:00', '17:00'), holidays: ['2026-03-04'] };
    s.patch(t0 + 2 * M, { teamId: 'team_es' });
    expect(s.clock('firstResponse')!.dueAt).toBe(at('2026-03-05T10:00:00Z'));
  });
});

describe('a policy that first applies mid-conversation', () => {
  const t0 = at('2026-03-04T10:00:00Z');
  it('a customer waiting since the conversation opened gets a firstResponse clock from then', () => {
    const s = new Sim(null);
    s.create(t0);
    s.inbound(t0);
    s.repolicy(t0 + 30 * M, policy());
    expect(s.clock('firstResponse')).toMatchObject({ startedAt: t0, dueAt: t0 + H });
    expect(s.clock('resolution')).toMatchObject({ startedAt: t0 });
  });
  it('a later wait after our reply is a nextResponse', () => {
    const s = new Sim(null);
    s.create(t0);
    s.inbound(t0);
    s.reply(t0 + 10 * M);
    s.inbound(t0 + H);
    s.repolicy(t0 + 90 * M, policy());
    expect(s.clock('firstResponse')).toBeUndefined();
    expect(s.clock('nextResponse')).toMatchObject({ startedAt: t0 + H, dueAt: t0 + 3 * H });
  });
});

// The business hours and holidays editor's API: the workspace and team calendars, validated with the
// field named, stored where routing, SLA, automation and the widget read them — and they honour it.
import { describe, expect, it } from 'vitest';
import { addMember, call, createTeam, expectProblem, newWorkspace, visitor, webchatInbox } from '../helpers';
import { isOpen, nextOpen, type Calendar } from '../../worker/routing/business-hours';
import { weekProblem } from '../../worker/business-hours/week';

const weekdays = (intervals: [string, string][]) => Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, intervals]));

describe('holidays in the calendar core', () => {
  const madrid: Calendar = {
    timezone: 'Europe/Madrid',
    hours: weekdays([['09:00', '17:00']]),
    holidays: ['2026-12-24', { date: '2020-12-25', name: 'Christmas Day', yearly: true }, { date: '2026-12-28', name: 'Team day' }],
  };

  it('a yearly holiday closes that month and day every year; a one-off date only once; bare dates still work', () => {
    expect(isOpen(madrid, Date.parse('2026-12-25T10:00:00+01:00'))).toBe(false); // Friday, Christmas (yearly from 2020)
    expect(isOpen(madrid, Date.parse('2031-12-25T10:00:00+01:00'))).toBe(false); // Thursday, years later
    expect(isOpen(madrid, Date.parse('2026-12-24T10:00:00+01:00'))).toBe(false); // a bare "YYYY-MM-DD" string
    expect(isOpen(madrid, Date.parse('2027-12-24T10:00:00+01:00'))).toBe(true); // not yearly
    expect(isOpen(madrid, Date.parse('2026-12-28T10:00:00+01:00'))).toBe(false);
    expect(isOpen(madrid, Date.parse('2027-12-28T10:00:00+01:00'))).toBe(true);
    // Thursday 24th evening → closed 24, 25 (holidays), weekend, 28 (holiday) → Tuesday 29th at 09:00 Madrid.
    expect(new Date(nextOpen(madrid, Date.parse('2026-12-23T18:00:00+01:00'))!).toISOString()).toBe('2026-12-29T08:00:00.000Z');
  });

  it('a week with an interval opening and closing at once, or overlapping another, names the interval', () => {
    expect(weekProblem({ '1': [['09:00', '12:00'], ['13:00', '17:00']], '5': [['22:00', '02:00']] })).toBeNull();
    expect(weekProblem({ '2': [['09:00', '09:00']] })).toEqual({ field: 'hours.2.0', message: 'opens and closes at the same time' });
    expect(weekProblem({ '3': [['13:00', '17:00'], ['09:00', '13:30']] })).toEqual({ field: 'hours.3.0', message: 'overlaps another interval of the same day' });
    expect(weekProblem({ '4': [['20:00', '02:00'], ['21:00', '23:00']] })?.field).toBe('hours.4.1');
  });
});

describe('/api/business-hours', () => {
  it('a manager sets hours, time zone and named holidays; the routing tester and the SLA-shared calendar honour them', async () => {
    const ws = await newWorkspace();
    const put = await call('PUT', '/api/business-hours', {
      token: ws.token,
      body: {
        timezone: 'America/New_York',
        hours: { ...weekdays([['09:00', '12:00'], ['13:00', '17:00']]), '6': [['10:00', '14:00']] },
        holidays: [{ date: '2026-07-03', name: 'Independence Day (observed)' }, { date: '2020-12-25', name: 'Christmas', yearly: true }, '2026-11-26'],
      },
    });
    expect(put.status).toBe(200);
    expect(put.body.workspace).toMatchObject({
      timezone: 'America/New_York',
      hours: { '1': [['09:00', '12:00'], ['13:00', '17:00']], '6': [['10:00', '14:00']] },
      holidays: [
        { date: '2020-12-25', name: 'Christmas', yearly: true },
        { date: '2026-07-03', name: 'Independence Day (observed)', yearly: false },
        { date: '2026-11-26', name: '', yearly: false },
      ],
    });
    const read = await call('GET', '/api/business-hours', { token: ws.token });
    expect(read.body.workspace).toEqual(put.body.workspace);
    expect(typeof read.body.now.open).toBe('boolean');

    // The routing consumer reads the same calendar.
    const rule = { name: 'Office hours', conditions: [{ type: 'business_hours', calendar: 'workspace', open: true }], actions: { assign: false } };
    const matches = async (at: string) => (await call('POST', '/api/routing/test', { token: ws.token, body: { conversation: { channel: 'sms', at }, rule } })).body.rule?.name === 'Office hours';
    expect(await matches('2026-03-06T14:30:00Z')).toBe(true); // Fri 09:30 EST
    expect(await matches('2026-03-06T17:30:00Z')).toBe(false); // Fri 12:30: the lunch break
    expect(await matches('2026-03-07T16:00:00Z')).toBe(true); // Sat 11:00
    expect(await matches('2026-07-03T15:00:00Z')).toBe(false); // a named holiday
    expect(await matches('2028-12-25T15:00:00Z')).toBe(false); // Christmas, yearly
    expect(await matches('2028-12-26T15:00:00Z')).toBe(true);
    // The routing page's own reader still lists them (as objects now).
    expect((await call('GET', '/api/routing/settings', { token: ws.token })).body.holidays).toHaveLength(3);
  });

  it('refuses bad input with the field named, and non-managers', async () => {
    const ws = await newWorkspace();
    const bad = (body: unknown) => call('PUT', '/api/business-hours', { token: ws.token, body });
    expectProblem(await bad({ timezone: 'Mars/Olympus', hours: null }), 400, 'timezone');
    expectProblem(await bad({ timezone: 'UTC', hours: { '1': [['9:00', '17:00']] } }), 400, /hours\.1/);
    expectProblem(await bad({ timezone: 'UTC', hours: { '8': [['09:00', '17:00']] } }), 400, /hours/);
    expectProblem(await bad({ timezone: 'UTC', hours: { '1': [['09:00', '13:00'], ['12:00', '17:00']] } }), 400, 'hours.1.1');
    expectProblem(await bad({ timezone: 'UTC', hours: { '2': [['10:00', '10:00']] } }), 400, 'hours.2.0');
    expectProblem(await bad({ timezone: 'UTC', hours: null, holidays: [{ date: '2026-02-30', name: 'x' }] }), 400, /holidays\.0/);
    const staff = await addMember(ws, 'staff');
    expectProblem(await call('PUT', '/api/business-hours', { token: staff.token, body: { timezone: 'UTC', hours: null } }), 403);
    expect((await call('GET', '/api/business-hours', { token: staff.token })).status).toBe(200);
  });

  it("a team's own calendar is set and cleared without touching its routing mode; routing reads it", async () => {
    const ws = await newWorkspace();
    const team = await createTeam(ws, 'Night shift');
    await call('PUT', `/api/teams/${team}/routing`, { token: ws.token, body: { mode: 'load_balanced' } });
    const cal = { timezone: 'Asia/Tokyo', hours: { '1': [['22:00', '06:00']] }, holidays: [{ date: '2026-01-01', name: 'New Year', yearly: true }] };
    const set = await call('PUT', `/api/business-hours/teams/${team}`, { token: ws.token, body: { calendar: cal } });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({ teamId: team, name: 'Night shift', calendar: { timezone: 'Asia/Tokyo', holidays: [{ date: '2026-01-01', name: 'New Year', yearly: true }] } });
    expect((await call('GET', `/api/teams/${team}/routing`, { token: ws.token })).body).toMatchObject({ mode: 'load_balanced', calendar: { timezone: 'Asia/Tokyo' } });
    const rule = { name: 'Night', conditions: [{ type: 'business_hours', calendar: team, open: true }], actions: { assign: false } };
    const matches = async (at: string) => (await call('POST', '/api/routing/test', { token: ws.token, body: { conversation: { channel: 'sms', at }, rule } })).body.rule?.name === 'Night';
    expect(await matches('2026-03-09T14:00:00Z')).toBe(true); // Mon 23:00 Tokyo
    expect(await matches('2026-03-09T20:00:00Z')).toBe(true); // Tue 05:00 Tokyo, past midnight
    expect(await matches('2026-03-09T23:00:00Z')).toBe(false); // Tue 08:00 Tokyo

    expectProblem(await call('PUT', `/api/business-hours/teams/${team}`, { token: ws.token, body: { calendar: { timezone: 'UTC', hours: { '1': [['09:00', '09:00']] } } } }), 400, 'calendar.hours.1.0');
    const cleared = await call('PUT', `/api/business-hours/teams/${team}`, { token: ws.token, body: { calendar: null } });
    expect(cleared.body.calendar).toBeNull();
    expect((await call('GET', '/api/business-hours', { token: ws.token })).body.teams).toEqual([{ teamId: team, name: 'Night shift', calendar: null }]);
    expectProblem(await call('PUT', `/api/business-hours/teams/${team}`, { token: (await newWorkspace()).token, body: { calendar: null } }), 404);
  });

  it("the widget's session says whether the team is in and when it next opens", async () => {
    const ws = await newWorkspace();
    const inbox = await webchatInbox(ws);
    // Around the clock: open.
    expect(((await visitor(inbox.websiteToken)) as unknown as { availability: unknown }).availability).toEqual({ open: true, nextOpenAt: null });
    // Never open but on one weekday, an hour a week, with today's weekday closed by a one-off holiday: closed, opening later.
    const today = new Date();
    const day = String(today.getUTCDay());
    const date = today.toISOString().slice(0, 10);
    await call('PUT', '/api/business-hours', { token: ws.token, body: { timezone: 'UTC', hours: { [day]: [['00:00', '24:00']] }, holidays: [{ date, name: 'Closed today' }] } });
    const session = (await visitor(inbox.websiteToken)) as unknown as { availability: { open: boolean; nextOpenAt: number } };
    expect(session.availability.open).toBe(false);
    // Next open: the same weekday a week later, at midnight UTC.
    expect(new Date(session.availability.nextOpenAt).toISOString()).toBe(`${new Date(Date.parse(`${date}T00:00:00Z`) + 7 * 86_400_000).toISOString().slice(0, 10)}T00:00:00.000Z`);
  });
});

// Business hours, pure: open/closed across midnight, time zones, DST changes and holidays, and the
// business-time arithmetic SLA deadlines use.
import { describe, expect, it } from 'vitest';
import { addBusinessTime, businessTimeBetween, isOpen, nextOpen, offsetAt, openIntervals, zonedInstant, type Calendar } from '../../worker/routing/business-hours';

const H = 3600_000;
const weekdays = (from: string, to: string) => Object.fromEntries(['1', '2', '3', '4', '5'].map((d) => [d, [[from, to] as [string, string]]]));
const at = (iso: string) => Date.parse(iso);

describe('time zones', () => {
  const madrid: Calendar = { timezone: 'Europe/Madrid', hours: weekdays('09:00', '17:00') };
  const tokyo: Calendar = { timezone: 'Asia/Tokyo', hours: weekdays('09:00', '17:00') };
  const ny: Calendar = { timezone: 'America/New_York', hours: weekdays('09:00', '17:00') };

  it('the same instant is open in one zone and closed in another', () => {
    const t = at('2026-03-04T09:30:00Z'); // Wednesday: 10:30 in Madrid, 18:30 in Tokyo, 04:30 in New York
    expect(isOpen(madrid, t)).toBe(true);
    expect(isOpen(tokyo, t)).toBe(false);
    expect(isOpen(ny, t)).toBe(false);
  });

  it('opening and closing edges are [start, end)', () => {
    expect(isOpen(madrid, at('2026-03-04T08:00:00Z'))).toBe(true); // 09:00 CET
    expect(isOpen(madrid, at('2026-03-04T07:59:59Z'))).toBe(false);
    expect(isOpen(madrid, at('2026-03-04T16:00:00Z'))).toBe(false); // 17:00 CET
    expect(isOpen(madrid, at('2026-03-04T15:59:59Z'))).toBe(true);
  });

  it('weekends are closed; a calendar without hours is always open', () => {
    expect(isOpen(madrid, at('2026-03-07T10:00:00Z'))).toBe(false); // Saturday
    expect(isOpen({ timezone: 'Europe/Madrid', hours: null }, at('2026-03-07T10:00:00Z'))).toBe(true);
  });

  it('a weekday in one zone can be the weekend in another', () => {
    // Friday 23:30 in New York is Saturday 04:30 in London.
    const friNight: Calendar = { timezone: 'America/New_York', hours: { '5': [['20:00', '24:00']] } };
    expect(isOpen(friNight, at('2026-03-07T04:30:00Z'))).toBe(true);
    expect(isOpen({ ...friNight, timezone: 'Europe/London' }, at('2026-03-07T04:30:00Z'))).toBe(false);
  });
});

describe('across midnight', () => {
  const night: Calendar = { timezone: 'Europe/Madrid', hours: { '1': [['22:00', '06:00']], '2': [['22:00', '06:00']] } };

  it('an overnight shift stays open past midnight into the next day', () => {
    expect(isOpen(night, at('2026-03-02T21:30:00Z'))).toBe(true); // Mon 22:30
    expect(isOpen(night, at('2026-03-03T03:00:00Z'))).toBe(true); // Tue 04:00 (Monday's shift)
    expect(isOpen(night, at('2026-03-03T05:00:00Z'))).toBe(false); // Tue 06:00
    expect(isOpen(night, at('2026-03-04T04:00:00Z'))).toBe(true); // Wed 05:00 (Tuesday's shift)
    expect(isOpen(night, at('2026-03-05T00:00:00Z'))).toBe(false); // Thu 01:00: no Wednesday shift
  });

  it('adjacent day intervals merge into one open stretch', () => {
    const allWeek: Calendar = { timezone: 'UTC', hours: { '1': [['00:00', '24:00']], '2': [['00:00', '12:00']] } };
    const spans = openIntervals(allWeek, at('2026-03-02T00:00:00Z'), at('2026-03-04T00:00:00Z'));
    expect(spans).toEqual([[at('2026-03-02T00:00:00Z'), at('2026-03-03T12:00:00Z')]]);
  });

  it('business time across midnight counts only the shift', () => {
    // From Mon 21:00 to Tue 07:00 local: open 22:00 → 06:00 = 8 h.
    expect(businessTimeBetween(night, at('2026-03-02T20:00:00Z'), at('2026-03-03T06:00:00Z'))).toBe(8 * H);
    // Two hours of work starting Mon 23:00 end Tue 01:00.
    expect(addBusinessTime(night, at('2026-03-02T22:00:00Z'), 2 * H)).toBe(at('2026-03-03T00:00:00Z'));
  });
});

describe('DST changes', () => {
  it('offsets follow the zone rules', () => {
    expect(offsetAt(at('2026-01-15T12:00:00Z'), 'America/New_York')).toBe(-5 * H);
    expect(offsetAt(at('2026-07-15T12:00:00Z'), 'America/New_York')).toBe(-4 * H);
    expect(offsetAt(at('2026-07-15T12:00:00Z'), 'Australia/Sydney')).toBe(10 * H);
    expect(offsetAt(at('2026-01-15T12:00:00Z'), 'Australia/Sydney')).toBe(11 * H);
  });

  it('09:00 local is 09:00 on both sides of a change (the UTC instant moves)', () => {
    const ny: Calendar = { timezone: 'America/New_York', hours: weekdays('09:00', '17:00') };
    // US clocks spring forward on Sunday 2026-03-08.
    expect(isOpen(ny, at('2026-03-06T14:00:00Z'))).toBe(true); // Fri 09:00 EST
    expect(isOpen(ny, at('2026-03-09T13:00:00Z'))).toBe(true); // Mon 09:00 EDT
    expect(isOpen(ny, at('2026-03-09T12:30:00Z'))).toBe(false); // Mon 08:30 EDT (would be 07:30 EST)
    // They fall back on Sunday 2026-11-01.
    expect(isOpen(ny, at('2026-11-02T14:00:00Z'))).toBe(true); // Mon 09:00 EST
    expect(isOpen(ny, at('2026-11-02T13:30:00Z'))).toBe(false); // Mon 08:30 EST
  });

  it('a day with a spring-forward gap is an hour shorter; a fall-back day an hour longer', () => {
    const sundays: Calendar = { timezone: 'Europe/Madrid', hours: { '0': [['00:00', '24:00']] } };
    // Europe springs forward on 2026-03-29 and falls back on 2026-10-25 (both Sundays).
    expect(businessTimeBetween(sundays, at('2026-03-28T12:00:00Z'), at('2026-03-30T12:00:00Z'))).toBe(23 * H);
    expect(businessTimeBetween(sundays, at('2026-10-24T12:00:00Z'), at('2026-10-26T12:00:00Z'))).toBe(25 * H);
  });

  it('a local time skipped by the change moves forward; a repeated one is its first occurrence', () => {
    const day = Math.floor(at('2026-03-08T00:00:00Z') / 86_400_000);
    expect(zonedInstant(day, 2 * 60 + 30, 'America/New_York')).toBe(at('2026-03-08T07:30:00Z')); // 03:30 EDT
    const back = Math.floor(at('2026-11-01T00:00:00Z') / 86_400_000);
    expect(zonedInstant(back, 60 + 30, 'America/New_York')).toBe(at('2026-11-01T05:30:00Z')); // 01:30 EDT, the first one
  });

  it('an interval starting inside the gap opens when the clocks land', () => {
    const cal: Calendar = { timezone: 'America/New_York', hours: { '0': [['02:30', '04:00']] } };
    expect(openIntervals(cal, at('2026-03-08T00:00:00Z'), at('2026-03-09T00:00:00Z'))).toEqual([[at('2026-03-08T07:30:00Z'), at('2026-03-08T08:00:00Z')]]);
  });

  it('addBusinessTime over a weekend with a DST change lands on the right local hour', () => {
    const ny: Calendar = { timezone: 'America/New_York', hours: weekdays('09:00', '17:00') };
    // Friday 16:00 EST + 2 business hours = 1 h on Friday + 1 h on Monday → Monday 10:00 EDT.
    expect(addBusinessTime(ny, at('2026-03-06T21:00:00Z'), 2 * H)).toBe(at('2026-03-09T14:00:00Z'));
  });
});

describe('holidays', () => {
  const madrid: Calendar = { timezone: 'Europe/Madrid', hours: weekdays('09:00', '17:00'), holidays: ['2026-12-25'] };

  it('a holiday is closed all day in local time', () => {
    expect(isOpen(madrid, at('2026-12-25T10:00:00Z'))).toBe(false); // Friday, Christmas
    expect(isOpen(madrid, at('2026-12-24T10:00:00Z'))).toBe(true);
  });

  it('holidays are skipped by business-time arithmetic', () => {
    // Thu 24 Dec 16:00 CET + 2 h → 1 h on Thursday, Friday is a holiday, the weekend is closed → Mon 28 Dec 10:00 CET.
    expect(addBusinessTime(madrid, at('2026-12-24T15:00:00Z'), 2 * H)).toBe(at('2026-12-28T09:00:00Z'));
    expect(businessTimeBetween(madrid, at('2026-12-24T00:00:00Z'), at('2026-12-29T00:00:00Z'))).toBe(16 * H);
  });

  it('the after-midnight part of an overnight shift follows the next day’s holiday', () => {
    const night: Calendar = { timezone: 'UTC', hours: { '4': [['22:00', '02:00']] }, holidays: ['2026-12-25'] };
    expect(isOpen(night, at('2026-12-24T23:00:00Z'))).toBe(true); // Thursday evening
    expect(isOpen(night, at('2026-12-25T01:00:00Z'))).toBe(false); // early Friday, a holiday
  });
});

describe('business-time arithmetic', () => {
  const cal: Calendar = { timezone: 'UTC', hours: weekdays('09:00', '17:00') };

  it('adding from a closed time starts counting at the next opening', () => {
    expect(addBusinessTime(cal, at('2026-03-04T06:00:00Z'), 30 * 60_000)).toBe(at('2026-03-04T09:30:00Z'));
    expect(nextOpen(cal, at('2026-03-07T12:00:00Z'))).toBe(at('2026-03-09T09:00:00Z'));
  });

  it('spans many weeks and is consistent with businessTimeBetween', () => {
    const start = at('2026-03-04T11:15:00Z');
    const due = addBusinessTime(cal, start, 100 * H)!;
    expect(businessTimeBetween(cal, start, due)).toBe(100 * H);
    expect(businessTimeBetween(cal, due, start)).toBe(-100 * H);
  });

  it('a calendar that never opens gives no deadline', () => {
    expect(addBusinessTime({ timezone: 'UTC', hours: {} }, at('2026-03-04T11:15:00Z'), H)).toBeNull();
    expect(addBusinessTime(cal, at('2026-03-04T11:15:00Z'), 0)).toBe(at('2026-03-04T11:15:00Z'));
  });
});

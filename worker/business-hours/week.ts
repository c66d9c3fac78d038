// Checks a weekly schedule beyond its shape (the valibot schema checks HH:MM): each interval opens and
// closes at different times, and a day's intervals do not overlap (an overlap is almost always a typo,
// and the calendar would silently merge it). Pure; returns the field and message of the first problem.
import type { WeeklyHours } from '../routing/business-hours';

const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** [start, end) in minutes of the day; an end not after its start runs past midnight (to 24:00 on this day). */
function span([open, close]: [string, string]): [number, number] {
  const a = minutes(open);
  const b = minutes(close);
  return [a, b > a ? b : 1440];
}

export function weekProblem(hours: WeeklyHours | null, prefix = 'hours'): { field: string; message: string } | null {
  if (!hours) return null;
  for (const [day, intervals] of Object.entries(hours)) {
    const list = intervals ?? [];
    for (let i = 0; i < list.length; i++) {
      if (list[i][0] === list[i][1]) return { field: `${prefix}.${day}.${i}`, message: 'opens and closes at the same time' };
    }
    const sorted = list.map((x, i) => ({ i, s: span(x) })).sort((x, y) => x.s[0] - y.s[0]);
    for (let k = 1; k < sorted.length; k++) {
      if (sorted[k].s[0] < sorted[k - 1].s[1]) return { field: `${prefix}.${day}.${sorted[k].i}`, message: 'overlaps another interval of the same day' };
    }
  }
  return null;
}

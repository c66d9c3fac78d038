// The workspace calendar and the teams' own calendars as the settings page edits them, read from and
// written to the columns the consumers already read: workspaces.timezone and business_hours,
// routing_settings.holidays, team_routing.calendar (routing, SLA, automation, analytics, the widget).
import type { WorkspaceScope } from '../db/scope';
import { holidayOf, isOpen, nextOpen, type Calendar, type Holiday, type HolidayEntry, type WeeklyHours } from '../routing/business-hours';

export interface EditableCalendar {
  timezone: string;
  /** null: open around the clock. */
  hours: WeeklyHours | null;
  holidays: Holiday[];
}

const parse = <T>(text: string | null | undefined, fallback: T): T => (text ? (JSON.parse(text) as T) : fallback);

/** Holidays in date order, each once (the same date and repeat twice is one day off). */
export function tidyHolidays(entries: HolidayEntry[]): Holiday[] {
  const seen = new Map<string, Holiday>();
  for (const h of entries.map(holidayOf)) seen.set(`${h.yearly ? h.date.slice(5) : h.date}|${h.yearly}`, h);
  return [...seen.values()].sort((a, b) => a.date.localeCompare(b.date));
}

export async function readWorkspaceCalendar(scope: WorkspaceScope): Promise<EditableCalendar> {
  const [ws, settings] = await scope.d1.batch([
    scope.prepare(`SELECT timezone, business_hours FROM workspaces WHERE id = ?`),
    scope.prepare(`SELECT holidays FROM routing_settings WHERE workspace_id = ?`),
  ]);
  const w = ws.results[0] as { timezone: string | null; business_hours: string | null } | undefined;
  const h = settings.results[0] as { holidays: string } | undefined;
  return { timezone: w?.timezone || 'UTC', hours: parse<WeeklyHours | null>(w?.business_hours, null), holidays: tidyHolidays(parse<HolidayEntry[]>(h?.holidays, [])) };
}

export async function writeWorkspaceCalendar(scope: WorkspaceScope, cal: EditableCalendar): Promise<void> {
  await scope.d1.batch([
    scope.prepare(`UPDATE workspaces SET timezone = ?2, business_hours = ?3 WHERE id = ?1`, cal.timezone, cal.hours ? JSON.stringify(cal.hours) : null),
    scope.prepare(
      `INSERT INTO routing_settings (workspace_id, holidays, updated_at) VALUES (?1, ?2, ?3)
       ON CONFLICT(workspace_id) DO UPDATE SET holidays = excluded.holidays, updated_at = excluded.updated_at`,
      JSON.stringify(tidyHolidays(cal.holidays)),
      Date.now(),
    ),
  ]);
}

export interface TeamCalendar {
  teamId: string;
  name: string;
  /** null: the team follows the workspace calendar. */
  calendar: EditableCalendar | null;
}

export async function readTeamCalendars(scope: WorkspaceScope): Promise<TeamCalendar[]> {
  const { results } = await scope
    .prepare(`SELECT t.id, t.name, r.calendar FROM teams t LEFT JOIN team_routing r ON r.team_id = t.id AND r.workspace_id = t.workspace_id WHERE t.workspace_id = ? ORDER BY t.name`)
    .all<{ id: string; name: string; calendar: string | null }>();
  return results.map((t) => {
    const cal = parse<Calendar | null>(t.calendar, null);
    return { teamId: t.id, name: t.name, calendar: cal ? { timezone: cal.timezone, hours: cal.hours, holidays: tidyHolidays(cal.holidays ?? []) } : null };
  });
}

/** A team's calendar; the team's other routing settings keep their values (or their defaults when it had none). */
export async function writeTeamCalendar(scope: WorkspaceScope, teamId: string, cal: EditableCalendar | null): Promise<void> {
  const json = cal ? JSON.stringify({ ...cal, holidays: tidyHolidays(cal.holidays) }) : null;
  await scope
    .prepare(
      `INSERT INTO team_routing (workspace_id, team_id, calendar, updated_at) VALUES (?1, ?2, ?3, ?4)
       ON CONFLICT(team_id) DO UPDATE SET calendar = excluded.calendar, updated_at = excluded.updated_at`,
      teamId,
      json,
      Date.now(),
    )
    .run();
}

/** Whether a calendar is open at `now`, and when it next opens (null: open now, or never). */
export function availability(cal: Calendar, now: number): { open: boolean; nextOpenAt: number | null } {
  const open = isOpen(cal, now);
  return { open, nextOpenAt: open ? null : nextOpen(cal, now) };
}

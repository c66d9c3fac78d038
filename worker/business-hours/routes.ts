// /api/business-hours: the workspace's opening hours, time zone and holidays, and each team's own
// calendar (or none: the team follows the workspace). Everyone reads (agents see when the team is
// open); managers change. A change reaches the router, SLA clocks and automation at once.
import { Hono, type Context } from 'hono';
import { describeRoute } from 'hono-openapi';
import * as v from 'valibot';
import type { AppEnv } from '../app-env';
import { requireRole } from '../auth/middleware';
import { teams } from '../db/schema';
import { Problem } from '../http/problem';
import { valid } from '../http/validate';
import { CalendarBody } from '../routing/schemas';
import { workspaceStub } from '../routing/stubs';
import { syncRouter } from '../routing/sync';
import { configChanged } from '../sla/reapply';
import { availability, readTeamCalendars, readWorkspaceCalendar, writeTeamCalendar, writeWorkspaceCalendar, type EditableCalendar } from './calendars';
import { weekProblem } from './week';

const TeamBody = v.object({ calendar: v.nullable(CalendarBody) });

export const businessHoursRoutes = new Hono<AppEnv>();

function checkWeek(cal: EditableCalendar | null, prefix: string): void {
  const problem = cal ? weekProblem(cal.hours, `${prefix}hours`) : null;
  if (problem) throw Problem.badRequest(problem.field, problem.message);
}

/** Routing conditions, SLA deadlines (business-hours policies) and automation read the calendars afresh. */
async function calendarsChanged(c: Context<AppEnv>): Promise<void> {
  const ws = c.get('principal').workspaceId;
  await workspaceStub(c.env, ws).configChanged();
  await syncRouter(c.env, ws);
  await configChanged(c);
}

businessHoursRoutes.get(
  '/',
  describeRoute({ tags: ['business hours'], summary: 'The workspace calendar (time zone, weekly hours, holidays), whether it is open now, and each team’s own calendar' }),
  async (c) => {
    const scope = c.get('scope');
    const [workspace, teamCalendars] = await Promise.all([readWorkspaceCalendar(scope), readTeamCalendars(scope)]);
    return c.json({ workspace, now: availability(workspace, Date.now()), teams: teamCalendars });
  },
);

businessHoursRoutes.put(
  '/',
  describeRoute({ tags: ['business hours'], summary: 'Set the workspace calendar: time zone, weekly hours (null: around the clock) and holidays (date, name, yearly)' }),
  requireRole('manager'),
  valid('json', CalendarBody),
  async (c) => {
    const body = c.req.valid('json') as EditableCalendar;
    checkWeek(body, '');
    const scope = c.get('scope');
    await writeWorkspaceCalendar(scope, body);
    await calendarsChanged(c);
    const workspace = await readWorkspaceCalendar(scope);
    return c.json({ workspace, now: availability(workspace, Date.now()) });
  },
);

businessHoursRoutes.put(
  '/teams/:id',
  describeRoute({ tags: ['business hours'], summary: "Set a team's own calendar, or null to follow the workspace's" }),
  requireRole('manager'),
  valid('json', TeamBody),
  async (c) => {
    const scope = c.get('scope');
    const team = await scope.find(teams, c.req.param('id'));
    if (!team) throw Problem.notFound('Team');
    const { calendar } = c.req.valid('json') as { calendar: EditableCalendar | null };
    checkWeek(calendar, 'calendar.');
    await writeTeamCalendar(scope, team.id, calendar);
    await calendarsChanged(c);
    return c.json((await readTeamCalendars(scope)).find((t) => t.teamId === team.id));
  },
);

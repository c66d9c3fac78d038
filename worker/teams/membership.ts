// Team memberships: a user's teams or a team's members, replaced as a set, every id checked to belong
// to the workspace. Shared by the users and teams routes.
import type { AppEnv } from '../app-env';
import { teams, users } from '../db/schema';
import { Problem } from '../http/problem';

export /** Replace a user's team memberships (or a team's members), checking every id belongs here. */
async function setMembership(scope: AppEnv['Variables']['scope'], pairs: { teamId: string; userId: string }[], clear: { userId?: string; teamId?: string }, field: string) {
  for (const [i, pair] of pairs.entries()) {
    if (clear.userId && !(await scope.find(teams, pair.teamId))) throw Problem.badRequest(`${field}.${i}`, 'no such team in this workspace');
    if (clear.teamId && !(await scope.find(users, pair.userId))) throw Problem.badRequest(`${field}.${i}`, 'no such user in this workspace');
  }
  const del = clear.userId
    ? scope.prepare(`DELETE FROM team_members WHERE workspace_id = ? AND user_id = ?`, clear.userId)
    : scope.prepare(`DELETE FROM team_members WHERE workspace_id = ? AND team_id = ?`, clear.teamId);
  await scope.d1.batch([del, ...pairs.map((pr) => scope.prepare(`INSERT OR IGNORE INTO team_members (workspace_id, team_id, user_id) VALUES (?, ?, ?)`, pr.teamId, pr.userId))]);
}

/** Each user's team ids. */
export async function teamIdsByUser(c: { get(k: 'scope'): AppEnv['Variables']['scope'] }): Promise<Map<string, string[]>> {
  const rows = await c.get('scope').prepare(`SELECT user_id, team_id FROM team_members WHERE workspace_id = ?`).all<{ user_id: string; team_id: string }>();
  const map = new Map<string, string[]>();
  for (const r of rows.results) map.set(r.user_id, [...(map.get(r.user_id) ?? []), r.team_id]);
  return map;
}

// Keeps the router in step with D1: after a successful change to users, teams or the workspace (capacity,
// skills, languages, memberships, disabling, time zone, business hours), WorkspaceDO reloads its roster and
// configuration and mirrors the profiles to the AgentDOs.
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../app-env';
import { workspaceStub } from './stubs';

export const rosterSync = createMiddleware<AppEnv>(async (c, next) => {
  await next();
  if (c.req.method === 'GET' || c.res.status >= 300 || c.req.path.endsWith('/routing')) return;
  const p = c.get('principal');
  if (!p) return;
  try {
    await workspaceStub(c.env, p.workspaceId).syncRoster(p.workspaceId);
  } catch (err) {
    // The change is saved; the router catches up on its next periodic refresh.
    console.warn(`roster sync for ${p.workspaceId} failed: ${String(err)}`);
  }
});

// Keeps the router in step with D1: after a change to users, teams or the workspace (capacity, skills,
// languages, memberships, disabling, time zone, business hours), the routes that made it call this, and
// the WorkspaceDO reloads its roster and configuration and mirrors the profiles to the AgentDOs.
import { workspaceStub } from './stubs';

export async function syncRouter(env: Env, workspaceId: string): Promise<void> {
  try {
    await workspaceStub(env, workspaceId).syncRoster();
  } catch (err) {
    // The change is saved; the router catches up on its next periodic refresh.
    console.warn(`roster sync for ${workspaceId} failed: ${String(err)}`);
  }
}

// Presence as a pure function of an agent's tabs: online while a tab is active, away after an idle
// period (or by choice), offline once the last tab has been closed for a grace period.
import type { Presence } from './model';

export interface AgentIdentity {
  workspaceId: string;
  userId: string;
  name: string;
}

/** The agent's presence as the AgentDO decides it and the WorkspaceDO's roster keeps it; `version` orders snapshots. */
export interface PresenceSnapshot extends AgentIdentity {
  status: Presence;
  since: number;
  version: number;
}

export interface Tab {
  connId: string;
  connectedAt: number;
  /** Last user activity the tab reported; null while the client has never reported any (always active). */
  lastActiveAt: number | null;
}

export interface PresenceConfig {
  /** Away after this long without activity in any tab. */
  awayAfterMs: number;
  /** Offline this long after the last tab closed (a reload or a network blip is not "offline"). */
  offlineGraceMs: number;
}

export const DEFAULT_PRESENCE: PresenceConfig = { awayAfterMs: 5 * 60_000, offlineGraceMs: 30_000 };

export interface PresenceInput {
  tabs: Tab[];
  /** When the last tab closed (null: never, or a tab is open). */
  lastClosedAt: number | null;
  /** The agent set themselves away. */
  manualAway: boolean;
  previous: Presence;
}

/** The status now, and when it must be looked at again (null: only when something happens). */
export function presenceAt(input: PresenceInput, now: number, cfg: PresenceConfig): { status: Presence; nextCheckAt: number | null } {
  if (input.tabs.length === 0) {
    if (input.previous !== 'offline' && input.lastClosedAt !== null && input.lastClosedAt + cfg.offlineGraceMs > now) {
      return { status: input.previous, nextCheckAt: input.lastClosedAt + cfg.offlineGraceMs };
    }
    return { status: 'offline', nextCheckAt: null };
  }
  if (input.manualAway) return { status: 'away', nextCheckAt: null };
  if (input.tabs.some((t) => t.lastActiveAt === null)) return { status: 'online', nextCheckAt: null };
  const lastActive = Math.max(...input.tabs.map((t) => t.lastActiveAt!));
  const awayAt = lastActive + cfg.awayAfterMs;
  return awayAt > now ? { status: 'online', nextCheckAt: awayAt } : { status: 'away', nextCheckAt: null };
}

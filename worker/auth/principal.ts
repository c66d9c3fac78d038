// Who is calling: the authenticated user with the role and teams that decide what they may see.

export type Role = 'manager' | 'staff' | 'personal';
export const ROLES: readonly Role[] = ['manager', 'staff', 'personal'];

/** What an API key may do: read (GET), write (any change), admin (the manager-only settings). Sessions may do all. */
export type ApiScope = 'read' | 'write' | 'admin';
export const API_SCOPES: readonly ApiScope[] = ['read', 'write', 'admin'];

export interface Principal {
  userId: string;
  workspaceId: string;
  name: string;
  email: string;
  role: Role;
  teamIds: string[];
  /** Session id (JWT) or API key id, for logout/revocation. */
  credentialId: string;
  via: 'session' | 'api_key';
  /** A session's are all of them; an API key's are what it was created with. */
  scopes: readonly ApiScope[];
}

/** The part of a conversation that decides visibility. */
export interface Visibility {
  workspaceId: string;
  assigneeId: string | null;
  teamId: string | null;
}

/**
 * Role rules: managers see everything in their workspace; staff see their teams' conversations,
 * unassigned ones and their own; personal users only what is assigned to them.
 */
export function canSeeConversation(p: Pick<Principal, 'workspaceId' | 'userId' | 'role' | 'teamIds'>, c: Visibility): boolean {
  if (c.workspaceId !== p.workspaceId) return false;
  switch (p.role) {
    case 'manager':
      return true;
    case 'staff':
      return c.assigneeId === null || c.assigneeId === p.userId || (c.teamId !== null && p.teamIds.includes(c.teamId));
    case 'personal':
      return c.assigneeId === p.userId;
  }
}

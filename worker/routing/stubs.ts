// Reaching the routing objects: one WorkspaceDO per workspace, one AgentDO per agent.

export function workspaceStub(env: Env, workspaceId: string) {
  return env.WORKSPACES.get(env.WORKSPACES.idFromName(workspaceId));
}

/** Named by workspace and user, so a user id from another workspace reaches an empty object. */
export function agentStub(env: Env, workspaceId: string, userId: string) {
  return env.AGENTS.get(env.AGENTS.idFromName(`${workspaceId}/${userId}`));
}

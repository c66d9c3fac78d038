// Shared setup for the routing tests: a workspace with a team of agents, their live sockets (presence),
// the team's routing settings, and handles on the WorkspaceDO and AgentDOs.
import { env } from 'cloudflare:test';
import { addMember, call, createTeam, eventually, newWorkspace, unique, visitor, visitorSays, webchatInbox, type Workspace } from '../helpers';
import { openSocket, type TestSocket } from '../sockets';

export interface Agent {
  userId: string;
  token: string;
  name: string;
}

export async function routingWorkspace(opts: { agents: number; capacity?: number; skills?: string[][]; languages?: string[][]; mode?: string; teamRouting?: Record<string, unknown> }) {
  const ws = await newWorkspace('Routing test');
  const agents: Agent[] = [];
  for (let i = 0; i < opts.agents; i++) {
    const m = await addMember(ws, 'staff');
    const name = `Agent ${i + 1} ${unique('')}`;
    const patch = await call('PATCH', `/api/users/${m.userId}`, {
      token: ws.token,
      body: { name, capacity: opts.capacity ?? 10, skills: opts.skills?.[i] ?? [], languages: opts.languages?.[i] ?? [] },
    });
    if (patch.status !== 200) throw new Error(`patch user: ${patch.status} ${JSON.stringify(patch.body)}`);
    agents.push({ userId: m.userId, token: m.token, name });
  }
  const teamId = await createTeam(ws, unique('Support '), agents.map((a) => a.userId));
  await setTeamRouting(ws, teamId, { mode: opts.mode ?? 'load_balanced', ...(opts.teamRouting ?? {}) });
  const inbox = await webchatInbox(ws);
  return { ws, agents, teamId, inbox };
}

export async function setTeamRouting(ws: Workspace, teamId: string, body: Record<string, unknown>) {
  const res = await call('PUT', `/api/teams/${teamId}/routing`, { token: ws.token, body });
  if (res.status !== 200) throw new Error(`team routing: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/** The default rule sends everything to a team (routing switched on). */
export async function routeEverythingTo(ws: Workspace, teamId: string | null, extra: Record<string, unknown> = {}) {
  const res = await call('PUT', '/api/routing/settings', { token: ws.token, body: { defaultRule: { assign: true, teamId, ...extra } } });
  if (res.status !== 200) throw new Error(`settings: ${res.status} ${JSON.stringify(res.body)}`);
}

/** An agent's tab: a live socket, open once the hello has arrived. */
export async function goOnline(token: string): Promise<TestSocket> {
  const sock = await openSocket(`/api/live?access_token=${token}`);
  await sock.next((f) => f.t === 'hello');
  return sock;
}

export function workspaceDO(workspaceId: string) {
  return env.WORKSPACES.get(env.WORKSPACES.idFromName(workspaceId));
}

export function agentDO(workspaceId: string, userId: string) {
  return env.AGENTS.get(env.AGENTS.idFromName(`${workspaceId}/${userId}`));
}

export async function rosterOf(workspaceId: string) {
  return workspaceDO(workspaceId).agents();
}

/** A new visitor writes into the web chat inbox; resolves with the conversation id once routing has decided. */
export async function arrive(websiteToken: string, text = 'Hello, I need help') {
  const v = await visitor(websiteToken);
  const said = await visitorSays(v.visitorToken, text);
  return { id: said.conversationId, visitorToken: v.visitorToken };
}

export async function events(token: string, conversationId: string): Promise<any[]> {
  const res = await call('GET', `/api/conversations/${conversationId}/events?after=0`, { token });
  if (res.status !== 200) throw new Error(`events: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body.items;
}

/** Waits for the n-th `conversation.routed` event of a conversation. */
export async function routed(token: string, conversationId: string, n = 1): Promise<any> {
  return eventually(async () => {
    const items = (await events(token, conversationId)).filter((e) => e.type === 'conversation.routed');
    return items.length >= n ? items[n - 1] : null;
  });
}

export async function conversation(token: string, id: string) {
  return (await call('GET', `/api/conversations/${id}`, { token })).body;
}

/** Close tabs and wait until each agent's object has heard, so no RPC is left in flight when the test ends. */
export async function closeTabs(workspaceId: string, tabs: [TestSocket, string][]): Promise<void> {
  for (const [sock] of tabs) sock.close();
  const users = [...new Set(tabs.map(([, userId]) => userId))];
  await eventually(async () => (await Promise.all(users.map(async (u) => (await agentDO(workspaceId, u).details())?.tabs ?? 0))).every((n) => n === 0));
}

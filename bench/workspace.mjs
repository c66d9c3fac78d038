// The bench workspace, created through the real API: a manager (sign-up), teams, 49 staff with logins,
// and one inbox per channel the data set uses (plus a separate web chat inbox for the throughput run).
import { call, pool } from './lib/client.mjs';

export const PASSWORD = 'bench-password-1';
export const TEAMS = [
  { name: 'Support', size: 20 },
  { name: 'Sales', size: 12 },
  { name: 'Billing', size: 10 },
  { name: 'Operations', size: 7 },
];
export const CHANNELS = ['webchat', 'email', 'whatsapp', 'sms', 'instagram', 'messenger'];

/** @returns the ids and tokens every benchmark needs. */
export async function createWorkspace(origin, { staff = 49 } = {}) {
  const stamp = Date.now().toString(36);
  const signup = await call(origin, 'POST', '/api/auth/signup', {
    body: { workspaceName: `Bench ${stamp}`, name: 'Bench Manager', email: `manager-${stamp}@bench.test`, password: PASSWORD },
  });
  const manager = { ...signup.user, token: signup.token, teamIds: [] };
  const token = manager.token;

  const teams = [];
  for (const t of TEAMS) teams.push({ ...(await call(origin, 'POST', '/api/teams', { token, body: { name: t.name } })), size: t.size });

  // Staff fill the teams in order; every fifth also belongs to the next team.
  const specs = [];
  let ti = 0;
  let filled = 0;
  for (let i = 0; i < staff; i++) {
    while (ti < teams.length - 1 && filled >= teams[ti].size) (ti++, (filled = 0));
    filled++;
    const teamIds = [teams[ti].id];
    if (i % 5 === 4) teamIds.push(teams[(ti + 1) % teams.length].id);
    specs.push({ email: `agent${i + 1}-${stamp}@bench.test`, name: `Agent ${i + 1}`, role: 'staff', password: PASSWORD, teamIds });
  }
  const users = new Array(specs.length);
  await pool(specs.length, 4, async (i) => {
    const created = await call(origin, 'POST', '/api/users', { token, body: specs[i] });
    const login = await call(origin, 'POST', '/api/auth/login', { body: { email: specs[i].email, password: PASSWORD } });
    users[i] = { ...created, token: login.token };
  });

  const inboxes = {};
  for (const channel of CHANNELS) inboxes[channel] = await call(origin, 'POST', '/api/inboxes', { token, body: { channel, name: `Bench ${channel}` } });
  const throughputInbox = await call(origin, 'POST', '/api/inboxes', { token, body: { channel: 'webchat', name: 'Bench throughput' } });

  return {
    workspaceId: manager.workspaceId,
    manager,
    staff: users,
    teams: teams.map((t) => ({ id: t.id, name: t.name })),
    inboxes: Object.fromEntries(Object.entries(inboxes).map(([k, v]) => [k, { id: v.id, websiteToken: v.websiteToken }])),
    throughputInbox: { id: throughputInbox.id, websiteToken: throughputInbox.websiteToken },
  };
}

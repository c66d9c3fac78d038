// The demo workspace `npm start` seeds (development only): a manager, two staff, two teams, a web
// chat inbox and a few others, ~50 contacts and 100 conversations across states, with messages.
// Everything goes through the same paths real traffic takes, so the DOs and D1 agree.
import { createWorkspace } from '../auth/routes';
import { hashPassword } from '../auth/password';
import { conversationStub, deliverInbound } from '../conversations/service';
import type { ConversationPatch } from '../conversations/state';
import { encryptJson } from '../crypto/secrets';
import { newId } from '../db/ids';
import { seedChannels } from '../ingest/demo-seed';

export const DEMO = {
  workspace: 'Casa Azul Rentals',
  password: 'parley-demo',
  manager: { email: 'manager@parley.test', name: 'Maria Manager' },
  staff: [
    { email: 'sam@parley.test', name: 'Sam Staff' },
    { email: 'lee@parley.test', name: 'Lee Staff' },
  ],
  websiteToken: 'wt_demo_casa_azul',
};

/** Tiny deterministic PRNG so every fresh start seeds the same demo. */
function rng(seed: number) {
  return () => {
    seed = (seed * 1664525 + 1013904223) >>> 0;
    return seed / 2 ** 32;
  };
}

const FIRST = ['Ana', 'Ben', 'Carla', 'Diego', 'Elena', 'Farid', 'Grace', 'Hugo', 'Inés', 'Jonas', 'Kira', 'Luca', 'Mia', 'Noah', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Umar', 'Vera', 'Will', 'Xenia', 'Yara'];
const LAST = ['García', 'Smith', 'Rossi', 'Müller', 'Silva', 'Kowalski', 'Nguyen', 'Okafor', 'Tanaka', 'Dubois'];
const OPENERS = [
  'Hi! Is the sea-view apartment free from the 12th to the 19th?',
  'Hello, what time is check-in? Our flight lands at 11pm.',
  'Can we bring our dog? She is small and very calm.',
  'The wifi in the loft is not working, can someone help?',
  'I was charged twice for my booking, please refund one of them.',
  'Do you have parking near the old town apartment?',
  'Hola, ¿tienen cuna para bebé disponible?',
  'We would like a late checkout on Sunday if possible.',
  'Where do we pick up the keys?',
  'The hot water is not working in apartment 3B.',
  'Is breakfast included in the price?',
  'Can I change my reservation to two more nights?',
];
const REPLIES = [
  'Thanks for writing! Let me check that for you.',
  'Yes, that works. I have noted it on your booking.',
  'Sorry about that — a technician is on the way.',
  'Check-in is from 3pm; for late arrivals we leave the keys in the lockbox.',
  'I have refunded the duplicate charge; it shows in 3–5 days.',
];
const FOLLOW_UPS = ['Great, thank you!', 'Perfect 👍', 'Still not working…', 'Ok, and what about parking?', 'Thanks a lot!'];
const TAGS = ['booking', 'billing', 'maintenance', 'vip', 'pets', 'check-in', 'refund'];

export interface SeedResult {
  created: boolean;
  workspaceId: string;
  websiteToken: string;
  logins: { role: string; email: string; password: string }[];
}

export async function seedDemo(env: Env): Promise<SeedResult> {
  const logins = [
    { role: 'manager', email: DEMO.manager.email, password: DEMO.password },
    ...DEMO.staff.map((s) => ({ role: 'staff', email: s.email, password: DEMO.password })),
  ];
  const existing = await env.DB.prepare(`SELECT workspace_id FROM users WHERE email = ?`).bind(DEMO.manager.email).first<string>('workspace_id');
  if (existing) return { created: false, workspaceId: existing, websiteToken: DEMO.websiteToken, logins };

  const { workspaceId: ws, userId: managerId } = await createWorkspace(env, {
    workspaceName: DEMO.workspace,
    name: DEMO.manager.name,
    email: DEMO.manager.email,
    password: DEMO.password,
    timezone: 'Europe/Madrid',
  });
  const hash = await hashPassword(DEMO.password);
  const staffIds = DEMO.staff.map(() => newId('usr'));
  const teamIds = [newId('team'), newId('team')];
  const inboxDefs = [
    { id: newId('inb'), channel: 'webchat', name: 'Website chat', token: DEMO.websiteToken, settings: { greeting: 'Hi! Ask us anything about your stay.', color: '#1f6feb' } },
    { id: newId('inb'), channel: 'whatsapp', name: 'WhatsApp', token: null, settings: {} },
    { id: newId('inb'), channel: 'sms', name: 'SMS', token: null, settings: {} },
    { id: newId('inb'), channel: 'email', name: 'Guest e-mail', token: null, settings: {} },
  ];
  const stmts: D1PreparedStatement[] = [
    env.DB.prepare(`UPDATE workspaces SET business_hours = ? WHERE id = ?`).bind(
      JSON.stringify({ 1: [['09:00', '18:00']], 2: [['09:00', '18:00']], 3: [['09:00', '18:00']], 4: [['09:00', '18:00']], 5: [['09:00', '17:00']] }),
      ws,
    ),
    ...DEMO.staff.map((s, i) =>
      env.DB.prepare(`INSERT INTO users (id, workspace_id, email, name, password_hash, role, skills, languages) VALUES (?, ?, ?, ?, ?, 'staff', ?, ?)`).bind(
        staffIds[i],
        ws,
        s.email,
        s.name,
        hash,
        JSON.stringify(i === 0 ? ['billing', 'vip'] : ['maintenance']),
        JSON.stringify(i === 0 ? ['en', 'es'] : ['en']),
      ),
    ),
    env.DB.prepare(`INSERT INTO teams (id, workspace_id, name) VALUES (?, ?, 'Reservations'), (?, ?, 'Guest care')`).bind(teamIds[0], ws, teamIds[1], ws),
    env.DB.prepare(`INSERT INTO team_members (team_id, user_id, workspace_id) VALUES (?, ?, ?), (?, ?, ?), (?, ?, ?)`).bind(
      teamIds[0],
      staffIds[0],
      ws,
      teamIds[1],
      staffIds[1],
      ws,
      teamIds[0],
      managerId,
      ws,
    ),
    ...TAGS.map((t) => env.DB.prepare(`INSERT INTO tags (id, workspace_id, name) VALUES (?, ?, ?)`).bind(newId('tag'), ws, t)),
  ];
  for (const inbox of inboxDefs) {
    const config = inbox.channel === 'webchat' ? { identitySecret: 'demo-identity-secret' } : {};
    stmts.push(
      env.DB.prepare(`INSERT INTO inboxes (id, workspace_id, channel, name, config_encrypted, website_token, settings) VALUES (?, ?, ?, ?, ?, ?, ?)`).bind(
        inbox.id,
        ws,
        inbox.channel,
        inbox.name,
        await encryptJson(env.ENCRYPTION_KEY, config),
        inbox.token,
        JSON.stringify(inbox.settings),
      ),
    );
  }
  await env.DB.batch(stmts);

  // Contacts, each with an identity on one channel.
  const rand = rng(42);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const contacts: { id: string; name: string; inbox: (typeof inboxDefs)[number] }[] = [];
  const contactStmts: D1PreparedStatement[] = [];
  for (let i = 0; i < 50; i++) {
    const name = `${FIRST[i % FIRST.length]} ${LAST[(i * 7) % LAST.length]}`;
    const id = newId('ct');
    const inbox = inboxDefs[i % inboxDefs.length];
    const phone = `+3460${String(1000000 + i * 7919).slice(-7)}`;
    const email = `${name.split(' ')[0].toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}${i}@example.com`;
    const external = inbox.channel === 'email' ? email : inbox.channel === 'webchat' ? `anon:demo-${i}` : phone;
    contacts.push({ id, name, inbox });
    contactStmts.push(
      env.DB.prepare(`INSERT INTO contacts (id, workspace_id, name, email, phone, tags) VALUES (?, ?, ?, ?, ?, ?)`).bind(id, ws, name, email, phone, JSON.stringify(i % 9 === 0 ? ['vip'] : [])),
      env.DB.prepare(`INSERT INTO contact_identities (id, workspace_id, contact_id, channel, external_id, inbox_id) VALUES (?, ?, ?, ?, ?, ?)`).bind(newId('cid'), ws, id, inbox.channel, external, inbox.id),
    );
  }
  await env.DB.batch(contactStmts);

  // 100 conversations: two per contact, the older one closed; messages through the real paths.
  const agents = [
    { id: managerId, name: DEMO.manager.name },
    ...DEMO.staff.map((s, i) => ({ id: staffIds[i], name: s.name })),
  ];
  const jobs: (() => Promise<void>)[] = [];
  for (let n = 0; n < 100; n++) {
    const contact = contacts[n % contacts.length];
    const older = n < 50;
    const opener = pick(OPENERS);
    const agent = pick(agents);
    const roll = rand();
    const status: ConversationPatch['status'] = older ? 'closed' : roll < 0.55 ? 'open' : roll < 0.75 ? 'pending' : roll < 0.87 ? 'snoozed' : 'closed';
    const assigned = rand() < 0.65;
    const patch: ConversationPatch = {
      assigneeId: assigned ? agent.id : null,
      teamId: rand() < 0.7 ? pick(teamIds) : null,
      priority: pick(['low', 'normal', 'normal', 'normal', 'high', 'urgent'] as const),
      tags: rand() < 0.6 ? [pick(TAGS)] : [],
    };
    const replied = rand() < 0.7;
    const followUp = replied && rand() < 0.5 ? pick(FOLLOW_UPS) : null;
    const reply = pick(REPLIES);
    jobs.push(async () => {
      const target = { workspaceId: ws, contactId: contact.id, inboxId: contact.inbox.id, channel: contact.inbox.channel };
      const author = { type: 'contact' as const, id: contact.id, name: contact.name };
      const first = await deliverInbound(env, target, { direction: 'inbound', author, text: opener, externalId: `seed-${n}-1` });
      const stub = conversationStub(env, ws, first.conversationId);
      await stub.update(patch, { type: 'agent', id: agent.id, name: agent.name });
      if (replied) await stub.addMessage({ direction: 'outbound', author: { type: 'agent', id: agent.id, name: agent.name }, text: reply, externalId: `seed-${n}-2`, status: 'delivered' }, 0);
      if (n % 7 === 0) await stub.addMessage({ direction: 'outbound', author: { type: 'agent', id: agent.id, name: agent.name }, text: 'Guest is a returning customer — offer the loyalty discount.', isInternalNote: true, externalId: `seed-${n}-n` }, 0);
      if (followUp) await stub.addMessage({ direction: 'inbound', author, text: followUp, externalId: `seed-${n}-3` }, 0);
      if (status !== 'open') await stub.update(status === 'snoozed' ? { status, snoozeUntil: Date.now() + (1 + (n % 48)) * 3600_000 } : { status }, { type: 'agent', id: agent.id, name: agent.name });
    });
  }
  // The older conversation of each contact must exist (and close) before the newer one arrives.
  await runAll(jobs.slice(0, 50), 8);
  // Those were closed moments ago, so a new message would reopen them; treat them as long past.
  await env.DB.prepare(`DELETE FROM contact_threads WHERE workspace_id = ?`).bind(ws).run();
  await runAll(jobs.slice(50), 8);
  // Every channel: sandbox credentials and a customer writing in through the channel's own parser.
  await seedChannels(env, ws);
  return { created: true, workspaceId: ws, websiteToken: DEMO.websiteToken, logins };
}

async function runAll(jobs: (() => Promise<void>)[], parallel: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: parallel }, async () => {
      while (next < jobs.length) await jobs[next++]();
    }),
  );
}

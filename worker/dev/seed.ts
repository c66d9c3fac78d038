// The demo workspace `npm start` seeds (development only): a manager, two staff, two teams, a web
// chat inbox and a few others, ~50 contacts and 100 conversations across states, with messages
// dated over the past weeks, then SLA policies, escalation paths, AI alert rules, auto-status and
// routing (worker/dev/seed-automation.ts), then a few guests writing in now that trip them.
// Everything goes through the same paths real traffic takes, so the DOs and D1 agree.
import { createWorkspace } from '../auth/routes';
import { hashPassword } from '../auth/password';
import type { Priority } from '../conversations/model';
import { conversationStub, deliverInbound } from '../conversations/service';
import type { ConversationPatch } from '../conversations/state';
import { encryptJson } from '../crypto/secrets';
import { newId } from '../db/ids';
import { seedChannels } from '../ingest/demo-seed';
import { seedAutomation } from './seed-automation';

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
  'Yes, that works. I have noted it on your booking. Would you like us to arrange an airport pickup too?',
  'Sorry about that — a technician is on the way.',
  'Check-in is from 3pm; for late arrivals we leave the keys in the lockbox.',
  'I have refunded the duplicate charge; it shows in 3–5 days.',
];
/** Things guests said in earlier stays that the team should remember (contact memories are extracted when those conversations closed). */
const MEMORABLE = [
  "By the way, I'm allergic to peanuts, so please no welcome snacks with nuts.",
  "We'd prefer a quiet room away from the street if you have one.",
  'Please contact me by WhatsApp, I rarely check my e-mail.',
  "It's our anniversary that weekend, any tips for a nice dinner?",
  "We're vegetarian, is there a good place for breakfast nearby?",
];

const FOLLOW_UPS = ['Great, thank you!', 'Perfect 👍', 'Still not working…', 'Ok, and what about parking?', 'Thanks a lot!'];
const TAGS = ['booking', 'billing', 'maintenance', 'vip', 'pets', 'check-in', 'refund'];

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/**
 * Marks a message as imported history: the ConversationDO dates the conversation by its createdAt
 * (created, last activity, customer waiting since), so SLA clocks count from then. Live traffic is
 * never marked: a provider's old timestamp must not backdate a conversation.
 */
const HISTORY = { history: true };

type Status = NonNullable<ConversationPatch['status']>;
/** Every ninth demo contact is a VIP (tag 'vip'): the VIP policy, escalation path and routing rule apply to them. */
const vipContact = (i: number) => i % 9 === 0;
/** How a demo conversation stands now: its status and when (before now) its messages were written. */
interface Story {
  status: Status;
  priority?: Priority;
  replied: boolean;
  followUp: boolean;
  /** The guest's first message, this long ago. */
  openedAgo: number;
  /** Our reply, this long after the first message. */
  repliedAfter: number;
  /** The guest's follow-up, this long ago. */
  followUpAgo: number;
}

/**
 * Conversations staged so that, the moment the policies apply, the app shows every SLA state on the
 * around-the-clock policies (business-hours ones depend on when you start): contacts 0, 9, 18, … are VIPs
 * (VIP policy: first response 15 min, resolution 4 h, warning at 75 %).
 */
const STAGED: Record<number, Omit<Story, 'followUpAgo' | 'followUp'>> = {
  // VIP guest waiting 40 min for a first answer: breached (the breach escalation starts).
  50: { status: 'open', priority: 'normal', replied: false, openedAgo: 40 * MIN, repliedAfter: 0 },
  // Urgent, answered, open 3 h 05 min of the 4 h resolution target: warning.
  51: { status: 'open', priority: 'urgent', replied: true, openedAgo: 3 * HOUR + 5 * MIN, repliedAfter: 8 * MIN },
  // An e-mail nobody answered for six days: breached (first response and resolution, business hours).
  53: { status: 'open', priority: 'normal', replied: false, openedAgo: 6 * DAY, repliedAfter: 0 },
  // Our reply has been the last word for 30 h: auto-status moves it to pending.
  55: { status: 'open', priority: 'normal', replied: true, openedAgo: 31 * HOUR, repliedAfter: 40 * MIN },
  // Pending and quiet for four days: auto-closed with the friendly closing message.
  56: { status: 'pending', priority: 'normal', replied: true, openedAgo: 4 * DAY + 2 * HOUR, repliedAfter: HOUR },
  // VIP, answered, 3 h 20 min into the 4 h resolution target: warning.
  59: { status: 'open', priority: 'normal', replied: true, openedAgo: 3 * HOUR + 20 * MIN, repliedAfter: 6 * MIN },
  // VIP who wrote 6 min ago: on track; turns amber at 11¼ min and red at 15 while you watch.
  68: { status: 'open', priority: 'normal', replied: false, openedAgo: 6 * MIN, repliedAfter: 0 },
};

/**
 * When a demo conversation's messages were written (times are relative: the demo always looks current).
 * `fast`: urgent or VIP, on the 15 min / 4 h policies: kept recent, so breaches stay the staged few.
 */
function storyOf(n: number, status: Status, replied: boolean, followUp: boolean, fast: boolean, rand: () => number): Story {
  const between = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo));
  const staged = STAGED[n];
  if (staged) return { ...staged, followUp: false, followUpAgo: 0 };
  const openedAgo =
    n < 50
      ? between(3 * DAY, 24 * DAY)
      : status === 'closed'
        ? between(DAY, 3 * DAY)
        : status === 'pending'
          ? between(2 * HOUR, 2 * DAY)
          : status === 'snoozed'
            ? between(HOUR, 30 * HOUR)
            : !replied
              ? between(3 * MIN, fast ? 10 * MIN : 40 * MIN)
              : fast
                ? between(30 * MIN, 2 * HOUR)
                : followUp
                  ? between(HOUR, 6 * HOUR)
                  : between(HOUR, 20 * HOUR);
  const repliedAfter = Math.min(between(3 * MIN, 30 * MIN), Math.floor(openedAgo / 3));
  const sinceReply = openedAgo - repliedAfter;
  // An open conversation's follow-up is recent (the guest waits on us now); elsewhere anywhere after our reply.
  const followUpAgo = status === 'open' ? Math.min(between(5 * MIN, fast ? 15 * MIN : 50 * MIN), Math.floor(sinceReply / 2)) : Math.floor(sinceReply * (0.2 + 0.6 * rand()));
  return { status, replied, followUp, openedAgo, repliedAfter, followUpAgo };
}

/** Guests who write in while the demo starts, after the automation is in place: alerts, escalations and routing act on them. */
export const LIVE_GUESTS: { name: string; channel: string; tags: string[]; script: { from: 'guest' | 'agent'; text: string }[] }[] = [
  {
    name: 'Isabel Fernández',
    channel: 'webchat',
    tags: ['vip'],
    script: [{ from: 'guest', text: 'Hi, this is Isabel again — we arrive on Friday with the whole family. Could you arrange an early check-in for us?' }],
  },
  {
    name: 'Thomas Becker',
    channel: 'email',
    tags: [],
    script: [{ from: 'guest', text: 'This is unacceptable. The apartment was filthy and nobody answers. I want a full refund or I will file a chargeback.' }],
  },
  {
    name: 'Lucía Romero',
    channel: 'whatsapp',
    tags: [],
    script: [{ from: 'guest', text: 'Quiero un reembolso ya. Si no me contestáis hoy hablaré con mi abogado.' }],
  },
  {
    name: 'Emma Johansson',
    channel: 'sms',
    tags: [],
    script: [
      { from: 'guest', text: 'Everything is perfect, thank you so much! The view is amazing.' },
      { from: 'agent', text: 'So glad you like it, Emma! Enjoy your stay.' },
      { from: 'guest', text: 'The heating does not seem to work tonight and it is quite cold in the bedroom.' },
    ],
  },
];

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
      env.DB.prepare(`INSERT INTO contacts (id, workspace_id, name, email, phone, tags) VALUES (?, ?, ?, ?, ?, ?)`).bind(id, ws, name, email, phone, JSON.stringify(vipContact(i) ? ['vip'] : [])),
      env.DB.prepare(`INSERT INTO contact_identities (id, workspace_id, contact_id, channel, external_id, inbox_id) VALUES (?, ?, ?, ?, ?, ?)`).bind(newId('cid'), ws, id, inbox.channel, external, inbox.id),
    );
  }
  const liveGuests = LIVE_GUESTS.map((g, i) => {
    const id = newId('ct');
    const inbox = inboxDefs.find((x) => x.channel === g.channel)!;
    const email = `${g.name.split(' ')[0].toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}.live${i}@example.com`;
    const phone = `+3461${String(2000000 + i * 7919).slice(-7)}`;
    const external = inbox.channel === 'email' ? email : inbox.channel === 'webchat' ? `anon:demo-live-${i}` : phone;
    contactStmts.push(
      env.DB.prepare(`INSERT INTO contacts (id, workspace_id, name, email, phone, tags) VALUES (?, ?, ?, ?, ?, ?)`).bind(id, ws, g.name, email, phone, JSON.stringify(g.tags)),
      env.DB.prepare(`INSERT INTO contact_identities (id, workspace_id, contact_id, channel, external_id, inbox_id) VALUES (?, ?, ?, ?, ?, ?)`).bind(
        newId('cid'),
        ws,
        id,
        inbox.channel,
        external,
        inbox.id,
      ),
    );
    return { ...g, id, inbox };
  });
  await env.DB.batch(contactStmts);

  // 100 conversations: two per contact, the older one closed; messages through the real paths.
  const agents = [
    { id: managerId, name: DEMO.manager.name },
    ...DEMO.staff.map((s, i) => ({ id: staffIds[i], name: s.name })),
  ];
  const jobs: (() => Promise<void>)[] = [];
  const now = Date.now();
  const clock = rng(7);
  /** Conversations still open, pending or snoozed after the seed: the automation is re-applied to them. */
  const live: string[] = [];
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
    const story = storyOf(n, status, replied, followUp !== null, patch.priority === 'urgent' || vipContact(n % contacts.length), clock);
    if (story.priority) patch.priority = story.priority;
    // Each message carries the time it was written: the conversation's history, and its SLA clocks, start then.
    const openedAt = now - story.openedAgo;
    const repliedAt = openedAt + story.repliedAfter;
    jobs.push(async () => {
      const target = { workspaceId: ws, contactId: contact.id, inboxId: contact.inbox.id, channel: contact.inbox.channel };
      const author = { type: 'contact' as const, id: contact.id, name: contact.name };
      const by = { type: 'agent' as const, id: agent.id, name: agent.name };
      const first = await deliverInbound(env, target, { direction: 'inbound', author, text: opener, externalId: `seed-${n}-1`, createdAt: openedAt, ...HISTORY });
      const stub = conversationStub(env, ws, first.conversationId);
      await stub.update(patch, by);
      if (story.replied) {
        await stub.addMessage({ direction: 'outbound', author: by, text: reply, externalId: `seed-${n}-2`, status: 'delivered', createdAt: repliedAt, ...HISTORY }, 0);
      }
      if (n % 7 === 0) {
        const text = 'Guest is a returning customer — offer the loyalty discount.';
        const at = (story.replied ? repliedAt : openedAt) + MIN;
        await stub.addMessage({ direction: 'outbound', author: by, text, isInternalNote: true, externalId: `seed-${n}-n`, createdAt: at, ...HISTORY }, 0);
      }
      if (older && n % 5 === 0) {
        const text = MEMORABLE[(n / 5) % MEMORABLE.length];
        await stub.addMessage({ direction: 'inbound', author, text, externalId: `seed-${n}-m`, createdAt: openedAt + 2 * MIN, ...HISTORY }, 0);
      }
      if (story.followUp) await stub.addMessage({ direction: 'inbound', author, text: followUp!, externalId: `seed-${n}-3`, createdAt: now - story.followUpAgo, ...HISTORY }, 0);
      if (story.status === 'snoozed') await stub.update({ status: 'snoozed', snoozeUntil: Date.now() + (1 + (n % 48)) * HOUR }, by);
      else if (story.status !== 'open') await stub.update({ status: story.status }, by);
      if (story.status !== 'closed') live.push(first.conversationId);
    });
  }
  // The older conversation of each contact must exist (and close) before the newer one arrives.
  await runAll(jobs.slice(0, 50), 8);
  // Those were closed moments ago, so a new message would reopen them; treat them as long past.
  await env.DB.prepare(`DELETE FROM contact_threads WHERE workspace_id = ?`).bind(ws).run();
  await runAll(jobs.slice(50), 8);

  // The automation goes in after the history: a policy applied to a conversation as it stands now counts
  // from its real start (breached if long overdue), whereas replaying weeks of history through live
  // policies would breach and escalate every old conversation before its reply arrived.
  const { version } = await seedAutomation(env, ws, { managerId, vipHandlerId: staffIds[0], reservationsTeamId: teamIds[0], guestCareTeamId: teamIds[1] });
  await runAll(
    live.map((id) => async () => {
      await conversationStub(env, ws, id).reapplyAutomation(version);
    }),
    8,
  );
  // Guests writing in now: the VIP path, alert rules (sentiment, keywords, mood shift) and routing act on them.
  await runAll(
    liveGuests.map((g, i) => async () => {
      const target = { workspaceId: ws, contactId: g.id, inboxId: g.inbox.id, channel: g.inbox.channel };
      let conversationId: string | null = null;
      for (const [k, line] of g.script.entries()) {
        const externalId = `seed-live-${i}-${k}`;
        if (line.from === 'guest') {
          const author = { type: 'contact' as const, id: g.id, name: g.name };
          conversationId = (await deliverInbound(env, target, { direction: 'inbound', author, text: line.text, externalId })).conversationId;
        } else {
          const agent = { type: 'agent' as const, id: staffIds[1], name: DEMO.staff[1].name };
          await conversationStub(env, ws, conversationId!).addMessage({ direction: 'outbound', author: agent, text: line.text, externalId, status: 'delivered' }, 0);
        }
      }
    }),
    4,
  );
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

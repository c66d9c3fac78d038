// The 100k-conversation data set for the list benchmark: contacts, conversation index rows, their tags
// and message search rows (FTS5 fills itself by trigger), generated as SQL for the bench workspace and
// loaded into the local D1 with `wrangler d1 execute --local` while the server is stopped.
import { spawnSync } from 'node:child_process';
import { sqlChunks } from './lib/sql-chunks.mjs';
import { prng } from './lib/stats.mjs';

const WRANGLER = new URL('../node_modules/wrangler/bin/wrangler.js', import.meta.url).pathname;
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const DAY = 86_400_000;

const FIRST = ['Ana', 'Ben', 'Carla', 'Diego', 'Elena', 'Farid', 'Grace', 'Hugo', 'Inés', 'Jonas', 'Kira', 'Luca', 'Mia', 'Noah', 'Olga', 'Pablo', 'Quinn', 'Rosa', 'Sven', 'Tara', 'Umar', 'Vera', 'Will', 'Xenia', 'Yara', 'Zoe', 'Amir', 'Bea', 'Chen', 'Dana', 'Emil', 'Fatima', 'Gus', 'Hana', 'Ivan', 'Jade', 'Kofi', 'Lena', 'Mateo', 'Nora'];
const LAST = ['García', 'Smith', 'Rossi', 'Müller', 'Silva', 'Kowalski', 'Nguyen', 'Okafor', 'Tanaka', 'Dubois', 'Johnson', 'Kim', 'Novak', 'Haddad', 'Larsen', 'Costa', 'Ivanova', 'Brown', 'Schmidt', 'Moreau', 'Ahmed', 'Sato', 'López', 'Wilson'];
const PRODUCTS = ['blender', 'coffee grinder', 'standing desk', 'headphones', 'backpack', 'sofa cover', 'bike helmet', 'air fryer', 'phone case', 'lamp', 'mattress', 'kettle', 'rain jacket', 'monitor arm', 'yoga mat'];
const CITIES = ['Madrid', 'Lisbon', 'Berlin', 'Lyon', 'Porto', 'Milan', 'Dublin', 'Krakow', 'Vienna', 'Seville', 'Amsterdam', 'Ghent'];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];
const COLORS = ['black', 'white', 'olive', 'navy', 'sand', 'red'];
const PAYMENTS = ['PayPal', 'Visa', 'Mastercard', 'Apple Pay', 'bank transfer'];
const OPENERS = [
  'Hi, I ordered the {product} last week and it still has not arrived. Order #{order}.',
  'I was charged twice for order #{order}, can I get a refund please?',
  'Can I change the delivery address for my {product}? I moved to {city}.',
  'The {product} stopped working after {n} days. What are my options?',
  'Do you ship to {city}? I would like to order a {product} in {color}.',
  'I need to return the {product}, how do I get my money back?',
  'What are your opening hours on {day}?',
  'The app shows an error when I try to pay with {payment}.',
  'Is the {product} available in {color}?',
  'I would like to cancel my subscription before {day}.',
  'Where can I find the invoice for order #{order}?',
  'The courier left the package at the wrong door in {city}.',
  'My {product} arrived damaged, the box was crushed. Refund or replacement?',
  'Hola, ¿el pedido #{order} ya salió del almacén?',
  'Can I get a discount code? I am ordering {n} units of the {product}.',
  'Please update the phone number on my account, the old one does not work.',
  'Hallo, wann kommt meine Bestellung #{order} an?',
  'I have been waiting {n} days for a refund for order #{order}.',
];
const REPLIES = [
  'Thanks for reaching out! Let me check order #{order} for you.',
  'Sorry about that. I have issued a refund; it shows in 3 to 5 business days.',
  'Yes, we ship to {city}. Delivery takes {n} working days.',
  'I have updated the address on your order. Anything else I can help with?',
  'Our opening hours on {day} are 9:00 to 18:00.',
  'A replacement {product} is on its way; no need to send the old one back.',
  'Could you send a photo of the damaged {product}?',
  'Your subscription is cancelled; you will not be charged again.',
];
const FOLLOW_UPS = ['Great, thank you!', 'Perfect, thanks a lot.', 'Still not working, sorry.', 'Ok, and what about the invoice?', 'Got it, the refund arrived.', 'Thanks! Have a nice {day}.'];
const SUBJECTS = ['Order #{order}', 'Refund request', 'Delivery problem', 'Question about {product}', 'Invoice', 'Return of {product}', 'Account update'];
const TAGS = ['billing', 'refund', 'shipping', 'damaged', 'vip', 'returns', 'complaint', 'b2b', 'urgent-followup', 'spanish', 'german'];

// Share of conversations per channel (web chat and e-mail dominate a typical shop's inbox).
const CHANNEL_WEIGHTS = { webchat: 35, email: 25, whatsapp: 15, sms: 10, instagram: 8, messenger: 7 };
const PRIORITY_WEIGHTS = { low: 10, normal: 70, high: 15, urgent: 5 };
const PRIORITY_RANK = { low: 0, normal: 1, high: 2, urgent: 3 };

/**
 * Write the data set as SQL files under `dir` (chunked) and return their paths and some facts about it.
 * `ws` is the workspace from workspace.mjs. `messagesTotal` (0: none added) lengthens threads until the
 * search rows reach about that many: the ~2.3 messages of an opener/reply/follow-up exchange plus a
 * back-and-forth in between, skewed (most threads short, some long) as a real inbox's are.
 */
export function generate(ws, dir, { conversations = 100_000, contacts = 20_000, messagesTotal = 0, seed = 7, now = Date.now() } = {}) {
  const rand = prng(seed);
  // SLA states and read positions draw from their own stream, so adding them left every other draw, and so
  // the rest of the data set, as it was.
  const rand2 = prng(seed + 1_000);
  const pick = (xs) => xs[Math.floor(rand() * xs.length)];
  const weighted = (weights) => {
    const entries = Object.entries(weights);
    const total = entries.reduce((s, [, w]) => s + w, 0);
    let r = rand() * total;
    for (const [k, w] of entries) if ((r -= w) < 0) return k;
    return entries[entries.length - 1][0];
  };
  const id = (prefix, at) => {
    let time = '';
    let t = at;
    for (let i = 0; i < 10; i++) {
      time = ALPHABET[t % 32] + time;
      t = Math.floor(t / 32);
    }
    let r = '';
    for (let i = 0; i < 16; i++) r += ALPHABET[Math.floor(rand() * 32)];
    return `${prefix}_${time}${r}`;
  };
  const fill = (template) =>
    template.replace(/\{(\w+)\}/g, (_, k) => {
      switch (k) {
        case 'product':
          return pick(PRODUCTS);
        case 'city':
          return pick(CITIES);
        case 'day':
          return pick(DAYS);
        case 'color':
          return pick(COLORS);
        case 'payment':
          return pick(PAYMENTS);
        case 'order':
          return String(100000 + Math.floor(rand() * 900000));
        case 'n':
          return String(2 + Math.floor(rand() * 12));
        default:
          return k;
      }
    });

  // Agents: the manager and the staff, with a skewed (Zipf-like) share of assigned work; the manager
  // ranks fourth, a typical working lead rather than the busiest or the idlest.
  const agents = [...ws.staff.slice(0, 3), ws.manager, ...ws.staff.slice(3)];
  const agentWeights = Object.fromEntries(agents.map((a, i) => [i, 1 / (i + 1) ** 0.7]));
  const teamWeights = { 0: 40, 1: 30, 2: 20, 3: 10 };

  const COLUMNS = {
    contacts: 'id, workspace_id, name, email, phone, tags, created_at, updated_at',
    conversations:
      'id, workspace_id, contact_id, inbox_id, channel, status, priority, priority_rank, assignee_id, team_id, subject, tags, snooze_until, closed_at, last_activity_at, last_message_preview, last_message_direction, last_message_author_type, waiting_since, message_count, last_customer_seq, seq, created_at, updated_at, sla_status, sla_due_at, escalation_level, escalated_at',
    conversation_reads: 'conversation_id, user_id, last_read_seq',
    conversation_tags: 'conversation_id, workspace_id, tag',
    message_search: 'message_id, conversation_id, workspace_id, body, seq, inbound, is_note, created_at',
  };
  const out = sqlChunks(dir, 'dataset', COLUMNS);
  const add = out.add;
  const writeChunk = out.chunk;
  const files = out.files;

  // Contacts over the last two years. Rows are written in creation order, so the time-ordered ids
  // append to the primary key instead of landing all over it (a much faster load).
  const contactTimes = Array.from({ length: contacts }, () => now - Math.floor(rand() * 730 * DAY)).sort((a, b) => a - b);
  const contactRows = [];
  for (let i = 0; i < contacts; i++) {
    const created = contactTimes[i];
    const first = pick(FIRST);
    const last = pick(LAST);
    const email = rand() < 0.8 ? `${first.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}.${last.toLowerCase().normalize('NFD').replace(/[^a-z]/g, '')}${i}@example.com` : null;
    const phone = rand() < 0.6 ? `+34 6${String(10000000 + Math.floor(rand() * 89999999))}` : null;
    const cid = id('ct', created);
    contactRows.push({ id: cid, created, name: `${first} ${last}` });
    add('contacts', [cid, ws.workspaceId, `${first} ${last}`, email, phone, rand() < 0.05 ? '["vip"]' : '[]', created, created]);
  }
  writeChunk();

  const counts = { status: { open: 0, pending: 0, snoozed: 0, closed: 0 }, channel: {}, messages: 0, assignedToManager: 0, managerOpen: 0, unassignedOpen: 0, sla: { ok: 0, warning: 0, breached: 0 }, reads: 0 };
  const teamOpen = Object.fromEntries(ws.teams.map((t) => [t.id, 0]));
  // Age skews recent: most conversations are old and closed, the recent ones are the live queue.
  // Extra messages per conversation, on average, for `messagesTotal`; an exponential draw per thread.
  const extraMean = Math.max(0, messagesTotal / conversations - 2.3);
  // Files of ~100k search rows: one `wrangler d1 execute` each stays well under its memory and time.
  const chunkEvery = Math.max(1_000, Math.min(50_000, Math.floor(100_000 / (2.3 + extraMean))));
  const ages = Array.from({ length: conversations }, () => Math.floor(365 * DAY * rand() ** 1.6)).sort((a, b) => b - a);
  for (let n = 0; n < conversations; n++) {
    const ageMs = ages[n];
    const created = now - ageMs;
    const recent = ageMs < 3 * DAY ? 0 : ageMs < 14 * DAY ? 1 : 2;
    const roll = rand();
    const status =
      recent === 0
        ? roll < 0.45 ? 'open' : roll < 0.65 ? 'pending' : roll < 0.7 ? 'snoozed' : 'closed'
        : recent === 1
          ? roll < 0.18 ? 'open' : roll < 0.28 ? 'pending' : roll < 0.33 ? 'snoozed' : 'closed'
          : roll < 0.04 ? 'open' : roll < 0.055 ? 'pending' : roll < 0.06 ? 'snoozed' : 'closed';
    counts.status[status]++;
    const channel = weighted(CHANNEL_WEIGHTS);
    counts.channel[channel] = (counts.channel[channel] ?? 0) + 1;
    const inboxId = ws.inboxes[channel].id;
    // Returning customers: a few contacts have many conversations.
    const contact = contactRows[Math.floor(contacts * rand() ** 1.8)];
    const assigned = status === 'closed' ? rand() < 0.93 : rand() < 0.7;
    const agentIndex = assigned ? Number(weighted(agentWeights)) : -1;
    const agent = assigned ? agents[agentIndex] : null;
    let teamId = null;
    if (agent && agent.teamIds?.length) teamId = pick(agent.teamIds);
    else if (rand() < 0.85) teamId = ws.teams[Number(weighted(teamWeights))].id;
    const priority = weighted(PRIORITY_WEIGHTS);
    const tags = [];
    if (rand() < 0.35) {
      tags.push(pick(TAGS));
      if (rand() < 0.3) {
        const t = pick(TAGS);
        if (!tags.includes(t)) tags.push(t);
      }
    }
    // Messages: the customer's opener, usually an agent reply, sometimes a follow-up.
    const spanMs = Math.min(ageMs, Math.floor(rand() * rand() * 3 * DAY));
    const lastActivity = created + spanMs;
    const messages = [{ text: fill(pick(OPENERS)), inbound: true, at: created }];
    if (rand() < 0.75 || status === 'closed') messages.push({ text: fill(pick(REPLIES)), inbound: false, at: created + Math.floor(spanMs * 0.5) });
    if (rand() < 0.35) messages.push({ text: fill(pick(FOLLOW_UPS)), inbound: true, at: lastActivity });
    if (extraMean > 0) {
      // The back-and-forth between the opener and the last exchange, alternating sides, in time order.
      const extra = Math.round(-Math.log(1 - rand()) * extraMean);
      const between = [];
      for (let k = 0; k < extra; k++) {
        const inbound = k % 2 === 1;
        between.push({ text: fill(pick(inbound ? (rand() < 0.5 ? FOLLOW_UPS : OPENERS) : REPLIES)), inbound, at: created + Math.floor((spanMs * 0.5 * (k + 1)) / (extra + 1)) });
      }
      messages.splice(1, 0, ...between);
    }
    messages[messages.length - 1].at = lastActivity;
    const last = messages[messages.length - 1];
    // Sequence numbers: conversation.created, then each message, then assignment / status changes.
    let seq = 1;
    let lastCustomerSeq = 0;
    const cnv = id('cnv', created);
    for (const m of messages) {
      seq++;
      if (m.inbound) lastCustomerSeq = seq;
      add('message_search', [id('msg', m.at), cnv, ws.workspaceId, m.text, seq, m.inbound ? 1 : 0, 0, m.at]);
      counts.messages++;
    }
    if (assigned) seq++;
    if (status !== 'open') seq++;
    const waitingSince = status === 'open' && last.inbound ? last.at : null;
    if (agent?.id === ws.manager.id) {
      counts.assignedToManager++;
      if (status === 'open') counts.managerOpen++;
    }
    if (!assigned && status === 'open') counts.unassignedOpen++;
    if (teamId && status === 'open') teamOpen[teamId]++;
    // SLA on most of the live queue: on track (some due within the hour), warned, breached; a third of the
    // breached escalated. Closed conversations carry none.
    let sla = [null, null, null, null];
    if (status !== 'closed' && rand2() < 0.8) {
      const r = rand2();
      if (r < 0.08) {
        const due = now - Math.floor(rand2() * 2 * DAY);
        sla = ['breached', due, ...(rand2() < 0.33 ? [1, due + 600_000] : [null, null])];
      } else if (r < 0.18) sla = ['warning', now + Math.floor(rand2() * 3_600_000), null, null];
      else sla = ['ok', now + Math.floor(rand2() * DAY), null, null];
      counts.sla[sla[0]]++;
    }
    // Read positions: the assignee has read their conversations (nearly always up to the end), and the
    // manager has looked at one in seven of the unassigned.
    const reader = agent ?? (rand2() < 1 / 7 ? ws.manager : null);
    if (reader) {
      add('conversation_reads', [cnv, reader.id, rand2() < 0.9 ? seq : Math.max(0, lastCustomerSeq - 1)]);
      counts.reads++;
    }
    add('conversations', [
      cnv,
      ws.workspaceId,
      contact.id,
      inboxId,
      channel,
      status,
      priority,
      PRIORITY_RANK[priority],
      agent?.id ?? null,
      teamId,
      channel === 'email' ? fill(pick(SUBJECTS)) : null,
      JSON.stringify(tags),
      status === 'snoozed' ? now + Math.floor((1 + rand() * 71) * 3_600_000) : null,
      status === 'closed' ? lastActivity : null,
      lastActivity,
      last.text.slice(0, 140),
      last.inbound ? 'inbound' : 'outbound',
      last.inbound ? 'contact' : 'agent',
      waitingSince,
      messages.length,
      lastCustomerSeq,
      seq,
      created,
      lastActivity,
      ...sla,
    ]);
    for (const t of tags) add('conversation_tags', [cnv, ws.workspaceId, t]);
    if ((n + 1) % chunkEvery === 0) writeChunk();
  }
  writeChunk();
  return { files, counts: { conversations, contacts, ...counts, teamOpen } };
}

/** Load the SQL files into the local D1 under `persistTo` (the server must be stopped); `cwd` holds wrangler.toml. */
export function load(files, persistTo, cwd = process.cwd()) {
  for (const file of files) {
    const res = spawnSync(process.execPath, [WRANGLER, 'd1', 'execute', 'DB', '--local', '--persist-to', persistTo, '--file', file], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, CI: 'true', WRANGLER_SEND_METRICS: 'false' },
      maxBuffer: 64 * 1024 * 1024,
    });
    if (res.status !== 0) throw new Error(`loading ${file} failed:\n${res.stdout.slice(-2000)}\n${res.stderr.slice(-2000)}`);
  }
}

#!/usr/bin/env node
// npm run simulate -- [--channel whatsapp|sms|…|all] [--text "…"] [--from <sender>] [--name <name>] [--watch]
//                     [--origin http://127.0.0.1:8787] [--email manager@parley.test] [--password parley-demo]
// Sends provider-exact, correctly signed webhooks to a running Parley (npm start): the server builds
// and signs each one with the inbox's own secret (POST /api/dev/simulate, development only) and this
// script delivers it to /webhooks/:channel/:inboxId as the provider would. --watch then prints what
// Parley sends back through the sandbox transport, as the customer's phone would show it.
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    origin: { type: 'string', default: 'http://127.0.0.1:8787' },
    email: { type: 'string', default: 'manager@parley.test' },
    password: { type: 'string', default: 'parley-demo' },
    channel: { type: 'string', default: 'all' },
    text: { type: 'string' },
    from: { type: 'string' },
    name: { type: 'string', default: 'Simulated Customer' },
    watch: { type: 'boolean', default: false },
    help: { type: 'boolean', short: 'h', default: false },
  },
});

if (args.help) {
  console.log('Usage: npm run simulate -- [--channel <key>|all] [--text "…"] [--from <sender>] [--name <name>] [--watch] [--origin <url>]');
  process.exit(0);
}

const origin = args.origin.replace(/\/+$/, '');
let token = null;

async function api(method, path, body) {
  const res = await fetch(`${origin}${path}`, { method, headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) }, body: body ? JSON.stringify(body) : undefined });
  const text = await res.text();
  let data = text;
  try {
    data = JSON.parse(text);
  } catch {
    // keep text
  }
  return { status: res.status, data };
}

const SAMPLE = {
  whatsapp: 'Hola! Is the sea-view apartment free from the 12th?',
  sms: 'Hi, what time is check-in?',
  voice: 'Hi, this is a voicemail: please call me back about my booking.',
  messenger: 'Can we bring our dog?',
  instagram: 'Loved the photos! Is the loft available in June?',
  telegram: 'Do you have parking near the old town?',
  line: 'こんにちは! Is breakfast included?',
  tiktok: 'Saw your video, how much per night?',
  email: 'Hello,\n\nWe would like a late checkout on Sunday.\n\nThanks!',
  airbnb: 'Hi! Could we check in at 1pm instead of 3pm?',
  vrbo: 'Is there a crib in the apartment?',
  expedia: 'Our flight lands at 11pm, how do we get the keys?',
  bookingcom: 'Is breakfast included in the price?',
  ubereats: 'New order',
  doordash: 'Leave it at the door please',
  rappi: 'Sin cebolla por favor',
  glovo: 'No shellfish, allergy',
  deliveroo: 'Ring the bell twice',
  form: 'Do you have a crib available?',
  review: 'Great view, a bit noisy at night.',
  chatbot: 'I lost my booking code, can I talk to a person?',
};

async function main() {
  const login = await api('POST', '/api/auth/login', { email: args.email, password: args.password }).catch((err) => {
    console.error(`Could not reach ${origin} (${err.message}). Start Parley with \`npm start\` first.`);
    process.exit(1);
  });
  if (login.status !== 200) {
    console.error(`Login failed (${login.status}): ${login.data?.detail ?? JSON.stringify(login.data)}. Is the demo seeded (npm start seeds it)?`);
    process.exit(1);
  }
  token = login.data.token;
  const inboxes = (await api('GET', '/api/inboxes')).data.items.filter((i) => i.channel !== 'webchat' && i.enabled);
  const targets = args.channel === 'all' ? inboxes : inboxes.filter((i) => i.channel === args.channel);
  if (targets.length === 0) {
    console.error(`No enabled inbox for channel "${args.channel}". Inboxes: ${inboxes.map((i) => i.channel).join(', ')}`);
    process.exit(1);
  }
  for (const inbox of targets) {
    const built = await api('POST', '/api/dev/simulate', { inboxId: inbox.id, text: args.text ?? SAMPLE[inbox.channel] ?? 'Hello!', from: args.from, name: args.name });
    if (built.status !== 200) {
      console.log(`✗ ${inbox.channel.padEnd(10)} ${built.data?.detail ?? built.status}`);
      continue;
    }
    const hook = built.data;
    const res = await fetch(hook.url, { method: 'POST', headers: hook.headers, body: hook.body });
    console.log(`${res.status < 300 ? '✓' : '✗'} ${inbox.channel.padEnd(10)} POST ${new URL(hook.url).pathname} → ${res.status}`);
  }
  if (!args.watch) return;
  console.log('\nWatching what Parley sends back (sandbox transport). Reply in the agent app; Ctrl-C to stop.\n');
  let last = (await api('GET', '/api/channels/sandbox/outbound?limit=1')).data.items?.[0]?.id ?? 0;
  for (;;) {
    const res = await api('GET', `/api/channels/sandbox/outbound?after=${last}&limit=100`);
    for (const r of (res.data.items ?? []).reverse()) {
      last = Math.max(last, r.id);
      if (r.purpose !== 'send') continue;
      console.log(`📱 ${r.channel} · ${r.method} ${r.url} · ${r.responseStatus}\n   ${phoneText(r.body)}`);
    }
    await new Promise((r) => setTimeout(r, 2000));
  }
}

function phoneText(body) {
  if (!body) return '';
  try {
    const j = JSON.parse(body);
    return j.text?.body ?? j.text ?? j.message?.text ?? j.message?.content ?? j.messages?.[0]?.text ?? j.body ?? j.data?.text ?? body;
  } catch {
    const form = new URLSearchParams(body);
    return form.get('Body') ?? form.get('Twiml') ?? body.split('\r\n\r\n').slice(1).join('\n').slice(0, 500);
  }
}

await main();

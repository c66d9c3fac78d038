// The demo's channels: every channel gets an inbox with sandbox credentials, and a few customers write
// on each through the same parse path real webhooks take (the simulator's provider-exact payloads run
// through the ingest consumer), so the seeded workspace has conversations on every channel.
import { ADAPTERS } from '../channels/registry';
import { SANDBOX_CONFIG, simulatedEmail, simulateWebhook } from '../channels/simulator';
import type { ChannelKey } from '../inboxes/channels';
import { encryptJson } from '../crypto/secrets';
import { newId } from '../db/ids';
import { processIngestJob } from './consumer';
import { publicUrl } from './inboxes';

type Line = { from: string; name: string; text: string; extra?: Record<string, string> };

const DEMO: Partial<Record<ChannelKey, Line[]>> = {
  whatsapp: [{ from: '34611000101', name: 'Lucía Fernández', text: 'Hola! Is the sea-view apartment free from the 12th to the 19th?' }],
  sms: [{ from: '+15551000102', name: 'Mark Olsen', text: 'Hi, what time is check-in? We land at 11pm.' }],
  voice: [{ from: '+15551000103', name: 'Dana Whitfield', text: 'Hi, this is Dana, please call me back about the parking for my booking next week.' }],
  messenger: [{ from: '7000000104', name: 'Paolo Bianchi', text: 'Can we bring our dog? She is small and very calm.' }],
  instagram: [{ from: '7000000105', name: 'Chloé Martin', text: 'Loved the photos of the loft! Is it free in June?' }],
  telegram: [{ from: '700000106', name: 'Ivan Petrov', text: 'Do you have parking near the old town apartment?' }],
  line: [{ from: 'U9a1b2c3d4e5f60718293a4b5c6d7e8f9', name: 'Yuki Tanaka', text: 'こんにちは! Is breakfast included?' }],
  tiktok: [{ from: 'tiktok-conv-demo-108', name: 'travel.with.sam', text: 'Saw your video — how much per night in August?' }],
  email: [{ from: 'helen.ward@example.com', name: 'Helen Ward', text: 'Hello,\n\nWe would like a late checkout on Sunday if possible.\n\nThanks,\nHelen', extra: { subject: 'Late checkout on Sunday' } }],
  airbnb: [{ from: 'guest-airbnb-110', name: 'Moshe Levi', text: 'Hi! Could we check in at 1pm instead of 3pm?', extra: { reservationId: 'res_airbnb_demo_110', confirmationCode: 'HMX4K2P9QZ' } }],
  vrbo: [{ from: 'guest-vrbo-111', name: 'Karen Hughes', text: 'Is there a crib in the apartment?', extra: { reservationId: 'res_vrbo_demo_111', confirmationCode: 'HA-7TQ2LM' } }],
  expedia: [{ from: 'guest-expedia-112', name: 'Rahul Mehta', text: 'Our flight lands at 11pm, how do we get the keys?', extra: { reservationId: 'res_expedia_demo_112', confirmationCode: 'EXP-99341' } }],
  bookingcom: [{ from: 'guest-bcom-113', name: 'Ines Duarte', text: 'Is breakfast included in the price?', extra: { reservationId: '4117700113', conversationId: 'conv-bcom-113' } }],
  ubereats: [{ from: 'order', name: 'Uber Eats', text: 'New order', extra: { orderId: '3f5c2a70-1b2d-4e6f-8a9b-0c1d2e3f4114' } }],
  doordash: [{ from: '+14155550115', name: 'Rosa Kim', text: 'Leave it at the door please', extra: { orderId: 'D-115' } }],
  rappi: [{ from: '+573001230116', name: 'Juan Pérez', text: 'Sin cebolla por favor', extra: { orderId: '8800116' } }],
  glovo: [{ from: '+34600100117', name: 'Marta Gil', text: 'No shellfish — allergy', extra: { orderId: '1000117' } }],
  deliveroo: [{ from: '+442079460118', name: 'Sam Carter', text: 'Ring the bell twice', extra: { orderId: 'gb:1000118' } }],
  form: [{ from: 'grace.hopper@example.com', name: 'Grace Hopper', text: 'Do you have a crib available for 12–19 May?', extra: { formName: 'Booking enquiry' } }],
  review: [{ from: 'tom', name: 'Tom Becker', text: 'Great view and spotless, but the street is noisy at night.', extra: { rating: '4', title: 'Lovely stay', platform: 'Google' } }],
  chatbot: [{ from: 'bot-user-121', name: 'Olga Ivanova', text: 'I lost my booking code, can I talk to a person?' }],
};

/** Give every channel an inbox with sandbox credentials and a conversation that came in through its parser. */
export async function seedChannels(env: Env, workspaceId: string): Promise<{ inboxes: number; messages: number }> {
  const existing = await env.DB.prepare(`SELECT id, channel FROM inboxes WHERE workspace_id = ?`).bind(workspaceId).all<{ id: string; channel: string }>();
  const byChannel = new Map(existing.results.map((r) => [r.channel, r.id]));
  let messages = 0;
  for (const [channel, config] of Object.entries(SANDBOX_CONFIG) as [ChannelKey, Record<string, unknown>][]) {
    const sealed = await encryptJson(env.ENCRYPTION_KEY, config);
    let inboxId = byChannel.get(channel);
    if (inboxId) {
      await env.DB.prepare(`UPDATE inboxes SET config_encrypted = ? WHERE id = ? AND workspace_id = ?`).bind(sealed, inboxId, workspaceId).run();
    } else {
      inboxId = newId('inb');
      await env.DB.prepare(`INSERT INTO inboxes (id, workspace_id, channel, name, config_encrypted, settings) VALUES (?, ?, ?, ?, ?, '{}')`).bind(inboxId, workspaceId, channel, ADAPTERS[channel].label, sealed).run();
    }
    for (const [i, line] of (DEMO[channel] ?? []).entries()) {
      const id = `demo-${channel}-${i}`;
      const raw =
        channel === 'email'
          ? { method: 'EMAIL', url: `mailto:${config.address}`, headers: { 'content-type': 'message/rfc822' }, body: simulatedEmail({ from: line.from, name: line.name, to: String(config.address), subject: line.extra?.subject ?? 'Question', text: line.text }), receivedAt: Date.now() }
          : { ...(await simulateWebhook({ channel, inboxId, config, origin: publicUrl(env), text: line.text, from: line.from, name: line.name, id, extra: line.extra })), receivedAt: Date.now() };
      await processIngestJob(env, { kind: channel === 'email' ? 'email' : 'webhook', workspaceId, inboxId, channel, raw: { ...raw, headers: Object.fromEntries(Object.entries(raw.headers).map(([k, v]) => [k.toLowerCase(), v])) } });
      messages++;
    }
  }
  // Customers the older seed wrote in directly are "recent" on their channel, so replies to them go out.
  await env.DB.prepare(
    `INSERT OR IGNORE INTO channel_activity (workspace_id, contact_id, channel, inbox_id, last_inbound_at)
     SELECT workspace_id, contact_id, channel, inbox_id, ? FROM contact_identities WHERE workspace_id = ?`,
  )
    .bind(Date.now(), workspaceId)
    .run();
  return { inboxes: Object.keys(SANDBOX_CONFIG).length, messages };
}

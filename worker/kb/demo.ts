// The demo workspace's knowledge (development only, `npm start`): Casa Azul Rentals' Q&A pairs, a
// house-rules article, saved replies, and the web chat assistant in suggest mode, so threads open with drafts.
import { newId } from '../db/ids';
import { database, WorkspaceScope } from '../db/scope';
import { textToHtml } from './html';
import { importArticles, type ArticleInput } from './articles';

const QA: [string, string, string[]][] = [
  ['What time is check-in and check-out?', 'Check-in is from 4 pm and check-out by 11 am. Early check-in from 1 pm (€20) or late check-out until 2 pm (€25) when the calendar allows: ask us the day before.', ['arrival']],
  ['How do we get the keys?', 'Every apartment has a keypad lockbox at the door. We send the code and the address by message 24 hours before you arrive, so late arrivals are fine.', ['arrival', 'keys']],
  ['Are pets allowed?', 'Dogs and cats are welcome in Casa Maré and Cabana Sol (up to two, €30 cleaning fee). Pets are not allowed in the Loft.', ['pets']],
  ['What is the Wi-Fi password?', 'The network name and password are on the card next to the router. If the connection drops, unplug the router for 30 seconds.', ['wifi']],
  ['Is there parking?', 'Every apartment has a free space in the garage on Rua das Flores; the remote is in the key drawer. Height limit 1.9 m.', ['parking']],
  ['Do you have a cot for a baby?', 'Yes: a cot and a high chair, free of charge. Tell us when you book and they will be ready.', ['family']],
  ['Is breakfast included?', 'Breakfast is not included, but each kitchen has coffee, tea and basics for the first morning. Café Azul on the corner serves breakfast from 8 am.', ['food']],
  ['What is the cancellation policy?', 'Free cancellation up to 14 days before arrival; 50% refund between 7 and 14 days; no refund within 7 days unless we rebook the dates. Refunds take 5 to 10 business days.', ['cancellation', 'refund']],
  ['There is no hot water. What do I do?', 'Check that the water heater switch in the kitchen cupboard is on and wait 30 minutes. Still cold? Message us: maintenance comes within 2 hours between 8 am and 10 pm.', ['maintenance']],
  ['Can I change my booking dates or add nights?', 'Yes, if the apartment is free: tell us the new dates and we will send you the difference to pay or refund.', ['booking']],
];

const RULES = `<h2>House rules</h2>
<ul><li>Quiet hours from 10 pm to 8 am: our neighbours live in the same building.</li>
<li>No smoking inside; the balcony is fine.</li>
<li>No parties or events. Only guests on the booking stay overnight.</li>
<li>Please take the rubbish to the bins in the courtyard when you leave.</li></ul>`;

const REPLIES = [
  { name: 'Welcome', shortcut: 'welcome', category: 'Arrival', text: 'Hi {{contact.first_name|there}}! Welcome to Casa Azul. Your check-in is from 4 pm and the lockbox code arrives 24 hours before. Anything else I can help with? — {{agent.first_name}}', variants: { sms: 'Hi {{contact.first_name|there}}! Check-in from 4 pm; lockbox code 24 h before arrival. — Casa Azul' } },
  { name: 'Reservation details', shortcut: 'booking', category: 'Booking', text: 'Your booking {{reservation.reference|}} runs from {{reservation.check_in|your arrival}} to {{reservation.check_out|your departure}}. See you soon!', variants: {} },
  { name: 'Technician on the way', shortcut: 'tech', category: 'Maintenance', text: "Sorry about that, {{contact.first_name|}}! Our technician is on the way and should be with you within 2 hours. I'll keep you posted.", variants: {} },
  { name: 'Review request', shortcut: 'review', category: 'After stay', text: 'Thank you for staying with us, {{contact.first_name|}}! If you enjoyed it, a short review would mean a lot to our small team.', variants: { email: 'Dear {{contact.name|guest}},\n\nThank you for staying with us at Casa Azul. If you enjoyed your stay, a short review would mean a lot to our small team.\n\nWarm regards,\n{{agent.name}}' } },
];

/** Idempotent: does nothing when the workspace already has knowledge sources. */
export async function seedDemoKnowledge(env: Env, workspaceId: string): Promise<void> {
  const scope = new WorkspaceScope(database(env.DB), env.DB, workspaceId);
  if (await scope.prepare(`SELECT 1 FROM kb_articles WHERE workspace_id = ?1 LIMIT 1`).first()) return;
  const articles: ArticleInput[] = [
    ...QA.map(([question, answer, tags]) => ({ kind: 'qa' as const, title: question, body: textToHtml(answer), tags, status: 'published' as const })),
    { kind: 'article', title: 'House rules', body: RULES, tags: ['rules'], status: 'published' },
  ];
  await importArticles({ env, scope, actor: { id: null, name: 'Demo seed' } }, articles);
  const now = Date.now();
  const webchat = await scope.prepare(`SELECT id FROM inboxes WHERE workspace_id = ?1 AND channel = 'webchat' ORDER BY created_at LIMIT 1`).first<string>('id');
  await scope.d1.batch([
    ...REPLIES.map((r) =>
      scope.prepare(
        `INSERT INTO saved_replies (id, workspace_id, name, shortcut, category, text, variants, created_at, updated_at) VALUES (?2, ?1, ?3, ?4, ?5, ?6, ?7, ?8, ?8)`,
        newId('srp'),
        r.name,
        r.shortcut,
        r.category,
        r.text,
        JSON.stringify(r.variants),
        now,
      ),
    ),
    ...(webchat
      ? [scope.prepare(`INSERT INTO ai_assistants (id, workspace_id, mode, threshold, updated_at) VALUES (?2, ?1, 'suggest', 0.7, ?3) ON CONFLICT(id) DO NOTHING`, webchat, now)]
      : []),
  ]);
}

// The template page's client model (web/app/messaging/templates/model.ts): WhatsApp's {{n}} parameters,
// merge-field insertion, status words, and — against the real API — that what the editor sends is
// what the server takes, and that the saved template reads back as "no unsaved changes".
import { describe, expect, it } from 'vitest';
import { blankDraft, draftOf, insertAt, isDirty, nextParameter, parameterKeys, reasonWords, requestBody, statusWords, type Draft, type Template } from '../../web/app/messaging/templates/model';
import { call, newWorkspace } from '../helpers';

describe('template page model', () => {
  it('finds the WhatsApp parameters of the body and a text header, and the next free number', () => {
    expect(parameterKeys({ body: 'Hi {{2}}, {{1}} and {{2}} again', header: { format: 'text', text: 'For {{1}}' } })).toEqual(['header.1', '1', '2']);
    expect(parameterKeys({ body: 'No parameters', header: { format: 'image', mediaUrl: 'https://x.test/a.png' } })).toEqual([]);
    expect(nextParameter('Hello {{1}}, see {{3}}')).toBe(4);
    expect(nextParameter('Hello')).toBe(1);
  });

  it('inserts at the caret, with a space when the text before has none', () => {
    expect(insertAt('Hi there', 2, 2, '{{contact.first_name}}')).toEqual({ text: 'Hi {{contact.first_name}} there', caret: 25 });
    expect(insertAt('Hi ', 3, 3, '{{1}}')).toEqual({ text: 'Hi {{1}}', caret: 8 });
    expect(insertAt('', 0, 0, '{{1}}')).toEqual({ text: '{{1}}', caret: 5 });
    expect(insertAt('Hi NAME!', 3, 7, '{{1}}')).toEqual({ text: 'Hi {{1}}!', caret: 8 });
  });

  it('says the approval status in words, with Meta’s reason readable', () => {
    expect(statusWords({ channel: 'whatsapp', status: 'pending' }).label).toBe('Waiting for approval');
    expect(statusWords({ channel: 'whatsapp', status: 'rejected' })).toEqual({ label: 'Rejected', tone: 'bad' });
    expect(statusWords({ channel: 'sms', status: 'active' }).label).toBe('Ready to use');
    expect(reasonWords('INVALID_FORMAT')).toBe('Invalid format');
    expect(reasonWords('The footer is promotional')).toBe('The footer is promotional');
    expect(reasonWords(null)).toBeNull();
  });

  it('sends only the parameters the text still uses, and e-mail text follows the HTML until written', () => {
    const wa: Draft = { ...blankDraft('whatsapp'), name: 'x', body: 'Hi {{1}}!', variables: { 1: 'contact.first_name', 2: 'order.reference' }, examples: { 1: 'Maria', 2: '' } };
    expect(requestBody(wa)).toMatchObject({ variables: { 1: 'contact.first_name' }, examples: { 1: 'Maria' }, footer: null });
    const mail: Draft = { ...blankDraft('email'), name: 'm', subject: 'S', html: '<p>Hi</p>', body: 'Hi' };
    expect(requestBody(mail)).toMatchObject({ html: '<p>Hi</p>', body: null });
    expect(requestBody({ ...mail, bodyFromHtml: false })).toMatchObject({ body: 'Hi' });
  });

  it('what the editor sends is accepted as is, and reads back with no unsaved changes (every channel)', async () => {
    const ws = await newWorkspace('Casa Azul');
    const drafts: Draft[] = [
      { ...blankDraft('sms'), name: 'Arrival', category: 'marketing', body: 'Hi {{contact.first_name}}, your room is ready.' },
      {
        ...blankDraft('whatsapp'),
        name: 'booking_ready',
        body: 'Hello {{1}}, your booking {{2}} is confirmed.',
        header: { format: 'text', text: 'Booking {{1}}' },
        footer: 'Casa Azul',
        buttons: [{ type: 'QUICK_REPLY', text: 'Thanks!' }, { type: 'URL', text: 'Directions', url: 'https://maps.example/casa' }],
        variables: { 'header.1': 'reservation.reference', 1: 'contact.first_name', 2: 'reservation.reference' },
        examples: { 'header.1': 'HMQ8ZK2', 1: 'Maria', 2: 'HMQ8ZK2' },
      },
      { ...blankDraft('email'), name: 'Welcome', subject: 'Your stay at {{workspace.name}}', html: '<style>.n{color:#0a7a4b}</style><p class="n">Welcome, {{contact.first_name}}!</p>' },
    ];
    for (const d of drafts) {
      const res = await call<Template>('POST', '/api/templates', { token: ws.token, body: { ...requestBody(d), channel: d.channel } });
      expect(res.status, JSON.stringify(res.body)).toBe(201);
      const back = draftOf(res.body);
      expect(isDirty(back, res.body)).toBe(false);
      // An edit the author makes is a change; the same text again is not.
      expect(isDirty({ ...back, name: `${back.name}_2` }, res.body)).toBe(true);
      const patch = await call<Template>('PATCH', `/api/templates/${res.body.id}`, { token: ws.token, body: requestBody(back) });
      expect(patch.status, JSON.stringify(patch.body)).toBe(200);
      expect(patch.body.version).toBe(1);
    }
  });
});

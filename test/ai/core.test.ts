// The pure core of the AI features: language, retrieval helpers, fusion, drafting, styles, merge
// fields, summaries and the time budget. No bindings involved.
import { describe, expect, it } from 'vitest';
import { asksForHuman } from '../../worker/ai/assistant';
import { BudgetExceeded, withBudget } from '../../worker/ai/budget';
import { ftsQuery } from '../../worker/ai/bm25-retriever';
import { calibrated, confidenceFeatures } from '../../worker/ai/confidence';
import { answerSentences, ExtractiveDrafter, passageConfidence, type DraftContext } from '../../worker/ai/drafter';
import { reciprocalRankFusion } from '../../worker/ai/hybrid-retriever';
import { coverage, questionTerms, type Passage } from '../../worker/ai/retriever';
import { clip, compose, DEFAULT_STYLE, greetableName } from '../../worker/ai/style';
import { ExtractiveSummarizer, followUpSuggestions } from '../../worker/ai/summarizer';
import { expand } from '../../worker/ai/synonyms';
import { detectLanguage, sentences, stem, terms } from '../../worker/ai/text';
import { checkFields, lookup, nameParts, renderFields } from '../../worker/replies/merge-fields';

const passage = (over: Partial<Passage> = {}): Passage => ({
  articleId: 'kba_1',
  position: 0,
  title: 'Check-in time and arriving',
  text: 'Check-in is from 4 pm on the day of arrival. All our apartments have self check-in with a keypad lockbox. Early check-in from 1 pm costs €20.',
  kind: 'article',
  sourceUrl: null,
  score: 10,
  coverage: 1,
  ...over,
});

describe('language', () => {
  it('detects the language of short customer messages', () => {
    expect(detectLanguage('Hi, what time is check-in?')).toBe('en');
    expect(detectLanguage('Hola, ¿a qué hora es el check-in?')).toBe('es');
    expect(detectLanguage('Olá, vocês aceitam cães?')).toBe('pt');
    expect(detectLanguage('Bonjour, est-ce que le parking est gratuit ?')).toBe('fr');
    expect(detectLanguage('Hallo, ist das Frühstück inklusive?')).toBe('de');
    expect(detectLanguage('12345')).toBe('en');
  });
  it('stems like the index does, and drops stop words', () => {
    expect(stem('parking')).toBe('park');
    expect(stem('policies')).toBe('polici');
    expect(stem('checked')).toBe('check');
    expect(terms("Hi! What's the wifi password, please?")).toEqual(['wifi', 'password']);
  });
  it('splits sentences and list items', () => {
    expect(sentences('First one. Second one!\n- third item\nFourth? Yes.')).toEqual(['First one.', 'Second one!', 'third item', 'Fourth?', 'Yes.']);
  });
});

describe('retrieval helpers', () => {
  it('builds an FTS5 query that is pinned to the workspace and cannot inject syntax', () => {
    const q = ftsQuery('wsp_01ABC', 'dog "OR" NEAR(x) *');
    expect(q).toMatch(/^ws : "wsp01abc" AND \(/);
    expect(q).toContain('"dog"');
    expect(q).toContain('"pets"');
    expect(q).not.toMatch(/NEAR\(|\*/);
    expect(ftsQuery('wsp_1', 'hi there, thanks!')).toBeNull();
  });
  it('widens words with synonyms, never with the word itself', () => {
    expect(expand('dog')).toContain('pet');
    expect(expand('dog')).not.toContain('dog');
    expect(expand('zebra')).toEqual([]);
  });
  it('measures coverage, synonyms counting a little less', () => {
    expect(coverage(['parking', 'car'], 'Free parking for your car')).toBe(1);
    expect(coverage(['dog'], 'Pets are welcome')).toBe(0.75);
    expect(coverage(['sauna'], 'Pets are welcome')).toBe(0);
  });
  it('fuses rankings by reciprocal rank: agreement beats a single first place', () => {
    const fused = reciprocalRankFusion([
      ['a', 'b', 'c'],
      ['b', 'd', 'a'],
    ]);
    expect(fused.map((f) => f.id)).toEqual(['b', 'a', 'd', 'c']);
    expect(fused[0].score).toBeCloseTo(1 / 62 + 1 / 61);
  });
});

describe('drafting', () => {
  const ctx = (over: Partial<DraftContext> = {}): DraftContext => ({
    question: 'What time is check-in?',
    conversation: [{ role: 'customer', text: 'What time is check-in?' }],
    passages: [passage()],
    history: [],
    channel: 'webchat',
    language: 'en',
    style: DEFAULT_STYLE,
    contactName: 'Ana García',
    segment: 'new',
    workspaceName: 'Casa Azul',
    ...over,
  });

  it('picks the sentences that answer, in their order; numbers win for "what time"', () => {
    expect(answerSentences('What time is check-in?', passage(), 300)).toContain('Check-in is from 4 pm');
    expect(answerSentences('How much is early check-in?', passage(), 300)).toContain('€20');
  });
  it('greets by first name, answers from the passage, closes, and cites the source', async () => {
    const [first] = await new ExtractiveDrafter().draft(ctx());
    expect(first.text).toMatch(/^Hi Ana! .*Check-in is from 4 pm.*Let me know if there's anything else I can do for you!$/);
    expect(first.kind).toBe('kb');
    expect(first.sources).toEqual([{ type: 'article', id: 'kba_1', title: 'Check-in time and arriving', kind: 'article', url: null }]);
    expect(first.confidence).toBeGreaterThan(0.7);
  });
  it('keeps SMS within two segments and gives e-mail a greeting line and a sign-off', async () => {
    const long = passage({ text: `${'Check-in is from 4 pm and the lockbox code arrives the day before. '.repeat(12)}` });
    for (const d of await new ExtractiveDrafter().draft(ctx({ channel: 'sms', passages: [long] }))) expect(d.text.length).toBeLessThanOrEqual(320);
    const [mail] = await new ExtractiveDrafter().draft(ctx({ channel: 'email', style: { tone: 'neutral', formality: 'formal', signature: 'Casa Azul · +351 210 000 000' } }));
    expect(mail.text.split('\n\n')[0]).toBe('Dear Ana García,');
    expect(mail.text).toMatch(/Kind regards,\n\{\{agent\.name\}\}\nCasa Azul · \+351 210 000 000$/);
  });
  it('speaks the customer’s language and formality; VIPs are addressed formally', async () => {
    const [es] = await new ExtractiveDrafter().draft(ctx({ language: 'es', question: '¿A qué hora es el check-in?' }));
    expect(es.text.startsWith('¡Hola, Ana!')).toBe(true);
    const [vip] = await new ExtractiveDrafter().draft(ctx({ segment: 'vip' }));
    expect(vip.text.startsWith("Hello Ana García, It's always a pleasure to help you.")).toBe(true);
  });
  it('without a matching passage, offers an acknowledgement without sources', async () => {
    const drafts = await new ExtractiveDrafter().draft(ctx({ passages: [], question: 'Is there a sauna?' }));
    expect(drafts).toHaveLength(1);
    expect(drafts[0]).toMatchObject({ kind: 'fallback', confidence: 0, sources: [] });
    expect(drafts[0].text).toContain('Let me check');
  });
  it('offers an earlier reply to this contact as a candidate, citing its conversation', async () => {
    const drafts = await new ExtractiveDrafter().draft(ctx({ history: [{ conversationId: 'cnv_1', messageId: 'msg_1', text: 'Check-in starts at 4 pm, see you then!', coverage: 1 }] }));
    expect(drafts.find((d) => d.kind === 'history')?.sources).toEqual([{ type: 'conversation', id: 'cnv_1', messageId: 'msg_1' }]);
  });
  it('confidence follows coverage and standing; one-word questions are capped', () => {
    const q = 'What time is check-in for the apartment?';
    const best = passage({ matched: ['time', 'check', 'apartment'] });
    const lower = passage({ articleId: 'kba_2', coverage: 0.5, score: 5, matched: ['time'] });
    const list = [best, lower];
    expect(passageConfidence(lower, list, q)).toBeLessThan(passageConfidence(best, list, q));
    expect(passageConfidence(lower, list, q)).toBeLessThan(passageConfidence({ ...lower, coverage: 1, matched: ['time', 'check', 'apartment'] }, list, q));
    expect(passageConfidence(best, [best], 'wifi?')).toBeLessThanOrEqual(0.5);
    expect(passageConfidence(passage({ coverage: 0 }), list, q)).toBe(0);
    expect(passageConfidence(passage({ coverage: 0.2, similarity: 0.85 }), [passage({ coverage: 0.2, similarity: 0.85 })], q)).toBe(1);
  });
  it('calibrated confidence: a clear lead, the title and coverage raise it; matching only through a translation or lacking the asked-for figure lowers it', () => {
    // Unrounded probabilities: a strong match saturates near 1 once rounded to two decimals.
    const q = 'What time is check-in for the apartment?';
    const p = (x: Passage, list: Passage[]) => calibrated(confidenceFeatures(x, list, q, 3));
    const best = passage({ coverage: 0.8, titleCoverage: 0.5, matched: ['time', 'check', 'apartment'] });
    const close = passage({ articleId: 'kba_2', score: 9.5, coverage: 0.8, matched: ['time', 'check', 'apartment'] });
    const far = passage({ articleId: 'kba_3', score: 3, coverage: 0.3, matched: ['apartment'] });
    expect(p(best, [best, far])).toBeGreaterThan(p(best, [best, close]));
    const untitled = { ...best, titleCoverage: 0 };
    expect(p(best, [best, far])).toBeGreaterThan(p(untitled, [untitled, far]));
    const translated = { ...best, crossLingual: 0.5 };
    expect(p(best, [best, far])).toBeGreaterThan(p(translated, [translated, far]));
    const noFigure = { ...best, text: 'Check-in is in the afternoon; the lockbox code is sent the day before.' };
    expect(p(best, [best, far])).toBeGreaterThan(p(noFigure, [noFigure, far]));
    const partial = { ...best, coverage: 0.33, titleCoverage: 0, matched: ['apartment'] };
    expect(p(best, [best, far])).toBeGreaterThan(p(partial, [partial, far]));
  });
});

describe('style', () => {
  it('greets only real names', () => {
    expect(greetableName('ana maria')).toEqual({ first: 'ana', full: 'ana maria' });
    expect(greetableName('ana@example.com')).toBeNull();
    expect(greetableName('+351 912 345 678')).toBeNull();
    expect(greetableName(null)).toBeNull();
  });
  it('drops the closing before cutting the answer, and cuts at a sentence end', () => {
    const f = { language: 'en' as const, style: DEFAULT_STYLE, channel: 'sms', contactName: null, segment: 'new' as const };
    expect(compose(f, 'Short answer.')).toBe("Hi there! Short answer. Let me know if there's anything else I can do for you!");
    expect(clip('One sentence here. Another one that is long.', 30)).toBe('One sentence here.');
  });
});

describe('merge fields', () => {
  const ctx = { contact: { ...nameParts('Ana García'), email: 'ana@example.com', roomType: 'Sea view' }, agent: { ...nameParts('Sam Staff') }, reservation: { checkIn: '2026-07-01', reference: 'HMABC' } };
  it('fills fields in any spelling of the key, with fallbacks; reports what is missing', () => {
    const r = renderFields('Hi {{contact.first_name}}, your {{contact.room_type}} room ({{ reservation.reference }}) from {{reservation.check_in}}. {{order.eta|soon}} — {{agent.first_name}}{{contact.phone}}', ctx);
    expect(r.text).toBe('Hi Ana, your Sea view room (HMABC) from 2026-07-01. soon — Sam');
    expect(r.missing).toEqual(['contact.phone']);
  });
  it('tidies the gaps empty fields leave', () => {
    expect(renderFields('Hi {{contact.first_name}} , thanks', {}).text).toBe('Hi, thanks');
  });
  it('validates templates: unknown namespaces and unknown keys of closed namespaces', () => {
    expect(checkFields('{{contact.anything}} {{reservation.whatever}} {{agent.name}}')).toEqual([]);
    expect(checkFields('{{agent.salary}}')[0]).toContain('agent has name, first_name, email');
    expect(checkFields('{{user.name}}')[0]).toContain('unknown merge field {{user.name}}');
  });
  it('looks keys up across camelCase and snake_case', () => {
    expect(lookup({ checkInDate: 'x' }, 'check_in_date')).toBe('x');
    expect(lookup({ check_in: 'y' }, 'checkIn')).toBe('y');
  });
});

describe('summaries', () => {
  const messages = [
    { role: 'customer' as const, name: 'Ana', text: 'Hi! The hot water is not working in apartment 3B. Can someone come tomorrow morning?', at: 1 },
    { role: 'agent' as const, name: 'Sam', text: 'Sorry about that! I will send our technician tomorrow at 9 am to fix the water heater.', at: 2 },
    { role: 'note' as const, name: 'Sam', text: 'VIP guest', at: 3 },
    { role: 'customer' as const, name: 'Ana', text: 'Great, thank you.', at: 4 },
  ];
  it('states the request, our answer and where it stands', async () => {
    const s = await new ExtractiveSummarizer().summarize({ messages, contactName: 'Ana García', status: 'open' });
    expect(s.summary).toContain('Ana asked: "Can someone come tomorrow morning?"');
    expect(s.summary).toContain('We answered: "I will send our technician tomorrow at 9 am to fix the water heater."');
    expect(s.summary).toContain('Waiting on us');
    expect(s.summary).not.toContain('VIP guest');
  });
  it('suggests follow-ups from promises, dates, problems and unanswered messages', () => {
    const f = followUpSuggestions({ messages, contactName: 'Ana García', status: 'open' });
    expect(f[0]).toBe('Reply to Ana\'s last message: "Great, thank you."');
    expect(f).toContain('Do what was promised: "I will send our technician tomorrow at 9 am to fix the water heater."');
    expect(f.some((x) => x.startsWith('Check in around "tomorrow"'))).toBe(true);
    expect(f).toContain('Confirm with Ana that the problem is solved');
    expect(followUpSuggestions({ messages: messages.slice(1, 2), contactName: null, status: 'closed' })).toContain('Do what was promised: "I will send our technician tomorrow at 9 am to fix the water heater."');
  });
});

describe('assistant and budget', () => {
  it('recognizes a customer asking for a human, in several languages', () => {
    for (const t of ['Can I talk to a human please?', 'I want a real person', 'quiero hablar con una persona', 'posso falar com um atendente?', 'je veux parler à un conseiller']) expect(asksForHuman(t), t).toBe(true);
    for (const t of ['What time is check-in?', 'Is the humidity high in August?']) expect(asksForHuman(t), t).toBe(false);
  });
  it('aborts a call that outlives its budget, whether or not it listens to the signal', async () => {
    let aborted = false;
    const started = Date.now();
    await expect(
      withBudget(50, (signal) => {
        signal.addEventListener('abort', () => (aborted = true));
        return new Promise(() => {});
      }),
    ).rejects.toBeInstanceOf(BudgetExceeded);
    expect(aborted).toBe(true);
    expect(Date.now() - started).toBeLessThan(1000);
    await expect(withBudget(1000, async () => 'fast')).resolves.toBe('fast');
  });
});

describe('question words and stop words', () => {
  it("drop the question's own language's stop words when the vote is clear, every language's when it is not", () => {
    // A clear English question: "sea" (a Spanish function word) is what it is about.
    expect(questionTerms('does the balcony have a sea view?')).toEqual(['balcony', 'sea', 'view']);
    expect(coverage(questionTerms('does the balcony have a sea view?'), 'Every room has a balcony with a sea view.')).toBe(1);
    // A short French question that votes Spanish: its own "il" must not pass for content.
    expect(questionTerms('y a-t-il un lit bebe?')).not.toContain('il');
    expect(questionTerms('¿Hay secador de pelo en la habitación?')).toEqual(['secador', 'pelo', 'habitacion']);
  });
});

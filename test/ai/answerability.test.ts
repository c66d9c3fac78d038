// Answerability: the salient words of a question, whether the knowledge mentions them, and the cap it
// puts on answer confidence. Units, then the real retriever over D1 (the keyword candidates decide
// what the knowledge "mentions").
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { mentionedTerms, mentions, salientTerms, vocabulary, withinOneEdit } from '../../worker/ai/answerability';
import { answerability, confidenceCap, UNANSWERED_CAP } from '../../worker/ai/confidence';
import { passageConfidence } from '../../worker/ai/drafter';
import { bm25 } from '../../worker/ai/providers';
import type { Passage } from '../../worker/ai/retriever';
import { database, WorkspaceScope } from '../../worker/db/scope';
import { call, newWorkspace } from '../helpers';

const passage = (over: Partial<Passage> = {}): Passage => ({
  articleId: 'kba_1',
  position: 0,
  title: 'Rental prices',
  text: 'A city bike costs €15 per day. Helmets and locks are included.',
  kind: 'article',
  sourceUrl: null,
  score: 10,
  coverage: 0.5,
  ...over,
});

describe('salient words', () => {
  it('keeps what the question is about and drops the asking words and figures, in the four languages', () => {
    expect(salientTerms('do you rent kayaks?')).toEqual(['kayaks']);
    expect(salientTerms('Can I book a table for 4 this Friday at 8?')).toEqual(['book', 'table']);
    expect(salientTerms('¿venden bicicletas usadas?')).toEqual(['bicicletas', 'usadas']);
    expect(salientTerms('vocês alugam caiaques?')).toEqual(['caiaques']);
    expect(salientTerms('combien coûte le taxi depuis l’aéroport ?')).toEqual(['taxi', 'aeroport']);
    expect(salientTerms('how much does it cost?')).toEqual([]);
  });
  it('finds a word itself, through a synonym, a translation, or with one typo in a longer word', () => {
    const have = vocabulary(['The Wi-Fi password is on the router. Dogs are welcome.']);
    expect(mentions(have, 'password', 'en')).toBe(true);
    expect(mentions(have, 'pasword', 'en')).toBe(true);
    expect(mentions(have, 'pets', 'en')).toBe(true);
    expect(mentions(have, 'contraseña', 'es')).toBe(true);
    expect(mentions(have, 'sauna', 'en')).toBe(false);
    expect(mentions(have, 'dig', 'en')).toBe(false); // short words get no typo allowance
    expect(withinOneEdit('resevation', 'reservation')).toBe(true);
    expect(withinOneEdit('reservaiton', 'reservation')).toBe(true);
    expect(withinOneEdit('reservation', 'preservations')).toBe(false);
    expect(mentionedTerms('do you have tandem bikes?', ['City bikes and electric bikes for rent.'])).toEqual(['bikes']);
  });
});

describe('answerability cap', () => {
  const q = 'do you rent kayaks?';
  it('caps a source when the question is about something the knowledge never mentions', () => {
    const p = passage({ matched: ['rent'], salient: ['kayaks'], salientCovered: [], known: [] });
    expect(answerability(p, [p])).toMatchObject({ salient: 1, salientShare: 0, neverMentioned: 1 });
    expect(confidenceCap(p, [p], 2)).toBe(UNANSWERED_CAP);
    expect(passageConfidence(p, [p], q)).toBeLessThanOrEqual(UNANSWERED_CAP);
  });
  it('does not cap when the source covers what is asked about, or when the retriever reports no salient words', () => {
    const p = passage({ matched: ['rent', 'kayaks'], coverage: 1, salient: ['kayaks'], salientCovered: ['kayaks'], known: ['kayaks'] });
    expect(confidenceCap(p, [p], 2)).toBe(1);
    // Most of what is named is covered: one unknown detail does not make it unanswerable.
    const detail = passage({ salient: ['bike', 'stolen', 'cafe'], salientCovered: ['bike', 'stolen'], known: ['bike', 'stolen'] });
    expect(confidenceCap(detail, [detail], 4)).toBe(1);
    const bare = passage({ matched: ['rent'] });
    expect(confidenceCap(bare, [bare], 2)).toBe(1);
  });
  it('judges the words the retriever looked up, not earlier messages joined to the question', () => {
    // Suggestions retrieve for the latest message; the drafter's question also holds the earlier ones.
    const p = passage({ title: 'Wi-Fi', text: 'The Wi-Fi password is on the router.', matched: ['wifi', 'password'], coverage: 1, salient: ['wifi', 'password'], salientCovered: ['wifi', 'password'], known: ['wifi', 'password'] });
    const question = 'Hello, we booked the Loft for the carnival week\nwhats the wifi password';
    expect(confidenceCap(p, [p], 6)).toBe(1);
    expect(passageConfidence(p, [p], question)).toBeGreaterThan(UNANSWERED_CAP);
  });
  it('keeps the one-word cap', () => {
    const p = passage({ salient: ['helmet'], salientCovered: ['helmet'], known: ['helmet'] });
    expect(confidenceCap(p, [p], 1)).toBe(0.5);
  });
});

describe('answerability over the real index', () => {
  it('marks a thing the knowledge base never mentions, and keeps a typo-ed question answerable', async () => {
    const ws = await newWorkspace('Bikes');
    const articles = [
      { title: 'Rental prices', body: '<p>We rent city bikes at €15 per day and electric bikes at €35 per day. A helmet and a lock are included.</p>' },
      { title: 'Opening hours', body: '<p>Our shop is open every day from 9:00 to 19:00. Please bring the bike back before we close.</p>' },
      { title: 'Wi-Fi at the shop', body: '<p>The guest Wi-Fi password is on the counter.</p>' },
    ];
    const res = await call('POST', '/api/kb/import', { token: ws.token, body: { articles: articles.map((a) => ({ kind: 'article', ...a, tags: [], status: 'published' })) } });
    expect(res.status).toBe(201);
    const scope = new WorkspaceScope(database(env.DB), env.DB, ws.workspaceId);

    const kayaks = await bm25.search(scope, 'do you rent kayaks?', { limit: 3 });
    expect(kayaks.length).toBeGreaterThan(0); // "rent" reaches the rental prices
    expect(kayaks[0].known).toEqual([]);
    expect(passageConfidence(kayaks[0], kayaks, 'do you rent kayaks?')).toBeLessThanOrEqual(UNANSWERED_CAP);

    const q = 'whats the wifi pasword';
    const wifi = await bm25.search(scope, q, { limit: 3 });
    expect(wifi[0].title).toBe('Wi-Fi at the shop');
    expect(wifi[0].salientCovered).toEqual(['wifi', 'pasword']);
    expect(confidenceCap(wifi[0], wifi, 2)).toBe(1);
  });
});

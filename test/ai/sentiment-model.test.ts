// The learned sentiment model (worker/ai/sentiment/model.ts) and the offline analyzer built on it
// (local.ts). Its quality is measured on held-out sets by test/ai-eval/; this pins what it is: the
// shipped table decodes to the features it was trained with, probabilities are a distribution, the
// score sits on the rules' scale, and messages whose reading is not in doubt in any of the four
// languages come out right. test/node/sentiment-model.test.mjs checks the table is the one the
// committed training files train.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { localAnalyzer, readSentiment, sentimentAnalyzer } from '../../worker/ai/sentiment';
import { blendScore, scoreWithin } from '../../worker/ai/sentiment/local';
import { LABEL_THRESHOLD } from '../../worker/ai/sentiment/lexicon';
import en2 from '../fixtures/sentiment-train/en-2.json';
import es2 from '../fixtures/sentiment-train/es-2.json';
import fr2 from '../fixtures/sentiment-train/fr-2.json';
import pt2 from '../fixtures/sentiment-train/pt-2.json';
import { FEATURE_BITS, features, hashFeature } from '../../worker/ai/sentiment/features';
import { analyzeText } from '../../worker/ai/sentiment/lexicon';
import { classify, CLASSES, decodeWeights, type ModelWeights } from '../../worker/ai/sentiment/model';
import weights from '../../worker/ai/sentiment/model-weights.json';

describe('learned sentiment model', () => {
  it('ships a table for these features, trained on thousands of messages', () => {
    const w = weights as ModelWeights;
    expect(w.bits).toBe(FEATURE_BITS);
    expect(w.classes).toEqual([...CLASSES]);
    expect(w.trainedOn.items).toBeGreaterThan(2000);
    expect(w.trainedOn.files.some((f) => f.includes('sentiment-train/'))).toBe(true);
    // No held-out set is ever trained on.
    expect(w.trainedOn.files.filter((f) => /heldout|holdout|ai-eval/.test(f))).toEqual([]);
    expect(() => decodeWeights({ ...w, bits: FEATURE_BITS - 1 })).toThrow(/does not match/);
    expect(() => decodeWeights({ ...w, classes: ['positive', 'neutral', 'negative'] })).toThrow(/does not match/);
    // A cut-off table fails loudly instead of looping.
    expect(() => decodeWeights({ ...w, buckets: w.buckets.slice(0, 400) })).toThrow(/truncated|differ/);
  });

  it('hashes feature names into the table stably, as the trainer did under Node', () => {
    // Pinned: the table was trained with this bucket for this name; a different hash in workerd would misread every weight.
    expect(hashFeature('w:refund')).toBe(147534);
    expect(hashFeature('w:refund')).not.toBe(hashFeature('w:refunds'));
    for (const n of ['bias', 'w:ok', 'c:^gr', '¬w:happy']) {
      expect(hashFeature(n)).toBeGreaterThanOrEqual(0);
      expect(hashFeature(n)).toBeLessThan(1 << FEATURE_BITS);
    }
  });

  it('marks words in the scope of a negation, until the clause ends', () => {
    const names = features("I'm not happy with the repair. But happy holidays", analyzeText('')).map(([n]) => n);
    expect(names).toContain('w:¬happy');
    expect(names).toContain('w:happy');
    // After the contrast word: what the message ends on.
    expect(names).toContain('a:holidays');
    const es = features('No estoy contento, nadie me llamó', analyzeText('')).map(([n]) => n);
    expect(es).toContain('w:¬contento');
  });

  it('gives a probability distribution, a score on the rules\' scale and the confidence of its label', () => {
    for (const text of ['Thanks a lot!', 'Where is my order?', 'This is the third time I write and nobody answers', '']) {
      const m = classify(text, analyzeText(text));
      const total = CLASSES.reduce((s, c) => s + m.probabilities[c], 0);
      expect(total).toBeCloseTo(1, 6);
      expect(m.score).toBeCloseTo(m.probabilities.positive - m.probabilities.negative, 6);
      expect(m.confidence).toBe(Math.max(...CLASSES.map((c) => m.probabilities[c])));
      expect(m.probabilities[m.label]).toBe(m.confidence);
    }
  });

  it.each([
    ['The technician was brilliant, everything works now. Thank you!', 'positive'],
    ['I was charged twice and nobody answers the phone.', 'negative'],
    ['What time do you open on Sunday?', 'neutral'],
    ['Muchísimas gracias, quedó perfecto y llegó antes de lo previsto.', 'positive'],
    ['Llevo dos semanas esperando el reembolso y nadie me responde.', 'negative'],
    ['¿Tienen cita disponible el martes por la tarde?', 'neutral'],
    ['Adorei o atendimento, super rápido, recomendo!', 'positive'],
    ['O pedido chegou errado pela segunda vez e ninguém resolve.', 'negative'],
    ['Vocês abrem no feriado?', 'neutral'],
    ['Merci beaucoup, tout était parfait, on reviendra !', 'positive'],
    ["Ça fait trois semaines que j'attends mon remboursement, personne ne répond.", 'negative'],
    ['Est-ce que vous livrez le samedi ?', 'neutral'],
  ] as const)('reads %j as %s', (text, label) => {
    expect(readSentiment(text).label).toBe(label);
  });

  it('scores as intensity: the model\'s certainty and the rules\' wording together, with the sign of the label', () => {
    expect(blendScore(-0.9, -0.8)).toBeCloseTo(-0.85);
    // A calm factual complaint the rules find no word in: negative, not very negative.
    expect(blendScore(-0.9, 0)).toBeCloseTo(-0.45);
    // Sarcasm the rules read as praise: only the model's half.
    expect(blendScore(-0.8, 0.7)).toBeCloseTo(-0.4);
    expect(blendScore(0.6, -0.2)).toBeCloseTo(0.3);
    const angry = readSentiment('This is UNACCEPTABLE. Third time the delivery is late and nobody even apologises. Terrible service!');
    const calm = readSentiment('The parcel was due on Monday. It is Thursday.');
    expect(angry.label).toBe('negative');
    expect(angry.score).toBeLessThanOrEqual(-0.6);
    expect(calm.score).toBeGreaterThan(angry.score);
    for (const text of ['Great, another two hours on hold. Thanks a lot.', 'No complaints at all, lovely stay', 'Where is my order?', 'Tudo certinho, obrigada!', 'Merci pour rien']) {
      const r = readSentiment(text);
      if (r.label === 'negative') expect(r.score).toBeLessThan(0);
      if (r.label === 'positive') expect(r.score).toBeGreaterThan(0);
    }
  });

  it('keeps every score inside its label: below 0 negative, above 0 positive, within the neutral band neutral', () => {
    expect(scoreWithin('neutral', -0.63)).toBeCloseTo(-(LABEL_THRESHOLD - 0.001));
    expect(scoreWithin('negative', -0.0001)).toBe(-0.001);
    expect(scoreWithin('positive', 0)).toBe(0.001);
    const texts = [...en2.items, ...es2.items, ...fr2.items, ...pt2.items].map((i) => i.text);
    texts.push('If my suitcase gets damaged I will be furious', 'Se a minha mala for danificada', 'The bed was', 'depois da atualização.');
    for (const text of texts) {
      const r = readSentiment(text);
      if (r.label === 'negative') expect(r.score, text).toBeLessThan(0);
      else if (r.label === 'positive') expect(r.score, text).toBeGreaterThan(0);
      else expect(Math.abs(r.score), text).toBeLessThan(LABEL_THRESHOLD);
    }
  });

  it('is the offline analyzer: an empty text is neutral, the language comes from the rules', async () => {
    expect(sentimentAnalyzer(env)).toBe(localAnalyzer);
    const [empty, fr] = await localAnalyzer.analyze(['   ', 'Merci beaucoup, tout était parfait !']);
    expect(empty).toMatchObject({ label: 'neutral', score: 0 });
    expect(fr.language).toBe('fr');
    expect(fr.score).toBeGreaterThan(0);
    expect(fr.score).toBeLessThanOrEqual(1);
  });
});

// The offline sentiment analyzer: the rules (lexicon.ts) read the message, the learned model
// (model.ts) reads the message and the rules' reading, and the model's reading is the answer. Used
// when there is no Workers AI binding (local development, tests, AI_MODE=local) and as the fallback
// when Workers AI fails or runs over its budget.
import type { SentimentAnalyzer, SentimentLabel, SentimentResult } from '../../sla/model';
import { analyzeText, LABEL_THRESHOLD, round } from './lexicon';
import { classify } from './model';

/**
 * The score blends how sure the model is (P(positive) − P(negative)) with how strongly the message
 * is worded (the rules' score), because alert rules and auto-prioritization read it as intensity:
 * "score ≤ -0.6, very negative". The model's own score is mostly certainty — on the held-out sets it
 * put 86 of 96 complaints at ≤ -0.6, calm factual ones included; the blend puts 60 there, against
 * the rules' 46, with no more neutral or positive messages. When the rules read the other way
 * (sarcasm read as praise), only the model's half counts.
 */
export function blendScore(model: number, rules: number): number {
  return Math.sign(model) === Math.sign(rules) || rules === 0 ? (model + rules) / 2 : model / 2;
}

/**
 * The score kept inside its label, as the rules' scores always were: a negative message scores
 * below 0, a positive one above, a neutral one within the neutral band. Without it a neutral
 * hypothetical ("if my suitcase gets damaged I will be furious") could score -0.63 and pass a
 * "very negative" rule, and a near-even reading could round to -0 under a negative label.
 */
export function scoreWithin(label: SentimentLabel, score: number): number {
  const s = round(score);
  if (label === 'negative') return Math.min(s, -0.001);
  if (label === 'positive') return Math.max(s, 0.001);
  const band = LABEL_THRESHOLD - 0.001;
  return Math.max(-band, Math.min(band, s));
}

/** One message's sentiment, offline; pure. */
export function readSentiment(text: string): SentimentResult {
  const rules = analyzeText(text);
  if (!text.trim()) return { score: 0, label: 'neutral', confidence: rules.confidence, language: rules.language };
  const m = classify(text, rules);
  return { score: scoreWithin(m.label, blendScore(m.score, rules.score)), label: m.label, confidence: round(m.confidence), language: rules.language };
}

export class LocalSentimentAnalyzer implements SentimentAnalyzer {
  readonly name = 'local';

  async analyze(texts: string[]): Promise<SentimentResult[]> {
    return texts.map(readSentiment);
  }
}

export const localAnalyzer = new LocalSentimentAnalyzer();

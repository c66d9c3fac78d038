// Answer confidence: the probability that a retrieved passage answers the customer's question, from
// features of the match rather than the raw retrieval score (BM25 scores are not comparable between
// questions). A logistic model, fitted by test/ai-eval/calibration.test.ts on the training set
// test/fixtures/kb/labelled-set.json (each question against its own knowledge base and, as
// unanswerable examples, against the other businesses'); the held-out set in test/fixtures/ai-eval/
// only measures it. The assistant's auto-send threshold and the UI's bands compare with this number.
import type { Passage } from './retriever';

export const CONFIDENCE_MODEL = {
  features: ['coverage', 'margin over the next source', 'title coverage', 'cross-lingual share', 'one content word'],
  bias: -3.36,
  weights: [4.55, 0.18, 3, -3.02, 0.7],
};

/** The model's inputs for passage `p` given the best and second-best passages of the same result list. */
export function confidenceFeatures(p: Passage, best: Passage, second: Passage | undefined, questionWordCount: number): number[] {
  const margin = second && best.score > 0 ? Math.max(0, Math.min(1, 1 - second.score / best.score)) : 1;
  return [p.coverage, margin, p.titleCoverage ?? 0, p.crossLingual ?? 0, questionWordCount <= 1 ? 1 : 0];
}

/** The calibrated probability for those features (0..1). */
export function calibrated(features: number[]): number {
  const z = CONFIDENCE_MODEL.bias + features.reduce((s, x, i) => s + x * CONFIDENCE_MODEL.weights[i], 0);
  return 1 / (1 + Math.exp(-z));
}

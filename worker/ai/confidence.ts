// Answer confidence: the probability that a retrieved passage answers the customer's question, from
// features of the match rather than the raw retrieval score (BM25 scores are not comparable between
// questions). A logistic model whose coefficients are fitted by test/ai-eval/calibration.test.ts on
// the CALIBRATION set test/fixtures/ai-calibration/set.json (EN/ES/PT/FR questions, some with no
// answer, over four small knowledge bases, asked per business and with all businesses in one
// workspace) plus the English questions of test/fixtures/kb/labelled-set.json. The held-out set in
// test/fixtures/ai-eval/ only measures it. The assistant's auto-send threshold, the workspace's
// suggestion threshold and the UI's bands all compare with this one number.
//
// Everything here is a handful of set operations on the (at most three) passages already retrieved:
// no extra query, nothing loaded per request.
import type { Passage } from './retriever';

export const CONFIDENCE_MODEL = {
  features: [
    'coverage',
    'title coverage',
    'cross-lingual share',
    'standing (score / best score)',
    'lead over the next source × coverage',
    'coverage lead over the other sources',
    'share matched by this source only',
    'matched words (up to 4) / 4',
    'unmatched words (up to 3) / 3',
    'every word matched (two or more)',
    'one word matched, only in the body (a passing mention)',
    'share of words no retrieved source has',
    'one content word',
    'asks for a number the passage lacks',
  ],
  // Fitted by test/ai-eval/calibration.test.ts (logistic regression, batch gradient descent, L2 0.001)
  // on 1017 passage rows (395 questions asked per business and all-in-one: 345 rows answer); re-run it and paste its "fitted" line after changing a feature.
  bias: -4.17,
  weights: [0.04, 2.12, -0.16, 2.54, 3.21, 3.46, 1.54, 1.33, 0.18, -0.22, -1.02, 0.14, -0.5, -0.15],
};

/** Asks when / how much / how long: an answer without a figure in it rarely answers. */
const WANTS_NUMBER = /\b(?:when|what time|how much|how many|how long|price|cost|fee|until|cu[aá]ndo|cu[aá]nto|quando|quanto|combien|quand|[àa] quelle heure)\b/i;

/**
 * The model's inputs for passage `p` among the passages retrieved for the same question (best first):
 * how much of the question it covers, where (title), how (only through a translation), and how it
 * stands against the other sources by score and by coverage: two ranking signals that agree make a
 * right answer likelier than one winning alone.
 */
export function confidenceFeatures(p: Passage, passages: Passage[], question: string, questionWordCount: number): number[] {
  const best = passages[0] ?? p;
  const others = passages.filter((o) => o !== p);
  const standing = best.score > 0 ? clamp(p.score / best.score) : 1;
  const nextScore = others.reduce((m, o) => Math.max(m, o.score), 0);
  const lead = p.score > 0 ? clamp(1 - nextScore / p.score) : 0;
  const coverageLead = p.coverage - others.reduce((m, o) => Math.max(m, o.coverage), 0);
  const matched = p.matched ?? [];
  const elsewhere = new Set(others.flatMap((o) => o.matched ?? []));
  const exclusive = questionWordCount > 0 ? matched.filter((w) => !elsewhere.has(w)).length / questionWordCount : 0;
  const lacksNumber = WANTS_NUMBER.test(question) && !/\d/.test(p.text) ? 1 : 0;
  const unmatched = Math.max(0, questionWordCount - matched.length);
  // Words no retrieved passage has: the knowledge base likely never mentions them (the sauna, the
  // scooters), the mark of a question it cannot answer, or of a typo.
  const anywhere = new Set([...matched, ...elsewhere]);
  const unknown = questionWordCount > 0 ? Math.max(0, questionWordCount - anywhere.size) / questionWordCount : 0;
  const full = questionWordCount >= 2 && unmatched === 0 ? 1 : 0;
  // A lead counts as much as the passage covers: the only passage matching one word of four leads by
  // default, not on merit.
  return [
    p.coverage,
    p.titleCoverage ?? 0,
    p.crossLingual ?? 0,
    standing,
    lead * p.coverage,
    coverageLead,
    exclusive,
    Math.min(matched.length, 4) / 4,
    Math.min(unmatched, 3) / 3,
    full,
    matched.length === 1 && !(p.titleCoverage ?? 0) ? 1 : 0,
    unknown,
    questionWordCount <= 1 ? 1 : 0,
    lacksNumber,
  ];
}

/** The calibrated probability for those features (0..1). */
export function calibrated(features: number[]): number {
  const z = CONFIDENCE_MODEL.bias + features.reduce((s, x, i) => s + x * CONFIDENCE_MODEL.weights[i], 0);
  return 1 / (1 + Math.exp(-z));
}

function clamp(x: number): number {
  return Math.max(0, Math.min(1, x));
}

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
    'share of salient words this source lacks that other knowledge mentions',
    'share of salient words the knowledge never mentions',
    'share of salient words this source covers',
  ],
  // Fitted by test/ai-eval/calibration.test.ts (logistic regression, batch gradient descent, L2 0.001)
  // on 1504 passage rows (591 questions asked per business and all-in-one: 482 rows answer); re-run it and paste its "fitted" line after changing a feature.
  bias: -4.73,
  weights: [-0.35, 1.75, -0.23, 2.6, 2.96, 2.74, 1.25, 1, 0.74, -0.38, -0.75, -0.48, -0.48, -0.37, -1.51, -0.86, 1.73],
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
  const { salientShare, lacksKnown, neverMentioned } = answerability(p, passages);
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
    lacksKnown,
    neverMentioned,
    salientShare,
  ];
}

/**
 * Answerability (answerability.ts): the things the question is about (its salient words) against
 * this source and against everything the keyword query reached. Shares of the salient words: the
 * source covers them, only other knowledge mentions them, nothing the workspace has mentions them.
 * A passage from a retriever that does not report salient words counts as covering them all.
 */
export function answerability(p: Passage, passages: Passage[]): { salient: number; salientShare: number; lacksKnown: number; neverMentioned: number } {
  // The words the retriever measured, not the drafter's question: suggestions retrieve for the
  // customer's latest message, and earlier messages' words were never looked up.
  const salient = p.salient ?? [];
  if (salient.length === 0) return { salient: 0, salientShare: 1, lacksKnown: 0, neverMentioned: 0 };
  const covered = new Set(p.salientCovered ?? []);
  const known = new Set([...(p.known ?? []), ...passages.flatMap((o) => o.known ?? [])]);
  const n = salient.length;
  return {
    salient: n,
    salientShare: salient.filter((w) => covered.has(w)).length / n,
    lacksKnown: salient.filter((w) => !covered.has(w) && known.has(w)).length / n,
    neverMentioned: salient.filter((w) => !covered.has(w) && !known.has(w)).length / n,
  };
}

/** Below the UI's "good match" band (0.5): what a source that cannot be the answer may score at most. */
export const UNANSWERED_CAP = 0.45;

/**
 * The most the calibrated confidence may say for passage `p`, whatever the model: one content word
 * stays thin evidence (0.5), and a question about something the knowledge never mentions, of which
 * the source covers at most half of the things named, is not answered by it however well the rest
 * matches ("do you rent kayaks?" against the bike rental's prices). On the calibration set, out of
 * sample, this rule removes most no-answer questions from the good-match band without taking any
 * right answer out of auto-send (test/ai-eval/calibration.test.ts prints both).
 */
export function confidenceCap(p: Passage, passages: Passage[], questionWordCount: number): number {
  let cap = questionWordCount <= 1 ? 0.5 : 1;
  const a = answerability(p, passages);
  if (a.neverMentioned > 0 && a.salientShare <= 0.5) cap = Math.min(cap, UNANSWERED_CAP);
  return cap;
}

/** The calibrated probability for those features (0..1). */
export function calibrated(features: number[]): number {
  const z = CONFIDENCE_MODEL.bias + features.reduce((s, x, i) => s + x * CONFIDENCE_MODEL.weights[i], 0);
  return 1 / (1 + Math.exp(-z));
}

function clamp(x: number): number {
  return Math.max(0, Math.min(1, x));
}

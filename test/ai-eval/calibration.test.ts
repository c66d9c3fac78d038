// Fits the answer-confidence model (worker/ai/confidence.ts) on the CALIBRATION set
// test/fixtures/ai-calibration/set.json (EN/ES/PT/FR, with unanswerable questions) and the English
// questions of test/fixtures/kb/labelled-set.json — never on the held-out evaluation set in
// test/fixtures/ai-eval/. Each question is asked of its own business's knowledge base and of one
// workspace holding every business (as the evaluation does); every retrieved passage (up to three)
// is a row labelled by whether its article answers the question, because the drafter scores each
// passage with the model and offers the most confident first. Prints the fitted coefficients, a
// leave-one-business-out check and the auto-send figures; fails when the shipped coefficients are
// stale (clearly worse than a refit). Run with `npm run eval:ai`.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFIDENCE_MODEL, confidenceCap, confidenceFeatures } from '../../worker/ai/confidence';
import { passageConfidence } from '../../worker/ai/drafter';
import { bm25 } from '../../worker/ai/providers';
import { DEFAULT_AUTO_SEND_THRESHOLD } from '../../worker/ai/settings';
import { terms } from '../../worker/ai/text';
import { database, WorkspaceScope } from '../../worker/db/scope';
import calibration from '../fixtures/ai-calibration/set.json';
import labelled from '../fixtures/kb/labelled-set.json';
import { call, newWorkspace } from '../helpers';

interface Article {
  key: string;
  kind: string;
  title: string;
  tags: string[];
  body: string;
}
interface Question {
  lang: string;
  q: string;
  expected: string[];
}
interface Business {
  type: string;
  name: string;
  articles: Article[];
  questions: Question[];
}

const extra = calibration.questions as Record<string, Question[]>;
const businesses: Business[] = [
  ...(labelled.businesses as { type: string; name: string; articles: Article[]; questions: { q: string; expected: string[] }[] }[]).map((b) => ({
    ...b,
    questions: [...b.questions.map((q) => ({ lang: 'en', ...q })), ...(extra[b.type] ?? [])],
  })),
  ...(calibration.businesses as Business[]),
];
/** The shipped auto-send default; the UI calls a suggestion a good match from CONFIDENT up. */
const THRESHOLD = DEFAULT_AUTO_SEND_THRESHOLD;
const CONFIDENT = 0.5;

async function load(name: string, articles: Article[]) {
  const ws = await newWorkspace(name);
  const res = await call('POST', '/api/kb/import', { token: ws.token, body: { articles: articles.map((a) => ({ kind: a.kind, title: a.title, body: a.body, tags: a.tags, status: 'published' })) } });
  if (res.status !== 201) throw new Error(`import failed: ${res.status}`);
  const keyOf = new Map<string, string>(res.body.ids.map((id: string, i: number) => [id, articles[i].key]));
  return { scope: new WorkspaceScope(database(env.DB), env.DB, ws.workspaceId), keyOf };
}

interface Row {
  x: number[];
  y: number;
  business: string;
  setting: 'separate' | 'combined';
  lang: string;
  /** Index of the question within its setting: rows of one question share it. */
  question: string;
  q: string;
  article: string;
  expected: string[];
  /** Confidence the drafter gives this passage with the shipped model. */
  shipped: number;
  /** The most the drafter lets any model say for this passage (confidenceCap). */
  cap: number;
  answerable: boolean;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));
const predict = (w: number[], x: number[]) => sigmoid(w[0] + x.reduce((s, xi, i) => s + xi * w[i + 1], 0));

/** Plain logistic regression by batch gradient descent with a little L2: a few hundred rows, ten features. */
function fit(rows: { x: number[]; y: number }[], iterations = 6000, rate = 0.5, l2 = 0.001): number[] {
  const n = rows[0].x.length;
  const w = new Array(n + 1).fill(0);
  for (let it = 0; it < iterations; it++) {
    const g = new Array(n + 1).fill(0);
    for (const { x, y } of rows) {
      const d = predict(w, x) - y;
      g[0] += d;
      x.forEach((xi, i) => (g[i + 1] += d * xi));
    }
    for (let i = 0; i <= n; i++) w[i] -= rate * (g[i] / rows.length + (i ? l2 * w[i] : 0));
  }
  return w;
}

function logLoss(rows: Row[], p: (r: Row) => number): number {
  const eps = 1e-9;
  return rows.reduce((s, r) => s - (r.y ? Math.log(p(r) + eps) : Math.log(1 - p(r) + eps)), 0) / rows.length;
}

/**
 * What auto-send would do: per question the most confident passage (one-word cap as in the drafter), sent at or above the threshold;
 * and how many questions the knowledge base cannot answer would be shown as a good match (≥ CONFIDENT).
 */
function autoSend(rows: Row[], confidence: (r: Row) => number, threshold = THRESHOLD, wrongs: string[] = [], shown: string[] = []) {
  const byQuestion = new Map<string, Row[]>();
  for (const r of rows) byQuestion.set(r.question, [...(byQuestion.get(r.question) ?? []), r]);
  let answerable = 0;
  let right = 0;
  let wrong = 0;
  let noAnswerSent = 0;
  let noAnswerShown = 0;
  for (const qs of byQuestion.values()) {
    const top = qs.reduce((a, b) => (confidence(b) > confidence(a) ? b : a));
    if (top.answerable) answerable++;
    if (!top.answerable && confidence(top) >= CONFIDENT) {
      noAnswerShown++;
      shown.push(`[${top.setting} ${top.lang}] "${top.q}" → ${top.article} at ${confidence(top).toFixed(2)} (x ${top.x.map((v) => v.toFixed(2)).join(' ')})`);
    }
    if (confidence(top) < threshold) continue;
    if (top.y) right++;
    else {
      wrongs.push(`[${top.setting} ${top.lang}] "${top.q}" → ${top.article} at ${confidence(top).toFixed(2)} (expected ${top.expected.join('/') || 'none'}; x ${top.x.map((v) => v.toFixed(2)).join(' ')})`);
      wrong++;
      if (!top.answerable) noAnswerSent++;
    }
  }
  return { questions: byQuestion.size, answerable, right, wrong, noAnswerSent, noAnswerShown };
}

describe('answer confidence calibration (calibration set, never the evaluation set)', () => {
  const rows: Row[] = [];
  const asked: Question[] = [];

  async function ask(setting: Row['setting'], business: string, kb: Awaited<ReturnType<typeof load>>, questions: Question[]) {
    for (const [i, { lang, q, expected }] of questions.entries()) {
      asked.push({ lang, q, expected });
      const passages = await bm25.search(kb.scope, q, { limit: 3 });
      const words = new Set(terms(q)).size;
      for (const p of passages) {
        if (p.coverage === 0) continue; // the drafter offers no answer from such a passage
        rows.push({
          x: confidenceFeatures(p, passages, q, words),
          y: expected.includes(kb.keyOf.get(p.articleId)!) ? 1 : 0,
          business,
          setting,
          lang,
          question: `${setting}/${business}/${i}`,
          q,
          article: kb.keyOf.get(p.articleId)!,
          expected,
          shipped: passageConfidence(p, passages, q, words),
          cap: confidenceCap(p, passages, words),
          answerable: expected.length > 0,
        });
      }
    }
  }

  beforeAll(async () => {
    for (const b of businesses) await ask('separate', b.type, await load(b.name, b.articles), b.questions);
    const all = await load('All calibration businesses', businesses.flatMap((b) => b.articles));
    for (const b of businesses) await ask('combined', b.type, all, b.questions);
  }, 180_000);

  it('is a multilingual set with unanswerable questions, apart from the evaluation set', async () => {
    const langs = new Set(asked.map((q) => q.lang));
    for (const l of ['en', 'es', 'pt', 'fr']) expect(langs.has(l)).toBe(true);
    expect(asked.filter((q) => q.expected.length === 0).length).toBeGreaterThanOrEqual(20);
    const evaluation = (await import('../fixtures/ai-eval/kb.json')).default as { businesses: { questions: { q: string }[] }[] };
    const held = new Set(evaluation.businesses.flatMap((b) => b.questions.map((q) => q.q.trim().toLowerCase())));
    expect(asked.filter((q) => held.has(q.q.trim().toLowerCase()))).toEqual([]);
  });

  it('fits a logistic model; the shipped coefficients are not stale', () => {
    const w = fit(rows);
    const round = (a: number[]) => a.map((x) => Math.round(x * 100) / 100);
    const shippedW = [CONFIDENCE_MODEL.bias, ...CONFIDENCE_MODEL.weights];
    // Leave one business out: fit on the others, measure auto-send on the one left out.
    const wrongs: string[] = [];
    const shown: string[] = [];
    const outOfSample = new Map<Row, number>();
    const held = businesses.map((b) => {
      const wo = fit(rows.filter((r) => r.business !== b.type), 3000);
      for (const r of rows) if (r.business === b.type) outOfSample.set(r, Math.min(r.cap, predict(wo, r.x)));
      const s = autoSend(rows.filter((r) => r.business === b.type), (r) => outOfSample.get(r)!, THRESHOLD, wrongs, shown);
      return `${b.type} ${s.right}/${s.answerable} right, ${s.wrong} wrong, ${s.noAnswerShown} no-answer shown ≥ ${CONFIDENT}`;
    });
    // What a threshold buys, out of sample: the evidence behind the advice on choosing one.
    const sweep = [0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95].map((t) => {
      const s = autoSend(rows, (r) => outOfSample.get(r)!, t);
      return `${t}: ${s.right}/${s.answerable} right, ${s.wrong} wrong (${s.noAnswerSent} no-answer)`;
    });
    const lines = [
      `Confidence calibration on ${rows.length} passage rows of ${new Set(rows.map((r) => r.question)).size} asked questions, ${rows.filter((r) => r.y).length} answering`,
      `  features: ${CONFIDENCE_MODEL.features.join(', ')}`,
      `  fitted:  bias ${round(w)[0]}  weights ${round(w.slice(1)).join(', ')}`,
      `  shipped: bias ${CONFIDENCE_MODEL.bias}  weights ${CONFIDENCE_MODEL.weights.join(', ')}`,
      `  log loss: fitted ${logLoss(rows, (r) => predict(w, r.x)).toFixed(3)}, shipped ${logLoss(rows, (r) => predict(shippedW, r.x)).toFixed(3)}`,
      `  leave one business out, auto-send at ${THRESHOLD}: ${held.join(' · ')}`,
      ...wrongs.map((w) => `    wrongly sent: ${w}`),
      ...shown.map((w) => `    no-answer shown as a good match: ${w}`),
      `  leave one business out, by threshold (both settings): ${sweep.join(' · ')}`,
    ];
    for (const setting of ['separate', 'combined'] as const) {
      const mine = rows.filter((r) => r.setting === setting);
      const perLang = ['en', 'es', 'pt', 'fr'].map((l) => {
        const s = autoSend(mine.filter((r) => r.lang === l), (r) => r.shipped);
        return `${l} ${s.right}/${s.answerable} right, ${s.wrong} wrong`;
      });
      const s = autoSend(mine, (r) => r.shipped);
      lines.push(`  ${setting}, shipped model, auto-send at ${THRESHOLD}: ${s.right}/${s.answerable} answerable right, ${s.wrong} wrong (${s.noAnswerSent} no-answer), ${s.noAnswerShown} no-answer shown ≥ ${CONFIDENT} · ${perLang.join(' · ')}`);
    }
    console.log(lines.join('\n'));
    expect(rows.length).toBeGreaterThan(300);
    expect(logLoss(rows, (r) => predict(shippedW, r.x))).toBeLessThan(logLoss(rows, (r) => predict(w, r.x)) + 0.01);
  });
});

// Fits the answer-confidence model (worker/ai/confidence.ts) on the TRAINING set
// test/fixtures/kb/labelled-set.json — never on the held-out evaluation set in test/fixtures/ai-eval/.
// Each question is asked of its own business's knowledge base (label: does the top passage answer it)
// and of another business's (no answer there: label 0), so the model also learns what an unanswerable
// question looks like. Prints the fitted coefficients next to the shipped ones; run with `npm run eval:ai`.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { CONFIDENCE_MODEL, confidenceFeatures } from '../../worker/ai/confidence';
import { bm25 } from '../../worker/ai/providers';
import { questionTerms } from '../../worker/ai/retriever';
import { database, WorkspaceScope } from '../../worker/db/scope';
import labelled from '../fixtures/kb/labelled-set.json';
import { call, newWorkspace } from '../helpers';

interface Business {
  type: string;
  name: string;
  articles: { key: string; kind: string; title: string; tags: string[]; body: string }[];
  questions: { q: string; expected: string[] }[];
}
const businesses = labelled.businesses as Business[];

async function load(name: string, articles: Business['articles']) {
  const ws = await newWorkspace(name);
  const res = await call('POST', '/api/kb/import', { token: ws.token, body: { articles: articles.map((a) => ({ kind: a.kind, title: a.title, body: a.body, tags: a.tags, status: 'published' })) } });
  if (res.status !== 201) throw new Error(`import failed: ${res.status}`);
  const keyOf = new Map<string, string>(res.body.ids.map((id: string, i: number) => [id, articles[i].key]));
  return { scope: new WorkspaceScope(database(env.DB), env.DB, ws.workspaceId), keyOf };
}

/** Plain logistic regression by batch gradient descent with a little L2: a few hundred rows, a handful of features. */
function fit(rows: { x: number[]; y: number }[], iterations = 4000, rate = 0.5, l2 = 0.001): number[] {
  const n = rows[0].x.length;
  const w = new Array(n + 1).fill(0);
  for (let it = 0; it < iterations; it++) {
    const g = new Array(n + 1).fill(0);
    for (const { x, y } of rows) {
      const p = 1 / (1 + Math.exp(-(w[0] + x.reduce((s, xi, i) => s + xi * w[i + 1], 0))));
      g[0] += p - y;
      x.forEach((xi, i) => (g[i + 1] += (p - y) * xi));
    }
    for (let i = 0; i <= n; i++) w[i] -= rate * (g[i] / rows.length + (i ? l2 * w[i] : 0));
  }
  return w;
}

describe('answer confidence calibration (training set)', () => {
  const rows: { x: number[]; y: number }[] = [];

  beforeAll(async () => {
    const loaded = await Promise.all(businesses.map((b) => load(b.name, b.articles)));
    for (const [i, b] of businesses.entries()) {
      for (const [j, kb] of loaded.entries()) {
        for (const { q, expected } of b.questions) {
          const passages = await bm25.search(kb.scope, q, { limit: 3 });
          if (!passages.length) continue;
          const answers = i === j && expected.includes(kb.keyOf.get(passages[0].articleId)!);
          rows.push({ x: confidenceFeatures(passages[0], passages[0], passages[1], questionTerms(q).length), y: answers ? 1 : 0 });
        }
      }
    }
  }, 120_000);

  it('fits a logistic model and prints it beside the shipped one', () => {
    const w = fit(rows);
    const round = (a: number[]) => a.map((x) => Math.round(x * 100) / 100);
    console.log(
      [
        `Confidence calibration on ${rows.length} (question, knowledge base) pairs, ${rows.filter((r) => r.y).length} answered`,
        `  features: ${CONFIDENCE_MODEL.features.join(', ')}`,
        `  fitted:  bias ${round(w)[0]}  weights ${round(w.slice(1)).join(', ')}`,
        `  shipped: bias ${CONFIDENCE_MODEL.bias}  weights ${CONFIDENCE_MODEL.weights.join(', ')}`,
      ].join('\n'),
    );
    expect(rows.length).toBeGreaterThan(100);
  });
});

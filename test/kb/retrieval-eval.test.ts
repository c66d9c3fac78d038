// Retrieval quality of the local retriever (BM25 on D1 FTS5) on the labelled set: customer questions
// over three businesses' knowledge bases (test/fixtures/kb/labelled-set.json). Prints recall@3 and MRR
// per business and overall, each business in its own workspace (as in production) and all in one.
import { env } from 'cloudflare:test';
import { beforeAll, describe, expect, it } from 'vitest';
import { bm25 } from '../../worker/ai/providers';
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

/** Imports articles into a fresh workspace; returns the workspace scope and article id → fixture key. */
async function load(name: string, articles: Business['articles']) {
  const ws = await newWorkspace(name);
  const res = await call('POST', '/api/kb/import', {
    token: ws.token,
    body: { articles: articles.map((a) => ({ kind: a.kind, title: a.title, body: a.body, tags: a.tags, status: 'published' })) },
  });
  if (res.status !== 201) throw new Error(`import failed: ${res.status} ${JSON.stringify(res.body)}`);
  const keyOf = new Map<string, string>(res.body.ids.map((id: string, i: number) => [id, articles[i].key]));
  return { scope: new WorkspaceScope(database(env.DB), env.DB, ws.workspaceId), keyOf };
}

interface Score {
  questions: number;
  recallAt3: number;
  mrr: number;
  misses: string[];
}

async function evaluate(scope: WorkspaceScope, keyOf: Map<string, string>, questions: Business['questions']): Promise<Score> {
  let recall = 0;
  let rr = 0;
  const misses: string[] = [];
  for (const { q, expected } of questions) {
    const ranked = (await bm25.search(scope, q, { limit: 10 })).map((p) => keyOf.get(p.articleId)!);
    const top3 = ranked.slice(0, 3);
    recall += expected.filter((e) => top3.includes(e)).length / expected.length;
    const first = ranked.findIndex((k) => expected.includes(k));
    rr += first >= 0 ? 1 / (first + 1) : 0;
    if (!expected.some((e) => top3.includes(e))) misses.push(`"${q}" → expected ${expected.join('/')}, got ${top3.join(', ') || '(nothing)'}`);
  }
  return { questions: questions.length, recallAt3: recall / questions.length, mrr: rr / questions.length, misses };
}

const fmt = (n: number) => n.toFixed(3);

describe('local retriever on the labelled set', () => {
  const perBusiness: Record<string, Score> = {};
  let combined: Score;

  beforeAll(async () => {
    for (const b of businesses) {
      const { scope, keyOf } = await load(b.name, b.articles);
      perBusiness[b.type] = await evaluate(scope, keyOf, b.questions);
    }
    const all = await load('All three businesses', businesses.flatMap((b) => b.articles));
    combined = await evaluate(all.scope, all.keyOf, businesses.flatMap((b) => b.questions));
  });

  it('has at least 40 questions over at least 25 articles across 3 business types', () => {
    expect(businesses.length).toBeGreaterThanOrEqual(3);
    expect(businesses.flatMap((b) => b.articles).length).toBeGreaterThanOrEqual(25);
    expect(businesses.flatMap((b) => b.questions).length).toBeGreaterThanOrEqual(40);
  });

  it('reaches recall@3 ≥ 0.85 (prints recall@3 and MRR)', () => {
    const rows = Object.entries(perBusiness).map(([type, s]) => `  ${type.padEnd(12)} ${String(s.questions).padStart(3)} questions   recall@3 ${fmt(s.recallAt3)}   MRR ${fmt(s.mrr)}`);
    const n = Object.values(perBusiness).reduce((sum, s) => sum + s.questions, 0);
    const recall = Object.values(perBusiness).reduce((sum, s) => sum + s.recallAt3 * s.questions, 0) / n;
    const mrr = Object.values(perBusiness).reduce((sum, s) => sum + s.mrr * s.questions, 0) / n;
    console.log(
      [
        'Local retriever (BM25, D1 FTS5) on the labelled set',
        ...rows,
        `  ${'overall'.padEnd(12)} ${String(n).padStart(3)} questions   recall@3 ${fmt(recall)}   MRR ${fmt(mrr)}   (one workspace per business)`,
        `  ${'one index'.padEnd(12)} ${String(combined.questions).padStart(3)} questions   recall@3 ${fmt(combined.recallAt3)}   MRR ${fmt(combined.mrr)}   (all ${businesses.flatMap((b) => b.articles).length} articles in one workspace)`,
        ...(Object.values(perBusiness).some((s) => s.misses.length) ? ['  misses:', ...Object.values(perBusiness).flatMap((s) => s.misses.map((m) => `    ${m}`))] : []),
      ].join('\n'),
    );
    expect(recall).toBeGreaterThanOrEqual(0.85);
    expect(combined.recallAt3).toBeGreaterThanOrEqual(0.85);
  });
});

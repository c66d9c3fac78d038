// The cloud retriever: the question embedded with Workers AI and matched in Vectorize (the workspace's
// namespace), fused with the BM25 keyword ranking by reciprocal rank fusion. Keyword results alone
// answer when the embedding or the vector query fails or runs out of time.
import type { WorkspaceScope } from '../db/scope';
import { BudgetExceeded, withBudget } from './budget';
import { bestPerSource, withCoverage, type Bm25Retriever, type ChunkHit } from './bm25-retriever';
import { embed } from './embeddings';
import { parseVectorId, vectorId } from './indexer';
import type { AiEnv } from './providers';
import type { Passage, RetrieveOptions, Retriever } from './retriever';

/** The usual RRF constant: damps the head of each list so agreement between lists wins. */
export const RRF_K = 60;
const VECTOR_TOP_K = 20;
const KEYWORD_TOP_K = 40;
const VECTOR_BUDGET_MS = 800;
/**
 * Nearest neighbours always exist, relevant or not: below this cosine similarity a vector match is
 * noise (unrelated texts score around 0.3 with BGE-M3) and is not fused.
 */
export const MIN_SIMILARITY = 0.4;

/** Reciprocal rank fusion of ranked id lists: score(id) = Σ 1 / (k + rank), rank from 1. */
export function reciprocalRankFusion(lists: string[][], k = RRF_K): { id: string; score: number }[] {
  const scores = new Map<string, number>();
  for (const list of lists) list.forEach((id, i) => scores.set(id, (scores.get(id) ?? 0) + 1 / (k + i + 1)));
  return [...scores].map(([id, score]) => ({ id, score })).sort((a, b) => b.score - a.score);
}

export class HybridRetriever implements Retriever {
  readonly name = 'hybrid';

  constructor(
    private keyword: Bm25Retriever,
    private env: Env & AiEnv & { AI: Ai; VECTORIZE: Vectorize },
  ) {}

  /** Vector matches (passage id → cosine similarity), best first; empty when the cloud path fails. */
  async vectorMatches(workspaceId: string, question: string): Promise<{ id: string; score: number }[]> {
    try {
      return await withBudget(VECTOR_BUDGET_MS, async (signal) => {
        const [vector] = await embed(this.env.AI, [question], { model: this.env.AI_EMBEDDING_MODEL, signal });
        const res = await this.env.VECTORIZE.query(vector, { topK: VECTOR_TOP_K, namespace: workspaceId, returnMetadata: 'none', returnValues: false });
        return res.matches.filter((m) => m.score >= MIN_SIMILARITY).map((m) => ({ id: m.id, score: m.score }));
      });
    } catch (err) {
      console.warn(`hybrid retrieval: vector search ${err instanceof BudgetExceeded ? 'ran out of time' : `failed (${String(err)})`}; keyword results only`);
      return [];
    }
  }

  async search(scope: WorkspaceScope, question: string, opts: RetrieveOptions = {}): Promise<Passage[]> {
    const tags = opts.tags ?? [];
    const [keyword, vector] = await Promise.all([this.keyword.chunks(scope, question, KEYWORD_TOP_K, tags), this.vectorMatches(scope.workspaceId, question)]);
    const fused = reciprocalRankFusion([keyword.map((h) => vectorId(h.articleId, h.position)), vector.map((m) => m.id)]);
    const known = new Map<string, ChunkHit>(keyword.map((h) => [vectorId(h.articleId, h.position), h]));
    const similarity = new Map(vector.map((m) => [m.id, m.score]));

    // Passages only the vector search found: read them (published ones of this workspace only; a
    // vector whose source was unpublished a moment ago is simply dropped).
    const missing = fused.map((f) => f.id).filter((id) => !known.has(id)).map(parseVectorId).filter((x) => x !== null);
    if (missing.length) {
      const { results } = await scope
        .prepare(
          `SELECT c.rowid AS rowid, c.article_id AS articleId, c.position AS position, c.title AS title, c.body AS text, a.kind AS kind, a.source_url AS sourceUrl
           FROM kb_chunks c JOIN kb_articles a ON a.id = c.article_id
           WHERE c.workspace_id = ?1 AND a.workspace_id = ?1 AND a.status = 'published' AND c.article_id IN (SELECT value FROM json_each(?2))
             AND (?3 = '[]' OR EXISTS (SELECT 1 FROM json_each(a.tags) t WHERE t.value IN (SELECT value FROM json_each(?3))))`,
          JSON.stringify([...new Set(missing.map((m) => m.articleId))]),
          JSON.stringify(tags),
        )
        .all<Omit<ChunkHit, 'score'>>();
      for (const r of results) {
        const id = vectorId(r.articleId, r.position);
        if (!known.has(id)) known.set(id, { ...r, score: 0 });
      }
    }
    const ranked: Omit<Passage, 'coverage'>[] = [];
    for (const f of fused) {
      const hit = known.get(f.id);
      if (!hit) continue;
      const { rowid: _r, ...passage } = hit;
      ranked.push({ ...passage, score: f.score, similarity: similarity.get(f.id) });
    }
    const kept = bestPerSource(ranked, opts.limit ?? 3);
    // The keyword candidates (and what the vector search added) tell which of the question's things the knowledge mentions at all.
    return withCoverage(question, kept, [...keyword, ...kept]);
  }
}

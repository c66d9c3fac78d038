// The local retriever: BM25 over the D1 FTS5 index of knowledge passages (Porter-stemmed; titles and
// keywords weigh more than body text), question words widened with everyday synonyms.
import type { WorkspaceScope } from '../db/scope';
import { coverageDetail, questionTerms, workspaceToken, type Passage, type RetrieveOptions, type Retriever } from './retriever';
import { mentions, salientTerms, vocabulary } from './answerability';
import { translations } from './multilingual';
import { expand } from './synonyms';
import { detectLanguage } from './text';

/** bm25() column weights: ws (never scored), title, keywords, body. */
const WEIGHTS = '0.0, 3.0, 2.0, 1.0';
/** Passages fetched before keeping the best one per source. */
const CANDIDATES = 24;

/** A ranked passage before its coverage of the question is measured (only the kept ones are). */
export interface ChunkHit extends Omit<Passage, 'coverage'> {
  rowid: number;
}

/**
 * Measure how much of the question each kept passage covers, and which of its salient words
 * (answerability.ts) the passage and the whole keyword candidate pool mention.
 */
export function withCoverage<T extends Omit<Passage, 'coverage'>>(
  question: string,
  hits: T[],
  pool: { title: string; text: string }[] = hits,
): (T & { coverage: number; crossLingual: number; titleCoverage: number; matched: string[]; salient: string[]; salientCovered: string[]; known: string[] })[] {
  const words = questionTerms(question);
  const lang = detectLanguage(question);
  const salient = salientTerms(question);
  const text = (h: { title: string; text: string }) => `${h.title}\n${h.text}`;
  const covers = hits.map((h) => {
    if (salient.length === 0) return [];
    const have = vocabulary([text(h)]);
    return salient.filter((w) => mentions(have, w, lang));
  });
  // What the kept passages cover the knowledge mentions; only the rest is looked for in the other
  // candidates, stopping once everything is found (most answerable questions never get here).
  const known = new Set(covers.flat());
  let missing = salient.filter((w) => !known.has(w));
  for (const c of pool) {
    if (missing.length === 0) break;
    if (hits.includes(c as T)) continue;
    const have = vocabulary([text(c)]);
    for (const w of missing) if (mentions(have, w, lang)) known.add(w);
    missing = missing.filter((w) => !known.has(w));
  }
  const knownList = salient.filter((w) => known.has(w));
  return hits.map((h, i) => {
    const all = coverageDetail(words, text(h), lang);
    return {
      ...h,
      coverage: all.coverage,
      crossLingual: all.crossLingual,
      matched: all.matched,
      titleCoverage: coverageDetail(words, h.title, lang).coverage,
      salient,
      salientCovered: covers[i],
      known: knownList,
    };
  });
}

/** The FTS5 expression for a question: the workspace token AND any of its words or their synonyms; null without content words. */
export function ftsQuery(workspaceId: string, question: string): string | null {
  const base = questionTerms(question);
  if (base.length === 0) return null;
  const lang = detectLanguage(question);
  const all = new Set<string>(base);
  for (const w of base) {
    for (const s of expand(w).slice(0, 4)) all.add(s);
    // The same concept in the other languages: articles may be written in another language than the question.
    for (const t of translations(w, lang)) all.add(t);
  }
  const quoted = [...all].map((t) => `"${t.replace(/"/g, '')}"`);
  return `ws : "${workspaceToken(workspaceId)}" AND (${quoted.join(' OR ')})`;
}

export class Bm25Retriever implements Retriever {
  readonly name = 'bm25';

  /** Ranked passages (several per source possible), best first. */
  async chunks(scope: WorkspaceScope, question: string, limit = CANDIDATES, tags: string[] = []): Promise<ChunkHit[]> {
    const match = ftsQuery(scope.workspaceId, question);
    if (!match) return [];
    if (tags.length) return this.scopedChunks(scope, match, limit, tags);
    const { results } = await scope
      .prepare(
        `SELECT c.rowid AS rowid, c.article_id AS articleId, c.position AS position, c.title AS title, c.body AS text,
                a.kind AS kind, a.source_url AS sourceUrl, f.score AS score
         FROM (SELECT rowid, -bm25(kb_fts, ${WEIGHTS}) AS score FROM kb_fts WHERE kb_fts MATCH ?2 ORDER BY score DESC LIMIT ?3) f
         JOIN kb_chunks c ON c.rowid = f.rowid
         JOIN kb_articles a ON a.id = c.article_id
         WHERE c.workspace_id = ?1 AND a.workspace_id = ?1 AND a.status = 'published'
         ORDER BY f.score DESC`,
        match,
        limit,
      )
      .all<ChunkHit>();
    return results;
  }

  /**
   * The same ranking restricted to articles carrying one of `tags`, filtered before the candidate
   * limit (filtering after it would let another brand's articles crowd this one's out).
   */
  private async scopedChunks(scope: WorkspaceScope, match: string, limit: number, tags: string[]): Promise<ChunkHit[]> {
    const { results } = await scope
      .prepare(
        `SELECT c.rowid AS rowid, c.article_id AS articleId, c.position AS position, c.title AS title, c.body AS text,
                a.kind AS kind, a.source_url AS sourceUrl, -bm25(kb_fts, ${WEIGHTS}) AS score
         FROM kb_fts
         JOIN kb_chunks c ON c.rowid = kb_fts.rowid
         JOIN kb_articles a ON a.id = c.article_id
         WHERE kb_fts MATCH ?2 AND c.workspace_id = ?1 AND a.workspace_id = ?1 AND a.status = 'published'
           AND EXISTS (SELECT 1 FROM json_each(a.tags) t WHERE t.value IN (SELECT value FROM json_each(?4)))
         ORDER BY score DESC LIMIT ?3`,
        match,
        limit,
        JSON.stringify(tags),
      )
      .all<ChunkHit>();
    return results;
  }

  async search(scope: WorkspaceScope, question: string, opts: RetrieveOptions = {}): Promise<Passage[]> {
    const candidates = await this.chunks(scope, question, CANDIDATES, opts.tags);
    return withCoverage(question, bestPerSource(candidates, opts.limit ?? 3), candidates).map(({ rowid: _r, ...p }) => p);
  }
}

/** The first (best) passage of each source, up to `limit` sources. */
export function bestPerSource<T extends { articleId: string }>(ranked: T[], limit: number): T[] {
  const seen = new Set<string>();
  const out: T[] = [];
  for (const p of ranked) {
    if (seen.has(p.articleId)) continue;
    seen.add(p.articleId);
    out.push(p);
    if (out.length === limit) break;
  }
  return out;
}

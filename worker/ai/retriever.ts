// The Retriever interface: passages of a workspace's published knowledge that answer a question.
// Implementations: BM25 over D1 FTS5 (local, bm25-retriever.ts) and hybrid Vectorize + BM25 (cloud).
import type { WorkspaceScope } from '../db/scope';
import { expand } from './synonyms';
import { translations } from './multilingual';
import { detectLanguage, stem, stopLanguage, terms, textStems, type Language } from './text';

export interface Passage {
  articleId: string;
  /** Chunk position within the source. */
  position: number;
  title: string;
  text: string;
  kind: string;
  sourceUrl: string | null;
  /** Retriever-specific relevance: higher is better, comparable only within one result list. */
  score: number;
  /** 0..1: how much of the question's content the passage covers (synonyms count a little less). */
  coverage: number;
  /** 0..1: share of the question's content words matched only through another language. */
  crossLingual?: number;
  /** 0..1: share of the question's content words (or their synonyms/translations) found in the title. */
  titleCoverage?: number;
  /** The question's content words this passage matches, directly, through a synonym or a translation. */
  matched?: string[];
  /**
   * The salient words (answerability.ts: what it is about) of the question this passage was retrieved
   * for, which may be only the customer's latest message; the two lists below are measured against it.
   */
  salient?: string[];
  /** Those of them this passage mentions. */
  salientCovered?: string[];
  /**
   * The question's salient words that any passage the keyword query reached mentions (the same list
   * on every passage of one search): a salient word outside it is a thing the knowledge base likely
   * never mentions.
   */
  known?: string[];
  /** Cloud retrieval: cosine similarity of the passage's embedding to the question's (0..1). */
  similarity?: number;
}

export interface RetrieveOptions {
  /** Distinct sources to return (best passage of each). */
  limit?: number;
  /**
   * Only articles carrying one of these tags (lower case, as articles store them): an inbox of one
   * business or brand in a workspace of several (the inbox's `knowledgeTags`). Empty or absent: all.
   */
  tags?: string[];
}

export interface Retriever {
  readonly name: string;
  search(scope: WorkspaceScope, question: string, opts?: RetrieveOptions): Promise<Passage[]>;
}

/** The workspace id as one index token (see migrations/0004_kb_fts.sql). */
export function workspaceToken(workspaceId: string): string {
  return workspaceId.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Content words of a question, in order, without repeats (at most 16). */
export function questionTerms(question: string, lang: Language | undefined = stopLanguage(question)): string[] {
  return [...new Set(terms(question, lang))].slice(0, 16);
}

/**
 * Share of the question's content words found in a passage: exact (stemmed) matches count 1,
 * matches through a synonym 0.75, through the cross-lingual lexicon 0.8. Questions without content words cover nothing.
 */
export function coverage(questionWords: string[], passageText: string, lang: Language = 'en'): number {
  return coverageDetail(questionWords, passageText, lang).coverage;
}

/** Coverage, the share of the question matched only through another language (cross-lingual matches), and the words matched. */
export function coverageDetail(questionWords: string[], passageText: string, lang: Language = 'en'): { coverage: number; crossLingual: number; matched: string[] } {
  if (questionWords.length === 0) return { coverage: 0, crossLingual: 0, matched: [] };
  const have = new Set(textStems(passageText));
  let sum = 0;
  let cross = 0;
  const matched: string[] = [];
  for (const w of questionWords) {
    if (have.has(stem(w))) sum += 1;
    else if (expand(w).some((s) => have.has(stem(s)))) sum += 0.75;
    else if (translations(w, lang).some((t) => have.has(stem(t)))) {
      sum += 0.8;
      cross++;
    } else continue;
    matched.push(w);
  }
  return { coverage: sum / questionWords.length, crossLingual: cross / questionWords.length, matched };
}

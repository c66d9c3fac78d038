// Keeping retrieval in step with the knowledge base. Locally the FTS5 triggers index passages in the
// same D1 batch that writes them, so there is nothing more to do. In the cloud, changed sources go
// on the KB_INDEX queue; its consumer embeds their passages and upserts them to Vectorize (one
// namespace per workspace), deleting vectors of passages that no longer exist.
import { database, WorkspaceScope } from '../db/scope';
import { embed } from './embeddings';
import type { AiEnv } from './providers';

export interface IndexJob {
  articleId: string;
  /** Passages the source has now (0 when deleted or unpublished). */
  chunkCount: number;
  /** Passages it had before this change: vectors beyond chunkCount are deleted. */
  previousChunkCount: number;
}

export interface KbIndexMessage extends IndexJob {
  workspaceId: string;
}

export interface KbIndexer {
  changed(workspaceId: string, jobs: IndexJob[]): Promise<void>;
}

export class LocalIndexer implements KbIndexer {
  async changed(): Promise<void> {}
}

export const vectorId = (articleId: string, position: number) => `${articleId}#${position}`;

export function parseVectorId(id: string): { articleId: string; position: number } | null {
  const m = /^(.+)#(\d+)$/.exec(id);
  return m ? { articleId: m[1], position: Number(m[2]) } : null;
}

/** Messages per sendBatch call (the Queues limit is 100). */
const SEND_BATCH = 100;

export class VectorIndexer implements KbIndexer {
  constructor(private env: Env & AiEnv & { AI: Ai; VECTORIZE: Vectorize }) {}

  async changed(workspaceId: string, jobs: IndexJob[]): Promise<void> {
    const messages = jobs.map((j) => ({ ...j, workspaceId }));
    if (!this.env.KB_INDEX) {
      await indexSources(this.env, messages);
      return;
    }
    for (let i = 0; i < messages.length; i += SEND_BATCH) {
      await this.env.KB_INDEX.sendBatch(messages.slice(i, i + SEND_BATCH).map((body) => ({ body, contentType: 'json' as const })));
    }
  }
}

/** Vectors per upsert call. */
const UPSERT_BATCH = 500;

/**
 * Embed and upsert the current passages of each source, delete vectors of passages beyond them.
 * Reads the passages as they are now, so replays and out-of-order jobs converge on the latest state.
 */
export async function indexSources(env: Env & AiEnv & { AI: Ai; VECTORIZE: Vectorize }, jobs: KbIndexMessage[]): Promise<{ upserted: number; deleted: number }> {
  let upserted = 0;
  let deleted = 0;
  const byWorkspace = new Map<string, KbIndexMessage[]>();
  for (const j of jobs) byWorkspace.set(j.workspaceId, [...(byWorkspace.get(j.workspaceId) ?? []), j]);
  for (const [workspaceId, group] of byWorkspace) {
    const scope = new WorkspaceScope(database(env.DB), env.DB, workspaceId);
    const ids = [...new Set(group.map((j) => j.articleId))];
    const { results } = await scope
      .prepare(
        `SELECT c.article_id AS articleId, c.position AS position, c.title AS title, c.body AS body
         FROM kb_chunks c JOIN kb_articles a ON a.id = c.article_id
         WHERE c.workspace_id = ?1 AND a.workspace_id = ?1 AND a.status = 'published' AND c.article_id IN (SELECT value FROM json_each(?2))
         ORDER BY c.article_id, c.position`,
        JSON.stringify(ids),
      )
      .all<{ articleId: string; position: number; title: string; body: string }>();
    if (results.length) {
      const vectors = await embed(env.AI, results.map((r) => `${r.title}\n${r.body}`), { model: env.AI_EMBEDDING_MODEL });
      const rows = results.map((r, i) => ({ id: vectorId(r.articleId, r.position), values: vectors[i], namespace: workspaceId, metadata: { articleId: r.articleId, position: r.position } }));
      for (let i = 0; i < rows.length; i += UPSERT_BATCH) await env.VECTORIZE.upsert(rows.slice(i, i + UPSERT_BATCH));
      upserted += rows.length;
    }
    const have = new Map<string, number>();
    for (const r of results) have.set(r.articleId, Math.max(have.get(r.articleId) ?? 0, r.position + 1));
    const stale: string[] = [];
    for (const j of group) {
      const now = have.get(j.articleId) ?? 0;
      for (let p = now; p < Math.max(j.previousChunkCount, j.chunkCount); p++) stale.push(vectorId(j.articleId, p));
    }
    const unique = [...new Set(stale)];
    for (let i = 0; i < unique.length; i += UPSERT_BATCH) await env.VECTORIZE.deleteByIds(unique.slice(i, i + UPSERT_BATCH));
    deleted += unique.length;
  }
  return { upserted, deleted };
}

/** The KB_INDEX queue consumer: a failed batch is retried by the queue (and ends in its dead-letter queue). */
export async function consumeKbIndex(batch: MessageBatch<KbIndexMessage>, env: Env): Promise<void> {
  const e = env as Env & AiEnv;
  if (!e.AI || !e.VECTORIZE) {
    // The bindings were removed after the jobs were queued: nothing to index into.
    batch.ackAll();
    return;
  }
  try {
    await indexSources(e as Env & AiEnv & { AI: Ai; VECTORIZE: Vectorize }, batch.messages.map((m) => m.body));
    batch.ackAll();
  } catch (err) {
    console.warn(`kb index: batch of ${batch.messages.length} failed, retrying: ${String(err)}`);
    batch.retryAll({ delaySeconds: 10 });
  }
}

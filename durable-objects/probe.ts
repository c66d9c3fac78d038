// ProbeDO: the smallest useful Durable Object — one SQLite write per call. Benchmarks measure it
// beside the real paths, so a figure from this noisy machine can be read as a ratio to the floor.
import { DurableObject } from 'cloudflare:workers';

export class ProbeDO extends DurableObject<Env> {
  constructor(ctx: DurableObjectState, env: Env) {
    super(ctx, env);
    ctx.storage.sql.exec('CREATE TABLE IF NOT EXISTS hits (id INTEGER PRIMARY KEY, at INTEGER NOT NULL)');
  }

  /** One durable write; returns the row count. */
  write(): number {
    this.ctx.storage.sql.exec('INSERT INTO hits (at) VALUES (?)', Date.now());
    return this.ctx.storage.sql.exec<{ n: number }>('SELECT count(*) AS n FROM hits').one().n;
  }
}

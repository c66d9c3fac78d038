// The one place D1 queries are scoped to a workspace. Routes get a WorkspaceScope for the caller and
// use it for every read and write; nothing outside this file adds the workspace condition by hand.
import { and, eq, type SQL } from 'drizzle-orm';
import { drizzle, type DrizzleD1Database } from 'drizzle-orm/d1';
import type { SQLiteColumn, SQLiteTable } from 'drizzle-orm/sqlite-core';
import * as schema from './schema';

export type Db = DrizzleD1Database<typeof schema>;

// drizzle() walks the whole schema to build its relational config on every call — measured at ~7 % of
// a message's CPU when each request made its own. The binding object outlives requests in an isolate,
// so one instance per binding is built once.
const instances = new WeakMap<D1Database, Db>();

export function database(d1: D1Database): Db {
  let db = instances.get(d1);
  if (!db) instances.set(d1, (db = drizzle(d1, { schema })));
  return db;
}

type ScopedTable = SQLiteTable & { id: SQLiteColumn; workspaceId: SQLiteColumn };

export class WorkspaceScope {
  constructor(
    readonly db: Db,
    readonly d1: D1Database,
    readonly workspaceId: string,
  ) {}

  /** The workspace condition for a table, ANDed with any further conditions. */
  where(table: { workspaceId: SQLiteColumn }, ...conds: (SQL | undefined)[]): SQL {
    return and(eq(table.workspaceId, this.workspaceId), ...conds)!;
  }

  async find<T extends ScopedTable>(table: T, id: string): Promise<T['$inferSelect'] | undefined> {
    const rows = await this.db.select().from(table as SQLiteTable).where(this.where(table, eq(table.id, id))).limit(1);
    return rows[0] as T['$inferSelect'] | undefined;
  }

  async list<T extends ScopedTable>(table: T, ...conds: (SQL | undefined)[]): Promise<T['$inferSelect'][]> {
    return (await this.db.select().from(table as SQLiteTable).where(this.where(table, ...conds))) as T['$inferSelect'][];
  }

  async insert<T extends ScopedTable>(table: T, values: Omit<T['$inferInsert'], 'workspaceId'>): Promise<void> {
    await this.db.insert(table).values({ ...values, workspaceId: this.workspaceId } as T['$inferInsert']);
  }

  /** Update one row of this workspace; returns false when no such row exists here. */
  async update<T extends ScopedTable>(table: T, id: string, set: Partial<T['$inferInsert']>): Promise<boolean> {
    const { workspaceId: _ignored, id: _id, ...rest } = set as Record<string, unknown>;
    if (Object.keys(rest).length === 0) return (await this.find(table, id)) !== undefined;
    const res = await this.db.update(table).set(rest as never).where(this.where(table, eq(table.id, id)));
    return res.meta.changes > 0;
  }

  /** A raw D1 statement whose first parameter is this workspace's id (for hand-written list queries). */
  prepare(sqlText: string, ...params: unknown[]): D1PreparedStatement {
    return this.d1.prepare(sqlText).bind(this.workspaceId, ...params);
  }
}

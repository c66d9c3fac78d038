// Exporting selected conversations (the bulk bar's "Export"): one row per conversation with the same
// columns as the analytics conversations export (worker/analytics/queries.ts CONVERSATION_COLUMNS), as
// CSV or JSON, streamed a page at a time. Who, where and what state come from the conversation itself
// (current even before the analytics facts catch up); the timings and counts from its facts row.
import { CONVERSATION_COLUMNS } from '../analytics/queries';
import { csvStream, type Cell } from '../analytics/csv';
import type { Principal } from '../auth/principal';
import { visibleAny } from './list';

export const EXPORT_FORMATS = ['csv', 'json'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** D1 binds at most 100 parameters a statement: the ids go in pages well under that with the visibility's own. */
const PAGE = 50;

type Row = Record<(typeof CONVERSATION_COLUMNS)[number], Cell>;

const FROM_CONVERSATION: Partial<Record<(typeof CONVERSATION_COLUMNS)[number], string>> = {
  conversation_id: 'c.id',
  channel: 'c.channel',
  inbox_id: 'c.inbox_id',
  team_id: 'c.team_id',
  assignee_id: 'c.assignee_id',
  status: 'c.status',
  created_at: 'c.created_at',
  resolved_at: 'COALESCE(f.resolved_at, c.closed_at)',
};

const SELECT = CONVERSATION_COLUMNS.map((col) => `${FROM_CONVERSATION[col] ?? `f.${col}`} AS ${col}`).join(', ');
const TIMES = new Set(['created_at', 'resolved_at']);

/** One page of rows for these ids, as the caller may see them, in the order the ids were given. */
export async function exportPage(db: D1Database, p: Principal, ids: string[]): Promise<Row[]> {
  if (ids.length === 0) return [];
  const visible = visibleAny(p);
  const where = [`c.workspace_id = ?`, `c.id IN (${ids.map(() => '?').join(', ')})`, ...visible.map((v) => v.sql)];
  const params: unknown[] = [p.workspaceId, ...ids, ...visible.flatMap((v) => v.params)];
  const { results } = await db
    .prepare(`SELECT ${SELECT} FROM conversations c LEFT JOIN conversation_facts f ON f.conversation_id = c.id AND f.workspace_id = c.workspace_id WHERE ${where.join(' AND ')}`)
    .bind(...params)
    .all<Row>();
  const order = new Map(ids.map((id, i) => [id, i]));
  return results
    .map((r) => {
      const out = { ...r };
      for (const col of TIMES) {
        const v = out[col as keyof Row];
        out[col as keyof Row] = v === null || v === undefined ? null : new Date(Number(v)).toISOString();
      }
      return out;
    })
    .sort((a, b) => order.get(String(a.conversation_id))! - order.get(String(b.conversation_id))!);
}

/** The export as a stream: each pull reads one page of ids, so a thousand rows never sit in memory at once. */
export function exportStream(db: D1Database, p: Principal, ids: string[], format: ExportFormat): ReadableStream<Uint8Array> {
  let at = 0;
  const nextRows = async (): Promise<Row[]> => {
    // A page whose conversations were all deleted or are out of sight is skipped, not the end.
    while (at < ids.length) {
      const rows = await exportPage(db, p, ids.slice(at, (at += PAGE)));
      if (rows.length) return rows;
    }
    return [];
  };
  if (format === 'csv') return csvStream(CONVERSATION_COLUMNS, async () => (await nextRows()).map((r) => CONVERSATION_COLUMNS.map((col) => r[col])));
  const encoder = new TextEncoder();
  let first = true;
  let ended = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (ended) return;
      const rows = await nextRows();
      if (rows.length === 0) {
        ended = true;
        controller.enqueue(encoder.encode(first ? '[]\n' : '\n]\n'));
        controller.close();
        return;
      }
      const body = rows.map((r) => JSON.stringify(r)).join(',\n');
      controller.enqueue(encoder.encode(`${first ? '[\n' : ',\n'}${body}`));
      first = false;
    },
  });
}

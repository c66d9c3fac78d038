// Writes generated rows as SQL files of multi-row INSERTs (200 rows a statement), one file per chunk,
// for `wrangler d1 execute --file`: the datasets of the list and analytics benches.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';

const q = (v) => (v === null || v === undefined ? 'NULL' : typeof v === 'number' ? String(v) : `'${String(v).replace(/'/g, "''")}'`);

/** `columns`: table → its column list. `add(table, values)` buffers a row; `chunk()` ends a file. */
export function sqlChunks(dir, prefix, columns) {
  const files = [];
  let sql = [];
  const buffers = Object.fromEntries(Object.keys(columns).map((t) => [t, []]));
  const flush = (table, force = false) => {
    if (buffers[table].length === 0 || (!force && buffers[table].length < 200)) return;
    sql.push(`INSERT INTO ${table} (${columns[table]}) VALUES\n${buffers[table].join(',\n')};`);
    buffers[table] = [];
  };
  return {
    files,
    add(table, values) {
      buffers[table].push(`(${values.map(q).join(', ')})`);
      flush(table);
    },
    chunk() {
      for (const t of Object.keys(buffers)) flush(t, true);
      if (sql.length === 0) return;
      const path = join(dir, `${prefix}-${String(files.length).padStart(2, '0')}.sql`);
      writeFileSync(path, sql.join('\n') + '\n');
      files.push(path);
      sql = [];
    },
  };
}

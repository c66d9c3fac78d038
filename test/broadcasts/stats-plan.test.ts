// A sending broadcast's progress is polled every second (the app's live view, the API): its counts must
// not read every recipient row. The plans are checked on the real D1 schema, migrations applied.
import { env } from 'cloudflare:test';
import { describe, expect, it } from 'vitest';
import { ENGAGEMENT_SQL } from '../../worker/broadcasts/store';

async function plan(sql: string, ...args: unknown[]): Promise<string> {
  const rows = await env.DB.prepare(`EXPLAIN QUERY PLAN ${sql}`).bind(...args).all<{ detail: string }>();
  return rows.results.map((r) => r.detail).join(' | ');
}

describe('broadcast progress counts', () => {
  it('count engagement through the partial index of engaged recipients only', async () => {
    expect(await plan(ENGAGEMENT_SQL, 'b1')).toMatch(/USING INDEX broadcast_recipients_engaged/);
  });

  it('count by status on a covering index', async () => {
    expect(await plan(`SELECT status, count(*) AS n FROM broadcast_recipients WHERE broadcast_id = ? GROUP BY status`, 'b1')).toMatch(/COVERING INDEX broadcast_recipients_status/);
  });
});

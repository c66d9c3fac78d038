// Prints migrations/0036_analytics_rollups.sql from the rollup SQL builders (worker/analytics/rollups.ts), so the
// migration's backfill is the very SELECT the subscriber runs: `npx tsx scripts/gen-rollups-migration.ts > migrations/0036_analytics_rollups.sql`.
// test/analytics/rollups.test.ts checks the committed file still matches.
import { MAX_BIN, RATIO, SMALLEST } from '../worker/analytics/histogram';
import { ALL_DAYS, ALL_FACTS, dailyInsertSql, rollupInsertSql, SUM_COLUMNS } from '../worker/analytics/rollups';
const REAL = new Set(['csat_sum', 'first_s_initial', 'first_s_reopen', 'first_bh_s', 'resolution_s', 'resolution_bh_s', 'response_s', 'response_bh_s']);
const out: string[] = [];
out.push(`-- Hourly analytics rollups (worker/analytics/rollups.ts): one row per UTC hour × workspace × channel × inbox × team × agent
-- with the counts and sums of the overview and log-scale histograms of the time metrics; the overview reads these
-- instead of ranking fact rows. Team and agent are '' when unset (key columns). Clustered by (workspace, hour): a
-- range is one contiguous run of the table, every filter column inside the key.
CREATE TABLE \`analytics_hourly\` (
	\`workspace_id\` text NOT NULL,
	\`hour\` integer NOT NULL,
	\`channel\` text NOT NULL,
	\`inbox_id\` text NOT NULL,
	\`team_id\` text DEFAULT '' NOT NULL,
	\`assignee_id\` text DEFAULT '' NOT NULL,
${SUM_COLUMNS.map((c) => `\t\`${c}\` ${REAL.has(c) ? 'real' : 'integer'} DEFAULT 0 NOT NULL,`).join('\n')}
	\`hist\` text DEFAULT '{}' NOT NULL,
	PRIMARY KEY(\`workspace_id\`, \`hour\`, \`channel\`, \`inbox_id\`, \`team_id\`, \`assignee_id\`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Per UTC day and workspace, the same figures with no dimensions, one row per key (a SUM_COLUMNS name, or a
-- histogram bin "<metric>:<bin>"): what a workspace-wide read sums (rollups.ts, daily totals).
CREATE TABLE \`analytics_daily\` (
	\`workspace_id\` text NOT NULL,
	\`day\` integer NOT NULL,
	\`k\` text NOT NULL,
	\`n\` real NOT NULL,
	PRIMARY KEY(\`workspace_id\`, \`day\`, \`k\`)
) WITHOUT ROWID;
--> statement-breakpoint
-- The histogram bins (worker/analytics/histogram.ts LOWER_BOUNDS, the same products): bin 0 is exactly 0 s, bin k ≥ 1
-- starts at 0.001·1.1^(k−1) s. A value's bin is the greatest lower bound ≤ it (a primary-key seek).
CREATE TABLE \`analytics_bins\` (
	\`lo\` real PRIMARY KEY NOT NULL,
	\`bin\` integer NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
WITH RECURSIVE b(\`bin\`, \`lo\`) AS (SELECT 1, ${SMALLEST} UNION ALL SELECT \`bin\` + 1, \`lo\` * ${RATIO} FROM b WHERE \`bin\` < ${MAX_BIN})
INSERT INTO \`analytics_bins\` (\`lo\`, \`bin\`) SELECT 0, 0 UNION ALL SELECT \`lo\`, \`bin\` FROM b;
--> statement-breakpoint
-- Backfill: the rollups of every fact already counted (the same SELECT the subscriber runs per touched bucket,
-- rollups.ts rollupInsertSql(ALL_FACTS)).
${rollupInsertSql(ALL_FACTS)};
--> statement-breakpoint
-- Then the daily totals of every day with hourly rows (rollups.ts dailyInsertSql(ALL_DAYS)).
${dailyInsertSql(ALL_DAYS)};
`);
process.stdout.write(out.join(''));

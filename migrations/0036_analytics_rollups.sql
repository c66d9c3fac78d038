-- Hourly analytics rollups (worker/analytics/rollups.ts): one row per UTC hour × workspace × channel × inbox × team × agent
-- with the counts and sums of the overview and log-scale histograms of the time metrics; the overview reads these
-- instead of ranking fact rows. Team and agent are '' when unset (key columns). Clustered by (workspace, hour): a
-- range is one contiguous run of the table, every filter column inside the key.
CREATE TABLE `analytics_hourly` (
	`workspace_id` text NOT NULL,
	`hour` integer NOT NULL,
	`channel` text NOT NULL,
	`inbox_id` text NOT NULL,
	`team_id` text DEFAULT '' NOT NULL,
	`assignee_id` text DEFAULT '' NOT NULL,
	`created` integer DEFAULT 0 NOT NULL,
	`open` integer DEFAULT 0 NOT NULL,
	`closed` integer DEFAULT 0 NOT NULL,
	`messages_in` integer DEFAULT 0 NOT NULL,
	`messages_out` integer DEFAULT 0 NOT NULL,
	`escalations` integer DEFAULT 0 NOT NULL,
	`frt_met` integer DEFAULT 0 NOT NULL,
	`frt_breached` integer DEFAULT 0 NOT NULL,
	`res_met` integer DEFAULT 0 NOT NULL,
	`res_breached` integer DEFAULT 0 NOT NULL,
	`csat_n` integer DEFAULT 0 NOT NULL,
	`csat_sum` real DEFAULT 0 NOT NULL,
	`reopened` integer DEFAULT 0 NOT NULL,
	`first_initial` integer DEFAULT 0 NOT NULL,
	`first_reopen` integer DEFAULT 0 NOT NULL,
	`first_s_initial` real DEFAULT 0 NOT NULL,
	`first_s_reopen` real DEFAULT 0 NOT NULL,
	`first_bh_s` real DEFAULT 0 NOT NULL,
	`resolved` integer DEFAULT 0 NOT NULL,
	`resolution_s` real DEFAULT 0 NOT NULL,
	`resolution_bh_s` real DEFAULT 0 NOT NULL,
	`responses` integer DEFAULT 0 NOT NULL,
	`response_s` real DEFAULT 0 NOT NULL,
	`response_bh_s` real DEFAULT 0 NOT NULL,
	`hist` text DEFAULT '{}' NOT NULL,
	PRIMARY KEY(`workspace_id`, `hour`, `channel`, `inbox_id`, `team_id`, `assignee_id`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Per UTC day and workspace, the same figures with no dimensions, one row per key (a SUM_COLUMNS name, or a
-- histogram bin "<metric>:<bin>"): what a workspace-wide read sums (rollups.ts, daily totals).
CREATE TABLE `analytics_daily` (
	`workspace_id` text NOT NULL,
	`day` integer NOT NULL,
	`k` text NOT NULL,
	`n` real NOT NULL,
	PRIMARY KEY(`workspace_id`, `day`, `k`)
) WITHOUT ROWID;
--> statement-breakpoint
-- The histogram bins (worker/analytics/histogram.ts LOWER_BOUNDS, the same products): bin 0 is exactly 0 s, bin k ≥ 1
-- starts at 0.001·1.1^(k−1) s. A value's bin is the greatest lower bound ≤ it (a primary-key seek).
CREATE TABLE `analytics_bins` (
	`lo` real PRIMARY KEY NOT NULL,
	`bin` integer NOT NULL
) WITHOUT ROWID;
--> statement-breakpoint
WITH RECURSIVE b(`bin`, `lo`) AS (SELECT 1, 0.001 UNION ALL SELECT `bin` + 1, `lo` * 1.1 FROM b WHERE `bin` < 280)
INSERT INTO `analytics_bins` (`lo`, `bin`) SELECT 0, 0 UNION ALL SELECT `lo`, `bin` FROM b;
--> statement-breakpoint
-- Backfill: the rollups of every fact already counted (the same SELECT the subscriber runs per touched bucket,
-- rollups.ts rollupInsertSql(ALL_FACTS)).
INSERT INTO analytics_hourly (workspace_id, hour, channel, inbox_id, team_id, assignee_id, created, open, closed, messages_in, messages_out, escalations, frt_met, frt_breached, res_met, res_breached, csat_n, csat_sum, reopened, first_initial, first_reopen, first_s_initial, first_s_reopen, first_bh_s, resolved, resolution_s, resolution_bh_s, responses, response_s, response_bh_s, hist)
SELECT s.k_ws, s.k_hour, s.k_channel, s.k_inbox, s.k_team, s.k_agent, s.created, s.open, s.closed, s.messages_in, s.messages_out, s.escalations, s.frt_met, s.frt_breached, s.res_met, s.res_breached, s.csat_n, s.csat_sum, s.reopened, s.first_initial, s.first_reopen, s.first_s_initial, s.first_s_reopen, s.first_bh_s, s.resolved, s.resolution_s, s.resolution_bh_s, s.responses, s.response_s, s.response_bh_s, coalesce(h.hist, '{}') AS hist
    FROM (SELECT k_ws, k_hour, k_channel, k_inbox, k_team, k_agent, sum(created) AS created, sum(open) AS open, sum(closed) AS closed, sum(messages_in) AS messages_in, sum(messages_out) AS messages_out, sum(escalations) AS escalations, sum(frt_met) AS frt_met, sum(frt_breached) AS frt_breached, sum(res_met) AS res_met, sum(res_breached) AS res_breached, sum(csat_n) AS csat_n, sum(csat_sum) AS csat_sum, sum(reopened) AS reopened, sum(first_initial) AS first_initial, sum(first_reopen) AS first_reopen, sum(first_s_initial) AS first_s_initial, sum(first_s_reopen) AS first_s_reopen, sum(first_bh_s) AS first_bh_s, sum(resolved) AS resolved, sum(resolution_s) AS resolution_s, sum(resolution_bh_s) AS resolution_bh_s, sum(responses) AS responses, sum(response_s) AS response_s, sum(response_bh_s) AS response_bh_s FROM (SELECT * FROM (SELECT t.workspace_id AS k_ws, t.created_at / 3600000 * 3600000 AS k_hour, t.channel AS k_channel, t.inbox_id AS k_inbox, coalesce(t.team_id, '') AS k_team, coalesce(t.assignee_id, '') AS k_agent, coalesce(count(*), 0) AS created, coalesce(sum(t.status <> 'closed'), 0) AS open, coalesce(sum(t.status = 'closed'), 0) AS closed, coalesce(sum(t.messages_in), 0) AS messages_in, coalesce(sum(t.messages_out), 0) AS messages_out, coalesce(sum(t.escalations), 0) AS escalations, coalesce(sum(t.sla_first_response = 'met'), 0) AS frt_met, coalesce(sum(t.sla_first_response = 'breached'), 0) AS frt_breached, coalesce(sum(t.sla_resolution = 'met'), 0) AS res_met, coalesce(sum(t.sla_resolution = 'breached'), 0) AS res_breached, coalesce(count(t.csat_score), 0) AS csat_n, coalesce(coalesce(sum(t.csat_score), 0), 0) AS csat_sum, 0 AS reopened, 0 AS first_initial, 0 AS first_reopen, 0 AS first_s_initial, 0 AS first_s_reopen, 0 AS first_bh_s, 0 AS resolved, 0 AS resolution_s, 0 AS resolution_bh_s, 0 AS responses, 0 AS response_s, 0 AS response_bh_s FROM conversation_facts t WHERE 1 AND 1 GROUP BY k_ws, k_hour, k_channel, k_inbox, k_team, k_agent
      UNION ALL SELECT t.workspace_id AS k_ws, t.started_at / 3600000 * 3600000 AS k_hour, t.channel AS k_channel, t.inbox_id AS k_inbox, coalesce(t.team_id, '') AS k_team, coalesce(t.assignee_id, '') AS k_agent, 0 AS created, 0 AS open, 0 AS closed, 0 AS messages_in, 0 AS messages_out, 0 AS escalations, 0 AS frt_met, 0 AS frt_breached, 0 AS res_met, 0 AS res_breached, 0 AS csat_n, 0 AS csat_sum, coalesce(count(*), 0) AS reopened, 0 AS first_initial, 0 AS first_reopen, 0 AS first_s_initial, 0 AS first_s_reopen, 0 AS first_bh_s, 0 AS resolved, 0 AS resolution_s, 0 AS resolution_bh_s, 0 AS responses, 0 AS response_s, 0 AS response_bh_s FROM conversation_fact_cycles t WHERE 1 AND t.cycle > 1 GROUP BY k_ws, k_hour, k_channel, k_inbox, k_team, k_agent
      UNION ALL SELECT t.workspace_id AS k_ws, t.first_response_at / 3600000 * 3600000 AS k_hour, t.channel AS k_channel, t.inbox_id AS k_inbox, coalesce(t.team_id, '') AS k_team, coalesce(t.assignee_id, '') AS k_agent, 0 AS created, 0 AS open, 0 AS closed, 0 AS messages_in, 0 AS messages_out, 0 AS escalations, 0 AS frt_met, 0 AS frt_breached, 0 AS res_met, 0 AS res_breached, 0 AS csat_n, 0 AS csat_sum, 0 AS reopened, coalesce(sum(t.cycle = 1), 0) AS first_initial, coalesce(sum(t.cycle > 1), 0) AS first_reopen, coalesce(coalesce(sum(CASE WHEN t.cycle = 1 THEN t.first_response_s END), 0), 0) AS first_s_initial, coalesce(coalesce(sum(CASE WHEN t.cycle > 1 THEN t.first_response_s END), 0), 0) AS first_s_reopen, coalesce(coalesce(sum(t.first_response_bh_s), 0), 0) AS first_bh_s, 0 AS resolved, 0 AS resolution_s, 0 AS resolution_bh_s, 0 AS responses, 0 AS response_s, 0 AS response_bh_s FROM conversation_fact_cycles t WHERE 1 AND t.first_response_s IS NOT NULL GROUP BY k_ws, k_hour, k_channel, k_inbox, k_team, k_agent)
      UNION ALL SELECT * FROM (SELECT t.workspace_id AS k_ws, t.resolved_at / 3600000 * 3600000 AS k_hour, t.channel AS k_channel, t.inbox_id AS k_inbox, coalesce(t.team_id, '') AS k_team, coalesce(t.assignee_id, '') AS k_agent, 0 AS created, 0 AS open, 0 AS closed, 0 AS messages_in, 0 AS messages_out, 0 AS escalations, 0 AS frt_met, 0 AS frt_breached, 0 AS res_met, 0 AS res_breached, 0 AS csat_n, 0 AS csat_sum, 0 AS reopened, 0 AS first_initial, 0 AS first_reopen, 0 AS first_s_initial, 0 AS first_s_reopen, 0 AS first_bh_s, coalesce(count(*), 0) AS resolved, coalesce(sum(t.resolution_s), 0) AS resolution_s, coalesce(coalesce(sum(t.resolution_bh_s), 0), 0) AS resolution_bh_s, 0 AS responses, 0 AS response_s, 0 AS response_bh_s FROM conversation_fact_cycles t WHERE 1 AND t.resolution_s IS NOT NULL GROUP BY k_ws, k_hour, k_channel, k_inbox, k_team, k_agent
      UNION ALL SELECT t.workspace_id AS k_ws, t.responded_at / 3600000 * 3600000 AS k_hour, t.channel AS k_channel, t.inbox_id AS k_inbox, coalesce(t.team_id, '') AS k_team, coalesce(t.assignee_id, '') AS k_agent, 0 AS created, 0 AS open, 0 AS closed, 0 AS messages_in, 0 AS messages_out, 0 AS escalations, 0 AS frt_met, 0 AS frt_breached, 0 AS res_met, 0 AS res_breached, 0 AS csat_n, 0 AS csat_sum, 0 AS reopened, 0 AS first_initial, 0 AS first_reopen, 0 AS first_s_initial, 0 AS first_s_reopen, 0 AS first_bh_s, 0 AS resolved, 0 AS resolution_s, 0 AS resolution_bh_s, coalesce(count(*), 0) AS responses, coalesce(sum(t.response_s), 0) AS response_s, coalesce(sum(t.response_bh_s), 0) AS response_bh_s FROM conversation_fact_responses t WHERE 1 AND 1 GROUP BY k_ws, k_hour, k_channel, k_inbox, k_team, k_agent)) GROUP BY k_ws, k_hour, k_channel, k_inbox, k_team, k_agent) s
    LEFT JOIN (SELECT k_ws, k_hour, k_channel, k_inbox, k_team, k_agent, json_group_object(hk, n) AS hist FROM (SELECT k_ws, k_hour, k_channel, k_inbox, k_team, k_agent, hk, count(*) AS n FROM (SELECT * FROM (SELECT t.workspace_id AS k_ws, t.created_at / 3600000 * 3600000 AS k_hour, t.channel AS k_channel, t.inbox_id AS k_inbox, coalesce(t.team_id, '') AS k_team, coalesce(t.assignee_id, '') AS k_agent, 'c:' || (CASE WHEN t.csat_score = CAST(t.csat_score AS INTEGER) THEN CAST(t.csat_score AS INTEGER) ELSE t.csat_score END) AS hk FROM conversation_facts t WHERE 1 AND 1 AND t.csat_score IS NOT NULL
      UNION ALL SELECT t.workspace_id AS k_ws, t.first_response_at / 3600000 * 3600000 AS k_hour, t.channel AS k_channel, t.inbox_id AS k_inbox, coalesce(t.team_id, '') AS k_team, coalesce(t.assignee_id, '') AS k_agent, (CASE WHEN t.cycle = 1 THEN 'fi:' ELSE 'fr:' END) || (SELECT b.bin FROM analytics_bins b WHERE b.lo <= t.first_response_s ORDER BY b.lo DESC LIMIT 1) AS hk FROM conversation_fact_cycles t WHERE 1 AND t.first_response_s IS NOT NULL AND 1
      UNION ALL SELECT t.workspace_id AS k_ws, t.first_response_at / 3600000 * 3600000 AS k_hour, t.channel AS k_channel, t.inbox_id AS k_inbox, coalesce(t.team_id, '') AS k_team, coalesce(t.assignee_id, '') AS k_agent, 'fb:' || (SELECT b.bin FROM analytics_bins b WHERE b.lo <= t.first_response_bh_s ORDER BY b.lo DESC LIMIT 1) AS hk FROM conversation_fact_cycles t WHERE 1 AND t.first_response_s IS NOT NULL AND t.first_response_bh_s IS NOT NULL)
      UNION ALL SELECT * FROM (SELECT t.workspace_id AS k_ws, t.resolved_at / 3600000 * 3600000 AS k_hour, t.channel AS k_channel, t.inbox_id AS k_inbox, coalesce(t.team_id, '') AS k_team, coalesce(t.assignee_id, '') AS k_agent, 'sw:' || (SELECT b.bin FROM analytics_bins b WHERE b.lo <= t.resolution_s ORDER BY b.lo DESC LIMIT 1) AS hk FROM conversation_fact_cycles t WHERE 1 AND t.resolution_s IS NOT NULL AND 1
      UNION ALL SELECT t.workspace_id AS k_ws, t.resolved_at / 3600000 * 3600000 AS k_hour, t.channel AS k_channel, t.inbox_id AS k_inbox, coalesce(t.team_id, '') AS k_team, coalesce(t.assignee_id, '') AS k_agent, 'sb:' || (SELECT b.bin FROM analytics_bins b WHERE b.lo <= t.resolution_bh_s ORDER BY b.lo DESC LIMIT 1) AS hk FROM conversation_fact_cycles t WHERE 1 AND t.resolution_s IS NOT NULL AND t.resolution_bh_s IS NOT NULL
      UNION ALL SELECT t.workspace_id AS k_ws, t.responded_at / 3600000 * 3600000 AS k_hour, t.channel AS k_channel, t.inbox_id AS k_inbox, coalesce(t.team_id, '') AS k_team, coalesce(t.assignee_id, '') AS k_agent, 'rw:' || (SELECT b.bin FROM analytics_bins b WHERE b.lo <= t.response_s ORDER BY b.lo DESC LIMIT 1) AS hk FROM conversation_fact_responses t WHERE 1 AND 1 AND 1)
      UNION ALL SELECT t.workspace_id AS k_ws, t.responded_at / 3600000 * 3600000 AS k_hour, t.channel AS k_channel, t.inbox_id AS k_inbox, coalesce(t.team_id, '') AS k_team, coalesce(t.assignee_id, '') AS k_agent, 'rb:' || (SELECT b.bin FROM analytics_bins b WHERE b.lo <= t.response_bh_s ORDER BY b.lo DESC LIMIT 1) AS hk FROM conversation_fact_responses t WHERE 1 AND 1 AND 1) GROUP BY k_ws, k_hour, k_channel, k_inbox, k_team, k_agent, hk) GROUP BY k_ws, k_hour, k_channel, k_inbox, k_team, k_agent) h
    ON h.k_ws = s.k_ws AND h.k_hour = s.k_hour AND h.k_channel = s.k_channel AND h.k_inbox = s.k_inbox AND h.k_team = s.k_team AND h.k_agent = s.k_agent;
--> statement-breakpoint
-- Then the daily totals of every day with hourly rows (rollups.ts dailyInsertSql(ALL_DAYS)).
INSERT INTO analytics_daily (workspace_id, day, k, n)
SELECT s.ws AS ws, s.day AS day, c.key AS k, c.value AS n
      FROM (SELECT d.ws AS ws, d.day AS day, json_object('created', sum(h.created), 'open', sum(h.open), 'closed', sum(h.closed), 'messages_in', sum(h.messages_in), 'messages_out', sum(h.messages_out), 'escalations', sum(h.escalations), 'frt_met', sum(h.frt_met), 'frt_breached', sum(h.frt_breached), 'res_met', sum(h.res_met), 'res_breached', sum(h.res_breached), 'csat_n', sum(h.csat_n), 'csat_sum', sum(h.csat_sum), 'reopened', sum(h.reopened), 'first_initial', sum(h.first_initial), 'first_reopen', sum(h.first_reopen), 'first_s_initial', sum(h.first_s_initial), 'first_s_reopen', sum(h.first_s_reopen), 'first_bh_s', sum(h.first_bh_s), 'resolved', sum(h.resolved), 'resolution_s', sum(h.resolution_s), 'resolution_bh_s', sum(h.resolution_bh_s), 'responses', sum(h.responses), 'response_s', sum(h.response_s), 'response_bh_s', sum(h.response_bh_s)) AS sums FROM (SELECT DISTINCT workspace_id AS ws, hour / 86400000 * 86400000 AS day FROM analytics_hourly) d JOIN analytics_hourly h ON h.workspace_id = d.ws AND h.hour >= d.day AND h.hour < d.day + 86400000 GROUP BY d.ws, d.day) s,
        json_each(s.sums) c
      WHERE c.value <> 0
    UNION ALL
    SELECT d.ws, d.day, j.key, sum(j.value) FROM (SELECT DISTINCT workspace_id AS ws, hour / 86400000 * 86400000 AS day FROM analytics_hourly) d JOIN analytics_hourly h ON h.workspace_id = d.ws AND h.hour >= d.day AND h.hour < d.day + 86400000, json_each(h.hist) j GROUP BY d.ws, d.day, j.key;

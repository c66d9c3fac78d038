-- Scoped analytics rollups (worker/analytics/rollups.ts, "per team and per agent"): what a staff overview ("handled
-- by me or by my teams") and the per-agent table read instead of the hourly rows, which hold about one fact each.
-- Both are functions of analytics_hourly, recomputed by the analytics subscriber for every day it touches.
-- Per UTC day × workspace × team ('' for none), every key of analytics_daily (sum names and histogram bins).
CREATE TABLE `analytics_daily_teams` (
	`workspace_id` text NOT NULL,
	`day` integer NOT NULL,
	`team_id` text NOT NULL,
	`k` text NOT NULL,
	`n` real NOT NULL,
	PRIMARY KEY(`workspace_id`, `day`, `team_id`, `k`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Per workspace × agent ('' unassigned) × team: span 1 = one UTC day (every key), span 7 = the epoch-aligned week of
-- seven UTC days starting at `start` (the sums and the wall-clock histograms fi, fr, rw, sw the agents table reads).
CREATE TABLE `analytics_agents` (
	`workspace_id` text NOT NULL,
	`span` integer NOT NULL,
	`start` integer NOT NULL,
	`assignee_id` text NOT NULL,
	`team_id` text NOT NULL,
	`k` text NOT NULL,
	`n` real NOT NULL,
	PRIMARY KEY(`workspace_id`, `span`, `start`, `assignee_id`, `k`, `team_id`)
) WITHOUT ROWID;
--> statement-breakpoint
-- Backfill from the hourly rows (rollups.ts teamDailyInsertSql(ALL_DAYS), agentDailyInsertSql(ALL_DAYS), then
-- agentWeeklyInsertSql(ALL_WEEKS) from those days, per agent and team): the same SQL the subscriber runs per touched day.
INSERT INTO analytics_daily_teams (workspace_id, day, team_id, k, n)
SELECT s.ws AS ws, s.day AS day, s.team_id AS team_id, c.key AS k, c.value AS n
      FROM (SELECT d.ws AS ws, d.day AS day, h.team_id AS team_id, json_object('created', sum(h.created), 'open', sum(h.open), 'closed', sum(h.closed), 'messages_in', sum(h.messages_in), 'messages_out', sum(h.messages_out), 'escalations', sum(h.escalations), 'frt_met', sum(h.frt_met), 'frt_breached', sum(h.frt_breached), 'res_met', sum(h.res_met), 'res_breached', sum(h.res_breached), 'csat_n', sum(h.csat_n), 'csat_sum', sum(h.csat_sum), 'reopened', sum(h.reopened), 'first_initial', sum(h.first_initial), 'first_reopen', sum(h.first_reopen), 'first_s_initial', sum(h.first_s_initial), 'first_s_reopen', sum(h.first_s_reopen), 'first_bh_s', sum(h.first_bh_s), 'resolved', sum(h.resolved), 'resolution_s', sum(h.resolution_s), 'resolution_bh_s', sum(h.resolution_bh_s), 'responses', sum(h.responses), 'response_s', sum(h.response_s), 'response_bh_s', sum(h.response_bh_s)) AS sums FROM (SELECT DISTINCT workspace_id AS ws, hour / 86400000 * 86400000 AS day FROM analytics_hourly) d JOIN analytics_hourly h ON h.workspace_id = d.ws AND h.hour >= d.day AND h.hour < d.day + 86400000 GROUP BY d.ws, d.day, h.team_id) s,
        json_each(s.sums) c
      WHERE c.value <> 0
    UNION ALL
    SELECT d.ws, d.day, h.team_id, j.key, sum(j.value) FROM (SELECT DISTINCT workspace_id AS ws, hour / 86400000 * 86400000 AS day FROM analytics_hourly) d JOIN analytics_hourly h ON h.workspace_id = d.ws AND h.hour >= d.day AND h.hour < d.day + 86400000, json_each(h.hist) j GROUP BY d.ws, d.day, h.team_id, j.key;
--> statement-breakpoint
INSERT INTO analytics_agents (workspace_id, start, assignee_id, team_id, k, n, span)
SELECT *, 1 FROM (SELECT s.ws AS ws, s.day AS day, s.assignee_id AS assignee_id, s.team_id AS team_id, c.key AS k, c.value AS n
      FROM (SELECT d.ws AS ws, d.day AS day, h.assignee_id AS assignee_id, h.team_id AS team_id, json_object('created', sum(h.created), 'open', sum(h.open), 'closed', sum(h.closed), 'messages_in', sum(h.messages_in), 'messages_out', sum(h.messages_out), 'escalations', sum(h.escalations), 'frt_met', sum(h.frt_met), 'frt_breached', sum(h.frt_breached), 'res_met', sum(h.res_met), 'res_breached', sum(h.res_breached), 'csat_n', sum(h.csat_n), 'csat_sum', sum(h.csat_sum), 'reopened', sum(h.reopened), 'first_initial', sum(h.first_initial), 'first_reopen', sum(h.first_reopen), 'first_s_initial', sum(h.first_s_initial), 'first_s_reopen', sum(h.first_s_reopen), 'first_bh_s', sum(h.first_bh_s), 'resolved', sum(h.resolved), 'resolution_s', sum(h.resolution_s), 'resolution_bh_s', sum(h.resolution_bh_s), 'responses', sum(h.responses), 'response_s', sum(h.response_s), 'response_bh_s', sum(h.response_bh_s)) AS sums FROM (SELECT DISTINCT workspace_id AS ws, hour / 86400000 * 86400000 AS day FROM analytics_hourly) d JOIN analytics_hourly h ON h.workspace_id = d.ws AND h.hour >= d.day AND h.hour < d.day + 86400000 GROUP BY d.ws, d.day, h.assignee_id, h.team_id) s,
        json_each(s.sums) c
      WHERE c.value <> 0
    UNION ALL
    SELECT d.ws, d.day, h.assignee_id, h.team_id, j.key, sum(j.value) FROM (SELECT DISTINCT workspace_id AS ws, hour / 86400000 * 86400000 AS day FROM analytics_hourly) d JOIN analytics_hourly h ON h.workspace_id = d.ws AND h.hour >= d.day AND h.hour < d.day + 86400000, json_each(h.hist) j GROUP BY d.ws, d.day, h.assignee_id, h.team_id, j.key);
--> statement-breakpoint
INSERT INTO analytics_agents (workspace_id, span, start, assignee_id, team_id, k, n)
    SELECT w.ws, 7, w.week, w.assignee_id, w.team_id, a.k, sum(a.n) FROM (SELECT DISTINCT workspace_id AS ws, start / 604800000 * 604800000 AS week, assignee_id, team_id FROM analytics_agents WHERE span = 1) w
      JOIN analytics_agents a ON a.workspace_id = w.ws AND a.span = 1 AND a.start IN (w.week, w.week + 86400000, w.week + 172800000, w.week + 259200000, w.week + 345600000, w.week + 432000000, w.week + 518400000) AND a.assignee_id = w.assignee_id AND a.team_id = w.team_id
    WHERE (a.k NOT GLOB '*:*' OR a.k GLOB 'f[ir]:*' OR a.k GLOB 'rw:*' OR a.k GLOB 'sw:*') GROUP BY w.ws, w.week, w.assignee_id, w.team_id, a.k;

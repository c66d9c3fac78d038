-- Analytics facts (worker/analytics): computed from the event stream at event time, read by /api/analytics.
-- One row per conversation, one per response cycle (the first and every reopen) and one per response.
-- Every table carries the same dimension columns (workspace, channel, inbox, team, assignee) so one
-- role/filter clause applies to each. Times are epoch ms; durations are seconds (ms precision).
-- Facts are clustered by (workspace, created_at): a range of conversations is one contiguous run of the
-- table itself (no index lookups per row); the subscriber finds a row by its unique conversation id.
CREATE TABLE `conversation_facts` (
	`conversation_id` text NOT NULL,
	`workspace_id` text NOT NULL,
	`contact_id` text,
	`channel` text NOT NULL,
	`inbox_id` text NOT NULL,
	`team_id` text,
	`assignee_id` text,
	`status` text NOT NULL,
	`created_at` integer NOT NULL,
	`first_response_at` integer,
	`first_response_s` real,
	`first_response_bh_s` real,
	`resolved_at` integer,
	`resolution_s` real,
	`resolution_bh_s` real,
	`reopens` integer DEFAULT 0 NOT NULL,
	`messages_in` integer DEFAULT 0 NOT NULL,
	`messages_out` integer DEFAULT 0 NOT NULL,
	`responses` integer DEFAULT 0 NOT NULL,
	`response_s_total` real DEFAULT 0 NOT NULL,
	`response_bh_s_total` real DEFAULT 0 NOT NULL,
	`sla_first_response` text,
	`sla_resolution` text,
	`escalations` integer DEFAULT 0 NOT NULL,
	`csat_score` real,
	`cycle` integer DEFAULT 1 NOT NULL,
	`waiting_since` integer,
	`last_seq` integer NOT NULL,
	`updated_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `created_at`, `conversation_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE UNIQUE INDEX `facts_conversation` ON `conversation_facts` (`conversation_id`);--> statement-breakpoint
CREATE INDEX `facts_ws_resolved` ON `conversation_facts` (`workspace_id`,`resolved_at`);--> statement-breakpoint
CREATE INDEX `facts_ws_assignee_created` ON `conversation_facts` (`workspace_id`,`assignee_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `facts_ws_team_created` ON `conversation_facts` (`workspace_id`,`team_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `facts_ws_channel_created` ON `conversation_facts` (`workspace_id`,`channel`,`created_at`);--> statement-breakpoint
CREATE INDEX `facts_ws_inbox_created` ON `conversation_facts` (`workspace_id`,`inbox_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `conversation_fact_cycles` (
	`conversation_id` text NOT NULL,
	`cycle` integer NOT NULL,
	`workspace_id` text NOT NULL,
	`channel` text NOT NULL,
	`inbox_id` text NOT NULL,
	`team_id` text,
	`assignee_id` text,
	`started_at` integer NOT NULL,
	`first_response_at` integer,
	`first_response_s` real,
	`first_response_bh_s` real,
	`responder_id` text,
	`resolved_at` integer,
	`resolution_s` real,
	`resolution_bh_s` real,
	PRIMARY KEY(`conversation_id`, `cycle`)
);
--> statement-breakpoint
-- Time-ordered and covering (values, cycle and every filter column): counts, means and grouped figures over a
-- range read one contiguous run of an index.
CREATE INDEX `fact_cycles_ws_started` ON `conversation_fact_cycles` (`workspace_id`,`started_at`,`cycle`,`channel`,`inbox_id`,`team_id`,`assignee_id`);--> statement-breakpoint
CREATE INDEX `fact_cycles_ws_first_response` ON `conversation_fact_cycles` (`workspace_id`,`first_response_at`,`first_response_s`,`first_response_bh_s`,`cycle`,`channel`,`inbox_id`,`team_id`,`assignee_id`);--> statement-breakpoint
CREATE INDEX `fact_cycles_ws_resolved` ON `conversation_fact_cycles` (`workspace_id`,`resolved_at`,`resolution_s`,`resolution_bh_s`,`cycle`,`channel`,`inbox_id`,`team_id`,`assignee_id`);--> statement-breakpoint
-- Value-ordered and covering (time, cycle and every filter column): a percentile is ORDER BY value LIMIT 1 OFFSET k
-- read off the index in order, with no sort of the range's rows.
CREATE INDEX `fact_cycles_ws_first_response_value` ON `conversation_fact_cycles` (`workspace_id`,`first_response_s`,`first_response_at`,`cycle`,`channel`,`inbox_id`,`team_id`,`assignee_id`);--> statement-breakpoint
CREATE INDEX `fact_cycles_ws_first_response_bh_value` ON `conversation_fact_cycles` (`workspace_id`,`first_response_bh_s`,`first_response_at`,`cycle`,`channel`,`inbox_id`,`team_id`,`assignee_id`);--> statement-breakpoint
CREATE INDEX `fact_cycles_ws_resolution_value` ON `conversation_fact_cycles` (`workspace_id`,`resolution_s`,`resolved_at`,`cycle`,`channel`,`inbox_id`,`team_id`,`assignee_id`);--> statement-breakpoint
CREATE INDEX `fact_cycles_ws_resolution_bh_value` ON `conversation_fact_cycles` (`workspace_id`,`resolution_bh_s`,`resolved_at`,`cycle`,`channel`,`inbox_id`,`team_id`,`assignee_id`);--> statement-breakpoint
CREATE TABLE `conversation_fact_responses` (
	`conversation_id` text NOT NULL,
	`seq` integer NOT NULL,
	`workspace_id` text NOT NULL,
	`channel` text NOT NULL,
	`inbox_id` text NOT NULL,
	`team_id` text,
	`assignee_id` text,
	`responder_id` text,
	`cycle` integer NOT NULL,
	`first` integer NOT NULL,
	`waited_from` integer NOT NULL,
	`responded_at` integer NOT NULL,
	`response_s` real NOT NULL,
	`response_bh_s` real NOT NULL,
	PRIMARY KEY(`conversation_id`, `seq`)
);
--> statement-breakpoint
CREATE INDEX `fact_responses_ws_responded` ON `conversation_fact_responses` (`workspace_id`,`responded_at`,`response_s`,`response_bh_s`,`channel`,`inbox_id`,`team_id`,`assignee_id`);--> statement-breakpoint
CREATE INDEX `fact_responses_ws_value` ON `conversation_fact_responses` (`workspace_id`,`response_s`,`responded_at`,`channel`,`inbox_id`,`team_id`,`assignee_id`);--> statement-breakpoint
CREATE INDEX `fact_responses_ws_bh_value` ON `conversation_fact_responses` (`workspace_id`,`response_bh_s`,`responded_at`,`channel`,`inbox_id`,`team_id`,`assignee_id`);--> statement-breakpoint
CREATE TABLE `analytics_state` (
	`id` integer PRIMARY KEY NOT NULL,
	`facts_since` integer NOT NULL
);
--> statement-breakpoint
INSERT INTO `analytics_state` (`id`, `facts_since`) VALUES (1, CAST(unixepoch('subsec') * 1000 AS integer));

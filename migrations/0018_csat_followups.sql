-- CSAT (worker/csat): per-workspace survey settings, one survey per conversation (its response kept
-- raw and normalized to 1–5), and the latest score on the conversation's projection row for lists.
-- Follow-ups and scheduled messages live in each ConversationDO (its schedule); the list row carries
-- the earliest due time (follow_up_at) for an indicator.
CREATE TABLE `csat_settings` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`enabled` integer DEFAULT false NOT NULL,
	`scale` text DEFAULT 'stars5' NOT NULL,
	`question` text,
	`comment_prompt` text,
	`auto_send_on_close` integer DEFAULT true NOT NULL,
	`inbox_ids` text,
	`delay_minutes` integer DEFAULT 0 NOT NULL,
	`public_origin` text,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `csat_surveys` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`inbox_id` text NOT NULL,
	`channel` text NOT NULL,
	`agent_id` text,
	`scale` text NOT NULL,
	`language` text NOT NULL,
	`question` text,
	`comment_prompt` text,
	`sent_at` integer NOT NULL,
	`score` real,
	`raw_score` integer,
	`comment` text,
	`first_responded_at` integer,
	`responded_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `csat_surveys_conversation` ON `csat_surveys` (`conversation_id`);
--> statement-breakpoint
CREATE INDEX `csat_surveys_ws_responded` ON `csat_surveys` (`workspace_id`,`responded_at`);
--> statement-breakpoint
ALTER TABLE `conversations` ADD `csat_score` real;
--> statement-breakpoint
ALTER TABLE `conversations` ADD `follow_up_at` integer;

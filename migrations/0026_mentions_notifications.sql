-- Mentions in internal notes (worker/notifications/mentions.ts): one row per note and mentioned agent,
-- the structure behind the "Mentions" view; the note's text keeps the readable "@Name".
-- Notification preferences per agent (kind x channel, JSON), and mobile device push tokens.
CREATE TABLE `note_mentions` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`message_id` text NOT NULL,
	`user_id` text NOT NULL,
	`author_id` text NOT NULL,
	`author_name` text NOT NULL,
	`excerpt` text NOT NULL,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `note_mentions_message_user` ON `note_mentions` (`message_id`,`user_id`);
--> statement-breakpoint
CREATE INDEX `note_mentions_user` ON `note_mentions` (`workspace_id`,`user_id`,`created_at`);
--> statement-breakpoint
CREATE INDEX `note_mentions_conversation` ON `note_mentions` (`conversation_id`);
--> statement-breakpoint
CREATE TABLE `notification_preferences` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`prefs` text NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `push_tokens` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`user_id` text NOT NULL,
	`platform` text NOT NULL,
	`token` text NOT NULL,
	`device_name` text,
	`created_at` integer NOT NULL,
	`last_seen_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `push_tokens_user_token` ON `push_tokens` (`user_id`,`token`);

CREATE TABLE `ai_alert_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`position` integer NOT NULL,
	`op` text DEFAULT 'and' NOT NULL,
	`conditions` text NOT NULL,
	`actions` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ai_alert_rules_ws` ON `ai_alert_rules` (`workspace_id`,`position`);--> statement-breakpoint
CREATE TABLE `ai_alerts` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`rule_id` text NOT NULL,
	`rule_name` text NOT NULL,
	`reasons` text NOT NULL,
	`sentiment` real,
	`message_seq` integer,
	`created_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ai_alerts_ws` ON `ai_alerts` (`workspace_id`,`created_at`);--> statement-breakpoint
CREATE UNIQUE INDEX `ai_alerts_once` ON `ai_alerts` (`conversation_id`,`rule_id`,`message_seq`);--> statement-breakpoint
CREATE TABLE `escalation_notes` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`escalation_id` text NOT NULL,
	`author_id` text,
	`author_name` text,
	`text` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `escalation_notes_escalation` ON `escalation_notes` (`escalation_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `escalation_paths` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`position` integer NOT NULL,
	`triggers` text NOT NULL,
	`conditions` text NOT NULL,
	`levels` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `escalation_paths_ws` ON `escalation_paths` (`workspace_id`,`position`);--> statement-breakpoint
CREATE TABLE `escalations` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`path_id` text,
	`path_name` text,
	`trigger` text NOT NULL,
	`reason` text NOT NULL,
	`level` integer DEFAULT 0 NOT NULL,
	`started_at` integer NOT NULL,
	`resolved_at` integer,
	`resolution` text,
	`resolved_by` text,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `escalations_ws_started` ON `escalations` (`workspace_id`,`started_at`);--> statement-breakpoint
CREATE INDEX `escalations_conversation` ON `escalations` (`conversation_id`,`started_at`);--> statement-breakpoint
CREATE TABLE `sla_policies` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`position` integer NOT NULL,
	`conditions` text NOT NULL,
	`first_response_ms` integer,
	`next_response_ms` integer,
	`resolution_ms` integer,
	`business_hours` integer DEFAULT true NOT NULL,
	`count_pending` integer DEFAULT false NOT NULL,
	`count_snoozed` integer DEFAULT false NOT NULL,
	`warning_pct` integer DEFAULT 75 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sla_policies_ws` ON `sla_policies` (`workspace_id`,`position`);--> statement-breakpoint
CREATE TABLE `workspace_automation` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`pending_after_ms` integer,
	`auto_close_after_ms` integer,
	`auto_close_message` text,
	`archive_after_ms` integer,
	`auto_priority` text DEFAULT '{}' NOT NULL,
	`config_version` integer DEFAULT 0 NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
ALTER TABLE `conversations` ADD `sla_status` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `sla_due_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `sla_policy_id` text;--> statement-breakpoint
ALTER TABLE `conversations` ADD `escalation_level` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `escalated_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `archived_at` integer;--> statement-breakpoint
ALTER TABLE `conversations` ADD `flagged` integer DEFAULT false NOT NULL;--> statement-breakpoint
CREATE INDEX `conv_ws_sla` ON `conversations` (`workspace_id`,`sla_status`,`sla_due_at`,`id`);--> statement-breakpoint
CREATE INDEX `conv_ws_escalated` ON `conversations` (`workspace_id`,`escalated_at`,`id`);
-- Template library (issue 13): message templates per channel (SMS, WhatsApp, e-mail) with every
-- change kept as a version, and WhatsApp's approval status kept in step with Meta.
CREATE TABLE `templates` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`channel` text NOT NULL,
	`category` text NOT NULL,
	`language` text NOT NULL,
	`content` text NOT NULL,
	`status` text NOT NULL,
	`status_reason` text,
	`status_at` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`inbox_id` text,
	`provider_template_id` text,
	`submitted_version` integer,
	`submitted_at` integer,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `templates_name` ON `templates` (`workspace_id`,`channel`,`name`,`language`);--> statement-breakpoint
CREATE INDEX `templates_ws` ON `templates` (`workspace_id`,`channel`,`category`,`status`);--> statement-breakpoint
CREATE INDEX `templates_provider` ON `templates` (`workspace_id`,`provider_template_id`);--> statement-breakpoint
CREATE TABLE `template_versions` (
	`workspace_id` text NOT NULL,
	`template_id` text NOT NULL,
	`version` integer NOT NULL,
	`name` text NOT NULL,
	`category` text NOT NULL,
	`language` text NOT NULL,
	`content` text NOT NULL,
	`change` text NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`template_id`, `version`)
);
--> statement-breakpoint
CREATE INDEX `template_versions_ws` ON `template_versions` (`workspace_id`,`template_id`,`version`);

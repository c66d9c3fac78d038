CREATE TABLE `routing_rules` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`position` integer NOT NULL,
	`op` text DEFAULT 'and' NOT NULL,
	`conditions` text DEFAULT '[]' NOT NULL,
	`actions` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `routing_rules_ws` ON `routing_rules` (`workspace_id`,`position`);--> statement-breakpoint
CREATE TABLE `routing_settings` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`default_actions` text,
	`holidays` text DEFAULT '[]' NOT NULL,
	`away_after_ms` integer,
	`offline_grace_ms` integer,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `team_routing` (
	`team_id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`mode` text DEFAULT 'round_robin' NOT NULL,
	`required_skills` text DEFAULT '[]' NOT NULL,
	`optional_skills` text DEFAULT '[]' NOT NULL,
	`fallback` text DEFAULT '["relax_optional"]' NOT NULL,
	`offline_reroute_ms` integer,
	`calendar` text,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);

-- Automation workflows (issue 12): the workflow, every saved version of its document (runs keep the
-- version they started with), the runs (one Cloudflare Workflows instance each) and their steps.
CREATE TABLE `workflows` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`enabled` integer DEFAULT true NOT NULL,
	-- The trigger's type, copied out of the document so an event finds its workflows with an index.
	`trigger_type` text NOT NULL,
	`version` integer NOT NULL,
	`document` text NOT NULL,
	`deleted_at` integer,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `workflows_ws_trigger` ON `workflows` (`workspace_id`,`trigger_type`,`enabled`);--> statement-breakpoint
CREATE TABLE `workflow_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`workflow_id` text NOT NULL,
	`version` integer NOT NULL,
	`document` text NOT NULL,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workflow_versions_wf_version` ON `workflow_versions` (`workflow_id`,`version`);--> statement-breakpoint
CREATE TABLE `workflow_runs` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`workflow_id` text NOT NULL,
	`version` integer NOT NULL,
	`conversation_id` text NOT NULL,
	-- event | manual | escalation
	`origin` text NOT NULL,
	`trigger_event_id` text,
	-- queued | running | waiting | complete | errored | cancelled | skipped
	`status` text NOT NULL,
	`reason` text,
	`error` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE INDEX `workflow_runs_ws_wf` ON `workflow_runs` (`workspace_id`,`workflow_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `workflow_runs_ws_conv` ON `workflow_runs` (`workspace_id`,`conversation_id`,`status`);--> statement-breakpoint
CREATE TABLE `workflow_run_steps` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`run_id` text NOT NULL,
	-- The deterministic step name (node path), e.g. /steps/1/then/0.
	`name` text NOT NULL,
	`type` text NOT NULL,
	-- done | failed | waiting | skipped
	`status` text NOT NULL,
	`input` text,
	`output` text,
	`error` text,
	`started_at` integer NOT NULL,
	`finished_at` integer
);
--> statement-breakpoint
CREATE UNIQUE INDEX `workflow_run_steps_run_name` ON `workflow_run_steps` (`run_id`,`name`);

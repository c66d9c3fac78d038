-- Bot flows (issue 12): where each conversation stands with its inbox's default workflow. No row: the
-- bot has not ended (it runs on the next customer message); `handed_off` (a handoff step or the
-- after-hours rule) and `taken_over` (an agent took the conversation) end it for good.
CREATE TABLE `bot_conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`state` text NOT NULL,
	`reason` text,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `bot_conversations_ws` ON `bot_conversations` (`workspace_id`);
--> statement-breakpoint
-- Scheduled workflows (trigger `schedule`): when each fires next. The cron handler claims a due slot by
-- moving next_run_at on (compare-and-set), so two ticks never start one slot twice.
CREATE TABLE `workflow_schedules` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`next_run_at` integer,
	`last_slot` integer,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `workflow_schedules_due` ON `workflow_schedules` (`next_run_at`);

DROP INDEX `conv_ws_status_recent`;--> statement-breakpoint
DROP INDEX `conv_ws_team_status`;--> statement-breakpoint
CREATE INDEX `conv_ws_status_recent` ON `conversations` (`workspace_id`,`status`,`last_activity_at`,`id`,`archived_at`);--> statement-breakpoint
CREATE INDEX `conv_ws_team_status` ON `conversations` (`workspace_id`,`team_id`,`status`,`last_activity_at`,`id`,`assignee_id`,`archived_at`);
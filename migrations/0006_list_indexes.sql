DROP INDEX `conv_ws_recent`;--> statement-breakpoint
DROP INDEX `conv_ws_status_recent`;--> statement-breakpoint
DROP INDEX `conv_ws_assignee_status`;--> statement-breakpoint
DROP INDEX `conv_ws_team_status`;--> statement-breakpoint
DROP INDEX `conv_ws_channel_status`;--> statement-breakpoint
DROP INDEX `conv_ws_inbox`;--> statement-breakpoint
CREATE INDEX `conv_ws_status_priority` ON `conversations` (`workspace_id`,`status`,`priority_rank`,`last_activity_at`,`id`);--> statement-breakpoint
CREATE INDEX `conv_ws_team_priority` ON `conversations` (`workspace_id`,`team_id`,`status`,`priority_rank`,`last_activity_at`,`id`);--> statement-breakpoint
CREATE INDEX `conv_ws_recent` ON `conversations` (`workspace_id`,`last_activity_at`,`id`);--> statement-breakpoint
CREATE INDEX `conv_ws_status_recent` ON `conversations` (`workspace_id`,`status`,`last_activity_at`,`id`);--> statement-breakpoint
CREATE INDEX `conv_ws_assignee_status` ON `conversations` (`workspace_id`,`assignee_id`,`status`,`last_activity_at`,`id`);--> statement-breakpoint
CREATE INDEX `conv_ws_team_status` ON `conversations` (`workspace_id`,`team_id`,`status`,`last_activity_at`,`id`,`assignee_id`);--> statement-breakpoint
CREATE INDEX `conv_ws_channel_status` ON `conversations` (`workspace_id`,`channel`,`status`,`last_activity_at`,`id`);--> statement-breakpoint
CREATE INDEX `conv_ws_inbox` ON `conversations` (`workspace_id`,`inbox_id`,`last_activity_at`,`id`);
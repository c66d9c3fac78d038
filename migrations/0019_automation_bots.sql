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

-- Deleted conversations (DELETE /api/conversations/:id): the audit entry that outlives them. Who deleted
-- which conversation of which contact and when; nothing of its content.
CREATE TABLE `conversation_deletions` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`contact_id` text,
	`channel` text NOT NULL,
	`deleted_by` text NOT NULL,
	`deleted_by_name` text NOT NULL,
	`deleted_at` integer NOT NULL
);
--> statement-breakpoint
CREATE INDEX `conversation_deletions_ws` ON `conversation_deletions` (`workspace_id`,`deleted_at`);

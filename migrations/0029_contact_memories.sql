-- What the team (and the assistant) remember about a customer, across channels: facts, preferences,
-- goals and experiences, written by agents or extracted when a conversation closes.
CREATE TABLE `contact_memories` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`type` text NOT NULL,
	`text` text NOT NULL,
	`key` text NOT NULL,
	`source_conversation_id` text,
	`source_message_id` text,
	`origin` text NOT NULL,
	`created_by` text,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`deleted_at` integer
);--> statement-breakpoint
CREATE UNIQUE INDEX `contact_memories_key` ON `contact_memories` (`workspace_id`,`contact_id`,`key`);--> statement-breakpoint
CREATE INDEX `contact_memories_contact` ON `contact_memories` (`workspace_id`,`contact_id`,`updated_at`);

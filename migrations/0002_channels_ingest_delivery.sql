CREATE TABLE `channel_activity` (
	`workspace_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`channel` text NOT NULL,
	`inbox_id` text,
	`last_inbound_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `contact_id`, `channel`)
);
--> statement-breakpoint
CREATE TABLE `contact_contexts` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`conversation_id` text,
	`channel` text NOT NULL,
	`kind` text NOT NULL,
	`reference` text NOT NULL,
	`data` text DEFAULT '{}' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `contact_contexts_ref` ON `contact_contexts` (`workspace_id`,`channel`,`kind`,`reference`);--> statement-breakpoint
CREATE INDEX `contact_contexts_contact` ON `contact_contexts` (`contact_id`,`updated_at`);--> statement-breakpoint
CREATE TABLE `dead_letters` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text,
	`queue` text NOT NULL,
	`channel` text,
	`inbox_id` text,
	`payload` text NOT NULL,
	`error` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`replay_count` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `dead_letters_ws` ON `dead_letters` (`workspace_id`,`status`,`created_at`);--> statement-breakpoint
CREATE TABLE `email_threads` (
	`workspace_id` text NOT NULL,
	`message_id_header` text NOT NULL,
	`conversation_id` text NOT NULL,
	`subject` text,
	`direction` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`workspace_id`, `message_id_header`)
);
--> statement-breakpoint
CREATE INDEX `email_threads_conversation` ON `email_threads` (`conversation_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `merge_suggestions` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`candidate_id` text NOT NULL,
	`reason` text NOT NULL,
	`value` text NOT NULL,
	`status` text DEFAULT 'open' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `merge_suggestions_pair` ON `merge_suggestions` (`workspace_id`,`contact_id`,`candidate_id`,`reason`);--> statement-breakpoint
CREATE TABLE `outbound_messages` (
	`message_id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`inbox_id` text NOT NULL,
	`channel` text NOT NULL,
	`contact_id` text,
	`provider_message_id` text,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `outbound_messages_provider` ON `outbound_messages` (`workspace_id`,`channel`,`provider_message_id`);--> statement-breakpoint
CREATE INDEX `outbound_messages_conversation` ON `outbound_messages` (`conversation_id`);--> statement-breakpoint
CREATE TABLE `outbound_options` (
	`workspace_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`client_id` text NOT NULL,
	`options` text NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	PRIMARY KEY(`workspace_id`, `conversation_id`, `client_id`)
);
--> statement-breakpoint
CREATE TABLE `sandbox_outbound` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` text NOT NULL,
	`inbox_id` text NOT NULL,
	`channel` text NOT NULL,
	`message_id` text,
	`purpose` text NOT NULL,
	`method` text NOT NULL,
	`url` text NOT NULL,
	`headers` text NOT NULL,
	`body` text,
	`response_status` integer NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `sandbox_outbound_ws` ON `sandbox_outbound` (`workspace_id`,`id`);--> statement-breakpoint
CREATE INDEX `sandbox_outbound_message` ON `sandbox_outbound` (`message_id`);
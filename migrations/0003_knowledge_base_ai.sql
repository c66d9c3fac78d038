CREATE TABLE `ai_assistants` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`mode` text DEFAULT 'off' NOT NULL,
	`prompt` text,
	`channels` text DEFAULT '[]' NOT NULL,
	`threshold` real DEFAULT 0.7 NOT NULL,
	`handoff_message` text,
	`updated_by` text,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ai_conversations` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`state` text DEFAULT 'active' NOT NULL,
	`reason` text,
	`by_user_id` text,
	`draft` text,
	`follow_ups` text DEFAULT '[]' NOT NULL,
	`summary_at` integer,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ai_messages` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`conversation_id` text NOT NULL,
	`kind` text NOT NULL,
	`confidence` real,
	`sources` text DEFAULT '[]' NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `ai_messages_conversation` ON `ai_messages` (`conversation_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `ai_revisions` (
	`workspace_id` text PRIMARY KEY NOT NULL,
	`revision` integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE `ai_settings` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`settings` text DEFAULT '{}' NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE TABLE `kb_article_versions` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`article_id` text NOT NULL,
	`version` integer NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`body_text` text NOT NULL,
	`category_id` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`status` text NOT NULL,
	`author_id` text,
	`author_name` text,
	`note` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kb_article_versions_key` ON `kb_article_versions` (`article_id`,`version`);--> statement-breakpoint
CREATE TABLE `kb_articles` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`kind` text NOT NULL,
	`title` text NOT NULL,
	`body` text NOT NULL,
	`body_text` text NOT NULL,
	`category_id` text,
	`tags` text DEFAULT '[]' NOT NULL,
	`status` text NOT NULL,
	`language` text,
	`source_url` text,
	`source_name` text,
	`source_etag` text,
	`source_hash` text,
	`fetched_at` integer,
	`version` integer DEFAULT 1 NOT NULL,
	`chunk_count` integer DEFAULT 0 NOT NULL,
	`published_at` integer,
	`created_by` text,
	`updated_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `kb_articles_ws` ON `kb_articles` (`workspace_id`,`status`,`updated_at`);--> statement-breakpoint
CREATE INDEX `kb_articles_category` ON `kb_articles` (`workspace_id`,`category_id`);--> statement-breakpoint
CREATE TABLE `kb_categories` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`position` integer DEFAULT 0 NOT NULL,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `kb_categories_name` ON `kb_categories` (`workspace_id`,`name`);--> statement-breakpoint
CREATE TABLE `kb_chunks` (
	`rowid` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`workspace_id` text NOT NULL,
	`article_id` text NOT NULL,
	`position` integer NOT NULL,
	`ws` text NOT NULL,
	`title` text NOT NULL,
	`keywords` text NOT NULL,
	`body` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `kb_chunks_article` ON `kb_chunks` (`article_id`,`position`);--> statement-breakpoint
CREATE TABLE `saved_replies` (
	`id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`name` text NOT NULL,
	`shortcut` text,
	`category` text,
	`text` text NOT NULL,
	`variants` text DEFAULT '{}' NOT NULL,
	`usage_count` integer DEFAULT 0 NOT NULL,
	`last_used_at` integer,
	`created_by` text,
	`created_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL,
	`updated_at` integer DEFAULT (unixepoch('subsec') * 1000) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `saved_replies_ws` ON `saved_replies` (`workspace_id`,`category`,`name`);--> statement-breakpoint
CREATE UNIQUE INDEX `saved_replies_shortcut` ON `saved_replies` (`workspace_id`,`shortcut`);--> statement-breakpoint
CREATE TABLE `suggestion_cache` (
	`conversation_id` text PRIMARY KEY NOT NULL,
	`workspace_id` text NOT NULL,
	`message_key` text NOT NULL,
	`revision` integer NOT NULL,
	`payload` text NOT NULL,
	`created_at` integer NOT NULL
);

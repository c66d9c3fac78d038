-- A mention is news until its person has been told: notified_at is set only after the notification went
-- out, so a send that failed is retried by the note's retry (same clientId) instead of being lost behind
-- the already-recorded mention (worker/notifications/mentions.ts). Mentions recorded before this were told.
ALTER TABLE `note_mentions` ADD `notified_at` integer;
--> statement-breakpoint
UPDATE `note_mentions` SET `notified_at` = `created_at`;

-- A contact import's committed chunks, keyed by their byte offset. Written in the same D1 batch as the
-- chunk's rows: a second commit of one chunk (a delivery whose lease ran out mid-commit while another
-- took the chunk over) fails on this key and rolls back whole (worker/contacts/import.ts).
CREATE TABLE `contact_import_chunks` (
	`import_id` text NOT NULL,
	`offset` integer NOT NULL,
	`committed_at` integer NOT NULL,
	PRIMARY KEY(`import_id`, `offset`)
);
--> statement-breakpoint
-- Tries at creating a run's Workflows instance: a run stays queued (and is tried again) after a
-- transient failure, and is errored only after the last try (worker/automation/runs.ts).
ALTER TABLE `workflow_runs` ADD `start_attempts` integer DEFAULT 0 NOT NULL;

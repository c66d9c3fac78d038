-- segment.matched: who is in each audience that a workflow watches, as last observed. Audiences are
-- filters, not lists, so entering one is seen when the contact is next active; a row exists while the
-- contact matches and names the event that saw it enter (the one event that starts the runs).
CREATE TABLE `segment_members` (
	`workspace_id` text NOT NULL,
	`audience_id` text NOT NULL,
	`contact_id` text NOT NULL,
	`entered_event_id` text NOT NULL,
	`entered_at` integer NOT NULL,
	PRIMARY KEY(`workspace_id`, `audience_id`, `contact_id`)
);

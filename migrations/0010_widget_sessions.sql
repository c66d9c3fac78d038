-- Widget sessions (issue 15): visitor tokens carry their contact's generation, bumped to revoke them all;
-- and fixed-window counters that throttle new visitors per client address and inbox.
ALTER TABLE `contacts` ADD `widget_session_epoch` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
CREATE TABLE `widget_session_throttle` (
	`key` text PRIMARY KEY NOT NULL,
	`window_start` integer NOT NULL,
	`count` integer NOT NULL
);

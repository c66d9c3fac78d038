-- E-mail broadcasts (issue 13): whether a broadcast tracks opens and clicks, and opens told apart by
-- who fetched the pixel. Written by hand. `opened_at` stays the first human open; a fetch by a mail
-- provider's proxy right after delivery (Apple Mail Privacy Protection, Google's image proxy) is a
-- machine open, counted apart (worker/broadcasts/tracking.ts says how it is recognised).
ALTER TABLE `broadcasts` ADD `tracking` integer DEFAULT 1 NOT NULL;--> statement-breakpoint
ALTER TABLE `broadcast_recipients` ADD `opens` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `broadcast_recipients` ADD `machine_opens` integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE `broadcast_recipients` ADD `machine_opened_at` integer;

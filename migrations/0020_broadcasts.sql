-- Broadcasts (issue 13): a template sent to an audience through one inbox, and the snapshot of its
-- recipients taken at send time. Written by hand. A recipient is keyed (broadcast_id, contact_id), so
-- every step of the delivery workflow can be retried without anyone being sent twice; its delivery
-- status follows the message it became (message.status events), its token names it in tracking links.

CREATE TABLE `broadcasts` (
  `id` text PRIMARY KEY NOT NULL,
  `workspace_id` text NOT NULL,
  `name` text NOT NULL,
  `inbox_id` text NOT NULL,
  `template_id` text NOT NULL,
  `audience_id` text,
  `filter` text,
  `variables` text DEFAULT '{}' NOT NULL,
  `status` text DEFAULT 'draft' NOT NULL,
  `scheduled_at` integer,
  `timezone` text,
  `error` text,
  `created_by` text,
  `started_at` integer,
  `finished_at` integer,
  `created_at` integer NOT NULL,
  `updated_at` integer NOT NULL
);--> statement-breakpoint
CREATE INDEX `broadcasts_ws_created` ON `broadcasts` (`workspace_id`,`created_at`);--> statement-breakpoint

CREATE TABLE `broadcast_recipients` (
  `broadcast_id` text NOT NULL,
  `contact_id` text NOT NULL,
  `workspace_id` text NOT NULL,
  -- pending (snapshotted, not yet enqueued) → queued → sending (claimed by the consumer) → sent →
  -- delivered → read, or failed; skipped (with reason) and cancelled never go out.
  `status` text NOT NULL,
  `reason` text,
  `token` text NOT NULL,
  `links` text DEFAULT '[]' NOT NULL,
  `conversation_id` text,
  `message_id` text,
  `queued_at` integer,
  `sent_at` integer,
  `delivered_at` integer,
  `read_at` integer,
  `failed_at` integer,
  `opened_at` integer,
  `clicked_at` integer,
  `clicks` integer DEFAULT 0 NOT NULL,
  `machine_clicks` integer DEFAULT 0 NOT NULL,
  `replied_at` integer,
  `unsubscribed_at` integer,
  `created_at` integer NOT NULL,
  PRIMARY KEY(`broadcast_id`, `contact_id`)
);--> statement-breakpoint
CREATE INDEX `broadcast_recipients_status` ON `broadcast_recipients` (`broadcast_id`,`status`,`contact_id`);--> statement-breakpoint
CREATE UNIQUE INDEX `broadcast_recipients_token` ON `broadcast_recipients` (`token`);--> statement-breakpoint
CREATE INDEX `broadcast_recipients_message` ON `broadcast_recipients` (`message_id`);--> statement-breakpoint
CREATE INDEX `broadcast_recipients_contact` ON `broadcast_recipients` (`workspace_id`,`contact_id`,`sent_at`);

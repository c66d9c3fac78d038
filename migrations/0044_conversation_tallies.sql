-- Counts kept, not counted: how many conversations a workspace has per combination of the fields the
-- list's status tabs and the navigation's views filter on (status, inbox, channel, team, assignee,
-- archived), and whether the customer has written at all (the unread count's total: a conversation
-- without a customer message is never unread). Every list request and every navigation refresh
-- counts by status; at 100k conversations each count walked the workspace's 100k index entries (7 ms
-- of SQLite CPU for status=open, 19 ms by inbox, 3x that in workerd, on a database that runs one query
-- at a time), and the navigation's counts read every row (420 ms). A tally row per combination in use
-- (1,301 at the bench's 100k conversations; it grows with agents, inboxes and teams, not conversations)
-- makes that a read of those rows (worker/conversations/tallies.ts).
--
-- Triggers keep it current whatever writes `conversations` (the projection's upsert, deletion, the data
-- set loader): an insert adds one, a delete takes one away, an update that changes a counted field moves
-- one. The projection rewrites every column on each message, so the update trigger fires only when a
-- counted field really changed. NULL team and assignee are stored as NULL (the list's own conditions
-- read them unchanged); the unique key coalesces them to char(0), which no id holds (not '': an empty
-- assignee written before the API refused one must stay apart from the unassigned), so the upsert finds
-- the row.
CREATE TABLE `conversation_tallies` (
	`workspace_id` text NOT NULL,
	`status` text NOT NULL,
	`inbox_id` text NOT NULL,
	`channel` text NOT NULL,
	`team_id` text,
	`assignee_id` text,
	`archived` integer NOT NULL,
	`customer_wrote` integer NOT NULL,
	`n` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `conversation_tallies_key` ON `conversation_tallies` (`workspace_id`, `status`, `inbox_id`, `channel`, coalesce(`team_id`, char(0)), coalesce(`assignee_id`, char(0)), `archived`, `customer_wrote`);
--> statement-breakpoint
CREATE TRIGGER `conversation_tallies_ai` AFTER INSERT ON `conversations` BEGIN
  INSERT INTO conversation_tallies (workspace_id, status, inbox_id, channel, team_id, assignee_id, archived, customer_wrote, n)
    VALUES (new.workspace_id, new.status, new.inbox_id, new.channel, new.team_id, new.assignee_id, new.archived_at IS NOT NULL, new.last_customer_seq > 0, 1)
    ON CONFLICT (workspace_id, status, inbox_id, channel, coalesce(team_id, char(0)), coalesce(assignee_id, char(0)), archived, customer_wrote) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
CREATE TRIGGER `conversation_tallies_ad` AFTER DELETE ON `conversations` BEGIN
  UPDATE conversation_tallies SET n = n - 1
    WHERE workspace_id = old.workspace_id AND status = old.status AND inbox_id = old.inbox_id AND channel = old.channel
      AND coalesce(team_id, char(0)) = coalesce(old.team_id, char(0)) AND coalesce(assignee_id, char(0)) = coalesce(old.assignee_id, char(0)) AND archived = (old.archived_at IS NOT NULL) AND customer_wrote = (old.last_customer_seq > 0);
  DELETE FROM conversation_tallies
    WHERE workspace_id = old.workspace_id AND status = old.status AND inbox_id = old.inbox_id AND channel = old.channel
      AND coalesce(team_id, char(0)) = coalesce(old.team_id, char(0)) AND coalesce(assignee_id, char(0)) = coalesce(old.assignee_id, char(0)) AND archived = (old.archived_at IS NOT NULL) AND customer_wrote = (old.last_customer_seq > 0) AND n <= 0;
END;
--> statement-breakpoint
CREATE TRIGGER `conversation_tallies_au` AFTER UPDATE OF workspace_id, status, inbox_id, channel, team_id, assignee_id, archived_at, last_customer_seq ON `conversations`
  WHEN old.workspace_id IS NOT new.workspace_id OR old.status IS NOT new.status OR old.inbox_id IS NOT new.inbox_id OR old.channel IS NOT new.channel
    OR old.team_id IS NOT new.team_id OR old.assignee_id IS NOT new.assignee_id OR (old.archived_at IS NULL) <> (new.archived_at IS NULL)
    OR (old.last_customer_seq > 0) <> (new.last_customer_seq > 0) BEGIN
  UPDATE conversation_tallies SET n = n - 1
    WHERE workspace_id = old.workspace_id AND status = old.status AND inbox_id = old.inbox_id AND channel = old.channel
      AND coalesce(team_id, char(0)) = coalesce(old.team_id, char(0)) AND coalesce(assignee_id, char(0)) = coalesce(old.assignee_id, char(0)) AND archived = (old.archived_at IS NOT NULL) AND customer_wrote = (old.last_customer_seq > 0);
  DELETE FROM conversation_tallies
    WHERE workspace_id = old.workspace_id AND status = old.status AND inbox_id = old.inbox_id AND channel = old.channel
      AND coalesce(team_id, char(0)) = coalesce(old.team_id, char(0)) AND coalesce(assignee_id, char(0)) = coalesce(old.assignee_id, char(0)) AND archived = (old.archived_at IS NOT NULL) AND customer_wrote = (old.last_customer_seq > 0) AND n <= 0;
  INSERT INTO conversation_tallies (workspace_id, status, inbox_id, channel, team_id, assignee_id, archived, customer_wrote, n)
    VALUES (new.workspace_id, new.status, new.inbox_id, new.channel, new.team_id, new.assignee_id, new.archived_at IS NOT NULL, new.last_customer_seq > 0, 1)
    ON CONFLICT (workspace_id, status, inbox_id, channel, coalesce(team_id, char(0)), coalesce(assignee_id, char(0)), archived, customer_wrote) DO UPDATE SET n = n + 1;
END;
--> statement-breakpoint
-- The navigation's "today" counts conversations updated since the agent's midnight: a range of this
-- (covering) index, not every row of the workspace read for its updated_at (65 ms of SQLite CPU at 100k).
-- It costs the projection one more index entry moved per write.
CREATE INDEX `conv_ws_updated` ON `conversations` (`workspace_id`, `updated_at`, `status`, `assignee_id`, `team_id`, `archived_at`);
--> statement-breakpoint
-- What is there now.
INSERT INTO conversation_tallies (workspace_id, status, inbox_id, channel, team_id, assignee_id, archived, customer_wrote, n)
  SELECT workspace_id, status, inbox_id, channel, team_id, assignee_id, archived_at IS NOT NULL, last_customer_seq > 0, count(*)
  FROM conversations
  GROUP BY workspace_id, status, inbox_id, channel, coalesce(team_id, char(0)), coalesce(assignee_id, char(0)), archived_at IS NOT NULL, last_customer_seq > 0;

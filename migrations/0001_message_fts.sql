-- Full-text index over message bodies (FTS5, external content on message_search).
-- Triggers keep it in step; `INSERT OR IGNORE INTO message_search` makes projection retries idempotent.
CREATE VIRTUAL TABLE `messages_fts` USING fts5(body, content='message_search', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `message_search_ai` AFTER INSERT ON `message_search` BEGIN
  INSERT INTO messages_fts(rowid, body) VALUES (new.rowid, new.body);
END;
--> statement-breakpoint
CREATE TRIGGER `message_search_ad` AFTER DELETE ON `message_search` BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
END;
--> statement-breakpoint
CREATE TRIGGER `message_search_au` AFTER UPDATE OF body ON `message_search` BEGIN
  INSERT INTO messages_fts(messages_fts, rowid, body) VALUES ('delete', old.rowid, old.body);
  INSERT INTO messages_fts(rowid, body) VALUES (new.rowid, new.body);
END;

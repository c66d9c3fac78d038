-- Full-text search by conversation: one FTS5 document per conversation (its message bodies, notes
-- included, in arrival order), rowid = the conversation's rowid. The list (worker/conversations/list.ts)
-- walks the index of its filters and sort and probes the hit list by that rowid, which every index of
-- `conversations` carries: no lookup per hit. With one row per message (messages_fts), a word found in
-- 146k messages of 1M took 146k lookups in message_search to learn their conversations (300-770 ms).
--
-- The rowid of a table without INTEGER PRIMARY KEY can change under VACUUM (D1 runs none, and cannot
-- export FTS5 tables); if it ever did, the rebuild at the end of this file puts the index back in step.
-- Triggers keep it current, whatever writes message_search or conversations (the projection, deletion):
-- a message appends its body to the conversation's document; a message deleted or changed (redaction)
-- rebuilds the document from the rows left; a conversation deleted drops its document.
CREATE VIRTUAL TABLE `conversations_fts` USING fts5(body, tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `message_search_conv_ai` AFTER INSERT ON `message_search` BEGIN
  UPDATE conversations_fts SET body = body || char(10) || new.body
    WHERE rowid = (SELECT c.rowid FROM conversations c WHERE c.id = new.conversation_id);
  INSERT INTO conversations_fts(rowid, body)
    SELECT c.rowid, new.body FROM conversations c
    WHERE c.id = new.conversation_id AND NOT EXISTS (SELECT 1 FROM conversations_fts f WHERE f.rowid = c.rowid);
END;
--> statement-breakpoint
CREATE TRIGGER `message_search_conv_ad` AFTER DELETE ON `message_search` BEGIN
  UPDATE conversations_fts
    SET body = coalesce((SELECT group_concat(m.body, char(10)) FROM (SELECT body FROM message_search WHERE conversation_id = old.conversation_id ORDER BY seq) m), '')
    WHERE rowid = (SELECT c.rowid FROM conversations c WHERE c.id = old.conversation_id);
END;
--> statement-breakpoint
CREATE TRIGGER `message_search_conv_au` AFTER UPDATE OF body ON `message_search` BEGIN
  UPDATE conversations_fts
    SET body = coalesce((SELECT group_concat(m.body, char(10)) FROM (SELECT body FROM message_search WHERE conversation_id = new.conversation_id ORDER BY seq) m), '')
    WHERE rowid = (SELECT c.rowid FROM conversations c WHERE c.id = new.conversation_id);
END;
--> statement-breakpoint
-- Messages projected before their conversation row (the projection normally writes the row first).
CREATE TRIGGER `conversations_fts_ai` AFTER INSERT ON `conversations`
  WHEN EXISTS (SELECT 1 FROM message_search WHERE conversation_id = new.id) BEGIN
  INSERT INTO conversations_fts(rowid, body)
    SELECT new.rowid, group_concat(m.body, char(10)) FROM (SELECT body FROM message_search WHERE conversation_id = new.id ORDER BY seq) m;
END;
--> statement-breakpoint
CREATE TRIGGER `conversations_fts_ad` AFTER DELETE ON `conversations` BEGIN
  DELETE FROM conversations_fts WHERE rowid = old.rowid;
END;
--> statement-breakpoint
-- The per-message index had no other reader than the list's search: dropped, so a message still
-- writes one FTS5 row, not two.
DROP TRIGGER IF EXISTS `message_search_ai`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `message_search_ad`;
--> statement-breakpoint
DROP TRIGGER IF EXISTS `message_search_au`;
--> statement-breakpoint
DROP TABLE IF EXISTS `messages_fts`;
--> statement-breakpoint
-- Search also matches contacts' names and e-mails (substrings, instr over the workspace's contacts): an
-- index that covers it reads the index instead of every contact row (20k contacts: 5.8 -> 3.0 ms CPU).
CREATE INDEX `contacts_ws_search` ON `contacts` (`workspace_id`,`name`,`email`,`id`);
--> statement-breakpoint
-- Rebuild: every conversation with messages, its bodies in sequence order.
INSERT INTO conversations_fts(rowid, body)
  SELECT c.rowid, (SELECT group_concat(m.body, char(10)) FROM (SELECT body FROM message_search WHERE conversation_id = c.id ORDER BY seq) m)
  FROM conversations c WHERE EXISTS (SELECT 1 FROM message_search WHERE conversation_id = c.id);

-- Full-text search by conversation: FTS5 documents that each hold a block of one conversation's
-- message bodies (notes included, in arrival order), rowid = the conversation's rowid × 65536 + the
-- block (seq >> 5: at most 32 sequence numbers, so at most 32 messages, a block). The list
-- (worker/conversations/list.ts) walks the index of its filters and sort and probes the hit list by
-- `rowid >> 16`, which every index of `conversations` carries: no lookup per hit. With one row per
-- message (messages_fts), a word found in 146k messages of 1M took 146k lookups in message_search to
-- learn their conversations (300-770 ms).
--
-- Why blocks and not one document per conversation: FTS5 cannot append to a document, so an append
-- re-indexes the whole document (about 3 µs per message in it: a 1,000-message thread would cost 3 ms of
-- D1 per new message, 5,000 messages 14 ms, on a database that runs one query at a time). A block
-- bounds it at 32 messages. Words of one block match together (a question and its follow-ups); words
-- far apart in a long thread do not, as they never did with one row per message.
--
-- The rowid of a table without INTEGER PRIMARY KEY can change under VACUUM (D1 runs none, and cannot
-- export FTS5 tables); if it ever did, the rebuild at the end of this file puts the index back in step.
-- Triggers keep it current, whatever writes message_search or conversations (the projection, deletion):
-- a message appends its body to its block; a message deleted or changed (redaction) rebuilds its block
-- from the rows left; a conversation deleted drops its blocks.
CREATE VIRTUAL TABLE `conversations_fts` USING fts5(body, tokenize='unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `message_search_conv_ai` AFTER INSERT ON `message_search` BEGIN
  UPDATE conversations_fts SET body = body || char(10) || new.body
    WHERE rowid = (SELECT c.rowid * 65536 + min(new.seq >> 5, 65535) FROM conversations c WHERE c.id = new.conversation_id);
  INSERT INTO conversations_fts(rowid, body)
    SELECT c.rowid * 65536 + min(new.seq >> 5, 65535), new.body FROM conversations c
    WHERE c.id = new.conversation_id AND NOT EXISTS (SELECT 1 FROM conversations_fts f WHERE f.rowid = c.rowid * 65536 + min(new.seq >> 5, 65535));
END;
--> statement-breakpoint
CREATE TRIGGER `message_search_conv_ad` AFTER DELETE ON `message_search` BEGIN
  UPDATE conversations_fts
    SET body = coalesce((SELECT group_concat(m.body, char(10)) FROM (SELECT body FROM message_search
      WHERE conversation_id = old.conversation_id AND min(seq >> 5, 65535) = min(old.seq >> 5, 65535) ORDER BY seq) m), '')
    WHERE rowid = (SELECT c.rowid * 65536 + min(old.seq >> 5, 65535) FROM conversations c WHERE c.id = old.conversation_id);
END;
--> statement-breakpoint
CREATE TRIGGER `message_search_conv_au` AFTER UPDATE OF body ON `message_search` BEGIN
  UPDATE conversations_fts
    SET body = coalesce((SELECT group_concat(m.body, char(10)) FROM (SELECT body FROM message_search
      WHERE conversation_id = new.conversation_id AND min(seq >> 5, 65535) = min(new.seq >> 5, 65535) ORDER BY seq) m), '')
    WHERE rowid = (SELECT c.rowid * 65536 + min(new.seq >> 5, 65535) FROM conversations c WHERE c.id = new.conversation_id);
END;
--> statement-breakpoint
-- Messages projected before their conversation row (the projection normally writes the row first).
CREATE TRIGGER `conversations_fts_ai` AFTER INSERT ON `conversations`
  WHEN EXISTS (SELECT 1 FROM message_search WHERE conversation_id = new.id) BEGIN
  INSERT INTO conversations_fts(rowid, body)
    SELECT new.rowid * 65536 + m.block, group_concat(m.body, char(10))
    FROM (SELECT min(seq >> 5, 65535) AS block, body FROM message_search WHERE conversation_id = new.id ORDER BY seq) m GROUP BY m.block;
END;
--> statement-breakpoint
CREATE TRIGGER `conversations_fts_ad` AFTER DELETE ON `conversations` BEGIN
  DELETE FROM conversations_fts WHERE rowid BETWEEN old.rowid * 65536 AND old.rowid * 65536 + 65535;
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
-- Rebuild: every conversation's blocks, bodies in sequence order.
INSERT INTO conversations_fts(rowid, body)
  SELECT c.rowid * 65536 + g.block, g.body
  FROM (SELECT conversation_id, block, group_concat(body, char(10)) AS body
        FROM (SELECT conversation_id, min(seq >> 5, 65535) AS block, body FROM message_search ORDER BY conversation_id, seq)
        GROUP BY conversation_id, block) g
  JOIN conversations c ON c.id = g.conversation_id;

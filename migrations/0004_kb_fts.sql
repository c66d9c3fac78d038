-- Full-text index over knowledge-base passages (FTS5, external content on kb_chunks), Porter-stemmed.
-- `ws` holds the workspace as a single token: every query ANDs it, so a match never leaves the workspace
-- and ranking work stays proportional to that workspace's own passages. Triggers keep the index in step.
CREATE VIRTUAL TABLE `kb_fts` USING fts5(ws, title, keywords, body, content='kb_chunks', content_rowid='rowid', tokenize='porter unicode61 remove_diacritics 2');
--> statement-breakpoint
CREATE TRIGGER `kb_chunks_ai` AFTER INSERT ON `kb_chunks` BEGIN
  INSERT INTO kb_fts(rowid, ws, title, keywords, body) VALUES (new.rowid, new.ws, new.title, new.keywords, new.body);
END;
--> statement-breakpoint
CREATE TRIGGER `kb_chunks_ad` AFTER DELETE ON `kb_chunks` BEGIN
  INSERT INTO kb_fts(kb_fts, rowid, ws, title, keywords, body) VALUES ('delete', old.rowid, old.ws, old.title, old.keywords, old.body);
END;
--> statement-breakpoint
CREATE TRIGGER `kb_chunks_au` AFTER UPDATE ON `kb_chunks` BEGIN
  INSERT INTO kb_fts(kb_fts, rowid, ws, title, keywords, body) VALUES ('delete', old.rowid, old.ws, old.title, old.keywords, old.body);
  INSERT INTO kb_fts(rowid, ws, title, keywords, body) VALUES (new.rowid, new.ws, new.title, new.keywords, new.body);
END;

-- Settings surfaces (issue 16): a profile per user (time zone, language, theme, an avatar picture or
-- colour, a signature per inbox) and personal saved replies (owner_user_id; null = the workspace's).
-- Holidays keep their column (routing_settings.holidays, team_routing.calendar): entries may now be
-- objects { date, name, yearly } beside the older "YYYY-MM-DD" strings, which stay valid.
ALTER TABLE users ADD COLUMN timezone TEXT;
ALTER TABLE users ADD COLUMN language TEXT;
ALTER TABLE users ADD COLUMN theme TEXT NOT NULL DEFAULT 'system';
ALTER TABLE users ADD COLUMN signatures TEXT NOT NULL DEFAULT '{}';
ALTER TABLE users ADD COLUMN avatar_key TEXT;
ALTER TABLE users ADD COLUMN avatar_hue INTEGER;

ALTER TABLE saved_replies ADD COLUMN owner_user_id TEXT;
CREATE INDEX saved_replies_owner ON saved_replies (workspace_id, owner_user_id);

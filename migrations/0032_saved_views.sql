-- Saved views (issue 16): an agent's named conversation-list filters, shown in the sidebar beside the
-- built-in views. `filters` is the JSON worker/views/filters.ts validates; `shared` (managers only)
-- shows the view to the whole workspace, read-only for everyone but its owner. `position` orders an
-- owner's own views.
CREATE TABLE saved_views (
  id TEXT PRIMARY KEY,
  workspace_id TEXT NOT NULL,
  owner_id TEXT NOT NULL,
  name TEXT NOT NULL,
  filters TEXT NOT NULL DEFAULT '{}',
  shared INTEGER NOT NULL DEFAULT 0,
  position INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX saved_views_owner ON saved_views (workspace_id, owner_id, position);
CREATE INDEX saved_views_shared ON saved_views (workspace_id, shared);

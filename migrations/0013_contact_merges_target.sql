CREATE INDEX `contact_merges_target` ON `contact_merges` (`workspace_id`,`target_id`,`created_at`);

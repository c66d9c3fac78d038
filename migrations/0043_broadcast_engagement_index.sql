-- A broadcast's engagement counts (opened, clicked, replied, unsubscribed: worker/broadcasts/store.ts)
-- read only the recipients who engaged, through this partial index, instead of every recipient row of
-- the broadcast (the status index does not carry the timestamps): 12 ms → 0.02 ms at 100k recipients,
-- on every progress poll of a sending broadcast.
CREATE INDEX `broadcast_recipients_engaged` ON `broadcast_recipients` (`broadcast_id`) WHERE opened_at IS NOT NULL OR machine_opened_at IS NOT NULL OR clicked_at IS NOT NULL OR replied_at IS NOT NULL OR unsubscribed_at IS NOT NULL;

-- The assistant's confidence is now a calibrated probability that the top article answers the
-- question (worker/ai/confidence.ts), so the old default of 0.7 means about one wrong answer in ten
-- near the line. 0.9 is the default now; inboxes still on the old default move with it (a value
-- chosen by hand stays as it was chosen). The column's own DEFAULT stays 0.7 in SQLite, but every
-- insert binds the value (worker/ai/routes.ts DEFAULT_AUTO_SEND_THRESHOLD).
UPDATE `ai_assistants` SET `threshold` = 0.9 WHERE `threshold` = 0.7;

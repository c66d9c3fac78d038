-- The customer's answer as given, beside the normalized score: a list row can then show a thumbs-up as a
-- thumb, not as "5 of 5". Rows projected before this keep NULLs (shown by their score) until their next change.
ALTER TABLE conversations ADD COLUMN csat_scale TEXT;
ALTER TABLE conversations ADD COLUMN csat_raw INTEGER;

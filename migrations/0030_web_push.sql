-- Browser (Web Push) subscriptions live beside mobile push tokens in push_tokens: platform 'web', the
-- push service's endpoint URL as the token, and the browser's encryption keys (RFC 8291) here.
ALTER TABLE push_tokens ADD COLUMN keys TEXT;

-- Issue 14: OTP keys with ids (rotation without downtime), and per-customer throttles that
-- every server instance sees.

-- Which OTP key sealed the secret; every secret before this was sealed with the only key,
-- which a key given without an id is ("1").
ALTER TABLE otp_tokens ADD COLUMN secret_key_id TEXT NOT NULL DEFAULT '1';

-- Fixed windows of counted actions: `key` names the action and its subject
-- ('password_change:42'); a window restarts when `window_seconds` have passed since it began.
CREATE TABLE throttles (
    key           TEXT    PRIMARY KEY,
    window_start  INTEGER NOT NULL,
    count         INTEGER NOT NULL CHECK (count >= 0)
);

-- Expired sessions are swept by age; customers' sessions are counted for the per-customer cap.
CREATE INDEX sessions_by_customer ON sessions (customer_id, created_at);

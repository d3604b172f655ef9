-- Issue 28: 凍結. While frozen_at is set no money leaves the customer's accounts and no
-- credential changes; the customer can still log in and see balances.
ALTER TABLE customers ADD COLUMN frozen_at INTEGER;
ALTER TABLE customers ADD COLUMN frozen_reason TEXT;

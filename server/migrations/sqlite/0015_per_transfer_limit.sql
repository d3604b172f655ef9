-- Issue 28: 1回あたりの振込限度額, the customer's own cap on one 振込 (NULL: up to the day's
-- limit). Lowering it takes effect at once; a raise waits for 0:00 the next day like the
-- day's limit (scheduled_limit_from is shared).
ALTER TABLE customers ADD COLUMN per_transfer_limit INTEGER CHECK (per_transfer_limit > 0);
ALTER TABLE customers ADD COLUMN scheduled_per_transfer_limit INTEGER CHECK (scheduled_per_transfer_limit > 0);

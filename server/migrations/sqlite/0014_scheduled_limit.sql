-- Issue 28: a raise of the 振込限度額 takes effect at 0:00 (Japan time) the next day; until
-- then it is 変更予定 and can be cancelled. A lowering takes effect at once.
ALTER TABLE customers ADD COLUMN scheduled_daily_limit INTEGER CHECK (scheduled_daily_limit >= 0);
ALTER TABLE customers ADD COLUMN scheduled_limit_from INTEGER;

-- 入出金明細 asks for one account's lines in a period. The period's time now sits on the
-- line itself, under an index (account, time, id), so a page costs what the period holds,
-- not the account's whole history joined to its entries (issue 32). Each line's time is its
-- entry's, written with it; ledger check proves they agree. The ledger stays append-only:
-- the trigger is lifted for this one backfill, inside the migration's transaction.
ALTER TABLE journal_lines ADD COLUMN occurred_at BIGINT;
ALTER TABLE journal_lines DISABLE TRIGGER journal_lines_append_only;
UPDATE journal_lines l SET occurred_at = e.occurred_at FROM journal_entries e WHERE e.id = l.entry_id;
ALTER TABLE journal_lines ENABLE TRIGGER journal_lines_append_only;
ALTER TABLE journal_lines ALTER COLUMN occurred_at SET NOT NULL;
CREATE INDEX journal_lines_account_time ON journal_lines (account_id, occurred_at, id);

-- 入出金明細 and its CSV read one account's lines of a period in time order. With the index
-- holding only (account, time, id), each line was then looked up in the table, where an
-- account's lines lie scattered among every other account's (issue 32). The index now
-- carries what a statement shows, so a page or a CSV batch is an index-only scan (the
-- ledger is append-only: its pages are soon all-visible). The price is the size of those
-- columns once more in the index.
CREATE INDEX journal_lines_statement ON journal_lines (account_id, occurred_at, id) INCLUDE (amount, balance_after, description);
DROP INDEX journal_lines_account_time;

-- The ledger (issue 15): every movement of money is a journal entry whose lines sum to zero.
-- A customer account's line records the balance after it; accounts.balance is that running
-- balance, changed only by a conditional UPDATE that refuses an overdraft, in the entry's
-- transaction. The bank's own side (cash at the counter, fee income) has lines and no row.

ALTER TABLE accounts ADD COLUMN holder_kana TEXT;                  -- 口座名義 (全角カナ)
ALTER TABLE customers ADD COLUMN daily_transfer_limit INTEGER      -- NULL: the bank's default
    CHECK (daily_transfer_limit >= 0);

CREATE TABLE journal_entries (
    id          INTEGER PRIMARY KEY,
    kind        TEXT    NOT NULL
                CHECK (kind IN ('opening', 'deposit', 'withdrawal', 'transfer', 'own_transfer')),
    occurred_at INTEGER NOT NULL,
    customer_id INTEGER REFERENCES customers (id)   -- who asked; NULL for the branch
);

CREATE TABLE journal_lines (
    id            INTEGER PRIMARY KEY,
    entry_id      INTEGER NOT NULL REFERENCES journal_entries (id),
    account_id    INTEGER REFERENCES accounts (id),
    house_account TEXT    CHECK (house_account IN ('cash', 'fee_income')),
    amount        INTEGER NOT NULL CHECK (amount <> 0),   -- + into the account, - out of it
    balance_after INTEGER CHECK (balance_after >= 0),
    description   TEXT    NOT NULL,                       -- 摘要
    CHECK ((account_id IS NULL) <> (house_account IS NULL)),
    CHECK ((account_id IS NULL) = (balance_after IS NULL))
);
CREATE INDEX journal_lines_account ON journal_lines (account_id, id);
CREATE INDEX journal_lines_entry ON journal_lines (entry_id);

CREATE TABLE transfers (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    idempotency_key TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('transfer', 'own_transfer')),
    entry_id        INTEGER NOT NULL UNIQUE REFERENCES journal_entries (id),
    from_account_id INTEGER NOT NULL REFERENCES accounts (id),
    to_account_id   INTEGER NOT NULL REFERENCES accounts (id),
    amount          INTEGER NOT NULL CHECK (amount > 0),
    fee             INTEGER NOT NULL CHECK (fee >= 0),
    requester_name  TEXT    NOT NULL,
    payee_name      TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    UNIQUE (customer_id, idempotency_key),
    CHECK (from_account_id <> to_account_id)
);

-- 振込 per customer and day (Japan time), reserved by a conditional UPDATE in the transfer's
-- transaction so parallel transfers cannot pass the limit together.
CREATE TABLE transfer_day_totals (
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    day         INTEGER NOT NULL,                    -- days since 1970-01-01, Japan time
    amount      INTEGER NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (customer_id, day)
);

-- 登録振込先.
CREATE TABLE payees (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    account_id  INTEGER NOT NULL REFERENCES accounts (id),
    created_at  INTEGER NOT NULL,
    UNIQUE (customer_id, account_id)
);

CREATE TRIGGER journal_entries_no_update BEFORE UPDATE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal_entries is append-only'); END;
CREATE TRIGGER journal_entries_no_delete BEFORE DELETE ON journal_entries
BEGIN SELECT RAISE(ABORT, 'journal_entries is append-only'); END;
CREATE TRIGGER journal_lines_no_update BEFORE UPDATE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'journal_lines is append-only'); END;
CREATE TRIGGER journal_lines_no_delete BEFORE DELETE ON journal_lines
BEGIN SELECT RAISE(ABORT, 'journal_lines is append-only'); END;
CREATE TRIGGER transfers_no_update BEFORE UPDATE ON transfers
BEGIN SELECT RAISE(ABORT, 'transfers is append-only'); END;
CREATE TRIGGER transfers_no_delete BEFORE DELETE ON transfers
BEGIN SELECT RAISE(ABORT, 'transfers is append-only'); END;

-- Balances that existed before the ledger become opening entries (繰越) against cash, so
-- every balance equals its lines from the start. The journal is empty: entry ids can be the
-- accounts' ids.
INSERT INTO journal_entries (id, kind, occurred_at, customer_id)
    SELECT id, 'opening', CAST(strftime('%s', 'now') AS INTEGER), customer_id FROM accounts WHERE balance > 0;
INSERT INTO journal_lines (entry_id, account_id, amount, balance_after, description)
    SELECT id, id, balance, balance, '繰越' FROM accounts WHERE balance > 0;
INSERT INTO journal_lines (entry_id, house_account, amount, description)
    SELECT id, 'cash', -balance, '繰越' FROM accounts WHERE balance > 0;

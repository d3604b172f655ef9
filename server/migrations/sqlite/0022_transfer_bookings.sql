-- 振込予約 (issue 30): a 他行振込 booked for a business day up to 30 days ahead is an
-- instruction in state 'booked' with no journal entry until the scheduler executes it at the
-- start of that day ('accepted', debited into the clearing account as any other) or refuses
-- it ('refused': the balance or the day's limit did not cover it). SQLite changes a CHECK by
-- rebuilding the table.

CREATE TABLE interbank_transfers_v2 (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    idempotency_key TEXT    NOT NULL,
    entry_id        INTEGER UNIQUE REFERENCES journal_entries (id),   -- NULL until the money moves
    from_account_id INTEGER NOT NULL REFERENCES accounts (id),
    bank_code       TEXT    NOT NULL CHECK (length(bank_code) = 4),
    bank_name       TEXT    NOT NULL,
    bank_kana       TEXT    NOT NULL,
    branch_code     TEXT    NOT NULL CHECK (length(branch_code) = 3),
    branch_name     TEXT    NOT NULL,
    branch_kana     TEXT    NOT NULL,
    account_kind    TEXT    NOT NULL CHECK (account_kind IN ('ordinary', 'current', 'savings')),
    account_number  TEXT    NOT NULL CHECK (length(account_number) = 7),
    payee_name      TEXT    NOT NULL,
    amount          INTEGER NOT NULL CHECK (amount > 0),
    fee             INTEGER NOT NULL CHECK (fee >= 0),
    requester_name  TEXT    NOT NULL,
    execution_day   INTEGER NOT NULL,
    status          TEXT    NOT NULL
                    CHECK (status IN ('booked', 'accepted', 'sent', 'cancelled', 'returned', 'refused')),
    export_id       INTEGER REFERENCES zengin_exports (id),
    closing_entry   INTEGER UNIQUE REFERENCES journal_entries (id),
    return_reason   TEXT,
    created_at      INTEGER NOT NULL,
    closed_at       INTEGER,
    booked          INTEGER NOT NULL DEFAULT 0 CHECK (booked IN (0, 1)),   -- was a 振込予約
    UNIQUE (customer_id, idempotency_key),
    CHECK ((status IN ('sent', 'returned')) = (export_id IS NOT NULL)),
    CHECK (status NOT IN ('accepted', 'sent', 'returned') OR entry_id IS NOT NULL),
    CHECK (status <> 'returned' OR closing_entry IS NOT NULL),
    CHECK ((status IN ('returned', 'refused')) = (return_reason IS NOT NULL))
);
INSERT INTO interbank_transfers_v2 (id, customer_id, idempotency_key, entry_id, from_account_id, bank_code, bank_name,
        bank_kana, branch_code, branch_name, branch_kana, account_kind, account_number, payee_name, amount, fee,
        requester_name, execution_day, status, export_id, closing_entry, return_reason, created_at, closed_at, booked)
    SELECT id, customer_id, idempotency_key, entry_id, from_account_id, bank_code, bank_name, bank_kana, branch_code,
        branch_name, branch_kana, account_kind, account_number, payee_name, amount, fee, requester_name, execution_day,
        status, export_id, closing_entry, return_reason, created_at, closed_at, 0
    FROM interbank_transfers;
DROP TABLE interbank_transfers;
ALTER TABLE interbank_transfers_v2 RENAME TO interbank_transfers;
CREATE INDEX interbank_by_customer ON interbank_transfers (customer_id, created_at);
CREATE INDEX interbank_waiting ON interbank_transfers (execution_day) WHERE status = 'accepted';
CREATE INDEX interbank_by_export ON interbank_transfers (export_id);
CREATE INDEX interbank_booked ON interbank_transfers (execution_day) WHERE status = 'booked';

-- One scheduler at a time over several instances: the holder renews its lease; another takes
-- it only once it has run out.
CREATE TABLE scheduler_leases (
    name   TEXT    NOT NULL PRIMARY KEY,
    holder TEXT    NOT NULL,
    until  INTEGER NOT NULL
);

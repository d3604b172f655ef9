-- 他行振込 through the 全銀 network (issue 30). The bank and branch master (zengin-code data,
-- refreshed by `zengin master refresh`), the bank's two accounts for outgoing 為替 (the
-- clearing account holds what customers sent until its 全銀 file is written; the settlement
-- account is the 全銀 settlement through the bank's 日銀当座), each instruction, and each
-- business day's 全銀 file.

CREATE TABLE zengin_banks (
    code TEXT NOT NULL PRIMARY KEY CHECK (length(code) = 4),
    name TEXT NOT NULL,
    kana TEXT NOT NULL
);

CREATE TABLE zengin_branches (
    bank_code TEXT NOT NULL REFERENCES zengin_banks (code),
    code      TEXT NOT NULL CHECK (length(code) = 3),
    name      TEXT NOT NULL,
    kana      TEXT NOT NULL,
    PRIMARY KEY (bank_code, code)
);

-- Which zengin-code release is loaded (`YYYYMMDD`): a server ships a copy and loads it only
-- over an older one.
CREATE TABLE zengin_master (
    id        INTEGER PRIMARY KEY CHECK (id = 1),
    version   TEXT    NOT NULL,
    loaded_at INTEGER NOT NULL
);

CREATE TABLE zengin_house (
    role       TEXT    NOT NULL PRIMARY KEY CHECK (role IN ('clearing', 'settlement')),
    account_id INTEGER NOT NULL UNIQUE REFERENCES accounts (id)
);

CREATE TABLE zengin_exports (
    id            INTEGER PRIMARY KEY,
    business_day  INTEGER NOT NULL,          -- 取組日: days since 1970-01-01, Japan time
    record_count  INTEGER NOT NULL CHECK (record_count > 0),
    total         INTEGER NOT NULL CHECK (total > 0),
    created_at    INTEGER NOT NULL,
    -- Set when the file was written: the batch's money left the clearing account then.
    settled_entry INTEGER UNIQUE REFERENCES journal_entries (id),
    written_at    INTEGER,
    CHECK ((settled_entry IS NULL) = (written_at IS NULL))
);

CREATE TABLE interbank_transfers (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    idempotency_key TEXT    NOT NULL,
    entry_id        INTEGER NOT NULL UNIQUE REFERENCES journal_entries (id),
    from_account_id INTEGER NOT NULL REFERENCES accounts (id),
    bank_code       TEXT    NOT NULL CHECK (length(bank_code) = 4),
    bank_name       TEXT    NOT NULL,
    bank_kana       TEXT    NOT NULL,
    branch_code     TEXT    NOT NULL CHECK (length(branch_code) = 3),
    branch_name     TEXT    NOT NULL,
    branch_kana     TEXT    NOT NULL,
    account_kind    TEXT    NOT NULL CHECK (account_kind IN ('ordinary', 'current', 'savings')),
    account_number  TEXT    NOT NULL CHECK (length(account_number) = 7),
    payee_name      TEXT    NOT NULL,        -- 半角カナ, as the network carries it
    amount          INTEGER NOT NULL CHECK (amount > 0),
    fee             INTEGER NOT NULL CHECK (fee >= 0),
    requester_name  TEXT    NOT NULL,
    execution_day   INTEGER NOT NULL,        -- 振込指定日: days since 1970-01-01, Japan time
    status          TEXT    NOT NULL CHECK (status IN ('accepted', 'sent', 'cancelled', 'returned')),
    export_id       INTEGER REFERENCES zengin_exports (id),
    closing_entry   INTEGER UNIQUE REFERENCES journal_entries (id),   -- the cancel's or return's
    return_reason   TEXT,
    created_at      INTEGER NOT NULL,
    closed_at       INTEGER,
    UNIQUE (customer_id, idempotency_key),
    CHECK ((status IN ('sent', 'returned')) = (export_id IS NOT NULL)),
    CHECK ((status IN ('cancelled', 'returned')) = (closing_entry IS NOT NULL)),
    CHECK ((status = 'returned') = (return_reason IS NOT NULL))
);
CREATE INDEX interbank_by_customer ON interbank_transfers (customer_id, created_at);
CREATE INDEX interbank_waiting ON interbank_transfers (execution_day) WHERE status = 'accepted';
CREATE INDEX interbank_by_export ON interbank_transfers (export_id);

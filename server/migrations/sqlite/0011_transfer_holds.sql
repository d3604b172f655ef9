-- Issue 28: a 振込 that the bank's rules find risky waits for the branch instead of moving:
-- its amount and fee are reserved on the paying account (拘束), the customer sees 確認中, and
-- the branch releases it (the money moves, once) or rejects it (the reservation ends).

-- What is reserved on the account: never more than the balance (the conditional UPDATEs keep
-- balance - held >= 0; a withdrawal may not take the balance below it).
ALTER TABLE accounts ADD COLUMN held INTEGER NOT NULL DEFAULT 0 CHECK (held >= 0);

-- When the customer last raised the 振込限度額, and last logged in from a device the bank had
-- not seen for them: two of the changes after which a new payee waits for the branch.
ALTER TABLE customers ADD COLUMN limit_raised_at INTEGER;
ALTER TABLE customers ADD COLUMN new_environment_at INTEGER;

CREATE TABLE transfer_holds (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    idempotency_key TEXT    NOT NULL,
    from_account_id INTEGER NOT NULL REFERENCES accounts (id),
    to_account_id   INTEGER NOT NULL REFERENCES accounts (id),
    amount          INTEGER NOT NULL CHECK (amount > 0),
    fee             INTEGER NOT NULL CHECK (fee >= 0),
    requester_name  TEXT    NOT NULL,
    payee_name      TEXT    NOT NULL,
    rules           TEXT    NOT NULL,              -- which rules put it on hold
    day             INTEGER NOT NULL,              -- the day (Japan time) its limit was counted on
    status          TEXT    NOT NULL DEFAULT 'held' CHECK (status IN ('held', 'released', 'rejected')),
    transfer_id     INTEGER REFERENCES transfers (id),
    decided_at      INTEGER,
    decision_reason TEXT,
    created_at      INTEGER NOT NULL,
    UNIQUE (customer_id, idempotency_key),
    CHECK (from_account_id <> to_account_id),
    CHECK ((status = 'released') = (transfer_id IS NOT NULL)),
    CHECK ((status = 'held') = (decided_at IS NULL))
);
CREATE INDEX transfer_holds_status ON transfer_holds (status, id);
CREATE INDEX transfer_holds_customer ON transfer_holds (customer_id, id);

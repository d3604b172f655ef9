-- 振込予約 of a 振込・振替 within the credit union (issue 30): booked for a business day up to
-- 30 days ahead, nothing moves until the scheduler carries it out at the start of that day —
-- as a 振込 ('executed', with its transfer), held for the branch when the fraud rules catch it
-- then ('held', with its hold), or refused when the balance, the day's limit or the account
-- does not allow it ('refused', with why). The customer may cancel it until the day before.

CREATE TABLE transfer_bookings (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    idempotency_key TEXT    NOT NULL,
    kind            TEXT    NOT NULL CHECK (kind IN ('transfer', 'own_transfer')),
    from_account_id INTEGER NOT NULL REFERENCES accounts (id),
    to_account_id   INTEGER NOT NULL REFERENCES accounts (id),
    amount          INTEGER NOT NULL CHECK (amount > 0),
    fee             INTEGER NOT NULL CHECK (fee >= 0),
    requester_name  TEXT    NOT NULL,
    payee_name      TEXT    NOT NULL,
    execution_day   INTEGER NOT NULL,        -- days since 1970-01-01, Japan time
    status          TEXT    NOT NULL DEFAULT 'booked'
                    CHECK (status IN ('booked', 'executed', 'held', 'cancelled', 'refused')),
    transfer_id     INTEGER UNIQUE REFERENCES transfers (id),
    hold_id         INTEGER UNIQUE REFERENCES transfer_holds (id),
    reason          TEXT,
    created_at      INTEGER NOT NULL,
    closed_at       INTEGER,
    booked_rules    TEXT,                    -- the fraud rules it met when booked: held on its day
    UNIQUE (customer_id, idempotency_key),
    CHECK (from_account_id <> to_account_id),
    CHECK ((status = 'executed') = (transfer_id IS NOT NULL)),
    CHECK ((status = 'held') = (hold_id IS NOT NULL)),
    CHECK ((status = 'refused') = (reason IS NOT NULL)),
    CHECK ((status = 'booked') = (closed_at IS NULL))
);
CREATE INDEX transfer_bookings_due ON transfer_bookings (execution_day) WHERE status = 'booked';
CREATE INDEX transfer_bookings_by_customer ON transfer_bookings (customer_id, created_at);

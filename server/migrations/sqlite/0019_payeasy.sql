-- ペイジー (issue 31): 税金・各種料金の払込. A 収納機関 (biller) collects into its own account
-- at this bank (its 収納口座, a customer row without a login); the bills it expects are kept
-- here, each paid at most once: a payment is one journal entry from the customer's account
-- to the biller's, recorded under its idempotency key and naming the bill UNIQUEly.

CREATE TABLE billers (
    id             INTEGER PRIMARY KEY,
    number         TEXT    NOT NULL UNIQUE CHECK (length(number) = 5),   -- 収納機関番号
    name           TEXT    NOT NULL,
    kind           TEXT    NOT NULL CHECK (kind IN ('national', 'local', 'company')),
    needs_category INTEGER NOT NULL CHECK (needs_category IN (0, 1)),     -- asks 納付区分
    account_id     INTEGER NOT NULL UNIQUE REFERENCES accounts (id),     -- 収納口座
    fee            INTEGER NOT NULL CHECK (fee >= 0),                    -- 払込手数料 per payment
    created_at     INTEGER NOT NULL
);

CREATE TABLE bills (
    id           INTEGER PRIMARY KEY,
    biller_id    INTEGER NOT NULL REFERENCES billers (id),
    number       TEXT    NOT NULL,            -- 納付番号 or お客様番号
    confirmation TEXT    NOT NULL,            -- 確認番号
    category     TEXT,                        -- 納付区分, where the biller uses one
    amount       INTEGER NOT NULL CHECK (amount > 0),
    due_day      INTEGER NOT NULL,            -- 納付期限: days since 1970-01-01, Japan time
    description  TEXT    NOT NULL,            -- 納付内容
    status       TEXT    NOT NULL CHECK (status IN ('open', 'paid')),
    paid_at      INTEGER,
    imported_at  INTEGER NOT NULL,
    UNIQUE (biller_id, number),
    CHECK ((status = 'paid') = (paid_at IS NOT NULL))
);

CREATE TABLE payeasy_payments (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    idempotency_key TEXT    NOT NULL,
    entry_id        INTEGER NOT NULL UNIQUE REFERENCES journal_entries (id),
    bill_id         INTEGER NOT NULL UNIQUE REFERENCES bills (id),
    biller_id       INTEGER NOT NULL REFERENCES billers (id),
    from_account_id INTEGER NOT NULL REFERENCES accounts (id),
    amount          INTEGER NOT NULL CHECK (amount > 0),
    fee             INTEGER NOT NULL CHECK (fee >= 0),
    created_at      INTEGER NOT NULL,
    UNIQUE (customer_id, idempotency_key)
);
CREATE INDEX payeasy_payments_by_customer ON payeasy_payments (customer_id, created_at);
CREATE INDEX payeasy_payments_by_day ON payeasy_payments (created_at, biller_id);

CREATE TRIGGER payeasy_payments_no_update BEFORE UPDATE ON payeasy_payments
BEGIN SELECT RAISE(ABORT, 'payeasy_payments is append-only'); END;
CREATE TRIGGER payeasy_payments_no_delete BEFORE DELETE ON payeasy_payments
BEGIN SELECT RAISE(ABORT, 'payeasy_payments is append-only'); END;

-- ペイジー per customer and day (Japan time), reserved against its own daily limit by a
-- conditional UPDATE in the payment's transaction.
CREATE TABLE payeasy_day_totals (
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    day         INTEGER NOT NULL,
    amount      INTEGER NOT NULL CHECK (amount >= 0),
    PRIMARY KEY (customer_id, day)
);

-- Wrong 納付番号/確認番号: a try is taken before the bill is looked up (at most 10 a day, by a
-- conditional UPDATE) and given back when the numbers were right. The 10th wrong one stops
-- ペイジー for the day; the 6th stop locks it until the branch resumes it.
CREATE TABLE payeasy_guards (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (id),
    day         INTEGER NOT NULL,
    wrong       INTEGER NOT NULL CHECK (wrong BETWEEN 0 AND 10),
    stops       INTEGER NOT NULL CHECK (stops >= 0),
    stopped_on  INTEGER,                            -- the day whose stop was counted
    locked_at   INTEGER
);

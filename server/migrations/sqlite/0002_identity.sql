CREATE TABLE customers (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL,
    created_at  INTEGER NOT NULL
);

CREATE TABLE accounts (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    branch_code TEXT    NOT NULL CHECK (length(branch_code) = 3),   -- 店番
    number      TEXT    NOT NULL CHECK (length(number) = 7),        -- 口座番号
    kind        TEXT    NOT NULL CHECK (kind IN ('ordinary', 'current', 'savings')),
    balance     INTEGER NOT NULL CHECK (balance >= 0),              -- yen
    UNIQUE (branch_code, number)
);
CREATE INDEX accounts_customer ON accounts (customer_id);

-- Login IDs are unique without regard to case: "Demo" and "demo" are one ID.
CREATE TABLE credentials (
    customer_id     INTEGER PRIMARY KEY REFERENCES customers (id),
    login_id        TEXT    NOT NULL UNIQUE COLLATE NOCASE,
    password_hash   TEXT    NOT NULL,                    -- argon2id PHC string
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_at       INTEGER,                             -- set when failures reach the limit
    updated_at      INTEGER NOT NULL
);

-- What the branch hands a new customer for 初回利用登録; one live password per customer.
CREATE TABLE temporary_passwords (
    customer_id     INTEGER PRIMARY KEY REFERENCES customers (id),
    password_hash   TEXT    NOT NULL,
    expires_at      INTEGER NOT NULL,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    used_at         INTEGER
);

-- Only a hash of the session ID is stored: a leaked database holds no usable session.
CREATE TABLE sessions (
    id_hash      BLOB    PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    stage        TEXT    NOT NULL CHECK (stage IN ('otp_pending', 'full')),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX sessions_customer ON sessions (customer_id);

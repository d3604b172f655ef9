-- Passkeys (issue 19): WebAuthn credentials that log in and approve 振込 without a code a
-- phishing site could relay. A session that logged in with one is at level 'passkey'.

-- Sessions are short-lived; rebuilding the table keeps the live ones and widens `level`.
CREATE TABLE sessions_new (
    id_hash      BLOB    PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    stage        TEXT    NOT NULL CHECK (stage IN ('otp_pending', 'full')),
    level        TEXT    NOT NULL CHECK (level IN ('password', 'otp', 'passkey')),
    login_at     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    CHECK (stage = 'full' OR level = 'password')
);
INSERT INTO sessions_new (id_hash, customer_id, stage, level, login_at, created_at, last_seen_at)
    SELECT id_hash, customer_id, stage, level, login_at, created_at, last_seen_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_customer ON sessions (customer_id);
CREATE INDEX sessions_by_customer ON sessions (customer_id, created_at);

-- The WebAuthn user handle: random, never the login ID or the customer's number, so an
-- authenticator holds nothing that names the customer.
CREATE TABLE passkey_handles (
    customer_id INTEGER PRIMARY KEY REFERENCES customers (id),
    handle      BLOB    NOT NULL UNIQUE CHECK (length(handle) = 16)
);

CREATE TABLE passkeys (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    credential_id   BLOB    NOT NULL UNIQUE,
    name            TEXT    NOT NULL,
    credential      TEXT    NOT NULL,   -- webauthn-rs's Passkey: public key, counter, backup flags (JSON)
    sign_count      INTEGER NOT NULL CHECK (sign_count >= 0),
    backup_eligible INTEGER NOT NULL CHECK (backup_eligible IN (0, 1)),
    backed_up       INTEGER NOT NULL CHECK (backed_up IN (0, 1)),
    created_at      INTEGER NOT NULL,
    last_used_at    INTEGER
);
CREATE INDEX passkeys_customer ON passkeys (customer_id, id);

-- A challenge handed to a browser, usable once until it expires. The browser holds the
-- ceremony ID; the row holds its SHA-256. An approval's `binding` is the SHA-256 of what it
-- approves (a transfer's accounts, amount and idempotency key; a passkey's removal).
CREATE TABLE passkey_ceremonies (
    id_hash     BLOB    PRIMARY KEY,
    purpose     TEXT    NOT NULL CHECK (purpose IN ('register', 'login', 'approve')),
    customer_id INTEGER REFERENCES customers (id),
    state       TEXT    NOT NULL,
    binding     BLOB,
    expires_at  INTEGER NOT NULL,
    CHECK ((purpose = 'login') = (customer_id IS NULL)),
    CHECK ((purpose = 'approve') = (binding IS NOT NULL))
);
CREATE INDEX passkey_ceremonies_expiry ON passkey_ceremonies (expires_at);

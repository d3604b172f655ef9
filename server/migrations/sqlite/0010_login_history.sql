-- Issue 28: the customer sees their logins and their live sessions, and is told of a login
-- from an environment the bank has not seen for them.

-- Each login and each refused attempt at a known customer's login: when, how, and on what
-- (browser and OS family only; never the address, never the whole User-Agent).
CREATE TABLE login_history (
    id          INTEGER PRIMARY KEY,
    customer_id INTEGER NOT NULL REFERENCES customers (id),
    occurred_at INTEGER NOT NULL,
    method      TEXT    NOT NULL CHECK (method IN ('password', 'password_otp', 'passkey')),
    succeeded   INTEGER NOT NULL CHECK (succeeded IN (0, 1)),
    environment TEXT    NOT NULL
);
CREATE INDEX login_history_customer ON login_history (customer_id, id);

-- What a live session runs on, shown on ログイン中の端末; carried over when it is re-issued.
ALTER TABLE sessions ADD COLUMN environment TEXT NOT NULL DEFAULT '';

-- Devices (a long-lived random cookie's SHA-256) the customer has logged in from, with the
-- last time: a login from none seen in 90 days is mailed about.
CREATE TABLE known_devices (
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    device_hash  BLOB    NOT NULL,
    last_seen_at INTEGER NOT NULL,
    PRIMARY KEY (customer_id, device_hash)
);

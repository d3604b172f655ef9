-- Issue 12: sessions that know how they were proven, a notice address per customer, and
-- 利用開始パスワード hashes that exist only while the issuance can still use them.

-- Where notices of security events go (通知先メールアドレス); NULL for customers who have not
-- registered one yet (they are told nothing until they do).
ALTER TABLE customers ADD COLUMN notice_address TEXT;

-- Sessions are short-lived; rebuilding the table keeps the live ones. `level` is what the
-- session has proven ('password', or 'otp' = password and a one-time password); `login_at` is
-- when the login began, which the absolute limit counts from, never from a re-issue.
CREATE TABLE sessions_new (
    id_hash      BLOB    PRIMARY KEY,
    customer_id  INTEGER NOT NULL REFERENCES customers (id),
    stage        TEXT    NOT NULL CHECK (stage IN ('otp_pending', 'full')),
    level        TEXT    NOT NULL CHECK (level IN ('password', 'otp')),
    login_at     INTEGER NOT NULL,
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL,
    CHECK (stage = 'full' OR level = 'password')
);
-- A full session made before levels existed may predate 利用開始: it counts as password-only,
-- so it lapses at once if the customer's token is in use.
INSERT INTO sessions_new (id_hash, customer_id, stage, level, login_at, created_at, last_seen_at)
    SELECT id_hash, customer_id, stage, 'password', created_at, created_at, last_seen_at FROM sessions;
DROP TABLE sessions;
ALTER TABLE sessions_new RENAME TO sessions;
CREATE INDEX sessions_customer ON sessions (customer_id);

-- The 利用開始パスワード's hash lives exactly as long as the issuance waits for the token app:
-- provisioning or voiding deletes it, so a set-up token can no longer be asked about it.
CREATE TABLE otp_tokens_new (
    customer_id           INTEGER PRIMARY KEY REFERENCES customers (id),
    state                 TEXT    NOT NULL
                          CHECK (state IN ('issued', 'provisioned', 'active', 'suspended', 'voided')),
    method                TEXT    NOT NULL CHECK (method IN ('software_token', 'authenticator_app')),
    service_id            TEXT    NOT NULL CHECK (length(service_id) = 8),
    user_id               TEXT    NOT NULL UNIQUE CHECK (length(user_id) = 11),
    mail_address          TEXT,
    activation_hash       TEXT,                -- argon2id of the 利用開始パスワード, while 'issued'
    provisioning_failures INTEGER NOT NULL DEFAULT 0,
    issued_at             INTEGER NOT NULL,
    pending_until         INTEGER NOT NULL,
    secret_ciphertext     BLOB,
    secret_nonce          BLOB,
    algorithm             TEXT    NOT NULL CHECK (algorithm IN ('SHA1', 'SHA256', 'SHA512')),
    digits                INTEGER NOT NULL CHECK (digits BETWEEN 6 AND 8),
    period                INTEGER NOT NULL CHECK (period > 0),
    last_step             INTEGER,
    failed_otp            INTEGER NOT NULL DEFAULT 0,
    suspended_from        TEXT CHECK (suspended_from IN ('provisioned', 'active')),
    updated_at            INTEGER NOT NULL,
    CHECK ((state IN ('provisioned', 'active', 'suspended')) = (secret_ciphertext IS NOT NULL)),
    CHECK ((secret_ciphertext IS NULL) = (secret_nonce IS NULL)),
    CHECK ((state = 'suspended') = (suspended_from IS NOT NULL)),
    CHECK ((state = 'issued') = (activation_hash IS NOT NULL)),
    CHECK (method = 'authenticator_app' OR mail_address IS NOT NULL)
);
INSERT INTO otp_tokens_new
    SELECT customer_id, state, method, service_id, user_id, mail_address,
           CASE WHEN state = 'issued' THEN activation_hash END,
           provisioning_failures, issued_at, pending_until, secret_ciphertext, secret_nonce, algorithm,
           digits, period, last_step, failed_otp, suspended_from, updated_at
    FROM otp_tokens;
DROP TABLE otp_tokens;
ALTER TABLE otp_tokens_new RENAME TO otp_tokens;

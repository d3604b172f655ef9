-- One token per customer. 未発行 is the absence of a row (利用解除 and 初期化 delete it, so
-- the secret is gone with it); 'voided' keeps a dead issuance so the token app can say why.
CREATE TABLE otp_tokens (
    customer_id           INTEGER PRIMARY KEY REFERENCES customers (id),
    state                 TEXT    NOT NULL
                          CHECK (state IN ('issued', 'provisioned', 'active', 'suspended', 'voided')),
    method                TEXT    NOT NULL CHECK (method IN ('software_token', 'authenticator_app')),
    service_id            TEXT    NOT NULL CHECK (length(service_id) = 8),
    user_id               TEXT    NOT NULL UNIQUE CHECK (length(user_id) = 11),
    mail_address          TEXT,
    activation_hash       TEXT,                -- argon2id of the 利用開始パスワード
    provisioning_failures INTEGER NOT NULL DEFAULT 0,
    issued_at             INTEGER NOT NULL,
    pending_until         INTEGER NOT NULL,    -- set up and 利用開始 before this, or issue again
    secret_ciphertext     BLOB,                -- AES-256-GCM; present once the app has it
    secret_nonce          BLOB,
    algorithm             TEXT    NOT NULL CHECK (algorithm IN ('SHA1', 'SHA256', 'SHA512')),
    digits                INTEGER NOT NULL CHECK (digits BETWEEN 6 AND 8),
    period                INTEGER NOT NULL CHECK (period > 0),
    last_step             INTEGER,             -- the newest accepted step: never accepted again
    failed_otp            INTEGER NOT NULL DEFAULT 0,
    suspended_from        TEXT CHECK (suspended_from IN ('provisioned', 'active')),
    updated_at            INTEGER NOT NULL,
    CHECK ((state IN ('provisioned', 'active', 'suspended')) = (secret_ciphertext IS NOT NULL)),
    CHECK ((secret_ciphertext IS NULL) = (secret_nonce IS NULL)),
    CHECK ((state = 'suspended') = (suspended_from IS NOT NULL)),
    CHECK (method = 'authenticator_app' OR (mail_address IS NOT NULL AND activation_hash IS NOT NULL))
);

-- Mail is written here in the transaction that causes it, then delivered by the sender,
-- which retries with back-off; a row is never deleted, so nothing is lost unseen.
CREATE TABLE mail_outbox (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER REFERENCES customers (id),
    to_address      TEXT    NOT NULL,
    subject         TEXT    NOT NULL,
    body            TEXT    NOT NULL,
    created_at      INTEGER NOT NULL,
    status          TEXT    NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent')),
    transport       TEXT    CHECK (transport IN ('smtp', 'dev_mailbox')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,          -- also the lease of a sender working on it
    last_error      TEXT,
    sent_at         INTEGER,
    CHECK ((status = 'sent') = (sent_at IS NOT NULL AND transport IS NOT NULL))
);
CREATE INDEX mail_outbox_due ON mail_outbox (status, next_attempt_at);

-- Issue 25: an authenticator is added only with a fresh proof of a factor the customer
-- already has; a customer with none proves it with a 確認コード sent to a notice address the
-- bank has had for a while, and a new authenticator keeps new payees waiting.

-- When the notice address was set in a way that restarts its age (初回利用登録, the branch,
-- a change without a second factor). Addresses on file before this count from the customer's
-- creation.
ALTER TABLE customers ADD COLUMN notice_address_set_at BIGINT;
UPDATE customers SET notice_address_set_at = created_at WHERE notice_address IS NOT NULL;

-- When a passkey was last registered or a token last started (利用開始).
ALTER TABLE customers ADD COLUMN authenticator_added_at BIGINT;

-- The one 確認コード a customer may hold: its hash (with the customer and purpose in it),
-- what it is for, wrong guesses so far, and its deadline. Taken by DELETE … RETURNING.
CREATE TABLE enrolment_codes (
    customer_id    BIGINT PRIMARY KEY REFERENCES customers (id),
    purpose        TEXT    NOT NULL CHECK (purpose IN ('passkey', 'token')),
    code_hash      BYTEA   NOT NULL,
    wrong_attempts BIGINT  NOT NULL DEFAULT 0 CHECK (wrong_attempts >= 0),
    expires_at     BIGINT  NOT NULL,
    created_at     BIGINT  NOT NULL
);

-- 「has this customer paid this account before?」: new payees wait after a new authenticator.
CREATE INDEX transfers_payee ON transfers (customer_id, to_account_id);

-- Issue 28: accounts the bank flags (暗号資産交換業者 and the like) to which a 振込 must carry
-- the payer's own name: a 依頼人名 changed to another name is refused.
CREATE TABLE payee_flags (
    account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
    reason     TEXT    NOT NULL,
    flagged_at INTEGER NOT NULL
);

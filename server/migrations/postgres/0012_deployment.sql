-- Issue 29: the mode the server last started in, so the operator's CLI knows whether it is
-- working on a production bank (two-person actions need --break-glass there) from the
-- database itself, not from the environment of whoever runs it; and how much one person may
-- pay in at the counter in a day (--deposit-approval-above), which the CLI holds to as well.
CREATE TABLE deployment (
    id         BIGINT PRIMARY KEY CHECK (id = 1),
    mode       TEXT    NOT NULL CHECK (mode IN ('development', 'production')),
    started_at BIGINT NOT NULL,
    deposit_approval_above BIGINT NOT NULL CHECK (deposit_approval_above >= 0)
);

-- Append-only record of security events: who did what, from where, with what result.
CREATE TABLE audit_log (
    id          INTEGER PRIMARY KEY,
    occurred_at INTEGER NOT NULL,          -- unix seconds
    customer_id INTEGER,                   -- NULL when the actor is unknown
    event       TEXT    NOT NULL,
    client_addr TEXT,
    result      TEXT    NOT NULL,
    detail      TEXT
);
CREATE INDEX audit_log_customer ON audit_log (customer_id, occurred_at);

-- Nothing may rewrite history.
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END;

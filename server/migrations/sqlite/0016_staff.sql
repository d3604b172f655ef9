-- Issue 29: the branch's staff console. Staff are not customers: their own table, passkeys,
-- ceremonies and sessions; what they propose waits for a second person (proposals).

CREATE TABLE staff (
    id                   INTEGER PRIMARY KEY,
    name                 TEXT    NOT NULL UNIQUE,
    roles                TEXT    NOT NULL,          -- teller,approver,auditor,admin (api::staff::Roles)
    user_handle          BLOB    NOT NULL UNIQUE,   -- WebAuthn user handle: random, names nobody
    enrolment_hash       BLOB,                      -- SHA-256 of the single-use enrolment code
    enrolment_expires_at INTEGER,
    disabled_at          INTEGER,
    created_at           INTEGER NOT NULL,
    CHECK ((enrolment_hash IS NULL) = (enrolment_expires_at IS NULL))
);

CREATE TABLE staff_passkeys (
    id            INTEGER PRIMARY KEY,
    staff_id      INTEGER NOT NULL REFERENCES staff (id),
    credential_id BLOB    NOT NULL UNIQUE,
    credential    TEXT    NOT NULL,                 -- webauthn-rs Passkey as JSON
    sign_count    INTEGER NOT NULL,
    created_at    INTEGER NOT NULL,
    last_used_at  INTEGER
);
CREATE INDEX staff_passkeys_staff ON staff_passkeys (staff_id);

CREATE TABLE staff_ceremonies (
    id_hash    BLOB    PRIMARY KEY,
    purpose    TEXT    NOT NULL CHECK (purpose IN ('enrol', 'login')),
    staff_id   INTEGER REFERENCES staff (id),
    state      TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);

CREATE TABLE staff_sessions (
    id_hash      BLOB    PRIMARY KEY,
    staff_id     INTEGER NOT NULL REFERENCES staff (id),
    created_at   INTEGER NOT NULL,
    last_seen_at INTEGER NOT NULL
);
CREATE INDEX staff_sessions_staff ON staff_sessions (staff_id);

-- A 窓口's proposal from a customer's written request (依頼書); a different 役席 decides it.
CREATE TABLE proposals (
    id              INTEGER PRIMARY KEY,
    customer_id     INTEGER NOT NULL REFERENCES customers (id),
    kind            TEXT    NOT NULL,               -- api::staff::ActionKind
    action          TEXT    NOT NULL,               -- the whole api::staff::ProposalAction as JSON
    form_number     TEXT    NOT NULL,
    form_date       TEXT    NOT NULL,               -- YYYY-MM-DD
    identity_check  TEXT    NOT NULL,
    note            TEXT,
    proposed_by     INTEGER NOT NULL REFERENCES staff (id),
    proposed_at     INTEGER NOT NULL,
    expires_at      INTEGER NOT NULL,               -- the end of the business day it was made on
    status          TEXT    NOT NULL DEFAULT 'proposed' CHECK (status IN ('proposed', 'approved', 'rejected')),
    decided_by      INTEGER REFERENCES staff (id),
    decided_at      INTEGER,
    decision_reason TEXT,
    CHECK (decided_by IS NULL OR decided_by <> proposed_by),
    CHECK ((status = 'proposed') = (decided_at IS NULL))
);
CREATE INDEX proposals_status ON proposals (status, id);
CREATE INDEX proposals_customer ON proposals (customer_id, id);

-- Every staff action is recorded under the person, the role they acted in and the proposal.
ALTER TABLE audit_log ADD COLUMN staff_id INTEGER;
ALTER TABLE audit_log ADD COLUMN staff_role TEXT;
ALTER TABLE audit_log ADD COLUMN proposal_id INTEGER;
CREATE INDEX audit_log_staff ON audit_log (staff_id, occurred_at);
CREATE INDEX audit_log_time ON audit_log (occurred_at);

-- Login IDs compare without regard to case on every engine through one normalised key (SQLite's
-- NOCASE collation has no PostgreSQL equivalent without an extension).
ALTER TABLE credentials ADD COLUMN login_key TEXT GENERATED ALWAYS AS (lower(login_id)) VIRTUAL;
CREATE UNIQUE INDEX credentials_login_key ON credentials (login_key);

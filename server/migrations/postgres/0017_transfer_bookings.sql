-- 振込予約 (issue 30), as migrations/sqlite/0022_transfer_bookings.sql: a booked 他行振込 has
-- no journal entry until the scheduler executes or refuses it at the start of its day.

ALTER TABLE interbank_transfers ALTER COLUMN entry_id DROP NOT NULL;
ALTER TABLE interbank_transfers DROP CONSTRAINT interbank_transfers_status_check;
ALTER TABLE interbank_transfers ADD CONSTRAINT interbank_transfers_status_check
    CHECK (status IN ('booked', 'accepted', 'sent', 'cancelled', 'returned', 'refused'));
ALTER TABLE interbank_transfers ADD COLUMN booked BIGINT NOT NULL DEFAULT 0 CHECK (booked IN (0, 1));
-- The table's unnamed CHECKs as 0016 made them, replaced by the rules of a booked instruction.
ALTER TABLE interbank_transfers DROP CONSTRAINT interbank_transfers_check;
ALTER TABLE interbank_transfers DROP CONSTRAINT interbank_transfers_check1;
ALTER TABLE interbank_transfers DROP CONSTRAINT interbank_transfers_check2;
ALTER TABLE interbank_transfers ADD CONSTRAINT interbank_transfers_exported
    CHECK ((status IN ('sent', 'returned')) = (export_id IS NOT NULL));
ALTER TABLE interbank_transfers ADD CONSTRAINT interbank_transfers_debited
    CHECK (status NOT IN ('accepted', 'sent', 'returned') OR entry_id IS NOT NULL);
ALTER TABLE interbank_transfers ADD CONSTRAINT interbank_transfers_returned
    CHECK (status <> 'returned' OR closing_entry IS NOT NULL);
ALTER TABLE interbank_transfers ADD CONSTRAINT interbank_transfers_reason
    CHECK ((status IN ('returned', 'refused')) = (return_reason IS NOT NULL));
CREATE INDEX interbank_booked ON interbank_transfers (execution_day) WHERE status = 'booked';

CREATE TABLE scheduler_leases (
    name   TEXT   NOT NULL PRIMARY KEY,
    holder TEXT   NOT NULL,
    until  BIGINT NOT NULL
);

-- 他行振込 the bank's fraud rules catch (issue 30): recorded and debited into the clearing
-- account as any other, but left out of every 全銀 file until the branch releases it; a
-- rejection gives the money back as a cancel does. NULL: the rules did not catch it.

ALTER TABLE interbank_transfers ADD COLUMN review_rules TEXT;
ALTER TABLE interbank_transfers ADD COLUMN review_status TEXT
    CHECK (review_status IN ('held', 'released', 'rejected'));
ALTER TABLE interbank_transfers ADD COLUMN reviewed_at INTEGER;
ALTER TABLE interbank_transfers ADD COLUMN review_reason TEXT;
CREATE INDEX interbank_in_review ON interbank_transfers (id) WHERE review_status = 'held';

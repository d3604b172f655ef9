-- Start-up asks which keys the sealed OTP secrets were sealed with (a server refuses to start
-- without one of them). Each key is one seek on this index, not a scan of every token
-- (issue 32: 53 ms at 300,000 tokens, growing with the bank).
CREATE INDEX otp_tokens_sealed_key ON otp_tokens (secret_key_id) WHERE secret_ciphertext IS NOT NULL;

//! RFC 6238 codes, for the server's verification and the demo token's display alike.

use crate::otp::TotpAlgorithm;

/// How a token makes its codes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TotpParams {
    pub algorithm: TotpAlgorithm,
    pub digits: u32,
    /// Seconds per step.
    pub period: u32,
}

impl Default for TotpParams {
    fn default() -> Self {
        Self { algorithm: TotpAlgorithm::Sha1, digits: 6, period: 30 }
    }
}

impl TotpParams {
    /// The step that unix time `unix` falls in.
    pub fn step_at(&self, unix: i64) -> u64 {
        (unix.max(0) as u64) / u64::from(self.period)
    }

    /// Seconds left in the step at `unix_millis`, for a countdown.
    pub fn millis_left(&self, unix_millis: i64) -> u64 {
        let period = u64::from(self.period) * 1000;
        period - (unix_millis.max(0) as u64 % period)
    }

    /// The code of `step`, zero-padded to `digits`.
    pub fn code_for_step(&self, secret: &[u8], step: u64) -> String {
        let algorithm = match self.algorithm {
            TotpAlgorithm::Sha1 => totp_rs::Algorithm::SHA1,
            TotpAlgorithm::Sha256 => totp_rs::Algorithm::SHA256,
            TotpAlgorithm::Sha512 => totp_rs::Algorithm::SHA512,
        };
        let totp =
            totp_rs::TOTP::new_unchecked(algorithm, self.digits as usize, 0, u64::from(self.period), secret.to_vec());
        totp.generate(step * u64::from(self.period))
    }

    pub fn code_at(&self, secret: &[u8], unix: i64) -> String {
        self.code_for_step(secret, self.step_at(unix))
    }
}

/// RFC 4648 base32 without padding, as authenticator apps expect it.
pub fn encode_secret(secret: &[u8]) -> String {
    match totp_rs::Secret::Raw(secret.to_vec()).to_encoded() {
        totp_rs::Secret::Encoded(text) => text.trim_end_matches('=').to_owned(),
        totp_rs::Secret::Raw(_) => unreachable!("to_encoded gives the encoded form"),
    }
}

/// The bytes of a base32 secret (case, spaces and padding forgiven), or `None`.
pub fn decode_secret(text: &str) -> Option<Vec<u8>> {
    let cleaned: String =
        text.chars().filter(|c| !c.is_whitespace() && *c != '=').collect::<String>().to_ascii_uppercase();
    totp_rs::Secret::Encoded(cleaned).to_bytes().ok().filter(|bytes| !bytes.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    // RFC 6238 Appendix B: 8 digits, 30-second steps, one seed per algorithm.
    const SEED_SHA1: &[u8] = b"12345678901234567890";
    const SEED_SHA256: &[u8] = b"12345678901234567890123456789012";
    const SEED_SHA512: &[u8] = b"1234567890123456789012345678901234567890123456789012345678901234";
    const VECTORS: &[(i64, &str, &str, &str)] = &[
        (59, "94287082", "46119246", "90693936"),
        (1_111_111_109, "07081804", "68084774", "25091201"),
        (1_111_111_111, "14050471", "67062674", "99943326"),
        (1_234_567_890, "89005924", "91819424", "93441116"),
        (2_000_000_000, "69279037", "90698825", "38618901"),
        (20_000_000_000, "65353130", "77737706", "47863826"),
    ];

    #[test]
    fn rfc_6238_appendix_b_vectors() {
        for &(time, sha1, sha256, sha512) in VECTORS {
            for (algorithm, seed, expected) in [
                (TotpAlgorithm::Sha1, SEED_SHA1, sha1),
                (TotpAlgorithm::Sha256, SEED_SHA256, sha256),
                (TotpAlgorithm::Sha512, SEED_SHA512, sha512),
            ] {
                let params = TotpParams { algorithm, digits: 8, period: 30 };
                assert_eq!(params.code_at(seed, time), expected, "{algorithm:?} at {time}");
            }
        }
    }

    #[test]
    fn six_digit_codes_are_the_low_digits_zero_padded() {
        let params = TotpParams::default();
        assert_eq!(params.code_at(SEED_SHA1, 1_111_111_109), "081804");
    }

    #[test]
    fn the_countdown_reaches_zero_exactly_at_the_step_boundary() {
        let params = TotpParams::default();
        assert_eq!(params.millis_left(30_000), 30_000);
        assert_eq!(params.millis_left(59_999), 1);
        assert_eq!(params.step_at(59), 1);
        assert_eq!(params.step_at(60), 2);
    }

    #[test]
    fn secrets_round_trip_through_base32() {
        let encoded = encode_secret(SEED_SHA1);
        assert_eq!(encoded, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
        assert_eq!(decode_secret(&encoded.to_lowercase()).unwrap(), SEED_SHA1);
        assert_eq!(decode_secret("not base32 !"), None);
    }
}

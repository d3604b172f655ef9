//! The demo token's codes and storage, computed in wasm in Chromium.
#![cfg(all(target_arch = "wasm32", feature = "token"))]

use netbank_api::otp::{ProvisionedToken, TotpAlgorithm};
use netbank_api::totp::{encode_secret, TotpParams};
use netbank_web::token::clock_check::offset_seconds;
use netbank_web::token::store::{self, grouped, StoredToken};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

// RFC 6238 Appendix B, all three algorithms, 8 digits.
#[wasm_bindgen_test]
fn rfc_6238_vectors_hold_in_the_browser() {
    let seeds: [(TotpAlgorithm, &[u8]); 3] = [
        (TotpAlgorithm::Sha1, b"12345678901234567890"),
        (TotpAlgorithm::Sha256, b"12345678901234567890123456789012"),
        (TotpAlgorithm::Sha512, b"1234567890123456789012345678901234567890123456789012345678901234"),
    ];
    let vectors: [(i64, [&str; 3]); 6] = [
        (59, ["94287082", "46119246", "90693936"]),
        (1_111_111_109, ["07081804", "68084774", "25091201"]),
        (1_111_111_111, ["14050471", "67062674", "99943326"]),
        (1_234_567_890, ["89005924", "91819424", "93441116"]),
        (2_000_000_000, ["69279037", "90698825", "38618901"]),
        (20_000_000_000, ["65353130", "77737706", "47863826"]),
    ];
    for (time, expected) in vectors {
        for ((algorithm, seed), code) in seeds.iter().zip(expected) {
            let params = TotpParams { algorithm: *algorithm, digits: 8, period: 30 };
            assert_eq!(params.code_at(seed, time), code, "{algorithm:?} at {time}");
        }
    }
}

fn provisioned(user_id: &str) -> ProvisionedToken {
    ProvisionedToken {
        service_id: "10010001".into(),
        user_id: user_id.into(),
        issuer: "ネットバンク信用組合".into(),
        secret: encode_secret(b"12345678901234567890"),
        algorithm: TotpAlgorithm::Sha1,
        digits: 6,
        period: 30,
        server_time: 0,
    }
}

#[wasm_bindgen_test]
fn a_stored_token_shows_the_code_of_its_step() {
    let token = StoredToken::from_provisioned(provisioned("12345678901"));
    assert_eq!(token.label, "ネットバンク信用組合（ユーザID 末尾8901）");
    // 1111111109 s and 1111111109.999 s are in the same step; 1111111110 s is the next.
    assert_eq!(token.code_at(1_111_111_109_000.0).as_deref(), Some("081804"));
    assert_eq!(token.code_at(1_111_111_109_999.0).as_deref(), Some("081804"));
    assert_ne!(token.code_at(1_111_111_110_000.0).as_deref(), Some("081804"));
    assert_eq!(grouped("081804"), "081 804");
    assert_eq!(grouped("12345678"), "1234 5678");
}

#[wasm_bindgen_test]
fn tokens_live_side_by_side_and_are_removed_one_by_one() {
    store::save(&[]);
    store::add(StoredToken::from_provisioned(provisioned("11111111111")));
    store::add(StoredToken::from_provisioned(provisioned("22222222222")));
    store::add(StoredToken::from_provisioned(provisioned("11111111111")));
    let ids: Vec<String> = store::load().into_iter().map(|t| t.user_id).collect();
    assert_eq!(ids, ["22222222222", "11111111111"], "set up again replaces, never duplicates");
    store::remove("10010001", "22222222222");
    assert_eq!(store::load().len(), 1);
    store::save(&[]);
}

#[wasm_bindgen_test]
fn the_clock_offset_is_measured_in_whole_seconds() {
    assert_eq!(offset_seconds(1_800_000_000_500.0, 1_800_000_000), 0.0);
    assert_eq!(offset_seconds(1_800_000_020_400.0, 1_800_000_000), 20.0);
    assert_eq!(offset_seconds(1_799_999_940_600.0, 1_800_000_000), -60.0);
}

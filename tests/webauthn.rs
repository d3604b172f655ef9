//! The passkey glue's own conversions, in Chromium: base64url both ways (RFC 4648's vectors,
//! the URL-safe characters, padding and the standard alphabet tolerated), and WebAuthn present.
#![cfg(target_arch = "wasm32")]

use netbank_web::webauthn::{decode, encode, supported};
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

#[wasm_bindgen_test]
fn base64url_follows_rfc_4648_without_padding() {
    for (bytes, text) in [
        ("", ""),
        ("f", "Zg"),
        ("fo", "Zm8"),
        ("foo", "Zm9v"),
        ("foob", "Zm9vYg"),
        ("fooba", "Zm9vYmE"),
        ("foobar", "Zm9vYmFy"),
    ] {
        assert_eq!(encode(bytes.as_bytes()), text);
        assert_eq!(decode(text), bytes.as_bytes());
    }
    assert_eq!(encode(&[0xfb, 0xff, 0xbf]), "-_-_");
    assert_eq!(decode("-_-_"), [0xfb, 0xff, 0xbf]);
    assert_eq!(decode("+/+/"), [0xfb, 0xff, 0xbf], "the standard alphabet too");
    assert_eq!(decode("Zm8="), b"fo", "padding ignored");
    let all: Vec<u8> = (0..=255).collect();
    assert_eq!(decode(&encode(&all)), all);
}

#[wasm_bindgen_test]
fn chromium_has_webauthn() {
    assert!(supported());
}

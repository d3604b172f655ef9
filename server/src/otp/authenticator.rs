//! Setting up a standard authenticator app: the otpauth:// URI (Key Uri Format) and its QR
//! code as SVG, made here so the secret never leaves the server except in this answer.

use netbank_api::otp::AuthenticatorSetup;
use netbank_api::totp::{encode_secret, TotpParams};
use qrcode::render::svg;
use qrcode::{EcLevel, QrCode};

use crate::error::ApiError;

/// RFC 3986 percent-encoding of everything but the unreserved characters.
fn percent_encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

pub fn otpauth_uri(issuer: &str, account: &str, secret: &[u8], params: &TotpParams) -> String {
    format!(
        "otpauth://totp/{}:{}?secret={}&issuer={}&algorithm={}&digits={}&period={}",
        percent_encode(issuer),
        percent_encode(account),
        encode_secret(secret),
        percent_encode(issuer),
        params.algorithm.as_str(),
        params.digits,
        params.period,
    )
}

pub fn setup(issuer: &str, account: &str, secret: &[u8], params: &TotpParams) -> Result<AuthenticatorSetup, ApiError> {
    let uri = otpauth_uri(issuer, account, secret, params);
    let code = QrCode::with_error_correction_level(uri.as_bytes(), EcLevel::M).map_err(ApiError::internal)?;
    let qr_svg = code
        .render::<svg::Color>()
        .min_dimensions(240, 240)
        .quiet_zone(true)
        .dark_color(svg::Color("#000000"))
        .light_color(svg::Color("#ffffff"))
        .build();
    Ok(AuthenticatorSetup { otpauth_uri: uri, secret: encode_secret(secret), qr_svg })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_uri_follows_the_key_uri_format_with_the_issuer_encoded() {
        let uri = otpauth_uri("ネットバンク信用組合", "demo01", b"12345678901234567890", &TotpParams::default());
        assert!(uri.starts_with("otpauth://totp/%E3%83%8D"), "{uri}");
        assert!(uri.contains(":demo01?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=%E3%83%8D"), "{uri}");
        assert!(uri.ends_with("&algorithm=SHA1&digits=6&period=30"), "{uri}");
    }

    #[test]
    fn the_qr_code_is_an_svg_document() {
        let setup = setup("Bank", "demo01", b"12345678901234567890", &TotpParams::default()).unwrap();
        assert!(setup.qr_svg.contains("<svg"), "{}", &setup.qr_svg[..100]);
        assert!(setup.qr_svg.contains("</svg>"));
        assert_eq!(setup.secret, "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
    }
}

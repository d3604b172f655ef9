//! Every request has an id that ties its log lines together and that the proxy's access log
//! can show: the proxy's `X-Request-Id` when it sent a sane one, otherwise one made here. It
//! goes back in the response header of the same name.

use axum::extract::Request;
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use rand::RngCore;

pub const HEADER: HeaderName = HeaderName::from_static("x-request-id");

#[derive(Debug, Clone)]
pub struct RequestId(pub HeaderValue);

pub async fn assign(mut request: Request, next: Next) -> Response {
    let id = request.headers().get(&HEADER).filter(|value| acceptable(value)).cloned().unwrap_or_else(generate);
    request.extensions_mut().insert(RequestId(id.clone()));
    let mut response = next.run(request).await;
    response.headers_mut().insert(HEADER, id);
    response
}

/// Up to 64 characters that cannot break a log line or a header: letters, digits, `-_.:`.
fn acceptable(value: &HeaderValue) -> bool {
    let bytes = value.as_bytes();
    !bytes.is_empty() && bytes.len() <= 64 && bytes.iter().all(|b| b.is_ascii_alphanumeric() || b"-_.:".contains(b))
}

fn generate() -> HeaderValue {
    let mut bytes = [0u8; 12];
    rand::rngs::OsRng.fill_bytes(&mut bytes);
    let text: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    HeaderValue::from_str(&text).expect("hex is a valid header value")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_short_plain_ids_are_taken_from_the_proxy() {
        assert!(acceptable(&HeaderValue::from_static("4f1c2a9e-77b0-4c3e-9d21-0a1b2c3d4e5f")));
        assert!(!acceptable(&HeaderValue::from_static("")));
        assert!(!acceptable(&HeaderValue::from_static("a b")));
        assert!(!acceptable(&HeaderValue::from_static("x\"}, {\"forged\": 1")));
        assert!(!acceptable(&HeaderValue::from_str(&"a".repeat(65)).unwrap()));
        assert_eq!(generate().len(), 24);
    }
}

//! Headers on every response. The CSP lets the wasm app run and nothing else: scripts only
//! from this origin plus Trunk's inline loaders, styles only from this origin plus BLI001's
//! inline style sheet (each allowed by its hash, computed from the built pages), wasm
//! compilation, no framing, no plugins.

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone)]
pub struct SecurityHeaders {
    headers: Vec<(HeaderName, HeaderValue)>,
}

impl SecurityHeaders {
    pub fn new(pages: &[&str], tls: bool) -> Self {
        // Each once: pages may share a script (the login bundle's two pages).
        let hashes = |element: &str| -> String {
            let bodies: std::collections::BTreeSet<String> = pages
                .iter()
                .flat_map(|page| inline_bodies(page, element))
                // The browser hashes the text after its parser has made every line end LF.
                .map(|body| body.replace("\r\n", "\n").replace('\r', "\n"))
                .map(|body| format!(" 'sha256-{}'", STANDARD.encode(Sha256::digest(body.as_bytes()))))
                .collect();
            bodies.into_iter().collect()
        };
        let (script_hashes, style_hashes) = (hashes("script"), hashes("style"));
        let csp = format!(
            "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'{script_hashes}; style-src 'self'{style_hashes}; \
             img-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'none'; \
             form-action 'self'; frame-ancestors 'none'"
        );
        let mut headers = vec![
            (HeaderName::from_static("content-security-policy"), HeaderValue::from_str(&csp).expect("ASCII CSP")),
            (HeaderName::from_static("x-content-type-options"), HeaderValue::from_static("nosniff")),
            (HeaderName::from_static("x-frame-options"), HeaderValue::from_static("DENY")),
            (HeaderName::from_static("referrer-policy"), HeaderValue::from_static("no-referrer")),
            (HeaderName::from_static("cross-origin-opener-policy"), HeaderValue::from_static("same-origin")),
            (
                HeaderName::from_static("permissions-policy"),
                HeaderValue::from_static("camera=(), microphone=(), geolocation=(), payment=()"),
            ),
        ];
        if tls {
            headers.push((
                HeaderName::from_static("strict-transport-security"),
                HeaderValue::from_static("max-age=63072000; includeSubDomains"),
            ));
        }
        Self { headers }
    }
}

pub async fn apply(State(security): State<std::sync::Arc<SecurityHeaders>>, request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    for (name, value) in &security.headers {
        response.headers_mut().insert(name.clone(), value.clone());
    }
    response
}

/// The bodies of `<script>` (or `<style>`) elements without `src`, exactly as the browser
/// hashes them.
fn inline_bodies<'a>(html: &'a str, element: &str) -> Vec<&'a str> {
    let (open, close) = (format!("<{element}"), format!("</{element}>"));
    let mut bodies = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find(&open) {
        rest = &rest[start..];
        let Some(tag_end) = rest.find('>') else { break };
        let tag = &rest[..tag_end];
        let body_start = tag_end + 1;
        let Some(body_len) = rest[body_start..].find(&close) else { break };
        if !tag.contains(" src=") {
            bodies.push(&rest[body_start..body_start + body_len]);
        }
        rest = &rest[body_start + body_len..];
    }
    bodies
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_found_and_external_ones_skipped() {
        let html = "<head><script type=module>import x;\nrun()</script><script src=/a.js></script></head>";
        assert_eq!(inline_bodies(html, "script"), vec!["import x;\nrun()"]);
    }

    #[test]
    fn the_policy_allows_the_inline_loader_by_hash_and_forbids_framing() {
        let headers = SecurityHeaders::new(&["<script>go()</script>"], false);
        let csp = headers.headers[0].1.to_str().unwrap().to_owned();
        let expected = STANDARD.encode(Sha256::digest(b"go()"));
        assert!(csp.contains(&format!("'sha256-{expected}'")), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!headers.headers.iter().any(|(n, _)| n == "strict-transport-security"));
    }

    #[test]
    fn an_inline_style_sheet_is_allowed_by_its_hash_and_no_other() {
        let page = "<head><style>body{margin:0}</style><link href=/a.css rel=stylesheet></head><script>go()</script>";
        let headers = SecurityHeaders::new(&[page], false);
        let csp = headers.headers[0].1.to_str().unwrap();
        let style = STANDARD.encode(Sha256::digest(b"body{margin:0}"));
        let script = STANDARD.encode(Sha256::digest(b"go()"));
        assert!(csp.contains(&format!("style-src 'self' 'sha256-{style}';")), "{csp}");
        assert!(
            csp.contains(&format!("'wasm-unsafe-eval' 'sha256-{script}';")),
            "the script's hash stays in script-src: {csp}"
        );
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        let without = SecurityHeaders::new(&["<script>go()</script>"], false);
        assert!(without.headers[0].1.to_str().unwrap().contains("style-src 'self'; "), "no page, no hash");
    }

    #[test]
    fn a_body_with_crlf_line_ends_is_hashed_as_the_browser_reads_it() {
        let headers = SecurityHeaders::new(&["<style>a{}\r\nb{}\rc{}</style>"], false);
        let csp = headers.headers[0].1.to_str().unwrap();
        let expected = STANDARD.encode(Sha256::digest(b"a{}\nb{}\nc{}"));
        assert!(csp.contains(&format!("style-src 'self' 'sha256-{expected}';")), "{csp}");
    }

    #[test]
    fn a_script_two_pages_share_is_allowed_once() {
        let headers = SecurityHeaders::new(&["<script>go()</script>", "<script>go()</script>"], false);
        let csp = headers.headers[0].1.to_str().unwrap();
        assert_eq!(csp.matches("'sha256-").count(), 1, "{csp}");
    }
}

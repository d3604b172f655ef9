//! Serving the built SPA: hashed assets precompressed and cached for a year, `index.html`
//! never cached (so a deploy is seen at once), and client routes answered with `index.html`.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::header::CACHE_CONTROL;
use axum::http::{HeaderValue, StatusCode};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::Router;
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
const REVALIDATE: &str = "no-cache";

/// The router that serves `dist` at `/`.
pub fn router(dist: &Path) -> Router {
    let index = Arc::new(dist.join("index.html"));
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(client_route.with_state(index));
    Router::new().fallback_service(files).layer(middleware::from_fn(cache_control))
}

/// What `/` answers when no SPA was built: a clear pointer instead of a bare 404.
pub fn not_built_router() -> Router {
    Router::new().fallback(|| async {
        (StatusCode::NOT_FOUND, "The SPA is not built. Start the product with `./x run`.")
    })
}

async fn client_route(State(index): State<Arc<PathBuf>>, request: Request) -> Response {
    if looks_like_file(request.uri().path()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let served = ServeFile::new(index.as_path())
        .precompressed_br()
        .precompressed_gzip()
        .oneshot(request)
        .await;
    match served {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    }
}

async fn cache_control(request: Request, next: Next) -> Response {
    let hashed = is_hashed_asset(request.uri().path());
    let mut response = next.run(request).await;
    let value = if hashed && response.status().is_success() { IMMUTABLE } else { REVALIDATE };
    response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static(value));
    response
}

/// A missing `/app.js` must be a 404, not the SPA: only extension-less paths are routes.
fn looks_like_file(path: &str) -> bool {
    path.rsplit('/').next().is_some_and(|last| last.contains('.'))
}

/// Trunk names built assets `name-<hash>` (then `.js`, `_bg.wasm`, `.css`), the hash a u64 in
/// hex without leading zeros: their content can never change under that name. Fewer than 12
/// digits (one hash in 65,536) is taken as unhashed, which only costs a revalidation.
fn is_hashed_asset(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    name.match_indices('-').any(|(at, _)| {
        let rest = &name[at + 1..];
        let digits = rest.bytes().take_while(u8::is_ascii_hexdigit).count();
        (12..=16).contains(&digits) && matches!(rest.as_bytes().get(digits), Some(b'.' | b'_'))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trunk_hashed_names_are_immutable_assets() {
        assert!(is_hashed_asset("/netbank-web-3f2a9c0d1e2b4a5f.js"));
        assert!(is_hashed_asset("/netbank-web-3f2a9c0d1e2b4a5f_bg.wasm"));
        assert!(is_hashed_asset("/style-0123456789abcdef.css"));
        assert!(is_hashed_asset("/netbank-web-9408b6761e2175c_bg.wasm"));
    }

    #[test]
    fn unhashed_names_and_routes_are_not() {
        assert!(!is_hashed_asset("/"));
        assert!(!is_hashed_asset("/index.html"));
        assert!(!is_hashed_asset("/manifest.webmanifest"));
        assert!(!is_hashed_asset("/otp-issue"));
        assert!(!is_hashed_asset("/a-0123456789abcdeg.js"));
        assert!(!is_hashed_asset("/a-0123456789abcdef0.js"));
        assert!(!is_hashed_asset("/icon-192.png"));
    }

    #[test]
    fn only_paths_with_an_extension_look_like_files() {
        assert!(looks_like_file("/missing.js"));
        assert!(!looks_like_file("/otp/issue"));
        assert!(!looks_like_file("/"));
    }
}

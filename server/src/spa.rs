//! Serving the built SPA: hashed assets precompressed and cached for a year, pages never
//! cached (so a deploy is seen at once), and each client route answered with its bundle's
//! page: the login's for BLI001 (`index.html`, BLI001 rendered into it by the build) and for
//! BLI023 (`login.html`, the same page without the render), 初回利用登録's
//! (`registration.html`), the token app's (`token.html`) under `/token` when the build has one,
//! the signed-in app's accounts (`accounts.html`), payments (`payments.html`) and settings
//! (`settings.html`) under their addresses, and the bank's (`bank.html`: ホーム) for the rest.

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
use netbank_api::bundles::{bundle_for, login_screen, Bundle, LoginScreen};
use tower::ServiceExt;
use tower_http::services::{ServeDir, ServeFile};

const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// Pages and everything else unhashed: never kept. `no-store` also keeps a page out of the
/// browser's back-forward cache, so "back" after logout loads the bank's page anew (and it
/// finds no session) instead of showing the balances it had.
const REVALIDATE: &str = "no-store";

/// The bundles' pages, as the build wrote them.
#[derive(Debug)]
struct Pages {
    login: PathBuf,
    /// The login bundle's page for its screens other than BLI001.
    login_others: PathBuf,
    registration: PathBuf,
    bank: PathBuf,
    accounts: PathBuf,
    payments: PathBuf,
    settings: PathBuf,
    token: Option<PathBuf>,
}

/// The bundles' pages in `dist` (a one-page build serves its `index.html` everywhere).
pub fn pages(dist: &Path) -> Vec<PathBuf> {
    [
        "index.html",
        "login.html",
        "registration.html",
        "bank.html",
        "accounts.html",
        "payments.html",
        "settings.html",
        "token.html",
    ]
    .iter()
    .map(|name| dist.join(name))
    .filter(|path| path.is_file())
    .collect()
}

/// The router that serves `dist` at `/`.
pub fn router(dist: &Path) -> Router {
    let existing = |name: &str| Some(dist.join(name)).filter(|path| path.is_file());
    let login = dist.join("index.html");
    let bank = existing("bank.html").unwrap_or_else(|| login.clone());
    let pages = Arc::new(Pages {
        accounts: existing("accounts.html").unwrap_or_else(|| bank.clone()),
        payments: existing("payments.html").unwrap_or_else(|| bank.clone()),
        settings: existing("settings.html").unwrap_or_else(|| bank.clone()),
        bank,
        login_others: existing("login.html").unwrap_or_else(|| login.clone()),
        registration: existing("registration.html").unwrap_or_else(|| login.clone()),
        token: existing("token.html"),
        login,
    });
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .fallback(client_route.with_state(pages));
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(only_assets))
        .layer(middleware::from_fn(cache_control))
}

/// The staff console's site (its own listener): `staff.html` for every route, the built assets
/// beside it, and none of the customers' pages.
pub fn staff_router(dist: &Path) -> Router {
    let page = Arc::new(dist.join("staff.html"));
    let files = ServeDir::new(dist)
        .precompressed_br()
        .precompressed_gzip()
        .append_index_html_on_directories(false)
        .fallback(staff_route.with_state(page));
    Router::new()
        .fallback_service(files)
        .layer(middleware::from_fn(only_assets))
        .layer(middleware::from_fn(cache_control))
}

async fn staff_route(State(page): State<Arc<PathBuf>>, request: Request) -> Response {
    if looks_like_file(request.uri().path()) {
        return StatusCode::NOT_FOUND.into_response();
    }
    serve_page(page.as_ref(), request).await
}

/// A bundle's page, precompressed where the build made it so.
async fn serve_page(page: &Path, request: Request) -> Response {
    match ServeFile::new(page).precompressed_br().precompressed_gzip().oneshot(request).await {
        Ok(response) => response.map(Body::new),
        Err(never) => match never {},
    }
}

/// A page is a route's answer, never a file by its name: the customer's listener does not
/// hand out the console's page, nor the console's the customers'.
async fn only_assets(request: Request, next: Next) -> Response {
    // As the file server will read it: percent-decoded, a trailing slash ignored.
    let decoded = percent_encoding::percent_decode_str(request.uri().path()).decode_utf8_lossy();
    if names_a_page(&decoded) {
        return StatusCode::NOT_FOUND.into_response();
    }
    next.run(request).await
}

/// Whether `path` (decoded) names a page or its precompressed copy: by the last name the file
/// server would open (it skips empty and `.` segments: `/index.html/.` opens `index.html`).
fn names_a_page(path: &str) -> bool {
    let last = path.split(['/', '\\']).rfind(|segment| !segment.is_empty() && *segment != ".");
    let last = last.unwrap_or_default().to_ascii_lowercase();
    last.ends_with(".html") || last.contains(".html.")
}

/// Which bundle's page answers `path` (the shared table, `api::bundles`).
fn page_for<'a>(pages: &'a Pages, path: &str) -> &'a Path {
    match bundle_for(path) {
        Bundle::Login if login_screen(path) == Some(LoginScreen::Login) => &pages.login,
        Bundle::Login => &pages.login_others,
        Bundle::Registration => &pages.registration,
        Bundle::Token => pages.token.as_deref().unwrap_or(&pages.bank),
        Bundle::Bank => &pages.bank,
        Bundle::Accounts => &pages.accounts,
        Bundle::Payments => &pages.payments,
        Bundle::Settings => &pages.settings,
    }
}

/// What `/` answers when no SPA was built: a clear pointer instead of a bare 404.
pub fn not_built_router() -> Router {
    Router::new()
        .fallback(|| async { (StatusCode::NOT_FOUND, "The SPA is not built. Start the product with `./x run`.") })
}

async fn client_route(State(pages): State<Arc<Pages>>, request: Request) -> Response {
    let path = request.uri().path();
    if looks_like_file(path) {
        return StatusCode::NOT_FOUND.into_response();
    }
    let page = page_for(&pages, path).to_owned();
    serve_page(&page, request).await
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
    fn each_path_gets_its_bundles_page() {
        let pages = Pages {
            login: "index.html".into(),
            login_others: "login.html".into(),
            registration: "registration.html".into(),
            bank: "bank.html".into(),
            accounts: "accounts.html".into(),
            payments: "payments.html".into(),
            settings: "settings.html".into(),
            token: Some("token.html".into()),
        };
        for (path, page) in [
            ("/", "index.html"),
            ("/registration", "registration.html"),
            ("/login/otp", "login.html"),
            ("/login/otp/", "login.html"),
            ("/home", "bank.html"),
            ("/accounts", "accounts.html"),
            ("/transfer/other", "payments.html"),
            ("/payeasy/history", "payments.html"),
            ("/otp/activate", "settings.html"),
            ("/sessions", "settings.html"),
            ("/no-such-page", "bank.html"),
            ("/token", "token.html"),
            ("/token/codes", "token.html"),
            ("/tokens", "bank.html"),
        ] {
            assert_eq!(page_for(&pages, path), Path::new(page), "{path}");
        }
        let production = Pages { token: None, ..pages };
        assert_eq!(page_for(&production, "/token/setup"), Path::new("bank.html"));
    }

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
    fn a_page_is_never_a_file_by_name_however_the_path_spells_it() {
        for path in [
            "/index.html",
            "/login.html/",
            "/staff.html//",
            "/index.html.gz",
            "/INDEX.HTML",
            "/a/bank.html",
            "/index.html/.",
            "/index.html/./",
            "//index.html/.",
            "/index.html\\",
        ] {
            assert!(names_a_page(path), "{path}");
        }
        for path in ["/", "/registration", "/main-0123456789abcdef.css", "/htmlish", "/x.htm"] {
            assert!(!names_a_page(path), "{path}");
        }
    }

    #[tokio::test]
    async fn percent_encoded_and_slashed_page_names_are_refused() {
        let dist = tempfile::tempdir().unwrap();
        for name in ["index.html", "login.html", "index.html.gz"] {
            std::fs::write(dist.path().join(name), "page").unwrap();
        }
        let app = router(dist.path());
        for path in [
            "/index.html/",
            "/login%2Ehtml",
            "/index%2ehtml",
            "/index.html%2Egz",
            "/login.html",
            "/index.html/.",
            "/index.html%2F.",
            "/index.html/%2e",
            "/index.html%2F%2E%2F",
        ] {
            let request = Request::builder().uri(path).body(Body::empty()).unwrap();
            let response = app.clone().oneshot(request).await.unwrap();
            assert_eq!(response.status(), StatusCode::NOT_FOUND, "{path}");
        }
        let request = Request::builder().uri("/").body(Body::empty()).unwrap();
        assert_eq!(app.oneshot(request).await.unwrap().status(), StatusCode::OK);
    }

    #[test]
    fn only_paths_with_an_extension_look_like_files() {
        assert!(looks_like_file("/missing.js"));
        assert!(!looks_like_file("/otp/issue"));
        assert!(!looks_like_file("/"));
    }
}

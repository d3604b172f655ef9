use std::path::PathBuf;

use netbank_server::config::Policy;

use crate::helpers::spawn_app_with;

const ASSET: &str = "netbank-web-0123456789abcdef.js";

/// A miniature Trunk output: index.html and one hashed asset with its brotli twin.
fn fake_dist() -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().to_owned();
    std::fs::write(path.join("index.html"), "<!DOCTYPE html><title>netbank</title>").unwrap();
    std::fs::write(path.join(ASSET), "console.log('plain')").unwrap();
    std::fs::write(path.join(format!("{ASSET}.br")), "brotli bytes").unwrap();
    (dir, path)
}

#[tokio::test]
async fn client_routes_get_index_html_which_is_never_cached() {
    let (_keep, dist) = fake_dist();
    let app = spawn_app_with(Some(dist), Policy::default()).await;
    for path in ["/", "/otp/issue", "/login"] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-store", "{path}");
        assert!(response.text().await.unwrap().contains("<title>netbank</title>"), "{path}");
    }
}

#[tokio::test]
async fn hashed_assets_are_cached_for_a_year_and_sent_precompressed() {
    let (_keep, dist) = fake_dist();
    let app = spawn_app_with(Some(dist), Policy::default()).await;
    let response = app.client.get(app.url(&format!("/{ASSET}"))).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(response.status(), 200);
    assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.text().await.unwrap(), "brotli bytes");
}

#[tokio::test]
async fn a_missing_file_is_a_404_not_the_spa() {
    let (_keep, dist) = fake_dist();
    let app = spawn_app_with(Some(dist), Policy::default()).await;
    let response = app.get("/netbank-web-ffffffffffffffff.js").await;
    assert_eq!(response.status(), 404);
    assert_eq!(response.headers()["cache-control"], "no-store");
}

/// The customers' bundles: each path gets its bundle's page, and the CSP allows each page's
/// inline loader by its own hash.
#[tokio::test]
async fn each_bundle_answers_its_own_paths_and_each_loader_is_allowed_by_hash() {
    let dir = tempfile::tempdir().unwrap();
    let pages = [
        ("index.html", "login()"),
        ("bank.html", "bank()"),
        ("accounts.html", "accounts()"),
        ("payments.html", "payments()"),
        ("settings.html", "settings()"),
        ("token.html", "token()"),
    ];
    for (page, script) in pages {
        std::fs::write(
            dir.path().join(page),
            format!("<!DOCTYPE html><title>{page}</title><script type=module>{script}</script>"),
        )
        .unwrap();
    }
    let app = spawn_app_with(Some(dir.path().to_owned()), Policy::default()).await;
    for (path, page) in [
        ("/", "index.html"),
        ("/login/otp", "index.html"),
        ("/registration", "index.html"),
        ("/home", "bank.html"),
        ("/accounts", "accounts.html"),
        ("/no/such/page", "bank.html"),
        ("/transfer/own", "payments.html"),
        ("/payeasy", "payments.html"),
        ("/otp/issue", "settings.html"),
        ("/profile", "settings.html"),
        ("/token/setup", "token.html"),
    ] {
        let response = app.get(path).await;
        assert_eq!(response.status(), 200, "{path}");
        let csp = response.headers()["content-security-policy"].to_str().unwrap().to_owned();
        assert_eq!(csp.matches("'sha256-").count(), pages.len(), "{csp}");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(response.text().await.unwrap().contains(&format!("<title>{page}</title>")), "{path}");
    }
}

//! The product behind nginx terminating TLS, as a bank deploys it: Secure cookies and HSTS
//! reach the browser, and customers behind the one proxy are limited each on their own.

use std::net::IpAddr;

use netbank_e2e::Product;
use serde_json::json;

#[tokio::test]
async fn behind_nginx_cookies_are_secure_hsts_is_sent_and_each_client_has_its_own_bucket() -> anyhow::Result<()> {
    let (product, proxy) = Product::start_behind_proxy(|settings| settings.policy.auth_requests_per_minute = 5).await?;
    let alice: IpAddr = "127.0.0.2".parse()?;
    let bob: IpAddr = "127.0.0.3".parse()?;
    let a = proxy.client(alice)?;
    let b = proxy.client(bob)?;

    let health = a.get(product.url("/api/health")).send().await?;
    assert_eq!(health.status(), 200);
    assert!(health.headers()["strict-transport-security"].to_str()?.contains("max-age="));
    let request_id = health.headers()["x-request-id"].to_str()?.to_owned();
    assert_eq!(request_id.len(), 32, "nginx's $request_id, passed through");
    assert!(proxy.access_log().contains("GET /api/health"));

    // The first of Alice's five: a real login, with a Secure cookie.
    let login = product.post(&a, "/api/login", json!({ "login_id": "demo01", "password": "demo1234" })).await?;
    assert_eq!(login.status(), 200);
    let cookie = login.headers()["set-cookie"].to_str()?.to_owned();
    assert!(cookie.contains("; Secure") && cookie.contains("HttpOnly"), "{cookie}");
    assert_eq!(a.get(product.url("/api/me")).send().await?.status(), 200, "the cookie works over https");

    let wrong = json!({ "login_id": "demo01", "password": "wrongpass1" });
    for _ in 0..4 {
        assert_eq!(product.post(&a, "/api/login", wrong.clone()).await?.status(), 401);
    }
    let limited = product.post(&a, "/api/login", wrong.clone()).await?;
    assert_eq!(limited.status(), 429, "Alice alone reaches the limit");
    assert!(limited.headers().contains_key("retry-after"));
    // Alice claims to be someone else: nginx appends her real address, the server believes that.
    let forged = a
        .post(product.url("/api/login"))
        .header(netbank_api::CSRF_HEADER, "1")
        .header("x-forwarded-for", "198.51.100.9")
        .json(&wrong)
        .send()
        .await?;
    assert_eq!(forged.status(), 429);
    // Bob, behind the same proxy, is not punished for Alice.
    assert_eq!(product.post(&b, "/api/login", wrong.clone()).await?.status(), 401);

    // The audit log names each customer's address, never the proxy's.
    let addresses: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT client_addr FROM audit_log WHERE client_addr IS NOT NULL AND client_addr <> 'operator'",
    )
    .fetch_all(&product.state.db)
    .await?;
    assert!(
        addresses.contains(&"127.0.0.2".to_owned()) && addresses.contains(&"127.0.0.3".to_owned()),
        "{addresses:?}"
    );
    assert!(!addresses.contains(&"127.0.0.1".to_owned()), "{addresses:?}");
    Ok(())
}

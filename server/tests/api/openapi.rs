use serde_json::Value;

use crate::helpers::spawn_app;

/// Every operation declared in the server's sources: each `#[utoipa::path(method, path =
/// "…")]` under `server/src`, read as compiled (a handler is served and documented only
/// through `routes!`, which reads these). The paths are relative to `/api`.
fn declared_operations() -> Vec<(String, String)> {
    let mut operations = Vec::new();
    let mut stack = vec![std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            for declaration in std::fs::read_to_string(&path).unwrap().split("#[utoipa::path(").skip(1) {
                let (method, rest) = declaration.split_once(',').unwrap();
                let path = rest.split_once("path = \"").unwrap().1.split_once('"').unwrap().0;
                operations.push((format!("/api{path}"), method.trim().to_owned()));
            }
        }
    }
    operations.sort();
    operations
}

/// Every `ErrorReason` variant, in its wire spelling, read from the enum's definition.
fn every_reason() -> Vec<String> {
    let source = include_str!("../../../api/src/error.rs");
    let body = source.split("pub enum ErrorReason {").nth(1).unwrap().split("\n}").next().unwrap();
    body.lines()
        .map(str::trim)
        .filter(|line| !line.starts_with("//") && !line.starts_with('#') && line.ends_with(','))
        .map(|line| {
            let name = line.trim_end_matches(',');
            let mut wire = String::new();
            for (i, c) in name.chars().enumerate() {
                if c.is_uppercase() && i > 0 {
                    wire.push('_');
                }
                wire.push(c.to_ascii_lowercase());
            }
            wire
        })
        .collect()
}

#[tokio::test]
async fn the_openapi_document_has_every_operation_the_router_serves_and_every_reason() {
    let app = spawn_app().await;
    let document: Value = app.get("/api/openapi.json").await.json().await.unwrap();
    let operations = declared_operations();
    assert!(operations.len() >= 36, "the declarations were read: {operations:?}");
    let missing: Vec<_> =
        operations.iter().filter(|(path, method)| !document["paths"][path][method].is_object()).collect();
    assert!(missing.is_empty(), "declared but not documented: {missing:?}");
    let documented: usize = document["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(documented, operations.len(), "documented but not declared (or declared twice)");
    // Each is served: the router answers it with something other than its unknown-path 404
    // or a 405 (the answer of a path served for other methods only).
    let client = reqwest::Client::new();
    for (path, method) in &operations {
        let url = format!("{}{}", app.address, path.replace("{id}", "1").replace("{account}", "001-1234567"));
        let method = reqwest::Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
        let response = client
            .request(method.clone(), url)
            .header(netbank_api::CSRF_HEADER, "1")
            .json(&serde_json::json!({}))
            .send()
            .await
            .unwrap();
        let status = response.status();
        let body: Value = response.json().await.unwrap_or_default();
        assert!(status != 405 && body["reason"] != "not_found", "{method} {path} is not served: {status} {body}");
    }
    let reasons: Vec<&str> = document["components"]["schemas"]["ErrorReason"]["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    let every = every_reason();
    assert!(every.len() >= 30 && every.contains(&"duplicate_session_cookie".to_owned()), "{every:?}");
    for reason in &every {
        assert!(reasons.contains(&reason.as_str()), "{reason} missing from the document's ErrorReason");
    }
    assert_eq!(reasons.len(), every.len());
}

#[tokio::test]
async fn the_openapi_document_covers_every_endpoint_and_error_reason() {
    let app = spawn_app().await;
    let response = app.get("/api/openapi.json").await;
    assert_eq!(response.status(), 200);
    let document: Value = response.json().await.unwrap();
    assert!(document["openapi"].as_str().unwrap().starts_with("3."));
    for (path, method) in [
        ("/api/health", "get"),
        ("/api/openapi.json", "get"),
        ("/api/registration/verify", "post"),
        ("/api/registration", "post"),
        ("/api/login", "post"),
        ("/api/logout", "post"),
        ("/api/me", "get"),
        ("/api/password", "post"),
        ("/api/notice-address", "post"),
        ("/api/otp", "get"),
        ("/api/otp/issue", "post"),
        ("/api/token/provision", "post"),
        ("/api/otp/activate", "post"),
        ("/api/login/otp", "post"),
        ("/api/otp/deactivate", "post"),
    ] {
        assert!(document["paths"][path][method].is_object(), "{method} {path} is not documented");
    }
    let reasons: Vec<&str> = document["components"]["schemas"]["ErrorReason"]["enum"]
        .as_array()
        .expect("ErrorReason is an enum of codes")
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for reason in [
        "invalid_input",
        "invalid_credentials",
        "login_locked",
        "csrf_rejected",
        "rate_limited",
        "invalid_otp",
        "otp_suspended",
        "otp_already_used",
        "otp_login_expired",
        "provisioning_mismatch",
    ] {
        assert!(reasons.contains(&reason), "{reason} missing from {reasons:?}");
    }
    // The shared refusals are on every operation they apply to.
    let activate = &document["paths"]["/api/otp/activate"]["post"]["responses"];
    for status in ["400", "403", "413", "415", "429", "500"] {
        assert!(activate[status].is_object(), "activate lacks {status}");
    }
    assert!(activate["403"]["description"].as_str().unwrap().contains("csrf_rejected"));
    assert!(activate["403"]["description"].as_str().unwrap().contains("otp_suspended"));
    let logout = &document["paths"]["/api/logout"]["post"]["responses"];
    assert!(logout["415"].is_null(), "logout takes no body");
    assert!(
        document["paths"]["/api/otp/issue"]["post"]["responses"]["429"].is_object(),
        "limited per client and customer"
    );
    assert!(document["paths"]["/api/me"]["get"]["responses"]["429"].is_null(), "not rate-limited");
    assert!(document["paths"]["/api/login"]["post"]["responses"]["503"]["description"]
        .as_str()
        .unwrap()
        .contains("busy"));
    let login_errors = &document["paths"]["/api/login"]["post"]["responses"]["401"]["content"]["application/json"];
    assert_eq!(login_errors["schema"]["$ref"], "#/components/schemas/ErrorBody");
}

use serde_json::Value;

use crate::helpers::spawn_app;

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

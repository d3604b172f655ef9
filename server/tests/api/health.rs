use netbank_api::{DatabaseStatus, ErrorBody, ErrorReason, HealthResponse};

use crate::helpers::spawn_app;

#[tokio::test]
async fn health_reports_the_version_and_a_working_database() {
    let app = spawn_app().await;
    let response = app.get("/api/health").await;
    assert_eq!(response.status(), 200);
    let health: HealthResponse = response.json().await.unwrap();
    assert_eq!(health.version, env!("CARGO_PKG_VERSION"));
    assert_eq!(health.database, DatabaseStatus::Ok);
}

#[tokio::test]
async fn health_answers_503_with_a_body_when_the_database_is_gone() {
    let app = spawn_app().await;
    app.state.db.close().await;
    let response = app.get("/api/health").await;
    assert_eq!(response.status(), 503);
    let health: HealthResponse = response.json().await.unwrap();
    assert_eq!(health.database, DatabaseStatus::Unavailable);
}

#[tokio::test]
async fn an_unknown_api_path_is_a_json_404_not_the_spa() {
    let app = spawn_app().await;
    let response = app.get("/api/no-such-thing").await;
    assert_eq!(response.status(), 404);
    let body: ErrorBody = response.json().await.unwrap();
    assert_eq!(body.reason, ErrorReason::NotFound);
}

#[tokio::test]
async fn migrations_are_applied_on_first_start() {
    let app = spawn_app().await;
    let engine = netbank_server::db::Engine::of(&app.state.db);
    let tables_sql = match engine {
        netbank_server::db::Engine::Sqlite => "SELECT name FROM sqlite_master WHERE type = 'table'",
        netbank_server::db::Engine::Postgres => {
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'"
        }
    };
    let tables: Vec<String> = sqlx::query_scalar(tables_sql).fetch_all(&app.state.db).await.unwrap();
    for table in ["audit_log", "customers", "credentials", "sessions", "otp_tokens", "mail_outbox", "throttles"] {
        assert!(tables.iter().any(|t| t == table), "{table} missing from {tables:?}");
    }
    if engine == netbank_server::db::Engine::Sqlite {
        let journal: String = sqlx::query_scalar("PRAGMA journal_mode").fetch_one(&app.state.db).await.unwrap();
        assert_eq!(journal, "wal");
        let synchronous: i64 = sqlx::query_scalar("PRAGMA synchronous").fetch_one(&app.state.db).await.unwrap();
        assert_eq!(synchronous, 2, "FULL: a commit survives power loss");
    }
}

//! `deployment`: the one row saying which mode the server last started in (the CLI's
//! two-person rule reads it; a database no server has started on counts as production).

use sqlx::any::AnyExecutor;

pub async fn record_start(db: impl AnyExecutor<'_>, mode: &str, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO deployment (id, mode, started_at) VALUES (1, $1, $2)
         ON CONFLICT (id) DO UPDATE SET mode = excluded.mode, started_at = excluded.started_at",
    )
    .bind(mode)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn mode(db: impl AnyExecutor<'_>) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT mode FROM deployment WHERE id = 1").fetch_optional(db).await
}

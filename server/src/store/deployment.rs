//! `deployment`: the one row saying how the server last started — its mode and the amount
//! one person may pay in at the counter in a day. The CLI's two-person rules read it; a
//! database no server has started on counts as production with the default amount.

use sqlx::any::AnyExecutor;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Deployment {
    pub mode: String,
    pub deposit_approval_above: i64,
}

pub async fn record_start(db: impl AnyExecutor<'_>, started: &Deployment, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO deployment (id, mode, started_at, deposit_approval_above) VALUES (1, $1, $2, $3)
         ON CONFLICT (id) DO UPDATE SET mode = excluded.mode, started_at = excluded.started_at,
             deposit_approval_above = excluded.deposit_approval_above",
    )
    .bind(&started.mode)
    .bind(now)
    .bind(started.deposit_approval_above)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn last_start(db: impl AnyExecutor<'_>) -> sqlx::Result<Option<Deployment>> {
    sqlx::query_as("SELECT mode, deposit_approval_above FROM deployment WHERE id = 1").fetch_optional(db).await
}

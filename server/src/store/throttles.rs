//! The `throttles` table: fixed windows of counted actions, shared by every server instance
//! (a per-customer limit must hold however the proxy spreads the customer's requests).

use sqlx::any::AnyExecutor;
use sqlx::AnyConnection;

/// Counts one action under `key` if the window has room: `Ok` then, else the seconds until
/// the window ends. One conditional upsert, so parallel requests never overshoot `limit`.
pub async fn take(
    db: &mut AnyConnection,
    key: &str,
    now: i64,
    window_seconds: i64,
    limit: u32,
) -> sqlx::Result<Result<(), i64>> {
    let counted: Option<i64> = sqlx::query_scalar(
        "INSERT INTO throttles (key, window_start, count) VALUES ($1, $2, 1)
         ON CONFLICT (key) DO UPDATE SET
             count = CASE WHEN $2 - throttles.window_start >= $3 THEN 1 ELSE throttles.count + 1 END,
             window_start = CASE WHEN $2 - throttles.window_start >= $3 THEN $2 ELSE throttles.window_start END
         WHERE $2 - throttles.window_start >= $3 OR throttles.count < $4
         RETURNING count",
    )
    .bind(key)
    .bind(now)
    .bind(window_seconds)
    .bind(i64::from(limit))
    .fetch_optional(&mut *db)
    .await?;
    if counted.is_some() {
        return Ok(Ok(()));
    }
    let start: i64 =
        sqlx::query_scalar("SELECT window_start FROM throttles WHERE key = $1").bind(key).fetch_one(db).await?;
    Ok(Err((start + window_seconds - now).max(1)))
}

/// Forgets windows that began more than `longest_window` seconds ago.
pub async fn sweep(db: impl AnyExecutor<'_>, now: i64, longest_window: i64) -> sqlx::Result<u64> {
    let done =
        sqlx::query("DELETE FROM throttles WHERE window_start <= $1").bind(now - longest_window).execute(db).await?;
    Ok(done.rows_affected())
}

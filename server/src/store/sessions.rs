//! The `sessions` table: every statement on it. A row is a session ID's SHA-256, never the ID.

use crate::ids::CustomerId;
use crate::store::otp_tokens::TokenState;
use sqlx::any::AnyExecutor;

/// How far a session has authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "snake_case")]
pub enum Stage {
    /// Password accepted, OTP still owed.
    OtpPending,
    Full,
}

/// What a session has proven. A customer whose token is in use has only `Otp` sessions:
/// `identity::session::touch` refuses a `Password` one, whenever it was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "snake_case")]
pub enum Level {
    Password,
    /// Password and a one-time password (at login, 利用開始 or 利用解除).
    Otp,
    /// A passkey at login: phishing-resistant, one step.
    Passkey,
}

/// A session row as the time checks need it, and how many of its customer's tokens are in
/// use (active or suspended): a `Password` session is then not enough.
#[derive(Debug, Clone, Copy, sqlx::FromRow)]
pub struct SessionRow {
    pub customer_id: CustomerId,
    pub level: Level,
    pub login_at: i64,
    pub last_seen_at: i64,
    pub tokens_in_use: i64,
}

pub struct NewSession<'a> {
    pub id_hash: &'a [u8],
    pub customer_id: CustomerId,
    pub stage: Stage,
    pub level: Level,
    pub login_at: i64,
    /// The browser and system it runs on (ログイン中の端末).
    pub environment: &'a str,
}

pub async fn insert(db: impl AnyExecutor<'_>, session: NewSession<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO sessions (id_hash, customer_id, stage, level, login_at, created_at, last_seen_at, environment)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(session.id_hash)
    .bind(session.customer_id)
    .bind(session.stage)
    .bind(session.level)
    .bind(session.login_at)
    .bind(now)
    .bind(now)
    .bind(session.environment)
    .execute(db)
    .await?;
    Ok(())
}

/// The session at `stage` if neither its idle nor its absolute limit (counted from the
/// login) has passed.
pub async fn find_live(
    db: impl AnyExecutor<'_>,
    id_hash: &[u8],
    stage: Stage,
    now: i64,
    idle_seconds: i64,
    absolute_seconds: i64,
) -> sqlx::Result<Option<SessionRow>> {
    sqlx::query_as(
        // The token's state in the same statement: a session that proved only the password
        // needs both, and a second statement is a second trip to the database's thread. For
        // the other sessions the count is a primary-key lookup that goes unused.
        "SELECT s.customer_id, s.level, s.login_at, s.last_seen_at,
                (SELECT COUNT(*) FROM otp_tokens t WHERE t.customer_id = s.customer_id AND t.state IN ($6, $7))
                    AS tokens_in_use
         FROM sessions s
         WHERE s.id_hash = $2 AND s.stage = $3 AND s.last_seen_at > $1 - $4 AND s.login_at > $1 - $5",
    )
    .bind(now)
    .bind(id_hash)
    .bind(stage)
    .bind(idle_seconds)
    .bind(absolute_seconds)
    .bind(TokenState::IN_USE[0])
    .bind(TokenState::IN_USE[1])
    .fetch_optional(db)
    .await
}

/// Moves the idle timer forward (never back).
pub async fn refresh_idle(db: impl AnyExecutor<'_>, id_hash: &[u8], now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id_hash = $2 AND last_seen_at < $1")
        .bind(now)
        .bind(id_hash)
        .execute(db)
        .await?;
    Ok(())
}

/// Deletes the session if it is at `stage`; whether it was.
pub async fn delete_at_stage(db: impl AnyExecutor<'_>, id_hash: &[u8], stage: Stage) -> sqlx::Result<bool> {
    let removed = sqlx::query("DELETE FROM sessions WHERE id_hash = $1 AND stage = $2")
        .bind(id_hash)
        .bind(stage)
        .execute(db)
        .await?;
    Ok(removed.rows_affected() > 0)
}

/// Takes a login's password step for its second: deletes the pending session if it began
/// after `not_before`; whether it did (exactly one request can).
pub async fn consume_pending(db: impl AnyExecutor<'_>, id_hash: &[u8], not_before: i64) -> sqlx::Result<bool> {
    let removed = sqlx::query("DELETE FROM sessions WHERE id_hash = $1 AND stage = $2 AND created_at > $3")
        .bind(id_hash)
        .bind(Stage::OtpPending)
        .bind(not_before)
        .execute(db)
        .await?;
    Ok(removed.rows_affected() == 1)
}

/// Deletes the session whatever its stage; its customer, if there was one.
pub async fn delete(db: impl AnyExecutor<'_>, id_hash: &[u8]) -> sqlx::Result<Option<CustomerId>> {
    sqlx::query_scalar("DELETE FROM sessions WHERE id_hash = $1 RETURNING customer_id")
        .bind(id_hash)
        .fetch_optional(db)
        .await
}

/// Deletes every session of the customer; how many there were.
pub async fn delete_all_of(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<u64> {
    let ended = sqlx::query("DELETE FROM sessions WHERE customer_id = $1").bind(customer_id).execute(db).await?;
    Ok(ended.rows_affected())
}

/// Ends the customer's oldest complete sessions so that at most `keep` remain, `newest` among
/// them; how many ended. Password steps waiting for their code neither count nor end: a
/// guesser with the password cannot push the customer's sessions out.
pub async fn keep_newest(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    newest: &[u8],
    keep: u32,
) -> sqlx::Result<u64> {
    let ended = sqlx::query(
        "DELETE FROM sessions WHERE customer_id = $1 AND id_hash <> $2 AND stage = $4 AND id_hash NOT IN (
             SELECT id_hash FROM sessions WHERE customer_id = $1 AND id_hash <> $2 AND stage = $4
             ORDER BY created_at DESC, id_hash LIMIT $3)",
    )
    .bind(customer_id)
    .bind(newest)
    .bind(i64::from(keep.max(1)) - 1)
    .bind(Stage::Full)
    .execute(db)
    .await?;
    Ok(ended.rows_affected())
}

/// Deletes sessions no request can use any more: idle or past the absolute limit, and
/// password steps whose one-time password did not come in time.
pub async fn sweep(
    db: impl AnyExecutor<'_>,
    now: i64,
    idle_seconds: i64,
    absolute_seconds: i64,
    pending_seconds: i64,
) -> sqlx::Result<u64> {
    let swept = sqlx::query(
        "DELETE FROM sessions WHERE last_seen_at <= $1 - $2 OR login_at <= $1 - $3
             OR (stage = $4 AND created_at <= $1 - $5)",
    )
    .bind(now)
    .bind(idle_seconds)
    .bind(absolute_seconds)
    .bind(Stage::OtpPending)
    .bind(pending_seconds)
    .execute(db)
    .await?;
    Ok(swept.rows_affected())
}

text_enum!(Stage { OtpPending = "otp_pending", Full = "full" });
text_enum!(Level { Password = "password", Otp = "otp", Passkey = "passkey" });

/// A complete session as ログイン中の端末 lists it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LiveRow {
    pub id_hash: Vec<u8>,
    pub environment: String,
    pub login_at: i64,
    pub last_seen_at: i64,
}

/// The customer's complete sessions that are still live, newest use first.
pub async fn live_of(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    now: i64,
    idle_seconds: i64,
    absolute_seconds: i64,
) -> sqlx::Result<Vec<LiveRow>> {
    sqlx::query_as(
        "SELECT id_hash, environment, login_at, last_seen_at FROM sessions
         WHERE customer_id = $2 AND stage = $3 AND last_seen_at > $1 - $4 AND login_at > $1 - $5
         ORDER BY last_seen_at DESC, id_hash",
    )
    .bind(now)
    .bind(customer_id)
    .bind(Stage::Full)
    .bind(idle_seconds)
    .bind(absolute_seconds)
    .fetch_all(db)
    .await
}

/// Ends one session of the customer's own (never another customer's); whether it did.
pub async fn delete_of(db: impl AnyExecutor<'_>, customer_id: CustomerId, id_hash: &[u8]) -> sqlx::Result<bool> {
    let ended = sqlx::query("DELETE FROM sessions WHERE customer_id = $1 AND id_hash = $2")
        .bind(customer_id)
        .bind(id_hash)
        .execute(db)
        .await?;
    Ok(ended.rows_affected() == 1)
}

/// Ends every session of the customer but `keep`; how many.
pub async fn delete_others(db: impl AnyExecutor<'_>, customer_id: CustomerId, keep: &[u8]) -> sqlx::Result<u64> {
    let ended = sqlx::query("DELETE FROM sessions WHERE customer_id = $1 AND id_hash <> $2")
        .bind(customer_id)
        .bind(keep)
        .execute(db)
        .await?;
    Ok(ended.rows_affected())
}

/// What the session runs on ('' for one from before environments were kept).
pub async fn environment_of(db: impl AnyExecutor<'_>, id_hash: &[u8]) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("SELECT environment FROM sessions WHERE id_hash = $1").bind(id_hash).fetch_optional(db).await
}

/// Whether the customer a session belongs to (whatever its stage or age) is frozen: one round
/// trip, as the freeze layer asks it on every state-changing request.
pub async fn owner_is_frozen(db: impl AnyExecutor<'_>, id_hash: &[u8]) -> sqlx::Result<bool> {
    let frozen_at: Option<Option<i64>> = sqlx::query_scalar(
        "SELECT c.frozen_at FROM sessions s JOIN customers c ON c.id = s.customer_id WHERE s.id_hash = $1",
    )
    .bind(id_hash)
    .fetch_optional(db)
    .await?;
    Ok(frozen_at.flatten().is_some())
}

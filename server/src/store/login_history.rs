//! `login_history` and `known_devices`: what a customer's logins were, and the devices the
//! bank has seen them log in from.

use sqlx::any::AnyExecutor;

use crate::ids::CustomerId;

/// How a login was made (or tried), as stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "snake_case")]
pub enum Method {
    /// The password alone (a customer without a token in use).
    Password,
    /// The password and then the one-time password (BLI023).
    PasswordOtp,
    Passkey,
}

text_enum!(Method { Password = "password", PasswordOtp = "password_otp", Passkey = "passkey" });

pub struct NewLogin<'a> {
    pub customer_id: CustomerId,
    pub method: Method,
    pub succeeded: bool,
    pub environment: &'a str,
}

pub async fn record(db: impl AnyExecutor<'_>, login: NewLogin<'_>, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO login_history (customer_id, occurred_at, method, succeeded, environment) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(login.customer_id)
    .bind(now)
    .bind(login.method)
    .bind(i64::from(login.succeeded))
    .bind(login.environment)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LoginRow {
    pub id: i64,
    pub occurred_at: i64,
    pub method: Method,
    pub succeeded: i64,
    pub environment: String,
}

/// The newest `limit` logins and attempts, newest first.
pub async fn recent(db: impl AnyExecutor<'_>, customer_id: CustomerId, limit: i64) -> sqlx::Result<Vec<LoginRow>> {
    sqlx::query_as(
        "SELECT id, occurred_at, method, succeeded, environment FROM login_history
         WHERE customer_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(customer_id)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// The successful login before the newest one (the current session's): 前回ログイン日時.
pub async fn previous_success(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "SELECT occurred_at FROM login_history WHERE customer_id = $1 AND succeeded = 1
         ORDER BY id DESC LIMIT 1 OFFSET 1",
    )
    .bind(customer_id)
    .fetch_optional(db)
    .await
}

/// Refused attempts after the newest success but one: those the customer has not seen since
/// the login before this one (an attacker's guesses between two of their logins).
pub async fn failures_since_previous_success(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "SELECT COUNT(*) FROM login_history WHERE customer_id = $1 AND succeeded = 0 AND id > COALESCE(
             (SELECT id FROM login_history WHERE customer_id = $1 AND succeeded = 1 ORDER BY id DESC LIMIT 1 OFFSET 1), 0)",
    )
    .bind(customer_id)
    .fetch_one(db)
    .await
}

/// History older than `before` goes (the screen shows the newest 20; the audit log keeps all).
pub async fn sweep(db: impl AnyExecutor<'_>, before: i64) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM login_history WHERE occurred_at < $1").bind(before).execute(db).await?.rows_affected())
}

/// Devices not seen since `before` are forgotten.
pub async fn forget_devices(db: impl AnyExecutor<'_>, before: i64) -> sqlx::Result<u64> {
    Ok(sqlx::query("DELETE FROM known_devices WHERE last_seen_at < $1").bind(before).execute(db).await?.rows_affected())
}

/// Records that the customer logged in from the device; when it was last seen before, if
/// ever (a new device and one unseen for long are both news to the customer).
pub async fn see_device(
    db: &mut sqlx::AnyConnection,
    customer_id: CustomerId,
    device_hash: &[u8],
    now: i64,
) -> sqlx::Result<Option<i64>> {
    let before: Option<i64> =
        sqlx::query_scalar("SELECT last_seen_at FROM known_devices WHERE customer_id = $1 AND device_hash = $2")
            .bind(customer_id)
            .bind(device_hash)
            .fetch_optional(&mut *db)
            .await?;
    sqlx::query(
        "INSERT INTO known_devices (customer_id, device_hash, last_seen_at) VALUES ($1, $2, $3)
         ON CONFLICT (customer_id, device_hash) DO UPDATE SET last_seen_at = $3",
    )
    .bind(customer_id)
    .bind(device_hash)
    .bind(now)
    .execute(&mut *db)
    .await?;
    Ok(before)
}

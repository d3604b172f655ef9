//! The customer aggregate: `customers` (their accounts are `accounts.rs`'s), their login `credentials` and the
//! `temporary_passwords` of 初回利用登録. Every statement on those tables. Counters carry
//! their limit in the WHERE clause, so parallel requests cannot count past it.

use sqlx::any::AnyExecutor;

use super::accounts::{self, AccountRow};
use crate::ids::CustomerId;
use crate::money::Yen;
use crate::store::otp_tokens::TokenState;

// --- customers ---

pub async fn insert_customer(
    db: impl AnyExecutor<'_>,
    name: &str,
    notice_address: Option<&str>,
    now: i64,
) -> sqlx::Result<CustomerId> {
    sqlx::query_scalar("INSERT INTO customers (name, notice_address, created_at) VALUES ($1, $2, $3) RETURNING id")
        .bind(name)
        .bind(notice_address)
        .bind(now)
        .fetch_one(db)
        .await
}

/// The 通知先メールアドレス, if one is registered.
pub async fn notice_address(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<Option<String>> {
    Ok(sqlx::query_scalar("SELECT notice_address FROM customers WHERE id = $1")
        .bind(customer_id)
        .fetch_optional(db)
        .await?
        .flatten())
}

/// Sets the notice address. `age_from`: when its age restarts; `None` keeps the age the
/// address on file had (the demo seed's only).
pub async fn set_notice_address(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    address: &str,
    age_from: Option<i64>,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE customers SET notice_address = $1, notice_address_set_at = COALESCE($3, notice_address_set_at)
             WHERE id = $2",
    )
    .bind(address)
    .bind(customer_id)
    .bind(age_from)
    .execute(db)
    .await?;
    Ok(())
}

/// Takes the customer's row lock for the rest of the transaction (PostgreSQL; SQLite's write
/// transactions are one at a time already): a change of the notice address waits for it.
pub async fn hold(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<()> {
    sqlx::query("UPDATE customers SET notice_address = notice_address WHERE id = $1")
        .bind(customer_id)
        .execute(db)
        .await?;
    Ok(())
}

/// The notice address and since when its age counts.
pub async fn notice_address_since(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
) -> sqlx::Result<Option<(String, Option<i64>)>> {
    let row: Option<(Option<String>, Option<i64>)> =
        sqlx::query_as("SELECT notice_address, notice_address_set_at FROM customers WHERE id = $1")
            .bind(customer_id)
            .fetch_optional(db)
            .await?;
    Ok(row.and_then(|(address, since)| Some((address?, since))))
}

/// A passkey was registered or a token started: new payees wait from `now`.
pub async fn mark_authenticator_added(db: impl AnyExecutor<'_>, customer_id: CustomerId, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE customers SET authenticator_added_at = $1 WHERE id = $2")
        .bind(now)
        .bind(customer_id)
        .execute(db)
        .await?;
    Ok(())
}

/// When the customer's newest authenticator was added, if the bank has recorded one.
pub async fn authenticator_added_at(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT authenticator_added_at FROM customers WHERE id = $1")
        .bind(customer_id)
        .fetch_optional(db)
        .await?
        .flatten())
}

/// The customer's own 1日あたりの振込限度額, if they set one (else the bank's default applies).
/// The customer's own 振込限度額 (`None`: the bank's default), their cap on one 振込 (`None`:
/// up to the day's limit), and raises scheduled for later (from when).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::FromRow)]
pub struct OwnLimit {
    pub daily_transfer_limit: Option<Yen>,
    pub per_transfer_limit: Option<Yen>,
    pub scheduled_daily_limit: Option<Yen>,
    pub scheduled_per_transfer_limit: Option<Yen>,
    pub scheduled_limit_from: Option<i64>,
}

pub async fn own_limit(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<OwnLimit> {
    sqlx::query_as(
        "SELECT daily_transfer_limit, per_transfer_limit, scheduled_daily_limit, scheduled_per_transfer_limit,
                scheduled_limit_from
         FROM customers WHERE id = $1",
    )
    .bind(customer_id)
    .fetch_one(db)
    .await
}

/// Makes raises whose day has come the customer's own limits, so that scheduling another
/// cannot push them back.
pub async fn apply_due_limits(db: impl AnyExecutor<'_>, customer_id: CustomerId, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE customers SET daily_transfer_limit = COALESCE(scheduled_daily_limit, daily_transfer_limit),
             per_transfer_limit = COALESCE(scheduled_per_transfer_limit, per_transfer_limit),
             scheduled_daily_limit = NULL, scheduled_per_transfer_limit = NULL, scheduled_limit_from = NULL
         WHERE id = $1 AND scheduled_limit_from <= $2",
    )
    .bind(customer_id)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// Schedules a raise of the day's limit (`daily`) or of the cap on one 振込, from `from`.
pub async fn schedule_limit(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    daily: bool,
    limit: Yen,
    from: i64,
) -> sqlx::Result<()> {
    let column = if daily { "scheduled_daily_limit" } else { "scheduled_per_transfer_limit" };
    sqlx::query(&format!("UPDATE customers SET {column} = $1, scheduled_limit_from = $2 WHERE id = $3"))
        .bind(limit)
        .bind(from)
        .bind(customer_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Lowers the cap on one 振込 at once (dropping a raise of it still waiting).
pub async fn set_per_transfer_limit(db: impl AnyExecutor<'_>, customer_id: CustomerId, limit: Yen) -> sqlx::Result<()> {
    sqlx::query("UPDATE customers SET per_transfer_limit = $1, scheduled_per_transfer_limit = NULL WHERE id = $2")
        .bind(limit)
        .bind(customer_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Drops every scheduled raise; whether there was one.
pub async fn cancel_scheduled_limit(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<bool> {
    let cancelled = sqlx::query(
        "UPDATE customers SET scheduled_daily_limit = NULL, scheduled_per_transfer_limit = NULL, scheduled_limit_from = NULL
         WHERE id = $1 AND scheduled_limit_from IS NOT NULL",
    )
    .bind(customer_id)
    .execute(db)
    .await?;
    Ok(cancelled.rows_affected() == 1)
}

/// Freezes the customer (凍結) unless frozen already; whether it did.
pub async fn freeze(db: impl AnyExecutor<'_>, customer_id: CustomerId, reason: &str, now: i64) -> sqlx::Result<bool> {
    let frozen =
        sqlx::query("UPDATE customers SET frozen_at = $1, frozen_reason = $2 WHERE id = $3 AND frozen_at IS NULL")
            .bind(now)
            .bind(reason)
            .bind(customer_id)
            .execute(db)
            .await?;
    Ok(frozen.rows_affected() == 1)
}

/// Lifts a freeze; whether there was one.
pub async fn unfreeze(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<bool> {
    let lifted = sqlx::query(
        "UPDATE customers SET frozen_at = NULL, frozen_reason = NULL WHERE id = $1 AND frozen_at IS NOT NULL",
    )
    .bind(customer_id)
    .execute(db)
    .await?;
    Ok(lifted.rows_affected() == 1)
}

/// Whether the customer is frozen now.
/// Why the customer is frozen, if they are.
pub async fn frozen_reason(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<Option<String>> {
    let reason: Option<Option<String>> =
        sqlx::query_scalar("SELECT frozen_reason FROM customers WHERE id = $1 AND frozen_at IS NOT NULL")
            .bind(customer_id)
            .fetch_optional(db)
            .await?;
    Ok(reason.flatten())
}

/// Takes the customer's row for this transaction's payment (PostgreSQL: `FOR UPDATE`; SQLite's
/// write transaction is alone anyway), so two payments under one key, made different ways,
/// see each other.
pub async fn lock_for_payment(tx: &mut sqlx::Transaction<'_, sqlx::Any>, customer_id: CustomerId) -> sqlx::Result<()> {
    if crate::db::Engine::of_connection(tx) == crate::db::Engine::Postgres {
        sqlx::query("SELECT id FROM customers WHERE id = $1 FOR UPDATE").bind(customer_id).execute(&mut **tx).await?;
    }
    Ok(())
}

pub async fn is_frozen(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<bool> {
    let at: Option<Option<i64>> = sqlx::query_scalar("SELECT frozen_at FROM customers WHERE id = $1")
        .bind(customer_id)
        .fetch_optional(db)
        .await?;
    Ok(at.flatten().is_some())
}

/// When the customer last raised their limit.
pub async fn mark_limit_raised(db: impl AnyExecutor<'_>, customer_id: CustomerId, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE customers SET limit_raised_at = $1 WHERE id = $2")
        .bind(now)
        .bind(customer_id)
        .execute(db)
        .await?;
    Ok(())
}

/// When the customer last logged in from a device the bank had not seen for them.
pub async fn mark_new_environment(db: impl AnyExecutor<'_>, customer_id: CustomerId, now: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE customers SET new_environment_at = $1 WHERE id = $2")
        .bind(now)
        .bind(customer_id)
        .execute(db)
        .await?;
    Ok(())
}

/// When each change after which a new payee waits for the branch last happened.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, sqlx::FromRow)]
pub struct RiskMarks {
    /// 利用開始: the customer's creation.
    pub created_at: i64,
    pub authenticator_added_at: Option<i64>,
    pub limit_raised_at: Option<i64>,
    pub notice_address_set_at: Option<i64>,
    pub new_environment_at: Option<i64>,
}

pub async fn risk_marks(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<RiskMarks> {
    sqlx::query_as(
        "SELECT created_at, authenticator_added_at, limit_raised_at, notice_address_set_at, new_environment_at
         FROM customers WHERE id = $1",
    )
    .bind(customer_id)
    .fetch_one(db)
    .await
}

pub async fn set_daily_transfer_limit(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    limit: Yen,
) -> sqlx::Result<()> {
    // A limit set now replaces any raise still waiting for its day.
    sqlx::query("UPDATE customers SET daily_transfer_limit = $1, scheduled_daily_limit = NULL WHERE id = $2")
        .bind(limit)
        .bind(customer_id)
        .execute(db)
        .await?;
    Ok(())
}

/// Who is logged in, for `/api/me`.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Profile {
    pub name: String,
    pub login_id: String,
    pub notice_address: Option<String>,
    /// Registered passkeys.
    pub passkeys: i64,
    /// The successful login before the newest one (前回ログイン日時).
    pub previous_login_at: Option<i64>,
    /// The token's stored state and how long an issuance waits to be taken into use, if the
    /// customer has ever been issued one.
    pub token: Option<(TokenState, i64)>,
}

#[derive(sqlx::FromRow)]
struct ProfileAccountRow {
    name: String,
    login_id: String,
    notice_address: Option<String>,
    passkeys: i64,
    previous_login_at: Option<i64>,
    token_state: Option<TokenState>,
    token_pending_until: Option<i64>,
    kind: Option<String>,
    branch_code: Option<String>,
    number: Option<String>,
    balance: Option<Yen>,
    holder_kana: Option<String>,
    held: Option<Yen>,
}

/// The profile, the token's state and the accounts in one statement: `/api/me` is the app's
/// most frequent read, and each statement is a round trip to PostgreSQL (to SQLite's thread
/// on the embedded database).
pub async fn profile_with_accounts(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
) -> sqlx::Result<(Profile, Vec<AccountRow>)> {
    let rows: Vec<ProfileAccountRow> = sqlx::query_as(
        "SELECT c.name, k.login_id, c.notice_address,
                (SELECT COUNT(*) FROM passkeys p WHERE p.customer_id = c.id) AS passkeys,
                (SELECT h.occurred_at FROM login_history h WHERE h.customer_id = c.id AND h.succeeded = 1
                 ORDER BY h.id DESC LIMIT 1 OFFSET 1) AS previous_login_at,
                t.state AS token_state, t.pending_until AS token_pending_until,
                a.kind, a.branch_code, a.number, a.balance, a.holder_kana, a.held
         FROM customers c JOIN credentials k ON k.customer_id = c.id
         LEFT JOIN otp_tokens t ON t.customer_id = c.id LEFT JOIN accounts a ON a.customer_id = c.id
         WHERE c.id = $1 ORDER BY a.id",
    )
    .bind(customer_id)
    .fetch_all(db)
    .await?;
    let first = rows.first().ok_or(sqlx::Error::RowNotFound)?;
    let profile = Profile {
        name: first.name.clone(),
        login_id: first.login_id.clone(),
        notice_address: first.notice_address.clone(),
        passkeys: first.passkeys,
        previous_login_at: first.previous_login_at,
        token: first.token_state.zip(first.token_pending_until),
    };
    let accounts = rows
        .into_iter()
        .filter_map(|row| {
            let holder_kana = row.holder_kana;
            Some(AccountRow {
                kind: row.kind?,
                branch_code: row.branch_code?,
                number: row.number?,
                balance: row.balance?,
                holder_kana,
                held: row.held.unwrap_or_default(),
            })
        })
        .collect();
    Ok((profile, accounts))
}

/// The login ID and name (a passkey carries them so the customer can tell it apart), and
/// whether the login is locked.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Identity {
    pub login_id: String,
    pub name: String,
    pub locked: i64,
}

pub async fn identity(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<Identity> {
    sqlx::query_as(
        "SELECT k.login_id, c.name, CASE WHEN k.locked_at IS NULL THEN 0 ELSE 1 END AS locked
         FROM customers c JOIN credentials k ON k.customer_id = c.id WHERE c.id = $1",
    )
    .bind(customer_id)
    .fetch_one(db)
    .await
}

/// A customer as the operator sees them.
#[derive(Debug, Clone)]
pub struct CustomerSummary {
    pub customer_id: CustomerId,
    pub name: String,
    pub notice_address: Option<String>,
    pub login_id: Option<String>,
    pub failed_attempts: Option<i64>,
    pub locked_at: Option<i64>,
    /// `001-1234567 ordinary 100000; …`
    pub accounts: String,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    customer_id: CustomerId,
    name: String,
    notice_address: Option<String>,
    login_id: Option<String>,
    failed_attempts: Option<i64>,
    locked_at: Option<i64>,
}

pub async fn summary(db: &sqlx::AnyPool, customer_id: CustomerId) -> sqlx::Result<CustomerSummary> {
    let row: SummaryRow = sqlx::query_as(
        "SELECT c.id AS customer_id, c.name, c.notice_address, k.login_id, k.failed_attempts, k.locked_at
         FROM customers c LEFT JOIN credentials k ON k.customer_id = c.id WHERE c.id = $1",
    )
    .bind(customer_id)
    .fetch_one(db)
    .await?;
    let accounts = accounts::accounts_of(db, customer_id)
        .await?
        .iter()
        .map(|a| format!("{}-{} {} {}", a.branch_code, a.number, a.kind, a.balance))
        .collect::<Vec<_>>()
        .join("; ");
    let SummaryRow { customer_id, name, notice_address, login_id, failed_attempts, locked_at } = row;
    Ok(CustomerSummary { customer_id, name, notice_address, login_id, failed_attempts, locked_at, accounts })
}

/// The staff console's search: customers whose login ID is `login_id`, who hold the account
/// `number` (at `branch`, when given), or whose 口座名義 starts with `kana`; at most 20.
pub async fn search(
    db: impl AnyExecutor<'_>,
    login_id: Option<&str>,
    branch: Option<&str>,
    number: Option<&str>,
    kana: Option<&str>,
) -> sqlx::Result<Vec<CustomerId>> {
    sqlx::query_scalar(
        "SELECT DISTINCT c.id FROM customers c
         LEFT JOIN credentials k ON k.customer_id = c.id
         LEFT JOIN accounts a ON a.customer_id = c.id
         WHERE (CAST($1 AS TEXT) IS NOT NULL AND k.login_key = lower($1))
            OR (CAST($3 AS TEXT) IS NOT NULL AND a.number = $3 AND (CAST($2 AS TEXT) IS NULL OR a.branch_code = $2))
            OR (CAST($4 AS TEXT) IS NOT NULL AND a.holder_kana LIKE $4 || '%')
         ORDER BY c.id LIMIT 20",
    )
    .bind(login_id)
    .bind(branch)
    .bind(number)
    .bind(kana)
    .fetch_all(db)
    .await
}

// --- credentials ---

/// What a login checks.
#[derive(Debug, Clone)]
pub struct Credential {
    pub customer_id: CustomerId,
    pub password_hash: String,
    pub locked: bool,
}

/// Yes/no columns are computed as 0/1 (`CASE … THEN 1 ELSE 0 END`): SQLite has no boolean
/// type, and the same SQL must read alike on every engine.
#[derive(sqlx::FromRow)]
struct CredentialRow {
    customer_id: CustomerId,
    password_hash: String,
    locked: i64,
}

pub async fn credential(db: impl AnyExecutor<'_>, login_id: &str) -> sqlx::Result<Option<Credential>> {
    let row: Option<CredentialRow> = sqlx::query_as(
        "SELECT customer_id, password_hash, CASE WHEN locked_at IS NULL THEN 0 ELSE 1 END AS locked
         FROM credentials WHERE login_key = lower($1)",
    )
    .bind(login_id)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| Credential { customer_id: r.customer_id, password_hash: r.password_hash, locked: r.locked != 0 }))
}

pub async fn customer_by_login_id(db: impl AnyExecutor<'_>, login_id: &str) -> sqlx::Result<Option<CustomerId>> {
    sqlx::query_scalar("SELECT customer_id FROM credentials WHERE login_key = lower($1)")
        .bind(login_id)
        .fetch_optional(db)
        .await
}

pub async fn login_id(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT login_id FROM credentials WHERE customer_id = $1").bind(customer_id).fetch_one(db).await
}

pub async fn password_hash(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<String> {
    sqlx::query_scalar("SELECT password_hash FROM credentials WHERE customer_id = $1")
        .bind(customer_id)
        .fetch_one(db)
        .await
}

pub async fn is_registered(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<bool> {
    sqlx::query_scalar("SELECT COUNT(*) FROM credentials WHERE customer_id = $1")
        .bind(customer_id)
        .fetch_one(db)
        .await
        .map(|count: i64| count > 0)
}

/// 初回利用登録's credentials; a taken login ID (or a second registration) fails with the
/// unique violation, which `is_login_id_taken` tells apart.
pub async fn insert_credentials(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    login_id: &str,
    password_hash: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO credentials (customer_id, login_id, password_hash, updated_at) VALUES ($1, $2, $3, $4)")
        .bind(customer_id)
        .bind(login_id)
        .bind(password_hash)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// Whether a unique violation from `insert_credentials` was the login ID's (rather than the
/// customer's second registration).
pub fn is_login_id_taken(error: &(dyn sqlx::error::DatabaseError + 'static)) -> bool {
    error.message().contains("login_id") || error.message().contains("login_key")
}

/// The demo's credentials, put back as printed (unlocked, no failures).
pub async fn reset_credentials(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    login_id: &str,
    password_hash: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO credentials (customer_id, login_id, password_hash, updated_at) VALUES ($1, $2, $3, $4)
         ON CONFLICT (customer_id) DO UPDATE SET login_id = $2, password_hash = $3, failed_attempts = 0,
             locked_at = NULL, updated_at = $4",
    )
    .bind(customer_id)
    .bind(login_id)
    .bind(password_hash)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn delete_credentials(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<()> {
    sqlx::query("DELETE FROM credentials WHERE customer_id = $1").bind(customer_id).execute(db).await?;
    Ok(())
}

/// A new password, the failure count cleared.
pub async fn set_password(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    password_hash: &str,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE credentials SET password_hash = $1, failed_attempts = 0, updated_at = $2 WHERE customer_id = $3",
    )
    .bind(password_hash)
    .bind(now)
    .bind(customer_id)
    .execute(db)
    .await?;
    Ok(())
}

/// A correct password clears the failure count, unless the login was locked meanwhile;
/// whether it was not.
pub async fn clear_failures_unless_locked(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<bool> {
    let reset = sqlx::query("UPDATE credentials SET failed_attempts = 0 WHERE customer_id = $1 AND locked_at IS NULL")
        .bind(customer_id)
        .execute(db)
        .await?;
    Ok(reset.rows_affected() == 1)
}

/// One wrong password: `Some(true)` when it locked the login, `Some(false)` when counted,
/// `None` when the login was locked already.
pub async fn count_wrong_password(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    limit: u32,
    now: i64,
) -> sqlx::Result<Option<bool>> {
    sqlx::query_scalar(
        "UPDATE credentials
         SET failed_attempts = failed_attempts + 1,
             locked_at = CASE WHEN failed_attempts + 1 >= $1 THEN $2 END
         WHERE customer_id = $3 AND locked_at IS NULL
         RETURNING CASE WHEN locked_at IS NULL THEN 0 ELSE 1 END",
    )
    .bind(i64::from(limit))
    .bind(now)
    .bind(customer_id)
    .fetch_optional(db)
    .await
    .map(|locked: Option<i64>| locked.map(|l| l != 0))
}

/// Lifts a lockout; the customer, if the login ID exists.
pub async fn unlock(db: impl AnyExecutor<'_>, login_id: &str) -> sqlx::Result<Option<CustomerId>> {
    sqlx::query_scalar("UPDATE credentials SET failed_attempts = 0, locked_at = NULL WHERE login_key = lower($1) RETURNING customer_id")
        .bind(login_id)
        .fetch_optional(db)
        .await
}

/// The same by customer (the staff console names customers by number); whether they have a login.
pub async fn unlock_customer(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE credentials SET failed_attempts = 0, locked_at = NULL WHERE customer_id = $1")
        .bind(customer_id)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

// --- temporary_passwords ---

/// A 仮パスワード waiting for 初回利用登録, found by 店番・口座番号.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PendingRegistration {
    pub customer_id: CustomerId,
    pub password_hash: String,
    pub expires_at: i64,
    pub failed_attempts: i64,
    pub used_at: Option<i64>,
    /// 0 or 1 (see `CredentialRow`).
    pub registered: i64,
}

pub async fn pending_registration(
    db: impl AnyExecutor<'_>,
    branch_code: &str,
    number: &str,
) -> sqlx::Result<Option<PendingRegistration>> {
    sqlx::query_as(
        "SELECT t.customer_id, t.password_hash, t.expires_at, t.failed_attempts, t.used_at,
                CASE WHEN EXISTS (SELECT 1 FROM credentials c WHERE c.customer_id = t.customer_id) THEN 1 ELSE 0 END
                    AS registered
         FROM accounts a JOIN temporary_passwords t ON t.customer_id = a.customer_id
         WHERE a.branch_code = $1 AND a.number = $2",
    )
    .bind(branch_code)
    .bind(number)
    .fetch_optional(db)
    .await
}

/// Gives the customer a fresh 仮パスワード, replacing any earlier one with its attempt count.
pub async fn store_temporary_password(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    password_hash: &str,
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO temporary_passwords (customer_id, password_hash, expires_at) VALUES ($1, $2, $3)
         ON CONFLICT (customer_id) DO UPDATE SET password_hash = $2, expires_at = $3, failed_attempts = 0, used_at = NULL",
    )
    .bind(customer_id)
    .bind(password_hash)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// Uses the 仮パスワード up: true for exactly one request, and only while it is unused,
/// unexpired and not voided.
pub async fn consume_temporary_password(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    limit: u32,
    now: i64,
) -> sqlx::Result<bool> {
    let consumed = sqlx::query(
        "UPDATE temporary_passwords SET used_at = $1
         WHERE customer_id = $2 AND used_at IS NULL AND expires_at > $1 AND failed_attempts < $3",
    )
    .bind(now)
    .bind(customer_id)
    .bind(i64::from(limit))
    .execute(db)
    .await?;
    Ok(consumed.rows_affected() == 1)
}

/// One wrong 仮パスワード, counted up to `limit` (which voids it).
pub async fn count_wrong_temporary_password(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    limit: u32,
) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE temporary_passwords SET failed_attempts = failed_attempts + 1
         WHERE customer_id = $1 AND used_at IS NULL AND failed_attempts < $2",
    )
    .bind(customer_id)
    .bind(i64::from(limit))
    .execute(db)
    .await?;
    Ok(())
}

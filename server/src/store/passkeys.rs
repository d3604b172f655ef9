//! `passkey_handles` (each customer's WebAuthn user handle), `passkeys` (registered
//! credentials) and `passkey_ceremonies` (challenges handed out, each usable once).

use crate::ids::CustomerId;
use sqlx::any::AnyExecutor;

/// What a ceremony is for; an approval also carries what it approves (`binding`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Purpose {
    Register,
    Login,
    Approve,
}

impl Purpose {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Register => "register",
            Self::Login => "login",
            Self::Approve => "approve",
        }
    }
}

text_enum!(Purpose { Register = "register", Login = "login", Approve = "approve" });

/// The customer's handle, made if there is none yet (two parallel registrations agree on one).
pub async fn handle(db: &mut sqlx::AnyConnection, customer_id: CustomerId, fresh: [u8; 16]) -> sqlx::Result<Vec<u8>> {
    sqlx::query(
        "INSERT INTO passkey_handles (customer_id, handle) VALUES ($1, $2) ON CONFLICT (customer_id) DO NOTHING",
    )
    .bind(customer_id)
    .bind(&fresh[..])
    .execute(&mut *db)
    .await?;
    sqlx::query_scalar("SELECT handle FROM passkey_handles WHERE customer_id = $1")
        .bind(customer_id)
        .fetch_one(db)
        .await
}

/// Whose handle it is.
pub async fn customer_of_handle(db: impl AnyExecutor<'_>, handle: &[u8]) -> sqlx::Result<Option<CustomerId>> {
    sqlx::query_scalar("SELECT customer_id FROM passkey_handles WHERE handle = $1")
        .bind(handle)
        .fetch_optional(db)
        .await
}

/// A registered passkey as the list shows it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct PasskeyRow {
    pub id: i64,
    pub name: String,
    pub backed_up: i64,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
}

pub async fn list(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<Vec<PasskeyRow>> {
    sqlx::query_as(
        "SELECT id, name, backed_up, created_at, last_used_at FROM passkeys WHERE customer_id = $1 ORDER BY id",
    )
    .bind(customer_id)
    .fetch_all(db)
    .await
}

/// Makes parallel registrations of one customer wait for each other until the transaction
/// ends, so a count read after it stays true until the insert: a write to the customer's
/// handle row takes its row lock on PostgreSQL (SQLite's write transactions are one at a time
/// already). The handle exists: the registration's challenge made it.
pub async fn hold_registrations(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<()> {
    sqlx::query("UPDATE passkey_handles SET handle = handle WHERE customer_id = $1")
        .bind(customer_id)
        .execute(db)
        .await?;
    Ok(())
}

pub async fn count(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM passkeys WHERE customer_id = $1").bind(customer_id).fetch_one(db).await
}

/// A credential as verification needs it: webauthn-rs's stored form and the counter it was
/// read at (the conditional update's guard).
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StoredCredential {
    pub id: i64,
    pub customer_id: CustomerId,
    pub credential_id: Vec<u8>,
    pub name: String,
    pub credential: String,
    pub sign_count: i64,
}

/// Every credential of the customer (a registration excludes them, an approval allows them).
pub async fn credentials_of(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<Vec<StoredCredential>> {
    sqlx::query_as("SELECT id, customer_id, credential_id, name, credential, sign_count FROM passkeys WHERE customer_id = $1 ORDER BY id")
        .bind(customer_id)
        .fetch_all(db)
        .await
}

pub async fn by_credential_id(
    db: impl AnyExecutor<'_>,
    credential_id: &[u8],
) -> sqlx::Result<Option<StoredCredential>> {
    sqlx::query_as(
        "SELECT id, customer_id, credential_id, name, credential, sign_count FROM passkeys WHERE credential_id = $1",
    )
    .bind(credential_id)
    .fetch_optional(db)
    .await
}

pub struct NewPasskey<'a> {
    pub customer_id: CustomerId,
    pub credential_id: &'a [u8],
    pub name: &'a str,
    pub credential: &'a str,
    pub sign_count: i64,
    pub backup_eligible: bool,
    pub backed_up: bool,
}

/// Registers the credential; `None` when that credential ID is registered already (to anyone).
pub async fn insert(db: impl AnyExecutor<'_>, passkey: NewPasskey<'_>, now: i64) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar(
        "INSERT INTO passkeys (customer_id, credential_id, name, credential, sign_count, backup_eligible, backed_up, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (credential_id) DO NOTHING RETURNING id",
    )
    .bind(passkey.customer_id)
    .bind(passkey.credential_id)
    .bind(passkey.name)
    .bind(passkey.credential)
    .bind(passkey.sign_count)
    .bind(i64::from(passkey.backup_eligible))
    .bind(i64::from(passkey.backed_up))
    .bind(now)
    .fetch_optional(db)
    .await
}

/// What an assertion changed on the credential.
pub struct Use<'a> {
    pub id: i64,
    /// The counter the credential was read at: a parallel use that got there first wins.
    pub read_count: i64,
    pub credential: &'a str,
    pub sign_count: i64,
    pub backup_eligible: bool,
    pub backed_up: bool,
}

/// Records a use: the new counter and backup flags and the time. Conditional on the counter
/// read before verifying, so of two assertions with the same counter one is taken; whether it
/// applied.
pub async fn record_use(db: impl AnyExecutor<'_>, used: Use<'_>, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE passkeys SET credential = $1, sign_count = $2, backup_eligible = $3, backed_up = $4, last_used_at = $5
         WHERE id = $6 AND sign_count = $7",
    )
    .bind(used.credential)
    .bind(used.sign_count)
    .bind(i64::from(used.backup_eligible))
    .bind(i64::from(used.backed_up))
    .bind(now)
    .bind(used.id)
    .bind(used.read_count)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes one passkey of the customer; its name, if it was theirs.
pub async fn delete(db: impl AnyExecutor<'_>, customer_id: CustomerId, id: i64) -> sqlx::Result<Option<String>> {
    sqlx::query_scalar("DELETE FROM passkeys WHERE id = $1 AND customer_id = $2 RETURNING name")
        .bind(id)
        .bind(customer_id)
        .fetch_optional(db)
        .await
}

/// Deletes every passkey of the customer (the operator, for a lost device); how many.
pub async fn delete_all_of(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM passkeys WHERE customer_id = $1").bind(customer_id).execute(db).await?;
    Ok(done.rows_affected())
}

pub struct NewCeremony<'a> {
    pub id_hash: &'a [u8],
    pub purpose: Purpose,
    pub customer_id: Option<CustomerId>,
    pub state: &'a str,
    pub binding: Option<&'a [u8]>,
    pub expires_at: i64,
}

pub async fn insert_ceremony(db: impl AnyExecutor<'_>, ceremony: NewCeremony<'_>) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO passkey_ceremonies (id_hash, purpose, customer_id, state, binding, expires_at)
         VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(ceremony.id_hash)
    .bind(ceremony.purpose.as_str())
    .bind(ceremony.customer_id)
    .bind(ceremony.state)
    .bind(ceremony.binding)
    .bind(ceremony.expires_at)
    .execute(db)
    .await?;
    Ok(())
}

/// A ceremony taken for its answer.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Ceremony {
    pub purpose: Purpose,
    pub customer_id: Option<CustomerId>,
    pub state: String,
    pub binding: Option<Vec<u8>>,
    pub expires_at: i64,
}

/// Takes the ceremony: deletes it and returns what it held. Exactly one request can take a
/// ceremony, live or expired (the caller refuses an expired one).
pub async fn take_ceremony(db: impl AnyExecutor<'_>, id_hash: &[u8]) -> sqlx::Result<Option<Ceremony>> {
    sqlx::query_as(
        "DELETE FROM passkey_ceremonies WHERE id_hash = $1 RETURNING purpose, customer_id, state, binding, expires_at",
    )
    .bind(id_hash)
    .fetch_optional(db)
    .await
}

/// Deletes ceremonies nobody answered in time.
pub async fn sweep_ceremonies(db: impl AnyExecutor<'_>, now: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM passkey_ceremonies WHERE expires_at <= $1").bind(now).execute(db).await?;
    Ok(done.rows_affected())
}

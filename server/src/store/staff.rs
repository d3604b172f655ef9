//! `staff` (the branch's people and their roles), `staff_passkeys`, `staff_ceremonies` and
//! `staff_sessions`: every statement on them. Staff are not customers; nothing here touches a
//! customer's table.

use sqlx::any::AnyExecutor;

/// A staff member as the console and the CLI see them.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffRow {
    pub id: i64,
    pub name: String,
    /// `teller,approver` (`api::staff::Roles`).
    pub roles: String,
    pub user_handle: Vec<u8>,
    pub disabled_at: Option<i64>,
    pub created_at: i64,
    pub enrolment_expires_at: Option<i64>,
}

const STAFF: &str = "SELECT id, name, roles, user_handle, disabled_at, created_at, enrolment_expires_at FROM staff";

pub async fn insert(
    db: impl AnyExecutor<'_>,
    name: &str,
    roles: &str,
    user_handle: &[u8],
    enrolment_hash: &[u8],
    enrolment_expires_at: i64,
    now: i64,
) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO staff (name, roles, user_handle, enrolment_hash, enrolment_expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(name)
    .bind(roles)
    .bind(user_handle)
    .bind(enrolment_hash)
    .bind(enrolment_expires_at)
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn by_id(db: impl AnyExecutor<'_>, id: i64) -> sqlx::Result<Option<StaffRow>> {
    sqlx::query_as(&format!("{STAFF} WHERE id = $1")).bind(id).fetch_optional(db).await
}

pub async fn by_name(db: impl AnyExecutor<'_>, name: &str) -> sqlx::Result<Option<StaffRow>> {
    sqlx::query_as(&format!("{STAFF} WHERE name = $1")).bind(name).fetch_optional(db).await
}

pub async fn by_handle(db: impl AnyExecutor<'_>, handle: &[u8]) -> sqlx::Result<Option<StaffRow>> {
    sqlx::query_as(&format!("{STAFF} WHERE user_handle = $1")).bind(handle).fetch_optional(db).await
}

pub async fn list(db: impl AnyExecutor<'_>) -> sqlx::Result<Vec<StaffRow>> {
    sqlx::query_as(&format!("{STAFF} ORDER BY id")).fetch_all(db).await
}

/// Whose unexpired, unused enrolment code has this hash (an enabled staff member's).
pub async fn by_enrolment(db: impl AnyExecutor<'_>, code_hash: &[u8], now: i64) -> sqlx::Result<Option<StaffRow>> {
    sqlx::query_as(&format!("{STAFF} WHERE enrolment_hash = $1 AND enrolment_expires_at > $2 AND disabled_at IS NULL"))
        .bind(code_hash)
        .bind(now)
        .fetch_optional(db)
        .await
}

/// Spends the enrolment code: only one registration gets it (conditional on the hash).
pub async fn spend_enrolment(db: impl AnyExecutor<'_>, id: i64, code_hash: &[u8], now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE staff SET enrolment_hash = NULL, enrolment_expires_at = NULL
         WHERE id = $1 AND enrolment_hash = $2 AND enrolment_expires_at > $3 AND disabled_at IS NULL",
    )
    .bind(id)
    .bind(code_hash)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A new enrolment code (a lost security key): the old passkeys stay until removed.
pub async fn set_enrolment(db: impl AnyExecutor<'_>, id: i64, code_hash: &[u8], expires_at: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE staff SET enrolment_hash = $1, enrolment_expires_at = $2 WHERE id = $3 AND disabled_at IS NULL",
    )
    .bind(code_hash)
    .bind(expires_at)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Disables the person: their sessions end with it (`delete_sessions_of`).
pub async fn disable(db: impl AnyExecutor<'_>, id: i64, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE staff SET disabled_at = $1, enrolment_hash = NULL, enrolment_expires_at = NULL
         WHERE id = $2 AND disabled_at IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

// --- staff_passkeys ---

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffCredential {
    pub id: i64,
    pub staff_id: i64,
    pub credential: String,
    pub sign_count: i64,
}

pub async fn insert_passkey(
    db: impl AnyExecutor<'_>,
    staff_id: i64,
    credential_id: &[u8],
    credential: &str,
    sign_count: i64,
    now: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO staff_passkeys (staff_id, credential_id, credential, sign_count, created_at)
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(staff_id)
    .bind(credential_id)
    .bind(credential)
    .bind(sign_count)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

pub async fn passkey_by_credential_id(
    db: impl AnyExecutor<'_>,
    credential_id: &[u8],
) -> sqlx::Result<Option<StaffCredential>> {
    sqlx::query_as("SELECT id, staff_id, credential, sign_count FROM staff_passkeys WHERE credential_id = $1")
        .bind(credential_id)
        .fetch_optional(db)
        .await
}

/// Records a use; conditional on the counter read, so of two answers with one counter value
/// one gets through.
pub async fn record_passkey_use(
    db: impl AnyExecutor<'_>,
    id: i64,
    read_count: i64,
    credential: &str,
    sign_count: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE staff_passkeys SET credential = $1, sign_count = $2, last_used_at = $3 WHERE id = $4 AND sign_count = $5",
    )
    .bind(credential)
    .bind(sign_count)
    .bind(now)
    .bind(id)
    .bind(read_count)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn count_passkeys(db: impl AnyExecutor<'_>, staff_id: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM staff_passkeys WHERE staff_id = $1").bind(staff_id).fetch_one(db).await
}

// --- staff_ceremonies ---

pub async fn insert_ceremony(
    db: impl AnyExecutor<'_>,
    id_hash: &[u8],
    purpose: &str,
    staff_id: Option<i64>,
    state: &str,
    expires_at: i64,
) -> sqlx::Result<()> {
    sqlx::query(
        "INSERT INTO staff_ceremonies (id_hash, purpose, staff_id, state, expires_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(id_hash)
    .bind(purpose)
    .bind(staff_id)
    .bind(state)
    .bind(expires_at)
    .execute(db)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct StaffCeremony {
    pub purpose: String,
    pub staff_id: Option<i64>,
    pub state: String,
    pub expires_at: i64,
}

/// Takes a ceremony once (`DELETE … RETURNING`).
pub async fn take_ceremony(db: impl AnyExecutor<'_>, id_hash: &[u8]) -> sqlx::Result<Option<StaffCeremony>> {
    sqlx::query_as("DELETE FROM staff_ceremonies WHERE id_hash = $1 RETURNING purpose, staff_id, state, expires_at")
        .bind(id_hash)
        .fetch_optional(db)
        .await
}

// --- staff_sessions ---

pub async fn insert_session(db: impl AnyExecutor<'_>, id_hash: &[u8], staff_id: i64, now: i64) -> sqlx::Result<()> {
    sqlx::query("INSERT INTO staff_sessions (id_hash, staff_id, created_at, last_seen_at) VALUES ($1, $2, $3, $3)")
        .bind(id_hash)
        .bind(staff_id)
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// The session's staff member, if it is alive: used within `idle` seconds, younger than
/// `absolute`, and its person still enabled. Moves its idle timer.
pub async fn touch_session(
    db: &mut sqlx::AnyConnection,
    id_hash: &[u8],
    now: i64,
    idle: i64,
    absolute: i64,
) -> sqlx::Result<Option<i64>> {
    let staff_id: Option<i64> = sqlx::query_scalar(
        "UPDATE staff_sessions SET last_seen_at = $1
         WHERE id_hash = $2 AND last_seen_at > $3 AND created_at > $4
           AND staff_id IN (SELECT id FROM staff WHERE disabled_at IS NULL)
         RETURNING staff_id",
    )
    .bind(now)
    .bind(id_hash)
    .bind(now - idle)
    .bind(now - absolute)
    .fetch_optional(&mut *db)
    .await?;
    if staff_id.is_none() {
        delete_session(&mut *db, id_hash).await?;
    }
    Ok(staff_id)
}

pub async fn delete_session(db: impl AnyExecutor<'_>, id_hash: &[u8]) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM staff_sessions WHERE id_hash = $1").bind(id_hash).execute(db).await?;
    Ok(done.rows_affected())
}

pub async fn delete_sessions_of(db: impl AnyExecutor<'_>, staff_id: i64) -> sqlx::Result<u64> {
    let done = sqlx::query("DELETE FROM staff_sessions WHERE staff_id = $1").bind(staff_id).execute(db).await?;
    Ok(done.rows_affected())
}

/// Ended sessions and unanswered ceremonies (the sweeper).
pub async fn sweep(db: &sqlx::AnyPool, now: i64, idle: i64) -> sqlx::Result<u64> {
    let sessions =
        sqlx::query("DELETE FROM staff_sessions WHERE last_seen_at <= $1").bind(now - idle).execute(db).await?;
    let ceremonies = sqlx::query("DELETE FROM staff_ceremonies WHERE expires_at <= $1").bind(now).execute(db).await?;
    Ok(sessions.rows_affected() + ceremonies.rows_affected())
}

/// Whose session this is (whatever its age): for the logout's audit record.
pub async fn session_owner(db: impl AnyExecutor<'_>, id_hash: &[u8]) -> sqlx::Result<Option<i64>> {
    sqlx::query_scalar("SELECT staff_id FROM staff_sessions WHERE id_hash = $1").bind(id_hash).fetch_optional(db).await
}

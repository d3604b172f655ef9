//! The `otp_tokens` table: every statement on it. One row per customer; 未発行 is no row (or a
//! voided or lapsed one). Each transition is a conditional UPDATE naming the state it leaves,
//! and says whether it applied, so a race is lost cleanly instead of half-won.

use crate::ids::CustomerId;
use sqlx::any::AnyExecutor;

/// The id of a key given without one: every secret sealed before keys had ids.
pub const FIRST_KEY_ID: &str = "1";

/// A secret as stored: which key sealed it, the ciphertext and its nonce (`otp::secret_box`
/// seals and opens it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sealed {
    pub key_id: String,
    pub ciphertext: Vec<u8>,
    pub nonce: Vec<u8>,
}

/// A token's stored state (docs/otp.md, Token states). What the customer sees also depends on the
/// clock (`otp::token`): an issuance not taken into use in time counts as none.
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "snake_case")]
pub enum TokenState {
    /// 発行済・利用開始前: waiting for the token app's 初期設定.
    Issued,
    /// アプリ設定済・利用開始前: the app holds the secret; 利用開始登録 is next.
    Provisioned,
    /// 利用中.
    Active,
    /// 停止中, after wrong codes in a row.
    Suspended,
    /// An issuance killed by wrong 利用開始パスワード, kept so the token app can say why.
    Voided,
}

impl TokenState {
    /// The states in which the token is the customer's second factor, whatever the clock: a
    /// session that proved only the password is not enough, and トークン発行 never overwrites
    /// it. Bound into statements as two parameters, in this order.
    pub const IN_USE: [TokenState; 2] = [TokenState::Active, TokenState::Suspended];

    /// The stored spelling (what `sqlx::Type` writes), for the operator and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Issued => "issued",
            Self::Provisioned => "provisioned",
            Self::Active => "active",
            Self::Suspended => "suspended",
            Self::Voided => "voided",
        }
    }
}

/// How the customer holds the token (the database's spelling of `api::otp::TokenMethod`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, sqlx::Type)]
#[sqlx(rename_all = "snake_case")]
pub enum Method {
    SoftwareToken,
    AuthenticatorApp,
}

impl Method {
    /// The stored spelling, for the operator and the audit log.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SoftwareToken => "software_token",
            Self::AuthenticatorApp => "authenticator_app",
        }
    }
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct TokenRow {
    pub customer_id: CustomerId,
    pub state: TokenState,
    pub method: Method,
    pub service_id: String,
    pub user_id: String,
    pub mail_address: Option<String>,
    pub pending_until: i64,
    pub secret_ciphertext: Option<Vec<u8>>,
    pub secret_nonce: Option<Vec<u8>>,
    pub secret_key_id: String,
    pub algorithm: String,
    pub digits: i64,
    pub period: i64,
    pub last_step: Option<i64>,
    pub failed_otp: i64,
}

const COLUMNS: &str = "customer_id, state, method, service_id, user_id, mail_address, pending_until, \
     secret_ciphertext, secret_nonce, secret_key_id, algorithm, digits, period, last_step, failed_otp";

pub async fn load(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<Option<TokenRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM otp_tokens WHERE customer_id = $1"))
        .bind(customer_id)
        .fetch_optional(db)
        .await
}

/// An issuance as the token app's 初期設定 sees it, found by its ユーザID.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Issuance {
    pub customer_id: CustomerId,
    pub state: TokenState,
    pub service_id: String,
    pub activation_hash: Option<String>,
    pub pending_until: i64,
    pub algorithm: String,
    pub digits: i64,
    pub period: i64,
}

pub async fn find_issuance(db: impl AnyExecutor<'_>, user_id: &str) -> sqlx::Result<Option<Issuance>> {
    sqlx::query_as(
        "SELECT customer_id, state, service_id, activation_hash, pending_until, algorithm, digits, period
         FROM otp_tokens WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(db)
    .await
}

/// A token being issued: `Issued` with the 利用開始パスワード's hash (software token), or
/// `Provisioned` with its sealed secret (authenticator app).
pub struct NewToken<'a> {
    pub customer_id: CustomerId,
    pub state: TokenState,
    pub method: Method,
    pub service_id: &'a str,
    pub user_id: &'a str,
    pub mail_address: Option<&'a str>,
    pub activation_hash: Option<&'a str>,
    pub pending_until: i64,
    pub secret: Option<&'a Sealed>,
    pub algorithm: &'a str,
    pub digits: u32,
    pub period: u32,
}

/// トークン発行: writes the customer's token, replacing one not yet in use (issuing again
/// before 利用開始). False when the token is in use or stopped: it is never overwritten. A
/// taken ユーザID fails with the unique violation, for the caller to draw another.
pub async fn issue(db: impl AnyExecutor<'_>, token: NewToken<'_>, now: i64) -> sqlx::Result<bool> {
    let written = sqlx::query(
        "INSERT INTO otp_tokens (customer_id, state, method, service_id, user_id, mail_address, activation_hash,
             provisioning_failures, issued_at, pending_until, secret_ciphertext, secret_nonce, algorithm, digits,
             period, last_step, failed_otp, suspended_from, updated_at, secret_key_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10, $11, $12, $13, $14, NULL, 0, NULL, $8, $17)
         ON CONFLICT (customer_id) DO UPDATE SET
             state = excluded.state, method = excluded.method, service_id = excluded.service_id,
             user_id = excluded.user_id, mail_address = excluded.mail_address,
             activation_hash = excluded.activation_hash, provisioning_failures = 0,
             issued_at = excluded.issued_at, pending_until = excluded.pending_until,
             secret_ciphertext = excluded.secret_ciphertext, secret_nonce = excluded.secret_nonce,
             secret_key_id = excluded.secret_key_id, algorithm = excluded.algorithm, digits = excluded.digits, period = excluded.period,
             last_step = NULL, failed_otp = 0, suspended_from = NULL, updated_at = excluded.updated_at
         WHERE otp_tokens.state NOT IN ($15, $16)",
    )
    .bind(token.customer_id)
    .bind(token.state)
    .bind(token.method)
    .bind(token.service_id)
    .bind(token.user_id)
    .bind(token.mail_address)
    .bind(token.activation_hash)
    .bind(now)
    .bind(token.pending_until)
    .bind(token.secret.map(|sealed| sealed.ciphertext.as_slice()))
    .bind(token.secret.map(|sealed| sealed.nonce.as_slice()))
    .bind(token.algorithm)
    .bind(i64::from(token.digits))
    .bind(i64::from(token.period))
    .bind(TokenState::IN_USE[0])
    .bind(TokenState::IN_USE[1])
    .bind(token.secret.map_or(FIRST_KEY_ID, |sealed| sealed.key_id.as_str()))
    .execute(db)
    .await?;
    Ok(written.rows_affected() == 1)
}

/// The token app's 初期設定: `Issued` → `Provisioned` with the sealed secret, the
/// 利用開始パスワード's hash deleted. False if the issuance was set up, replaced or lapsed meanwhile.
pub async fn provision(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    user_id: &str,
    sealed: &Sealed,
    now: i64,
) -> sqlx::Result<bool> {
    let taken = sqlx::query(
        "UPDATE otp_tokens SET state = $1, secret_ciphertext = $2, secret_nonce = $3, secret_key_id = $8,
             activation_hash = NULL, provisioning_failures = 0, updated_at = $4
         WHERE customer_id = $5 AND user_id = $6 AND state = $7 AND pending_until > $4",
    )
    .bind(TokenState::Provisioned)
    .bind(&sealed.ciphertext)
    .bind(&sealed.nonce)
    .bind(now)
    .bind(customer_id)
    .bind(user_id)
    .bind(TokenState::Issued)
    .bind(&sealed.key_id)
    .execute(db)
    .await?;
    Ok(taken.rows_affected() == 1)
}

/// One wrong 利用開始パスワード; the state after it (`Voided` at the limit, the hash deleted
/// with it), or `None` when the issuance no longer waits. The limit sits in the statement, so
/// parallel guesses void it after exactly that many.
pub async fn count_wrong_activation_password(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    user_id: &str,
    limit: u32,
    now: i64,
) -> sqlx::Result<Option<TokenState>> {
    sqlx::query_scalar(
        "UPDATE otp_tokens
         SET provisioning_failures = provisioning_failures + 1,
             state = CASE WHEN provisioning_failures + 1 >= $1 THEN $5 ELSE state END,
             activation_hash = CASE WHEN provisioning_failures + 1 >= $1 THEN NULL ELSE activation_hash END,
             updated_at = $2
         WHERE customer_id = $3 AND user_id = $4 AND state = $6
         RETURNING state",
    )
    .bind(i64::from(limit))
    .bind(now)
    .bind(customer_id)
    .bind(user_id)
    .bind(TokenState::Voided)
    .bind(TokenState::Issued)
    .fetch_optional(db)
    .await
}

/// Claims a code's time step: true for exactly one request, and only for a step newer than
/// any accepted before (a code is never accepted twice). Clears the wrong-code count.
pub async fn claim_step(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    expected: TokenState,
    step: i64,
    now: i64,
) -> sqlx::Result<bool> {
    let claimed = sqlx::query(
        "UPDATE otp_tokens SET last_step = $1, failed_otp = 0, updated_at = $2
         WHERE customer_id = $3 AND state = $4 AND (last_step IS NULL OR last_step < $1)",
    )
    .bind(step)
    .bind(now)
    .bind(customer_id)
    .bind(expected)
    .execute(db)
    .await?;
    Ok(claimed.rows_affected() == 1)
}

/// One wrong code; the state after it (`Suspended` at the limit, remembering the state it
/// stopped), or `None` when the token left `expected` meanwhile.
pub async fn count_wrong_code(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    expected: TokenState,
    limit: u32,
    now: i64,
) -> sqlx::Result<Option<TokenState>> {
    sqlx::query_scalar(
        "UPDATE otp_tokens
         SET failed_otp = failed_otp + 1,
             suspended_from = CASE WHEN failed_otp + 1 >= $1 THEN state END,
             state = CASE WHEN failed_otp + 1 >= $1 THEN $5 ELSE state END,
             updated_at = $2
         WHERE customer_id = $3 AND state = $4
         RETURNING state",
    )
    .bind(i64::from(limit))
    .bind(now)
    .bind(customer_id)
    .bind(expected)
    .bind(TokenState::Suspended)
    .fetch_optional(db)
    .await
}

/// 利用開始登録: `Provisioned` → `Active`.
pub async fn activate(db: impl AnyExecutor<'_>, customer_id: CustomerId, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query("UPDATE otp_tokens SET state = $1, updated_at = $2 WHERE customer_id = $3 AND state = $4")
        .bind(TokenState::Active)
        .bind(now)
        .bind(customer_id)
        .bind(TokenState::Provisioned)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// 利用解除: an `Active` token is deleted, its secret with it.
pub async fn release(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<bool> {
    let done = sqlx::query("DELETE FROM otp_tokens WHERE customer_id = $1 AND state = $2")
        .bind(customer_id)
        .bind(TokenState::Active)
        .execute(db)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// 停止解除: `Suspended` → the state it was stopped in, the wrong-code count cleared; that
/// state, or `None` if the token was not stopped.
pub async fn lift_suspension(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    now: i64,
) -> sqlx::Result<Option<TokenState>> {
    sqlx::query_scalar(
        "UPDATE otp_tokens SET state = suspended_from, suspended_from = NULL, failed_otp = 0, updated_at = $1
         WHERE customer_id = $2 AND state = $3 RETURNING state",
    )
    .bind(now)
    .bind(customer_id)
    .bind(TokenState::Suspended)
    .fetch_optional(db)
    .await
}

/// 初期化: the token is deleted whatever its state; the state it had, if there was one.
pub async fn initialise(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<Option<TokenState>> {
    sqlx::query_scalar("DELETE FROM otp_tokens WHERE customer_id = $1 RETURNING state")
        .bind(customer_id)
        .fetch_optional(db)
        .await
}

/// The ids of the keys that sealed the stored secrets (the server refuses to start if one is
/// not configured).
pub async fn secret_key_ids(db: &sqlx::AnyPool) -> sqlx::Result<Vec<String>> {
    let mut keys: Vec<String> = Vec::new();
    loop {
        let after = keys.last().map_or("", String::as_str);
        let next: Option<String> = sqlx::query_scalar(NEXT_SEALED_KEY).bind(after).fetch_optional(db).await?;
        match next {
            Some(key) => keys.push(key),
            None => return Ok(keys),
        }
    }
}

/// The next key id after `$1` that seals a secret: one seek on the partial index, so the
/// keys of a bank of any size are read in as many seeks as there are keys.
const NEXT_SEALED_KEY: &str = "SELECT secret_key_id FROM otp_tokens
     WHERE secret_ciphertext IS NOT NULL AND secret_key_id > $1 ORDER BY secret_key_id LIMIT 1";

/// A secret as stored, for re-sealing under another key.
#[derive(Debug, sqlx::FromRow)]
pub struct StoredSecret {
    pub customer_id: CustomerId,
    pub user_id: String,
    pub secret_key_id: String,
    pub secret_ciphertext: Vec<u8>,
    pub secret_nonce: Vec<u8>,
}

/// Up to `limit` secrets not sealed with `key_id`, of customers after `after`, in order.
pub async fn secrets_not_under(
    db: impl AnyExecutor<'_>,
    key_id: &str,
    after: CustomerId,
    limit: i64,
) -> sqlx::Result<Vec<StoredSecret>> {
    sqlx::query_as(
        "SELECT customer_id, user_id, secret_key_id, secret_ciphertext, secret_nonce FROM otp_tokens
         WHERE secret_ciphertext IS NOT NULL AND secret_key_id <> $1 AND customer_id > $2 ORDER BY customer_id LIMIT $3",
    )
    .bind(key_id)
    .bind(after)
    .bind(limit)
    .fetch_all(db)
    .await
}

/// How many secrets are not sealed with `key_id`.
pub async fn count_secrets_not_under(db: impl AnyExecutor<'_>, key_id: &str) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM otp_tokens WHERE secret_ciphertext IS NOT NULL AND secret_key_id <> $1")
        .bind(key_id)
        .fetch_one(db)
        .await
}

/// Replaces a secret's sealing, if it is still exactly `old` (a token re-issued or
/// initialised meanwhile is left as it now is).
pub async fn reseal(db: impl AnyExecutor<'_>, old: &StoredSecret, new: &Sealed, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE otp_tokens SET secret_ciphertext = $1, secret_nonce = $2, secret_key_id = $3, updated_at = $4
         WHERE customer_id = $5 AND user_id = $6 AND secret_key_id = $7 AND secret_ciphertext = $8",
    )
    .bind(&new.ciphertext)
    .bind(&new.nonce)
    .bind(&new.key_id)
    .bind(now)
    .bind(old.customer_id)
    .bind(&old.user_id)
    .bind(&old.secret_key_id)
    .bind(&old.secret_ciphertext)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

text_enum!(TokenState { Issued = "issued", Provisioned = "provisioned", Active = "active", Suspended = "suspended", Voided = "voided" });
text_enum!(Method { SoftwareToken = "software_token", AuthenticatorApp = "authenticator_app" });

#[cfg(test)]
mod tests {
    use super::*;

    /// Start-up reads the sealing keys by seeks on the partial index, never a scan.
    #[tokio::test]
    async fn the_next_sealing_key_is_one_seek_on_its_index() {
        let dir = tempfile::tempdir().unwrap();
        let db = crate::db::open(&dir.path().join("keys.sqlite3")).await.unwrap();
        let plan: Vec<(i64, i64, i64, String)> =
            sqlx::query_as(&format!("EXPLAIN QUERY PLAN {NEXT_SEALED_KEY}")).bind("").fetch_all(&db).await.unwrap();
        let steps: Vec<&str> = plan.iter().map(|(.., detail)| detail.as_str()).collect();
        assert_eq!(steps.len(), 1, "{steps:?}");
        assert!(
            steps[0].starts_with("SEARCH otp_tokens USING INDEX otp_tokens_sealed_key (secret_key_id>?)"),
            "{steps:?}"
        );
        assert!(secret_key_ids(&db).await.unwrap().is_empty());
    }
}

//! The outbox: mail is written in the transaction that causes it and read back by the
//! sender, the development mailbox and the operator.

use serde::Serialize;
use sqlx::SqliteExecutor;

pub struct NewMail<'a> {
    pub customer_id: Option<i64>,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

pub async fn enqueue(db: impl SqliteExecutor<'_>, mail: NewMail<'_>, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO mail_outbox (customer_id, to_address, subject, body, created_at, next_attempt_at)
         VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
    )
    .bind(mail.customer_id)
    .bind(mail.to)
    .bind(mail.subject)
    .bind(mail.body)
    .bind(now)
    .bind(now)
    .fetch_one(db)
    .await
}

/// A mail as the mailbox page and the operator see it.
#[derive(Debug, Clone, Serialize, sqlx::FromRow)]
pub struct OutboxMail {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
    /// `pending` or `sent`.
    pub status: String,
    /// `smtp` or `dev_mailbox`, once sent.
    pub transport: Option<String>,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
}

/// Newest first.
pub async fn list(db: impl SqliteExecutor<'_>, only_pending: bool, limit: i64) -> sqlx::Result<Vec<OutboxMail>> {
    sqlx::query_as(
        "SELECT id, to_address, subject, body, created_at, status, transport, attempts, next_attempt_at,
                last_error, sent_at
         FROM mail_outbox WHERE (?1 = 0 OR status = 'pending') ORDER BY id DESC LIMIT ?2",
    )
    .bind(only_pending)
    .bind(limit)
    .fetch_all(db)
    .await
}

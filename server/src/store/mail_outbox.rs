//! The `mail_outbox` table: every statement on it. Mail is written in the transaction that
//! causes it and delivered by the sender under a lease; a row is never deleted.

use crate::ids::CustomerId;
use serde::Serialize;
use sqlx::any::AnyExecutor;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum MailStatus {
    Pending,
    Sent,
}

/// Where a mail went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, sqlx::Type)]
#[serde(rename_all = "snake_case")]
#[sqlx(rename_all = "snake_case")]
pub enum Delivery {
    Smtp,
    /// The development mailbox page.
    DevMailbox,
}

impl Delivery {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Smtp => "smtp",
            Self::DevMailbox => "dev_mailbox",
        }
    }
}

pub struct NewMail<'a> {
    pub customer_id: Option<CustomerId>,
    pub to: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

pub async fn enqueue(db: impl AnyExecutor<'_>, mail: NewMail<'_>, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO mail_outbox (customer_id, to_address, subject, body, created_at, next_attempt_at)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
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
    pub status: MailStatus,
    pub transport: Option<Delivery>,
    pub attempts: i64,
    pub next_attempt_at: i64,
    pub last_error: Option<String>,
    pub sent_at: Option<i64>,
}

/// Newest first.
pub async fn list(db: impl AnyExecutor<'_>, only_pending: bool, limit: i64) -> sqlx::Result<Vec<OutboxMail>> {
    sqlx::query_as(
        "SELECT id, to_address, subject, body, created_at, status, transport, attempts, next_attempt_at,
                last_error, sent_at
         FROM mail_outbox WHERE ($1 = 0 OR status = $3) ORDER BY id DESC LIMIT $2",
    )
    .bind(i64::from(only_pending))
    .bind(limit)
    .bind(MailStatus::Pending)
    .fetch_all(db)
    .await
}

/// A mail taken for delivery.
#[derive(Debug, sqlx::FromRow)]
pub struct Claimed {
    pub id: i64,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub attempts: i64,
}

/// Takes the oldest due mail under a lease of `lease_seconds`, counting the attempt: one
/// sender gets it, however many processes look.
pub async fn claim_due(db: &sqlx::AnyPool, now: i64, lease_seconds: i64) -> sqlx::Result<Option<Claimed>> {
    // PostgreSQL: senders on several instances skip each other's rows instead of queueing
    // behind them. SQLite has one writer: the conditional UPDATE is enough.
    let lock = match crate::db::Engine::of(db) {
        crate::db::Engine::Postgres => " FOR UPDATE SKIP LOCKED",
        crate::db::Engine::Sqlite => "",
    };
    sqlx::query_as(&format!(
        "UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = $1 + $2
         WHERE id = (SELECT id FROM mail_outbox WHERE status = $3 AND next_attempt_at <= $1
                     ORDER BY next_attempt_at, id LIMIT 1{lock})
           AND status = $3 AND next_attempt_at <= $1
         RETURNING id, to_address, subject, body, attempts",
    ))
    .bind(now)
    .bind(lease_seconds)
    .bind(MailStatus::Pending)
    .fetch_optional(db)
    .await
}

pub async fn mark_sent(db: impl AnyExecutor<'_>, id: i64, delivery: Delivery, now: i64) -> sqlx::Result<()> {
    sqlx::query(
        "UPDATE mail_outbox SET status = $1, transport = $2, sent_at = $3, last_error = NULL WHERE id = $4 AND status = $5",
    )
    .bind(MailStatus::Sent)
    .bind(delivery)
    .bind(now)
    .bind(id)
    .bind(MailStatus::Pending)
    .execute(db)
    .await?;
    Ok(())
}

/// Keeps the failure and makes the mail due again at `retry_at`.
pub async fn record_failure(db: impl AnyExecutor<'_>, id: i64, error: &str, retry_at: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE mail_outbox SET last_error = $1, next_attempt_at = $2 WHERE id = $3 AND status = $4")
        .bind(error)
        .bind(retry_at)
        .bind(id)
        .bind(MailStatus::Pending)
        .execute(db)
        .await?;
    Ok(())
}

/// Mail not yet delivered.
pub async fn count_pending(db: impl AnyExecutor<'_>) -> sqlx::Result<i64> {
    sqlx::query_scalar("SELECT COUNT(*) FROM mail_outbox WHERE status <> $1").bind(MailStatus::Sent).fetch_one(db).await
}

/// Mail not yet handed to the relay, and when the oldest of it was written.
pub async fn backlog(db: impl AnyExecutor<'_>) -> sqlx::Result<(i64, Option<i64>)> {
    sqlx::query_as("SELECT COUNT(*), MIN(created_at) FROM mail_outbox WHERE status <> $1")
        .bind(MailStatus::Sent)
        .fetch_one(db)
        .await
}

text_enum!(MailStatus { Pending = "pending", Sent = "sent" });
text_enum!(Delivery { Smtp = "smtp", DevMailbox = "dev_mailbox" });

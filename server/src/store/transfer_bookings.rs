//! `transfer_bookings`: 振込予約 of a 振込・振替 within the credit union. Each change leaves
//! `booked` by an UPDATE conditional on it, so a cancel and the scheduler, or two schedulers,
//! cannot both act on one booking.

use sqlx::any::AnyExecutor;
use sqlx::{Any, Transaction};

use crate::ids::{AccountId, CustomerId};
use crate::money::Yen;
use crate::store::transfers::TransferKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BookingStatus {
    Booked,
    Executed,
    Held,
    Cancelled,
    Refused,
}

text_enum!(BookingStatus {
    Booked = "booked",
    Executed = "executed",
    Held = "held",
    Cancelled = "cancelled",
    Refused = "refused"
});

pub struct NewBooking<'a> {
    pub customer_id: CustomerId,
    pub idempotency_key: &'a str,
    pub kind: TransferKind,
    pub from_account_id: AccountId,
    pub to_account_id: AccountId,
    pub amount: Yen,
    pub fee: Yen,
    pub requester_name: &'a str,
    pub payee_name: &'a str,
    pub execution_day: i64,
    /// The fraud rules it met when it was booked (`risk::names`): it is held on its day.
    pub booked_rules: Option<&'a str>,
}

/// Records a booking; its id. A key used before fails with the unique violation.
pub async fn insert(db: impl AnyExecutor<'_>, booking: NewBooking<'_>, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO transfer_bookings (customer_id, idempotency_key, kind, from_account_id, to_account_id, amount,
             fee, requester_name, payee_name, execution_day, status, created_at, booked_rules)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 'booked', $11, $12) RETURNING id",
    )
    .bind(booking.customer_id)
    .bind(booking.idempotency_key)
    .bind(booking.kind.as_str())
    .bind(booking.from_account_id)
    .bind(booking.to_account_id)
    .bind(booking.amount)
    .bind(booking.fee)
    .bind(booking.requester_name)
    .bind(booking.payee_name)
    .bind(booking.execution_day)
    .bind(now)
    .bind(booking.booked_rules)
    .fetch_one(db)
    .await
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct BookingRow {
    pub id: i64,
    pub customer_id: CustomerId,
    pub idempotency_key: String,
    pub kind: TransferKind,
    pub from_account_id: AccountId,
    pub to_account_id: AccountId,
    pub amount: Yen,
    pub fee: Yen,
    pub requester_name: String,
    pub payee_name: String,
    pub execution_day: i64,
    pub status: BookingStatus,
    pub transfer_id: Option<i64>,
    pub hold_id: Option<i64>,
    pub reason: Option<String>,
    pub created_at: i64,
    pub booked_rules: Option<String>,
}

const COLUMNS: &str = "id, customer_id, idempotency_key, kind, from_account_id, to_account_id, amount, fee,
    requester_name, payee_name, execution_day, status, transfer_id, hold_id, reason, created_at, booked_rules";

pub async fn by_id(db: impl AnyExecutor<'_>, id: i64) -> sqlx::Result<Option<BookingRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM transfer_bookings WHERE id = $1")).bind(id).fetch_optional(db).await
}

pub async fn find_by_key(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    key: &str,
) -> sqlx::Result<Option<BookingRow>> {
    sqlx::query_as(&format!("SELECT {COLUMNS} FROM transfer_bookings WHERE customer_id = $1 AND idempotency_key = $2"))
        .bind(customer_id)
        .bind(key)
        .fetch_optional(db)
        .await
}

/// The customer's bookings made since `since`, or still waiting for their day, newest first.
pub async fn of_customer(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    since: i64,
) -> sqlx::Result<Vec<BookingRow>> {
    sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM transfer_bookings WHERE customer_id = $1 AND (created_at >= $2 OR status = 'booked')
         ORDER BY id DESC"
    ))
    .bind(customer_id)
    .bind(since)
    .fetch_all(db)
    .await
}

/// What the customer's 振込予約 still waiting and made since `since` will send (amounts and
/// fees) to accounts they had not paid before it, leaving out the booking `judging` (the one
/// being carried out): pieces booked for days past the fraud rules' window count as money
/// sent to a new payee now, so splitting a sum into bookings does not escape the rules.
pub async fn new_payee_booked_since(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    since: i64,
    judging: Option<i64>,
) -> sqlx::Result<Yen> {
    sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(b.amount + b.fee), 0) AS BIGINT) FROM transfer_bookings b
         WHERE b.customer_id = $1 AND b.kind = 'transfer' AND b.status = 'booked' AND b.created_at >= $2
             AND b.id <> $3 AND NOT EXISTS (
                 SELECT 1 FROM transfers p WHERE p.customer_id = $1 AND p.kind = 'transfer'
                     AND p.to_account_id = b.to_account_id AND p.created_at < $2)",
    )
    .bind(customer_id)
    .bind(since)
    .bind(judging.unwrap_or(0))
    .fetch_one(db)
    .await
}

/// The next booking after `after` whose day has come. On PostgreSQL the row is locked and rows
/// another instance holds are skipped (`SKIP LOCKED`), in `tx`.
pub async fn next_due(tx: &mut Transaction<'_, Any>, today: i64, after: i64) -> sqlx::Result<Option<i64>> {
    let skip = crate::db::Engine::skip_locked(tx);
    sqlx::query_scalar(&format!(
        "SELECT id FROM transfer_bookings WHERE status = 'booked' AND execution_day <= $1 AND id > $2
         ORDER BY id LIMIT 1{skip}"
    ))
    .bind(today)
    .bind(after)
    .fetch_optional(&mut **tx)
    .await
}

/// booked → executed as `transfer_id`: false when another run or a cancel came first.
pub async fn executed(db: impl AnyExecutor<'_>, id: i64, transfer_id: i64, now: i64) -> sqlx::Result<bool> {
    close(db, id, "executed", (Some(transfer_id), None, None), now).await
}

/// booked → held for the branch as `hold_id`.
pub async fn held(db: impl AnyExecutor<'_>, id: i64, hold_id: i64, now: i64) -> sqlx::Result<bool> {
    close(db, id, "held", (None, Some(hold_id), None), now).await
}

/// booked → refused, with why.
pub async fn refused(db: impl AnyExecutor<'_>, id: i64, reason: &str, now: i64) -> sqlx::Result<bool> {
    close(db, id, "refused", (None, None, Some(reason)), now).await
}

async fn close(
    db: impl AnyExecutor<'_>,
    id: i64,
    status: &str,
    (transfer_id, hold_id, reason): (Option<i64>, Option<i64>, Option<&str>),
    now: i64,
) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE transfer_bookings SET status = $2, transfer_id = $3, hold_id = $4, reason = $5, closed_at = $6
         WHERE id = $1 AND status = 'booked'",
    )
    .bind(id)
    .bind(status)
    .bind(transfer_id)
    .bind(hold_id)
    .bind(reason)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// booked → cancelled, until the day before its day (`today` < its day).
pub async fn cancel(db: impl AnyExecutor<'_>, id: i64, today: i64, now: i64) -> sqlx::Result<bool> {
    let done = sqlx::query(
        "UPDATE transfer_bookings SET status = 'cancelled', closed_at = $3
         WHERE id = $1 AND status = 'booked' AND execution_day > $2",
    )
    .bind(id)
    .bind(today)
    .bind(now)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

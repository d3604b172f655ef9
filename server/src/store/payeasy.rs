//! `payeasy_payments` (each ペイジー payment under its idempotency key, naming its bill once;
//! append-only) and `payeasy_guards` (wrong numbers per customer and day, the stops they
//! caused, the lock). The day's ペイジー against its limit are `day_totals`'.

use sqlx::any::AnyExecutor;

use crate::ids::{AccountId, CustomerId};
use crate::money::Yen;

pub struct NewPayment<'a> {
    pub customer_id: CustomerId,
    pub idempotency_key: &'a str,
    pub entry_id: i64,
    pub bill_id: i64,
    pub biller_id: i64,
    pub from_account_id: AccountId,
    pub amount: Yen,
    pub fee: Yen,
}

/// Records the payment; a second one under the same key, or of the same bill, fails with the
/// unique violation.
pub async fn insert(db: impl AnyExecutor<'_>, payment: NewPayment<'_>, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO payeasy_payments (customer_id, idempotency_key, entry_id, bill_id, biller_id, from_account_id,
             amount, fee, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(payment.customer_id)
    .bind(payment.idempotency_key)
    .bind(payment.entry_id)
    .bind(payment.bill_id)
    .bind(payment.biller_id)
    .bind(payment.from_account_id)
    .bind(payment.amount)
    .bind(payment.fee)
    .bind(now)
    .fetch_one(db)
    .await
}

/// A payment as its receipt shows it: with its account, biller and bill.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct PaymentRow {
    pub id: i64,
    pub bill_id: i64,
    pub from_account_id: AccountId,
    pub from_branch_code: String,
    pub from_number: String,
    pub biller_number: String,
    pub biller_name: String,
    pub biller_kind: String,
    pub biller_needs_category: i64,
    pub bill_number: String,
    pub bill_confirmation: String,
    pub bill_category: Option<String>,
    pub description: String,
    pub amount: Yen,
    pub fee: Yen,
    pub created_at: i64,
}

const PAYMENT_SELECT: &str = "SELECT p.id, p.bill_id, p.from_account_id, a.branch_code AS from_branch_code,
        a.number AS from_number, r.number AS biller_number, r.name AS biller_name, r.kind AS biller_kind,
        r.needs_category AS biller_needs_category, b.number AS bill_number, b.confirmation AS bill_confirmation,
        b.category AS bill_category, b.description, p.amount, p.fee,
        p.created_at
    FROM payeasy_payments p
    JOIN accounts a ON a.id = p.from_account_id
    JOIN billers r ON r.id = p.biller_id
    JOIN bills b ON b.id = p.bill_id";

pub async fn find_by_key(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    key: &str,
) -> sqlx::Result<Option<PaymentRow>> {
    sqlx::query_as(&format!("{PAYMENT_SELECT} WHERE p.customer_id = $1 AND p.idempotency_key = $2"))
        .bind(customer_id)
        .bind(key)
        .fetch_optional(db)
        .await
}

pub async fn by_id(db: impl AnyExecutor<'_>, id: i64) -> sqlx::Result<PaymentRow> {
    sqlx::query_as(&format!("{PAYMENT_SELECT} WHERE p.id = $1")).bind(id).fetch_one(db).await
}

/// The customer's payments since `since`, newest first.
pub async fn of_customer_since(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    since: i64,
) -> sqlx::Result<Vec<PaymentRow>> {
    sqlx::query_as(&format!(
        "{PAYMENT_SELECT} WHERE p.customer_id = $1 AND p.created_at >= $2 ORDER BY p.created_at DESC, p.id DESC"
    ))
    .bind(customer_id)
    .bind(since)
    .fetch_all(db)
    .await
}

/// Whether the customer has paid this biller before.
pub async fn has_paid_biller(db: impl AnyExecutor<'_>, customer_id: CustomerId, biller_id: i64) -> sqlx::Result<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM payeasy_payments WHERE customer_id = $1 AND biller_id = $2 LIMIT 1")
            .bind(customer_id)
            .bind(biller_id)
            .fetch_optional(db)
            .await?;
    Ok(found.is_some())
}

/// Each biller's count and total of payments in `[from, until)`: what the bank remits.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BillerTotal {
    pub biller_id: i64,
    pub payments: i64,
    pub amount: Yen,
    pub fees: Yen,
}

pub async fn totals_between(db: impl AnyExecutor<'_>, from: i64, until: i64) -> sqlx::Result<Vec<BillerTotal>> {
    sqlx::query_as(
        "SELECT biller_id, CAST(COUNT(*) AS BIGINT) AS payments, CAST(SUM(amount) AS BIGINT) AS amount,
                CAST(SUM(fee) AS BIGINT) AS fees
         FROM payeasy_payments WHERE created_at >= $1 AND created_at < $2 GROUP BY biller_id ORDER BY biller_id",
    )
    .bind(from)
    .bind(until)
    .fetch_all(db)
    .await
}

// --- payeasy_guards ---

/// Wrong numbers a day allows; the last of them stops ペイジー for that day.
pub const WRONG_PER_DAY: i64 = 10;
/// Stops after which only the branch resumes ペイジー.
pub const STOPS_TO_LOCK: i64 = 6;

/// Where a customer's ペイジー stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Guard {
    /// A try was taken: the `nth` of `day` (the guard's day, never earlier than asked).
    Taken { nth: i64, day: i64 },
    /// Ten wrong today.
    Stopped,
    /// Stopped six times: the branch must resume it.
    Locked,
}

/// Takes one try of the day before a bill is looked up: at most `WRONG_PER_DAY` are out at
/// once, so parallel guesses cannot pass the limit. A new day starts from zero; the guard's
/// day only moves forward, so a request whose clock was read just before midnight counts
/// against the new day instead of bringing the old one back with a fresh count.
pub async fn take_try(db: &mut sqlx::AnyConnection, customer_id: CustomerId, day: i64) -> sqlx::Result<Guard> {
    sqlx::query(
        "INSERT INTO payeasy_guards (customer_id, day, wrong, stops) VALUES ($1, $2, 0, 0)
         ON CONFLICT (customer_id) DO NOTHING",
    )
    .bind(customer_id)
    .bind(day)
    .execute(&mut *db)
    .await?;
    let taken: Option<(i64, i64)> = sqlx::query_as(
        "UPDATE payeasy_guards SET wrong = CASE WHEN day < $2 THEN 1 ELSE wrong + 1 END,
             day = CASE WHEN day < $2 THEN $2 ELSE day END
         WHERE customer_id = $1 AND locked_at IS NULL AND (day < $2 OR wrong < $3) RETURNING wrong, day",
    )
    .bind(customer_id)
    .bind(day)
    .bind(WRONG_PER_DAY)
    .fetch_optional(&mut *db)
    .await?;
    if let Some((nth, day)) = taken {
        return Ok(Guard::Taken { nth, day });
    }
    let locked: Option<Option<i64>> = sqlx::query_scalar("SELECT locked_at FROM payeasy_guards WHERE customer_id = $1")
        .bind(customer_id)
        .fetch_optional(&mut *db)
        .await?;
    Ok(match locked.flatten() {
        Some(_) => Guard::Locked,
        None => Guard::Stopped,
    })
}

/// Gives back a try whose numbers were right.
pub async fn give_back(db: impl AnyExecutor<'_>, customer_id: CustomerId, day: i64) -> sqlx::Result<()> {
    sqlx::query("UPDATE payeasy_guards SET wrong = wrong - 1 WHERE customer_id = $1 AND day = $2 AND wrong > 0")
        .bind(customer_id)
        .bind(day)
        .execute(db)
        .await?;
    Ok(())
}

/// Counts the stop the day's last wrong try caused, once a day and only while the day's
/// wrong tries stand at the limit: `Some(locked)` when it did, `locked` when it was the stop
/// that locks ペイジー.
pub async fn count_stop(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
    day: i64,
    now: i64,
) -> sqlx::Result<Option<bool>> {
    let stops: Option<i64> = sqlx::query_scalar(
        "UPDATE payeasy_guards SET stops = stops + 1, stopped_on = $2,
             locked_at = CASE WHEN stops + 1 >= $3 THEN $4 ELSE locked_at END
         WHERE customer_id = $1 AND day = $2 AND wrong = $5 AND (stopped_on IS NULL OR stopped_on <> $2)
         RETURNING stops",
    )
    .bind(customer_id)
    .bind(day)
    .bind(STOPS_TO_LOCK)
    .bind(now)
    .bind(WRONG_PER_DAY)
    .fetch_optional(db)
    .await?;
    Ok(stops.map(|stops| stops >= STOPS_TO_LOCK))
}

/// The branch resumes ペイジー: the lock, the stops and today's count end. Whether it was
/// stopped or locked.
pub async fn resume(db: impl AnyExecutor<'_>, customer_id: CustomerId) -> sqlx::Result<bool> {
    let resumed = sqlx::query(
        "UPDATE payeasy_guards SET wrong = 0, stops = 0, stopped_on = NULL, locked_at = NULL
         WHERE customer_id = $1 AND (locked_at IS NOT NULL OR wrong > 0 OR stops > 0)",
    )
    .bind(customer_id)
    .execute(db)
    .await?;
    Ok(resumed.rows_affected() == 1)
}

/// What the branch sees: today's wrong count, the stops so far, and whether it is locked.
pub async fn standing(
    db: impl AnyExecutor<'_>,
    customer_id: CustomerId,
) -> sqlx::Result<Option<(i64, i64, i64, bool)>> {
    let row: Option<(i64, i64, i64, Option<i64>)> =
        sqlx::query_as("SELECT day, wrong, stops, locked_at FROM payeasy_guards WHERE customer_id = $1")
            .bind(customer_id)
            .fetch_optional(db)
            .await?;
    Ok(row.map(|(day, wrong, stops, locked)| (day, wrong, stops, locked.is_some())))
}

//! `transfer_day_totals` and `payeasy_day_totals`: what a customer sent on a day (Japan time),
//! each reserved against its own limit by an UPDATE with the limit in its condition, in the
//! payment's transaction, so parallel payments reserve one at a time and cannot pass it
//! together.

use sqlx::any::AnyExecutor;

use crate::ids::CustomerId;
use crate::money::Yen;

/// Which day's totals.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayTotals {
    /// 振込 (and their fees) against 1日あたりの振込限度額.
    Transfers,
    /// ペイジー against its own limit.
    Payeasy,
}

impl DayTotals {
    fn table(self) -> &'static str {
        match self {
            Self::Transfers => "transfer_day_totals",
            Self::Payeasy => "payeasy_day_totals",
        }
    }
}

/// Adds `amount` to the customer's total on `day` unless that passes `limit`; whether it did.
pub async fn reserve(
    db: &mut sqlx::AnyConnection,
    totals: DayTotals,
    customer_id: CustomerId,
    day: i64,
    amount: Yen,
    limit: Yen,
) -> sqlx::Result<bool> {
    let table = totals.table();
    sqlx::query(&format!(
        "INSERT INTO {table} (customer_id, day, amount) VALUES ($1, $2, 0) ON CONFLICT (customer_id, day) DO NOTHING"
    ))
    .bind(customer_id)
    .bind(day)
    .execute(&mut *db)
    .await?;
    let reserved = sqlx::query(&format!(
        "UPDATE {table} SET amount = amount + $1 WHERE customer_id = $2 AND day = $3 AND amount + $1 <= $4"
    ))
    .bind(amount)
    .bind(customer_id)
    .bind(day)
    .bind(limit)
    .execute(&mut *db)
    .await?;
    Ok(reserved.rows_affected() == 1)
}

/// Gives back `amount` of the customer's total on `day` (a held 振込 the branch rejected).
pub async fn unreserve(
    db: impl AnyExecutor<'_>,
    totals: DayTotals,
    customer_id: CustomerId,
    day: i64,
    amount: Yen,
) -> sqlx::Result<()> {
    let table = totals.table();
    sqlx::query(&format!(
        "UPDATE {table} SET amount = amount - $1 WHERE customer_id = $2 AND day = $3 AND amount >= $1"
    ))
    .bind(amount)
    .bind(customer_id)
    .bind(day)
    .execute(db)
    .await?;
    Ok(())
}

/// The customer's total on `day`.
pub async fn total(
    db: impl AnyExecutor<'_>,
    totals: DayTotals,
    customer_id: CustomerId,
    day: i64,
) -> sqlx::Result<Yen> {
    let table = totals.table();
    Ok(sqlx::query_scalar(&format!("SELECT amount FROM {table} WHERE customer_id = $1 AND day = $2"))
        .bind(customer_id)
        .bind(day)
        .fetch_optional(db)
        .await?
        .unwrap_or(Yen::ZERO))
}

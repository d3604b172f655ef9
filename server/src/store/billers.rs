//! `billers` (収納機関: number, name, kind, the 収納口座 at this bank) and `bills` (what each
//! expects to be paid, as the biller delivered it). A bill is paid once: `mark_paid` is an
//! UPDATE conditional on `status = 'open'`.

use sqlx::any::AnyExecutor;

use crate::ids::AccountId;
use crate::money::Yen;

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BillerRow {
    pub id: i64,
    pub number: String,
    pub name: String,
    pub kind: String,
    pub needs_category: i64,
    pub account_id: AccountId,
    pub fee: Yen,
}

const BILLER_COLUMNS: &str = "id, number, name, kind, needs_category, account_id, fee";

pub struct NewBiller<'a> {
    pub number: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub needs_category: bool,
    pub account_id: AccountId,
    pub fee: Yen,
}

/// Records a biller; a taken number fails with the unique violation.
pub async fn insert_biller(db: impl AnyExecutor<'_>, biller: NewBiller<'_>, now: i64) -> sqlx::Result<i64> {
    sqlx::query_scalar(
        "INSERT INTO billers (number, name, kind, needs_category, account_id, fee, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(biller.number)
    .bind(biller.name)
    .bind(biller.kind)
    .bind(i64::from(biller.needs_category))
    .bind(biller.account_id)
    .bind(biller.fee)
    .bind(now)
    .fetch_one(db)
    .await
}

pub async fn biller_by_number(db: impl AnyExecutor<'_>, number: &str) -> sqlx::Result<Option<BillerRow>> {
    sqlx::query_as(&format!("SELECT {BILLER_COLUMNS} FROM billers WHERE number = $1"))
        .bind(number)
        .fetch_optional(db)
        .await
}

pub async fn biller_by_id(db: impl AnyExecutor<'_>, id: i64) -> sqlx::Result<BillerRow> {
    sqlx::query_as(&format!("SELECT {BILLER_COLUMNS} FROM billers WHERE id = $1")).bind(id).fetch_one(db).await
}

pub async fn all_billers(db: impl AnyExecutor<'_>) -> sqlx::Result<Vec<BillerRow>> {
    sqlx::query_as(&format!("SELECT {BILLER_COLUMNS} FROM billers ORDER BY number")).fetch_all(db).await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BillStatus {
    Open,
    Paid,
}

text_enum!(BillStatus { Open = "open", Paid = "paid" });

#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct BillRow {
    pub id: i64,
    pub biller_id: i64,
    pub number: String,
    pub confirmation: String,
    pub category: Option<String>,
    pub amount: Yen,
    pub due_day: i64,
    pub description: String,
    pub status: BillStatus,
}

const BILL_COLUMNS: &str = "id, biller_id, number, confirmation, category, amount, due_day, description, status";

pub struct NewBill<'a> {
    pub biller_id: i64,
    pub number: &'a str,
    pub confirmation: &'a str,
    pub category: Option<&'a str>,
    pub amount: Yen,
    pub due_day: i64,
    pub description: &'a str,
}

/// Records an open bill unless the biller has one under that number; whether it did.
pub async fn insert_bill_if_absent(db: impl AnyExecutor<'_>, bill: &NewBill<'_>, now: i64) -> sqlx::Result<bool> {
    let inserted = sqlx::query(
        "INSERT INTO bills (biller_id, number, confirmation, category, amount, due_day, description, status, imported_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'open', $8) ON CONFLICT (biller_id, number) DO NOTHING",
    )
    .bind(bill.biller_id)
    .bind(bill.number)
    .bind(bill.confirmation)
    .bind(bill.category)
    .bind(bill.amount)
    .bind(bill.due_day)
    .bind(bill.description)
    .bind(now)
    .execute(db)
    .await?;
    Ok(inserted.rows_affected() == 1)
}

/// The biller's bill under that number, whatever its other numbers.
pub async fn bill_by_number(db: impl AnyExecutor<'_>, biller_id: i64, number: &str) -> sqlx::Result<Option<BillRow>> {
    sqlx::query_as(&format!("SELECT {BILL_COLUMNS} FROM bills WHERE biller_id = $1 AND number = $2"))
        .bind(biller_id)
        .bind(number)
        .fetch_optional(db)
        .await
}

pub async fn bill_by_id(db: impl AnyExecutor<'_>, id: i64) -> sqlx::Result<BillRow> {
    sqlx::query_as(&format!("SELECT {BILL_COLUMNS} FROM bills WHERE id = $1")).bind(id).fetch_one(db).await
}

/// Marks the bill paid if it is still open; whether it was.
pub async fn mark_paid(db: impl AnyExecutor<'_>, bill_id: i64, now: i64) -> sqlx::Result<bool> {
    let paid = sqlx::query("UPDATE bills SET status = 'paid', paid_at = $1 WHERE id = $2 AND status = 'open'")
        .bind(now)
        .bind(bill_id)
        .execute(db)
        .await?;
    Ok(paid.rows_affected() == 1)
}

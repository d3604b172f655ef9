//! 他行振込 through the 全銀 network: the bank and branch master (`master`), the 振込 itself
//! (`send`: 入力 → 確認 → 完了 exactly once, the money moved from the customer's account into
//! the bank's clearing account in the transaction that records the instruction), the
//! customer's cancellation before it is sent and the list of them (`cancel`). The day's 全銀
//! file and the returns (不能) are the operator's (`operator::zengin`).

pub mod cancel;
pub mod master;
pub mod review;
pub mod scheduler;
pub mod send;

use netbank_api::identity::AccountKind;
use netbank_api::input::InputError;
use netbank_api::interbank::{Bank, Branch, InterbankReceipt, InterbankStatus, RECEIPT_MARK};
use netbank_api::{ErrorBody, ErrorReason};

use crate::banking::receipt_date;
use crate::banking::transfer::TransferError;
use crate::calendar::{japanese_date_with_weekday, jst_datetime};
use crate::error::ApiError;
use crate::ids::AccountId;
use crate::otp::verify::CodeError;
use crate::store::accounts::{self, NewAccount};
use crate::store::customers;
use crate::store::interbank::{self, InterbankRow};

/// Why a 他行振込 (or its cancellation) was refused; nothing moved.
#[derive(Debug, thiserror::Error)]
pub enum InterbankError {
    #[error("no such bank")]
    BankNotFound,
    #[error("no such branch")]
    BranchNotFound,
    #[error("not cancellable")]
    NotCancellable,
    #[error("no such 他行振込")]
    NotFound,
    /// The paying account, the second factor, the limits: as a 振込's.
    #[error(transparent)]
    Transfer(#[from] TransferError),
    #[error(transparent)]
    Code(#[from] CodeError),
    #[error(transparent)]
    Input(#[from] InputError),
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

crate::error::store_errors_are_unexpected!(InterbankError);

impl From<InterbankError> for ApiError {
    fn from(error: InterbankError) -> Self {
        match error {
            InterbankError::BankNotFound => ErrorBody::new(ErrorReason::BankNotFound).for_field("bank_code").into(),
            InterbankError::BranchNotFound => {
                ErrorBody::new(ErrorReason::BranchNotFound).for_field("branch_code").into()
            }
            InterbankError::NotCancellable => ApiError::new(ErrorReason::TransferNotCancellable),
            InterbankError::NotFound => ApiError::new(ErrorReason::NotFound),
            InterbankError::Transfer(error) => error.into(),
            InterbankError::Code(error) => error.into(),
            InterbankError::Input(error) => error.into(),
            InterbankError::Unexpected(error) => error.into(),
        }
    }
}

/// 受付番号 of a 他行振込: `20261204-Z000012`.
pub fn receipt_no(id: i64, at: i64) -> String {
    format!("{}-{RECEIPT_MARK}{id:06}", receipt_date(at))
}

/// The 他行振込 a receipt number names, if it names one.
pub fn id_of(receipt_no: &str) -> Option<i64> {
    let (_, number) = receipt_no.trim().split_once(&format!("-{RECEIPT_MARK}"))?;
    number.parse().ok()
}

/// The instruction as 完了 and 振込照会 show it.
pub fn receipt(row: &InterbankRow) -> InterbankReceipt {
    let status = match row.in_review() {
        true => InterbankStatus::Held,
        false => InterbankStatus::from_db(&row.status).unwrap_or(InterbankStatus::Sent),
    };
    InterbankReceipt {
        receipt_no: receipt_no(row.id, row.created_at),
        accepted_at: jst_datetime(row.created_at),
        execution_date: japanese_date_with_weekday(row.execution_day),
        from_account: format!("{}-{}", row.from_branch_code, row.from_number),
        bank: Bank { code: row.bank_code.clone(), name: row.bank_name.clone(), kana: row.bank_kana.clone() },
        branch: Branch { code: row.branch_code.clone(), name: row.branch_name.clone(), kana: row.branch_kana.clone() },
        kind: AccountKind::from_db(&row.account_kind).unwrap_or(AccountKind::Ordinary),
        account_number: row.account_number.clone(),
        payee_name: row.payee_name.clone(),
        amount: row.amount.0,
        fee: row.fee.0,
        requester_name: row.requester_name.clone(),
        status,
        return_reason: row.return_reason.clone(),
        cancellable: matches!(status, InterbankStatus::Accepted | InterbankStatus::Booked | InterbankStatus::Held),
        booked: row.booked != 0,
    }
}

/// How a notice names the payee: bank, branch, 科目, the last four digits, the name.
pub fn payee_line(row: &InterbankRow) -> String {
    let kind = AccountKind::from_db(&row.account_kind).map_or("", AccountKind::label);
    format!(
        "{} {} {kind} ***{} {}",
        row.bank_name,
        row.branch_name,
        &row.account_number[row.account_number.len().saturating_sub(4)..],
        row.payee_name
    )
}

/// The bank's own accounts for outgoing 為替.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum House {
    /// 他行為替未決済: what customers sent until its 全銀 file is written.
    Clearing,
    /// 全銀決済 (the bank's 日銀当座): what left through the network.
    Settlement,
}

impl House {
    fn role(self) -> &'static str {
        match self {
            Self::Clearing => "clearing",
            Self::Settlement => "settlement",
        }
    }

    /// 店番 999 is the bank's own; no customer's account is opened there.
    fn account(self) -> (&'static str, &'static str, &'static str) {
        match self {
            Self::Clearing => ("9000001", "他行為替未決済", "タギヨウカワセミケツサイ"),
            Self::Settlement => ("9000002", "全銀決済", "ゼンギンケツサイ"),
        }
    }

    /// Opens the account (with a customer row that has no login) unless it is open: at start-up
    /// and before an operator's run, never inside a customer's request. A parallel opener's
    /// unique violation means it is open.
    pub async fn ensure(self, db: &sqlx::AnyPool, now: i64) -> sqlx::Result<AccountId> {
        if let Some(id) = interbank::house_account(db, self.role()).await? {
            return Ok(id);
        }
        let mut tx = crate::db::begin_write(db).await?;
        let opened = async {
            if let Some(id) = interbank::house_account(&mut *tx, self.role()).await? {
                return Ok(id);
            }
            let (number, name, kana) = self.account();
            let customer = customers::insert_customer(&mut *tx, name, None, now).await?;
            let account = NewAccount {
                customer_id: customer,
                branch_code: "999",
                number,
                kind: AccountKind::Ordinary,
                holder_kana: Some(kana),
            };
            let id = accounts::insert_account(&mut *tx, account).await?;
            interbank::insert_house_account(&mut *tx, self.role(), id).await?;
            Ok::<_, sqlx::Error>(id)
        }
        .await;
        match opened {
            Ok(id) => {
                tx.commit().await?;
                Ok(id)
            }
            Err(sqlx::Error::Database(error)) if error.is_unique_violation() => {
                drop(tx);
                interbank::house_account(db, self.role())
                    .await?
                    .ok_or_else(|| sqlx::Error::Protocol("a house account's number is taken".to_owned()))
            }
            Err(error) => Err(error),
        }
    }

    /// The account, which start-up opened.
    pub async fn id(self, db: impl sqlx::any::AnyExecutor<'_>) -> sqlx::Result<AccountId> {
        interbank::house_account(db, self.role())
            .await?
            .ok_or_else(|| sqlx::Error::Protocol(format!("the {} account is not open", self.role())))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn receipt_numbers_name_their_transfer() {
        let at = 1_796_000_000;
        let no = receipt_no(42, at);
        assert!(no.ends_with("-Z000042"), "{no}");
        assert_eq!(id_of(&no), Some(42));
        assert_eq!(id_of("20261204-0000042"), None);
        assert_eq!(id_of("20261204-P000042"), None);
    }
}

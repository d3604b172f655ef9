//! 口座情報 and 振込・振替: the ledger (`ledger`: every movement an entry whose lines sum to
//! zero), 入出金明細 (`statement`), the transfer itself (`transfer`: 入力 → 確認 → 完了, exactly
//! once, confirmed by the one-time password for 振込), 登録振込先 and the payee lookup
//! (`payees`), 1日あたりの振込限度額 (`limit`), the bank's rules (`policy`) and 税金・各種料金の
//! 払込 (`payeasy`) and 他行振込 (`interbank`).

pub mod booking;
pub mod booking_day;
pub mod history;
pub mod holds;
pub mod interbank;
pub mod ledger;
pub mod limit;
pub mod payeasy;
pub mod payees;
pub mod policy;
pub mod risk;
pub mod statement;
pub mod transfer;

/// The business day of a moment and a day's first second, in Japan time (`api::jst`).
pub use netbank_api::jst::{day as jst_day, day_start as jst_day_start};

/// An account as 確認, 完了 and 振込照会 name a payee (`own`: one of the customer's own, a 振替).
pub fn payee_of(account: &crate::store::accounts::AccountRecord, own: bool) -> netbank_api::banking::Payee {
    netbank_api::banking::Payee {
        branch_code: account.branch_code.clone(),
        kind: account.kind(),
        account_number: account.number.clone(),
        name: account.holder_name.clone(),
        own,
    }
}

/// A 受付番号's first part, the Japan-time date of `at`: `20261124`. What follows the hyphen
/// is each kind's own number (`0000123` a 振込, `K000012` a held one, `P000001` a ペイジー).
pub fn receipt_date(at: i64) -> String {
    let date = netbank_api::input::Date::from_days(jst_day(at));
    format!("{:04}{:02}{:02}", date.year, date.month, date.day)
}

/// Why a payment's write in its savepoint did not commit: another request recorded the same
/// idempotency key first (the caller answers with that one's receipt), or `E` refused it.
pub(crate) enum WriteError<E> {
    Duplicate,
    Refused(E),
}

impl<E: From<sqlx::Error>> From<sqlx::Error> for WriteError<E> {
    fn from(error: sqlx::Error) -> Self {
        match &error {
            sqlx::Error::Database(database) if database.is_unique_violation() => Self::Duplicate,
            _ => Self::Refused(error.into()),
        }
    }
}

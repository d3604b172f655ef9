//! The 通知先メールアドレス: set at 初回利用登録, by the operator, or by the customer in お客様情報の
//! 変更. Whoever sets it, the new address is told it was registered and a replaced one that it
//! was replaced, in the same transaction.

use netbank_api::input::NoticeAddress;
use sqlx::{Sqlite, Transaction};

use crate::mail::notice::{self, Notice};

/// Sets the customer's notice address and writes both notices. The transaction must hold
/// the write lock already (`db::begin_write`, or an earlier write in it): the address is read
/// before it is replaced.
pub async fn replace(
    tx: &mut Transaction<'_, Sqlite>,
    customer_id: i64,
    address: &NoticeAddress,
    now: i64,
) -> sqlx::Result<()> {
    let old: Option<String> = sqlx::query_scalar("SELECT notice_address FROM customers WHERE id = ?")
        .bind(customer_id)
        .fetch_one(&mut **tx)
        .await?;
    sqlx::query("UPDATE customers SET notice_address = ? WHERE id = ?")
        .bind(address.as_str())
        .bind(customer_id)
        .execute(&mut **tx)
        .await?;
    notice::send_to(tx, customer_id, address.as_str(), &Notice::NoticeAddressRegistered, now).await?;
    if let Some(old) = old.filter(|old| old != address.as_str()) {
        let replaced = Notice::NoticeAddressReplaced { new_address: address.as_str().to_owned() };
        notice::send_to(tx, customer_id, &old, &replaced, now).await?;
    }
    Ok(())
}

//! The 通知先メールアドレス: set at 初回利用登録, by the operator, or by the customer in お客様情報の
//! 変更. Whoever sets it, the new address is told it was registered and a replaced one that it
//! was replaced, in the same transaction.
//!
//! Its age matters: a customer's first second factor is confirmed by a 確認コード sent there,
//! only once the bank has had it for a while. Every change starts its age again, however it
//! was proven: a thief who changed it with one phished code, and later had the token stopped
//! and the branch initialise it, must not find the 確認コード route open to their address.

use netbank_api::input::NoticeAddress;
use sqlx::{Any, Transaction};

use crate::ids::CustomerId;
use crate::mail::notice::{self, Notice};
use crate::store::customers;

/// Sets the customer's notice address and writes both notices. The transaction must hold
/// the write lock already (`db::begin_write`, or an earlier write in it): the address is read
/// before it is replaced.
pub async fn replace(
    tx: &mut Transaction<'_, Any>,
    customer_id: CustomerId,
    address: &NoticeAddress,
    now: i64,
) -> sqlx::Result<()> {
    let old = customers::notice_address(&mut **tx, customer_id).await?;
    customers::set_notice_address(&mut **tx, customer_id, address.as_str(), Some(now)).await?;
    notice::send_to(tx, customer_id, address.as_str(), &Notice::NoticeAddressRegistered, now).await?;
    if let Some(old) = old.filter(|old| old != address.as_str()) {
        let replaced = Notice::NoticeAddressReplaced { new_address: address.as_str().to_owned() };
        notice::send_to(tx, customer_id, &old, &replaced, now).await?;
    }
    Ok(())
}

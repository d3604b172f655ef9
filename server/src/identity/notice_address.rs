//! The 通知先メールアドレス: set at 初回利用登録, by the operator, or by the customer in お客様情報の
//! 変更. Whoever sets it, the new address is told it was registered and a replaced one that it
//! was replaced, in the same transaction.
//!
//! Its age matters: a customer's first second factor is confirmed by a 確認コード sent there,
//! only once the bank has had it for a while. Set without a second factor (初回利用登録, the
//! branch, a change proven by the password alone), its age starts again.

use netbank_api::input::NoticeAddress;
use sqlx::{Any, Transaction};

use crate::mail::notice::{self, Notice};
use crate::store::customers;

/// How a new notice address was proven.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Proof {
    /// With a second factor in the same request: the address keeps the age the old one had.
    SecondFactor,
    /// Without one (the password alone, registration, the branch): its age starts now.
    Other,
}

/// Sets the customer's notice address and writes both notices. The transaction must hold
/// the write lock already (`db::begin_write`, or an earlier write in it): the address is read
/// before it is replaced.
pub async fn replace(
    tx: &mut Transaction<'_, Any>,
    customer_id: i64,
    address: &NoticeAddress,
    proof: Proof,
    now: i64,
) -> sqlx::Result<()> {
    let old = customers::notice_address(&mut **tx, customer_id).await?;
    let age_from = (proof == Proof::Other).then_some(now);
    customers::set_notice_address(&mut **tx, customer_id, address.as_str(), age_from).await?;
    notice::send_to(tx, customer_id, address.as_str(), &Notice::NoticeAddressRegistered, now).await?;
    if let Some(old) = old.filter(|old| old != address.as_str()) {
        let replaced = Notice::NoticeAddressReplaced { new_address: address.as_str().to_owned() };
        notice::send_to(tx, customer_id, &old, &replaced, now).await?;
    }
    Ok(())
}

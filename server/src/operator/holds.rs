//! `netbank-server transfer review`: the branch's queue of held 振込 — within the credit union
//! (`…-K000012`) and to other banks (`…-Z000012`) — and its decisions.

use sqlx::AnyPool;

use crate::audit::Actor;
use crate::banking::holds::{self, Decider};
use crate::banking::interbank::{receipt_no, review};
use crate::banking::transfer::hold_receipt_no;
use crate::calendar::jst_datetime;
use crate::clock::Clock;
use crate::store::accounts;

/// Prints the queue, oldest first.
pub async fn list(db: &AnyPool) -> anyhow::Result<()> {
    let queue = holds::queue(db).await?;
    if queue.is_empty() && crate::store::interbank::in_review(db).await?.is_empty() {
        println!("no 振込 held");
    }
    for held in queue {
        let from = accounts::by_id(db, held.from_account_id).await?;
        let to = accounts::by_id(db, held.to_account_id).await?;
        println!(
            "{}  {}  customer {}  {} -> {} {}  {}円 (fee {}円)  rules: {}",
            hold_receipt_no(held.id, held.created_at),
            jst_datetime(held.created_at),
            held.customer_id,
            from.key(),
            to.key(),
            held.payee_name,
            held.amount,
            held.fee,
            held.rules
        );
    }
    for held in crate::store::interbank::in_review(db).await? {
        println!(
            "{}  {}  customer {}  {}-{} -> {} {} {} {} {}  {}円 (fee {}円)  rules: {}",
            receipt_no(held.id, held.created_at),
            jst_datetime(held.created_at),
            held.customer_id,
            held.from_branch_code,
            held.from_number,
            held.bank_name,
            held.branch_name,
            held.account_kind,
            held.account_number,
            held.payee_name,
            held.amount,
            held.fee,
            held.review_rules.as_deref().unwrap_or_default()
        );
    }
    Ok(())
}

pub async fn release(db: &AnyPool, clock: &Clock, receipt: &str, reason: &str, actor: &Actor) -> anyhow::Result<()> {
    if review::names_interbank(receipt) {
        let mut tx = crate::db::begin_write(db).await?;
        review::release_in(&mut tx, receipt, None, Decider { actor, reason }, clock.now()).await?;
        tx.commit().await?;
        println!("{receipt}: released; the next 全銀 file sends it and the customer is told");
        return Ok(());
    }
    let transfer = holds::release(db, clock, receipt, Decider { actor, reason }).await?;
    println!("{receipt}: released as transfer {transfer}; the customer is told");
    Ok(())
}

pub async fn reject(db: &AnyPool, clock: &Clock, receipt: &str, reason: &str, actor: &Actor) -> anyhow::Result<()> {
    if review::names_interbank(receipt) {
        let mut tx = crate::db::begin_write(db).await?;
        review::reject_in(&mut tx, receipt, None, Decider { actor, reason }, clock.now()).await?;
        tx.commit().await?;
        println!("{receipt}: rejected; the amount and fee went back and the customer is told");
        return Ok(());
    }
    holds::reject(db, clock, receipt, Decider { actor, reason }).await?;
    println!("{receipt}: rejected; the reservation has ended and the customer is told");
    Ok(())
}

//! `netbank-server transfer review`: the branch's queue of held 振込, and its decisions.

use sqlx::AnyPool;

use crate::audit::Actor;
use crate::banking::holds::{self, Decider};
use crate::banking::transfer::hold_receipt_no;
use crate::calendar::jst_datetime;
use crate::clock::Clock;
use crate::store::accounts;

/// Prints the queue, oldest first.
pub async fn list(db: &AnyPool) -> anyhow::Result<()> {
    let queue = holds::queue(db).await?;
    if queue.is_empty() {
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
    Ok(())
}

pub async fn release(db: &AnyPool, clock: &Clock, receipt: &str, reason: &str, actor: &Actor) -> anyhow::Result<()> {
    let transfer = holds::release(db, clock, receipt, Decider { actor, reason }).await?;
    println!("{receipt}: released as transfer {transfer}; the customer is told");
    Ok(())
}

pub async fn reject(db: &AnyPool, clock: &Clock, receipt: &str, reason: &str, actor: &Actor) -> anyhow::Result<()> {
    holds::reject(db, clock, receipt, Decider { actor, reason }).await?;
    println!("{receipt}: rejected; the reservation has ended and the customer is told");
    Ok(())
}

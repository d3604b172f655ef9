//! Finding the bill a customer's numbers name, as the Multi-Payment Network's inquiry does:
//! the 収納機関番号 is public (an unknown one is not counted), the 納付番号 (お客様番号),
//! 確認番号 and 納付区分 are what a guesser would try. A try is taken from the day's ten before
//! the bill is read and given back when the numbers were right, so a hundred parallel guesses
//! still get ten; the tenth wrong one stops ペイジー until tomorrow, and the sixth stop locks
//! it until the branch resumes it (`store::payeasy`'s guard).

use netbank_api::checked::Bill;

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::banking::jst_day;
use crate::banking::payeasy::PayeasyError;
use crate::extract::ClientAddr;
use crate::ids::CustomerId;
use crate::mail::notice::{self, Notice};
use crate::state::AppState;
use crate::store::billers::{self, BillRow, BillStatus, BillerRow};
use crate::store::payeasy::{self as guard_store, Guard, WRONG_PER_DAY};

/// The biller and its open bill, due today or later, that the numbers name.
#[tracing::instrument(level = "debug", skip_all, fields(customer_id = %customer_id))]
pub async fn find(
    state: &AppState,
    client: &ClientAddr,
    customer_id: CustomerId,
    bill: &Bill,
) -> Result<(BillerRow, BillRow), PayeasyError> {
    let biller =
        billers::biller_by_number(&state.db, bill.biller.as_str()).await?.ok_or(PayeasyError::BillerNotFound)?;
    if biller.needs_category != 0 && bill.category.is_none() {
        return Err(PayeasyError::CategoryRequired);
    }
    let now = state.clock.now();
    let today = jst_day(now);
    let mut tx = crate::db::begin_write(&state.db).await?;
    let taken = guard_store::take_try(&mut tx, customer_id, today).await?;
    tx.commit().await?;
    let (nth, day) = match taken {
        Guard::Taken { nth, day } => (nth, day),
        Guard::Stopped => return Err(PayeasyError::Stopped),
        Guard::Locked => return Err(PayeasyError::Locked),
    };
    let found = billers::bill_by_number(&state.db, biller.id, bill.number.as_str()).await?.filter(|found| {
        numbers_match(biller.needs_category != 0, (&found.confirmation, found.category.as_deref()), bill)
    });
    let Some(found) = found else {
        wrong(state, client, customer_id, &biller, (nth, day), now).await?;
        return Err(PayeasyError::BillNotFound);
    };
    guard_store::give_back(&state.db, customer_id, day).await?;
    match found.status {
        BillStatus::Paid => return Err(PayeasyError::AlreadyPaid),
        BillStatus::Open if found.due_day < today => return Err(PayeasyError::Overdue),
        BillStatus::Open => {}
    }
    Ok((biller, found))
}

/// The 確認番号 always; the 納付区分 where the biller uses one.
pub fn numbers_match(needs_category: bool, (confirmation, category): (&str, Option<&str>), asked: &Bill) -> bool {
    let confirmation_matches = confirmation == asked.confirmation.as_str();
    let category_matches = !needs_category || category == asked.category.as_ref().map(|c| c.as_str());
    confirmation_matches && category_matches
}

/// A wrong try stays counted and is audited; the day's last one stops ペイジー (and the sixth
/// stop locks it), told by mail, in one transaction.
async fn wrong(
    state: &AppState,
    client: &ClientAddr,
    customer_id: CustomerId,
    biller: &BillerRow,
    (nth, day): (i64, i64),
    now: i64,
) -> Result<(), PayeasyError> {
    let mut tx = crate::db::begin_write(&state.db).await?;
    let refused = AuditEvent {
        customer_id: Some(customer_id),
        event: AuditAction::PayeasyPayment,
        client_addr: client.ip_string(),
        result: Outcome::NotFound,
        detail: Some(format!("biller={} wrong={nth}/{WRONG_PER_DAY}", biller.number)),
    };
    audit::record(&mut *tx, now, refused).await?;
    if nth == WRONG_PER_DAY {
        if let Some(locked) = guard_store::count_stop(&mut *tx, customer_id, day, now).await? {
            let event = AuditEvent {
                customer_id: Some(customer_id),
                event: AuditAction::PayeasyStop,
                client_addr: client.ip_string(),
                result: Outcome::Success,
                detail: Some(if locked { "locked".to_owned() } else { "stopped for the day".to_owned() }),
            };
            audit::record(&mut *tx, now, event).await?;
            notice::send(&mut tx, customer_id, &Notice::PayeasyStopped { locked }, now).await?;
        }
    }
    tx.commit().await?;
    state.mail_wakeup.notify_one();
    Ok(())
}

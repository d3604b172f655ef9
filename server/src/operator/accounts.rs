//! The branch's side of the ledger: 窓口入金 (money paid in at the counter) and the trial
//! balance (`ledger check`).

use netbank_api::input::{AccountNumber, Amount, BranchCode};
use sqlx::AnyPool;

use crate::audit::{self, Actor, AuditAction, AuditEvent, Outcome};
use crate::banking::ledger::{self, TrialBalance};
use crate::clock::Clock;
use crate::money::Yen;
use crate::store::accounts;
use crate::store::ledger::EntryKind;

/// What a deposit did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Deposited {
    pub entry_id: i64,
    pub balance: Yen,
}

/// Credits the account against cash, with `description` as its 摘要 (窓口入金 by default).
pub async fn deposit(
    db: &AnyPool,
    clock: &Clock,
    branch: &BranchCode,
    number: &AccountNumber,
    amount: Amount,
    description: &str,
    actor: &Actor,
) -> anyhow::Result<Deposited> {
    let mut tx = crate::db::begin_write(db).await?;
    let account = accounts::find(&mut *tx, branch.as_str(), number.as_str())
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account {}-{}", branch.as_str(), number.as_str()))?;
    let deposited = deposit_in(&mut tx, &account, amount, description, actor, clock.now()).await?;
    tx.commit().await?;
    Ok(deposited)
}

/// The same inside the caller's transaction, by whoever `actor` is.
pub async fn deposit_in(
    tx: &mut sqlx::Transaction<'static, sqlx::Any>,
    account: &accounts::AccountRecord,
    amount: Amount,
    description: &str,
    actor: &Actor,
    now: i64,
) -> anyhow::Result<Deposited> {
    anyhow::ensure!(
        !crate::store::interbank::is_house_account(&mut **tx, account.id).await?,
        "{} is the bank's own 他行振込 account: money reaches it only through 他行振込",
        account.key()
    );
    let description = description.trim();
    anyhow::ensure!(!description.is_empty() && description.chars().count() <= 30, "the 摘要 is 1 to 30 characters");
    anyhow::ensure!(
        !netbank_api::input::has_hidden_characters(description),
        "the 摘要 has control or invisible formatting characters"
    );
    let posting = ledger::from_cash(EntryKind::Deposit, account.id, Yen(amount.yen()), description, None, now);
    let entry_id = ledger::post(tx, posting).await?;
    let event = AuditEvent {
        customer_id: Some(account.customer_id),
        event: AuditAction::Deposit,
        client_addr: None,
        result: Outcome::Success,
        detail: Some(format!("{} amount={} entry={entry_id}", account.key(), amount.yen())),
    };
    audit::record_by(&mut **tx, now, event, actor).await?;
    let balance = accounts::by_id(&mut **tx, account.id).await?.balance;
    Ok(Deposited { entry_id, balance })
}

/// Whether one person may take `amount` into the account alone: the day's counter deposits
/// (Japan time) with it stay within `limit`; above, a second person approves. With `lock`
/// (inside the deposit's own transaction) the account's row is held first, so two deposits
/// cannot both pass on the same reading.
pub async fn within_single_person_limit(
    db: &mut sqlx::AnyConnection,
    account_id: crate::ids::AccountId,
    amount: i64,
    limit: i64,
    now: i64,
    lock: bool,
) -> sqlx::Result<bool> {
    if lock {
        accounts::lock(&mut *db, account_id).await?;
    }
    let today = netbank_api::jst::day_start(netbank_api::jst::day(now));
    let so_far = crate::store::ledger::deposits_since(&mut *db, account_id, today).await?;
    Ok(so_far.saturating_add(amount) <= limit)
}

/// The account a CLI deposit names.
pub async fn find(
    db: &AnyPool,
    branch: &BranchCode,
    number: &AccountNumber,
) -> anyhow::Result<accounts::AccountRecord> {
    accounts::find(db, branch.as_str(), number.as_str())
        .await?
        .ok_or_else(|| anyhow::anyhow!("no account {}-{}", branch.as_str(), number.as_str()))
}

/// The trial balance as the operator reads it.
pub async fn check(db: &AnyPool) -> anyhow::Result<(TrialBalance, String)> {
    let trial = ledger::check(db).await?;
    let mut text = format!("accounts: {} (customer balances total {})\n", trial.accounts, trial.customer_total);
    for (house, sum) in &trial.house {
        text.push_str(&format!("house {house}: {sum}\n"));
    }
    text.push_str(&format!("all lines: {}\n", trial.total));
    for mismatch in &trial.mismatched {
        text.push_str(&format!("MISMATCH {mismatch}\n"));
    }
    for entry in &trial.unbalanced_entries {
        text.push_str(&format!("UNBALANCED entry {entry}\n"));
    }
    if let Some(why) = &trial.overflow {
        text.push_str(&format!("OVERFLOW {why}\n"));
    }
    if trial.misdated_lines > 0 {
        text.push_str(&format!("MISDATED: {} lines whose time is not their entry's\n", trial.misdated_lines));
    }
    if let Some((balance, owed)) = trial.clearing_mismatch {
        text.push_str(&format!("CLEARING 他行為替未決済 holds {balance} but unsent 他行振込 total {owed}\n"));
    }
    if trial.broken_running_balances > 0 {
        text.push_str(&format!("BROKEN running balance on {} lines\n", trial.broken_running_balances));
    }
    text.push_str(if trial.holds() {
        "OK: every balance equals its lines, all lines sum to zero\n"
    } else {
        "FAILED\n"
    });
    Ok((trial, text))
}

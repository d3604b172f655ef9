//! Posting to the ledger: an entry and its lines in the caller's transaction. Lines on
//! customer accounts change the running balance through `accounts::apply` (refusing an
//! overdraft) in account order, so two entries touching the same two accounts lock them in
//! the same order and cannot deadlock. The operator's 窓口入金 and the trial balance.

use sqlx::AnyConnection;

use crate::ids::AccountId;
use crate::ids::CustomerId;
use crate::money::Yen;
use crate::store::accounts;
use crate::store::ledger::{self as journal, EntryKind, HouseAccount};

/// Where a line goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Account(AccountId),
    House(HouseAccount),
}

#[derive(Debug, Clone)]
pub struct Line {
    pub side: Side,
    /// + into the account, - out of it.
    pub amount: Yen,
    /// 摘要 on that account's statement.
    pub description: String,
}

pub struct Posting {
    pub kind: EntryKind,
    /// Who asked (`None`: the branch).
    pub customer_id: Option<CustomerId>,
    pub at: i64,
    pub lines: Vec<Line>,
}

#[derive(Debug, thiserror::Error)]
pub enum PostingError {
    /// The account's balance does not cover its lines.
    #[error("account {0} would be overdrawn")]
    Overdraft(AccountId),
    #[error(transparent)]
    Store(#[from] sqlx::Error),
}

/// Writes the entry; its id. The caller commits (or, on an error, rolls back everything).
#[tracing::instrument(level = "debug", skip_all, fields(kind = ?posting.kind, customer_id = ?posting.customer_id.map(|c| c.0)))]
pub async fn post(db: &mut AnyConnection, posting: Posting) -> Result<i64, PostingError> {
    let entry = journal::insert_entry(&mut *db, posting.kind, posting.customer_id, posting.at).await?;
    post_lines(db, entry, posting.lines).await?;
    Ok(entry)
}

/// Writes the lines of an entry already inserted (a transfer records itself against the
/// entry before money moves, so a duplicate confirmation stops there).
pub async fn post_lines(db: &mut AnyConnection, entry: i64, mut lines: Vec<Line>) -> Result<(), PostingError> {
    assert_eq!(lines.iter().map(|l| l.amount).sum::<Yen>(), Yen::ZERO, "an entry's lines sum to zero");
    assert!(lines.iter().all(|l| l.amount != Yen::ZERO), "no empty lines");
    // Stable: one account's lines keep their order (an amount, then its fee).
    lines.sort_by_key(|line| match line.side {
        Side::Account(id) => (0, id),
        Side::House(_) => (1, AccountId(0)),
    });
    for line in lines {
        match line.side {
            Side::Account(id) => {
                let balance = accounts::apply(&mut *db, id, line.amount).await?.ok_or(PostingError::Overdraft(id))?;
                journal::insert_account_line(&mut *db, entry, id, line.amount, balance, &line.description).await?;
            }
            Side::House(house) => {
                journal::insert_house_line(&mut *db, entry, house, line.amount, &line.description).await?
            }
        }
    }
    Ok(())
}

/// Money in from outside the bank's books (窓口入金, a balance carried over): the account's
/// line and cash's.
pub fn from_cash(
    kind: EntryKind,
    account_id: AccountId,
    amount: Yen,
    description: &str,
    customer_id: Option<CustomerId>,
    at: i64,
) -> Posting {
    Posting {
        kind,
        customer_id,
        at,
        lines: vec![
            Line { side: Side::Account(account_id), amount, description: description.to_owned() },
            Line { side: Side::House(HouseAccount::Cash), amount: -amount, description: description.to_owned() },
        ],
    }
}

/// The trial balance (`ledger check`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrialBalance {
    pub accounts: usize,
    /// `店番-口座番号: stored balance vs its lines` for each that differs.
    pub mismatched: Vec<String>,
    /// Lines whose balance-after does not follow from the line before.
    pub broken_running_balances: i64,
    /// Lines whose time is not their entry's (入出金明細 would list them in the wrong period).
    pub misdated_lines: i64,
    /// Entries whose lines do not sum to zero (or have none).
    pub unbalanced_entries: Vec<i64>,
    /// Customer accounts' total, and each house account's.
    pub customer_total: i64,
    pub house: Vec<(String, i64)>,
    /// Every line summed: zero in a consistent ledger.
    pub total: i64,
    /// A sum past what 64 bits hold: no amount the bank takes gets near it, so the ledger
    /// holds something that never should have been posted. Reported, never a crash.
    pub overflow: Option<String>,
    /// The 他行振込 clearing account's balance and what it must hold (instructions accepted
    /// or in a 全銀 file not yet written), when they differ.
    pub clearing_mismatch: Option<(i64, i64)>,
}

impl TrialBalance {
    pub fn holds(&self) -> bool {
        self.mismatched.is_empty()
            && self.broken_running_balances == 0
            && self.misdated_lines == 0
            && self.unbalanced_entries.is_empty()
            && self.total == 0
            && self.overflow.is_none()
            && self.clearing_mismatch.is_none()
    }

    fn overflowed(why: String) -> Self {
        Self {
            accounts: 0,
            mismatched: Vec::new(),
            broken_running_balances: 0,
            misdated_lines: 0,
            unbalanced_entries: Vec::new(),
            customer_total: 0,
            house: Vec::new(),
            total: 0,
            overflow: Some(why),
            clearing_mismatch: None,
        }
    }
}

/// Is this the database refusing a sum past 64 bits (SQLite's "integer overflow",
/// PostgreSQL's "bigint out of range")?
fn is_overflow(error: &sqlx::Error) -> bool {
    matches!(error, sqlx::Error::Database(e) if e.message().contains("overflow") || e.message().contains("out of range"))
}

/// Reads everything in one transaction, so a transfer committing meanwhile is seen whole or
/// not at all.
pub async fn check(db: &sqlx::AnyPool) -> sqlx::Result<TrialBalance> {
    match check_sums(db).await {
        Err(error) if is_overflow(&error) => {
            Ok(TrialBalance::overflowed(format!("the database could not sum the lines: {error}")))
        }
        other => other,
    }
}

/// Mismatched balances reported at most (the trial fails on the first).
const MISMATCHES_SHOWN: i64 = 1_000;

async fn check_sums(db: &sqlx::AnyPool) -> sqlx::Result<TrialBalance> {
    // The database compares and sums; only what is wrong comes back, so the memory is the
    // same for a bank of any size.
    let mut tx = crate::db::begin_snapshot(db).await?;
    let accounts = accounts::count(&mut *tx).await?;
    let mismatched = journal::mismatched_balances(&mut *tx, MISMATCHES_SHOWN)
        .await?
        .into_iter()
        .map(|m| format!("{}-{}: balance {} vs lines {}", m.branch_code, m.number, m.balance, m.lines))
        .collect();
    let customer_total = journal::account_lines_total(&mut *tx).await?;
    let house = journal::house_sums(&mut *tx).await?;
    let unbalanced_entries = journal::unbalanced_entries(&mut *tx).await?.into_iter().map(|(id, _)| id).collect();
    let broken_running_balances = journal::broken_running_balances(&mut *tx).await?;
    let misdated_lines = journal::misdated_lines(&mut *tx).await?;
    let clearing_mismatch = match crate::store::interbank::house_account(&mut *tx, "clearing").await? {
        Some(clearing) => {
            let balance = accounts::by_id(&mut *tx, clearing).await?.balance;
            let owed = crate::store::interbank::unsettled_total(&mut *tx).await?;
            (balance != owed).then_some((balance.0, owed.0))
        }
        None => None,
    };
    tx.rollback().await?;
    let house_total = house.iter().try_fold(0i64, |total, (_, sum)| total.checked_add(*sum));
    let Some(total) = house_total.and_then(|h| customer_total.checked_add(h)) else {
        return Ok(TrialBalance::overflowed("the balances sum past 64 bits".to_owned()));
    };
    Ok(TrialBalance {
        accounts: accounts as usize,
        mismatched,
        broken_running_balances,
        misdated_lines,
        unbalanced_entries,
        customer_total,
        house,
        total,
        overflow: None,
        clearing_mismatch,
    })
}

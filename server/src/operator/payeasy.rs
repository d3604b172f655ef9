//! `netbank-server payeasy`: the 収納機関 the bank collects for (`biller add`, each with its
//! 収納口座 at this bank), the bills they deliver (`bill import`, a CSV checked line by line,
//! idempotent on the bill number: standing in for the Multi-Payment Network's inquiry), what
//! the bank remits each biller for a day (`settle`), and resuming a customer's ペイジー after
//! the sixth stop (`resume`).

use netbank_api::identity::AccountKind;
use netbank_api::input::{
    has_hidden_characters, AccountNumber, Amount, BillCategory, BillConfirmation, BillNumber, BillerNumber, BranchCode,
    Date, KanaName,
};
use netbank_api::payeasy::BillerKind;
use sqlx::{Any, AnyPool, Transaction};

use crate::audit::{self, Actor, AuditAction, AuditEvent, Outcome};
use crate::banking::{jst_day, jst_day_start};
use crate::clock::Clock;
use crate::ids::CustomerId;
use crate::money::Yen;
use crate::store::billers::{self, NewBill, NewBiller};
use crate::store::{accounts, customers, payeasy};

/// A 収納機関 as the operator adds it.
pub struct BillerSpec<'a> {
    pub number: &'a BillerNumber,
    pub name: &'a str,
    /// 収納口座's 口座名義 (全角カナ).
    pub kana: &'a KanaName,
    pub kind: BillerKind,
    pub needs_category: bool,
    pub fee: Yen,
    pub branch: &'a BranchCode,
    pub account: &'a AccountNumber,
}

/// Adds the biller and opens its 収納口座 (a customer without a login), in `tx`.
pub async fn add_biller_in(tx: &mut Transaction<'_, Any>, spec: &BillerSpec<'_>, now: i64) -> anyhow::Result<i64> {
    let name = spec.name.trim();
    anyhow::ensure!(
        !name.is_empty() && name.chars().count() <= 40 && !has_hidden_characters(name),
        "--name: the 収納機関名, 1–40 characters with nothing hidden"
    );
    anyhow::ensure!(
        spec.kind != BillerKind::Local || spec.needs_category,
        "a 地方公共団体's bills carry a 納付区分: give --category"
    );
    let key = format!("{}-{}", spec.branch.as_str(), spec.account.as_str());
    anyhow::ensure!(
        accounts::find(&mut **tx, spec.branch.as_str(), spec.account.as_str()).await?.is_none(),
        "account {key} exists already: a 収納口座 is opened for its biller"
    );
    anyhow::ensure!(
        billers::biller_by_number(&mut **tx, spec.number.as_str()).await?.is_none(),
        "収納機関番号 {} is taken",
        spec.number.as_str()
    );
    let customer = customers::insert_customer(&mut **tx, name, None, now).await?;
    let account = accounts::NewAccount {
        customer_id: customer,
        branch_code: spec.branch.as_str(),
        number: spec.account.as_str(),
        kind: AccountKind::Ordinary,
        holder_kana: Some(spec.kana.as_str()),
    };
    let account_id = accounts::insert_account(&mut **tx, account).await?;
    let biller = NewBiller {
        number: spec.number.as_str(),
        name,
        kind: spec.kind.as_str(),
        needs_category: spec.needs_category,
        account_id,
        fee: spec.fee,
    };
    Ok(billers::insert_biller(&mut **tx, biller, now).await?)
}

pub async fn add_biller(db: &AnyPool, clock: &Clock, spec: &BillerSpec<'_>, actor: &Actor) -> anyhow::Result<()> {
    let now = clock.now();
    let mut tx = crate::db::begin_write(db).await?;
    add_biller_in(&mut tx, spec, now).await?;
    let event = AuditEvent {
        customer_id: None,
        event: AuditAction::PayeasyBillerAdd,
        client_addr: None,
        result: Outcome::Success,
        detail: Some(format!(
            "biller={} kind={} account={}-{}",
            spec.number.as_str(),
            spec.kind.as_str(),
            spec.branch.as_str(),
            spec.account.as_str()
        )),
    };
    audit::record_by(&mut *tx, now, event, actor).await?;
    tx.commit().await?;
    Ok(())
}

/// Every biller, for `biller list`.
pub async fn list_billers(db: &AnyPool) -> anyhow::Result<String> {
    let mut text = String::new();
    for biller in billers::all_billers(db).await? {
        let account = accounts::by_id(db, biller.account_id).await?;
        let kind = BillerKind::from_db(&biller.kind).map_or(biller.kind.clone(), |k| k.label().to_owned());
        text.push_str(&format!(
            "{}  {}  {}{}  収納口座 {}  手数料 {}\n",
            biller.number,
            biller.name,
            kind,
            if biller.needs_category != 0 { " (納付区分あり)" } else { "" },
            account.key(),
            netbank_api::banking::yen(biller.fee.0)
        ));
    }
    Ok(text)
}

/// One bill as a CSV line gives it, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BillLine {
    pub biller: BillerNumber,
    pub number: BillNumber,
    pub confirmation: BillConfirmation,
    pub category: Option<BillCategory>,
    pub amount: Yen,
    pub due: Date,
    pub description: String,
}

/// The columns of `bill import`'s CSV, in order (a first line naming them is skipped).
pub const BILL_COLUMNS: [&str; 7] =
    ["biller_number", "bill_number", "confirmation_number", "category", "amount", "due_date", "description"];

/// A CSV record as a bill, or why not.
pub fn parse_line(record: &csv::StringRecord) -> Result<BillLine, String> {
    if record.len() != BILL_COLUMNS.len() {
        return Err(format!("{} fields, expected {} ({})", record.len(), BILL_COLUMNS.len(), BILL_COLUMNS.join(",")));
    }
    let field = |i: usize| record.get(i).unwrap_or_default().trim();
    let named = |e: netbank_api::input::InputError| {
        format!("{}: {}", BILL_COLUMNS.iter().find(|c| c.starts_with(e.field)).unwrap_or(&e.field), e.message)
    };
    let biller = BillerNumber::parse(field(0)).map_err(named)?;
    let number = BillNumber::parse(field(1)).map_err(named)?;
    let confirmation = BillConfirmation::parse(field(2)).map_err(named)?;
    let category = match field(3) {
        "" => None,
        given => Some(BillCategory::parse(given).map_err(named)?),
    };
    let amount = Yen(Amount::parse(field(4)).map_err(|e| format!("amount: {}", e.message))?.yen());
    let due = Date::parse_field(field(5), "due_date").map_err(named)?;
    let description = field(6);
    if description.is_empty() || description.chars().count() > 60 || has_hidden_characters(description) {
        return Err("description: the 納付内容, 1–60 characters with nothing hidden".to_owned());
    }
    Ok(BillLine { biller, number, confirmation, category, amount, due, description: description.to_owned() })
}

/// What happened to each line of an import.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ImportReport {
    pub imported: usize,
    /// The same bill was imported before: nothing changed.
    pub unchanged: usize,
    /// `line N: why`, for each line not imported (a bill number known with other contents
    /// included: a bill never changes once delivered).
    pub refused: Vec<String>,
}

impl ImportReport {
    pub fn text(&self) -> String {
        let mut text = String::new();
        for line in &self.refused {
            text.push_str(line);
            text.push('\n');
        }
        text.push_str(&format!(
            "imported {}, already imported {}, refused {}\n",
            self.imported,
            self.unchanged,
            self.refused.len()
        ));
        text
    }
}

/// Imports what is valid of `csv_text` in one transaction and reports every other line.
pub async fn import_bills(db: &AnyPool, clock: &Clock, csv_text: &str, actor: &Actor) -> anyhow::Result<ImportReport> {
    let now = clock.now();
    let mut report = ImportReport::default();
    let mut tx = crate::db::begin_write(db).await?;
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(csv_text.as_bytes());
    for (index, record) in reader.records().enumerate() {
        let line = index + 1;
        let record = match record {
            Ok(record) => record,
            Err(error) => {
                report.refused.push(format!("line {line}: not CSV ({error})"));
                continue;
            }
        };
        if line == 1 && record.get(0).map(str::trim) == Some(BILL_COLUMNS[0]) {
            continue;
        }
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        match import_line(&mut tx, &record, now).await? {
            Ok(true) => report.imported += 1,
            Ok(false) => report.unchanged += 1,
            Err(why) => report.refused.push(format!("line {line}: {why}")),
        }
    }
    let event = AuditEvent {
        customer_id: None,
        event: AuditAction::PayeasyBillImport,
        client_addr: None,
        result: if report.refused.is_empty() { Outcome::Success } else { Outcome::Refused },
        detail: Some(format!(
            "imported={} unchanged={} refused={}",
            report.imported,
            report.unchanged,
            report.refused.len()
        )),
    };
    audit::record_by(&mut *tx, now, event, actor).await?;
    tx.commit().await?;
    Ok(report)
}

/// `Ok(true)`: imported; `Ok(false)`: the same bill was there; `Err`: why the line is refused.
async fn import_line(
    tx: &mut Transaction<'_, Any>,
    record: &csv::StringRecord,
    now: i64,
) -> anyhow::Result<Result<bool, String>> {
    let bill = match parse_line(record) {
        Ok(bill) => bill,
        Err(why) => return Ok(Err(why)),
    };
    let Some(biller) = billers::biller_by_number(&mut **tx, bill.biller.as_str()).await? else {
        return Ok(Err(format!("biller_number: no 収納機関 {}", bill.biller.as_str())));
    };
    match (biller.needs_category != 0, bill.category.is_some()) {
        (true, false) => return Ok(Err(format!("category: {} needs a 納付区分", biller.name))),
        (false, true) => return Ok(Err(format!("category: {} uses no 納付区分", biller.name))),
        _ => {}
    }
    if bill.due.days() < jst_day(now) {
        return Ok(Err(format!("due_date: {} has passed; a bill no one can pay is not delivered", bill.due)));
    }
    insert_bill_in(tx, biller.id, &bill, now).await
}

/// Records `bill` under its biller unless it is there; a bill number known with other
/// contents is refused (a delivered bill never changes: a payer may be looking at it).
pub async fn insert_bill_in(
    tx: &mut Transaction<'_, Any>,
    biller_id: i64,
    bill: &BillLine,
    now: i64,
) -> anyhow::Result<Result<bool, String>> {
    let new = NewBill {
        biller_id,
        number: bill.number.as_str(),
        confirmation: bill.confirmation.as_str(),
        category: bill.category.as_ref().map(BillCategory::as_str),
        amount: bill.amount,
        due_day: bill.due.days(),
        description: &bill.description,
    };
    if billers::insert_bill_if_absent(&mut **tx, &new, now).await? {
        return Ok(Ok(true));
    }
    let existing = billers::bill_by_number(&mut **tx, biller_id, bill.number.as_str())
        .await?
        .ok_or_else(|| anyhow::anyhow!("a bill refused as present is absent"))?;
    let same = existing.confirmation == new.confirmation
        && existing.category.as_deref() == new.category
        && existing.amount == new.amount
        && existing.due_day == new.due_day
        && existing.description == new.description;
    Ok(match same {
        true => Ok(false),
        false => {
            Err(format!("bill_number: {} was imported with other contents; a bill never changes", bill.number.as_str()))
        }
    })
}

/// What the bank remits each biller for the Japan-time day `date`: count, amount, fees.
pub async fn settle(db: &AnyPool, date: Date) -> anyhow::Result<String> {
    let from = jst_day_start(date.days());
    let totals = payeasy::totals_between(db, from, from + 86_400).await?;
    let mut text = format!("ペイジー {date} (Japan time)\n");
    let (mut count, mut sum) = (0, Yen::ZERO);
    for total in &totals {
        let biller = billers::biller_by_id(db, total.biller_id).await?;
        let account = accounts::by_id(db, biller.account_id).await?;
        text.push_str(&format!(
            "{}  {}  収納口座 {}  {}件  {}  (手数料 {})\n",
            biller.number,
            biller.name,
            account.key(),
            total.payments,
            netbank_api::banking::yen(total.amount.0),
            netbank_api::banking::yen(total.fees.0)
        ));
        count += total.payments;
        sum += total.amount;
    }
    text.push_str(&format!("total  {count}件  {}\n", netbank_api::banking::yen(sum.0)));
    Ok(text)
}

/// The branch resumes the customer's ペイジー (after the sixth stop, or today's), audited.
pub async fn resume(
    db: &AnyPool,
    clock: &Clock,
    customer_id: CustomerId,
    reason: &str,
    actor: &Actor,
) -> anyhow::Result<()> {
    let reason =
        audit::reason(reason).ok_or_else(|| anyhow::anyhow!("say why (--reason): it goes to the audit log"))?;
    let now = clock.now();
    let mut tx = crate::db::begin_write(db).await?;
    anyhow::ensure!(payeasy::resume(&mut *tx, customer_id).await?, "this customer's ペイジー is not stopped");
    let event = AuditEvent {
        customer_id: Some(customer_id),
        event: AuditAction::PayeasyResume,
        client_addr: None,
        result: Outcome::Success,
        detail: Some(format!("reason={reason}")),
    };
    audit::record_by(&mut *tx, now, event, actor).await?;
    tx.commit().await?;
    Ok(())
}

/// Where the customer's ペイジー stands, for the operator.
pub async fn standing(db: &AnyPool, clock: &Clock, customer_id: CustomerId) -> anyhow::Result<String> {
    let today = jst_day(clock.now());
    Ok(match payeasy::standing(db, customer_id).await? {
        None => "ペイジー: never a wrong number".to_owned(),
        Some((_, _, stops, true)) => {
            format!("ペイジー: locked after {stops} stops — the branch resumes it (payeasy resume)")
        }
        Some((day, wrong, stops, false)) => {
            let wrong_today = if day == today { wrong } else { 0 };
            format!("ペイジー: {wrong_today} wrong today of {}, {stops} stops so far", payeasy::WRONG_PER_DAY)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn record(line: &str) -> csv::StringRecord {
        let mut reader = csv::ReaderBuilder::new().has_headers(false).from_reader(line.as_bytes());
        reader.records().next().unwrap().unwrap()
    }

    #[test]
    fn a_bill_line_is_checked_field_by_field_and_says_which() {
        let good =
            parse_line(&record("11301,1234567890,123456,010,42300,2026-12-25,令和8年度 固定資産税 第3期")).unwrap();
        assert_eq!((good.amount, good.due.to_string()), (Yen(42_300), "2026-12-25".to_owned()));
        let why = |line: &str| parse_line(&record(line)).unwrap_err();
        assert!(why("1130,1,1,,100,2026-12-25,x").starts_with("biller_number"));
        assert!(why("11301,1a,1,,100,2026-12-25,x").starts_with("bill_number"));
        assert!(why("11301,1,1234567,,100,2026-12-25,x").starts_with("confirmation_number"));
        assert!(why("11301,1,1,,-5,2026-12-25,x").starts_with("amount"));
        assert!(why("11301,1,1,,100,2026-13-01,x").starts_with("due_date"));
        assert!(why("11301,1,1,,100,2026-12-25,").starts_with("description"));
        assert!(why("11301,1,1,,100,2026-12-25,a\u{202E}b").starts_with("description"));
        assert!(why("11301,1,1,,100").contains("expected 7"));
    }
}

//! `netbank-server zengin`: the business day's 全銀 file of 他行振込 (`export`, exactly once
//! per instruction), the receiving banks' returns (`import-returns`, 振込不能: the amount back
//! to the customer), and the bank and branch master (`master refresh`).
//!
//! Export is three steps, each safe to repeat: a transaction claims the day's accepted
//! instructions into a batch (they can no longer be cancelled); the file is written from the
//! batch (the same bytes every time: written to a temporary name, synced, renamed); a second
//! transaction settles the batch (clearing → settlement) and marks it written, conditionally.
//! A run that stops after the first or second step is finished by the next run, which writes
//! the same file again before claiming anything new.

use std::io::Write;
use std::path::{Path, PathBuf};

use netbank_api::identity::AccountKind;
use netbank_api::input::{jis_x0201, zengin_kana};
use sqlx::AnyPool;

use crate::audit::{self, Actor, AuditAction, AuditEvent, Outcome};
use crate::banking::interbank::{id_of, payee_line, receipt_no, House};
use crate::banking::ledger::{self, Line, PostingError, Side};
use crate::calendar::utc_date;
use crate::clock::Clock;
use crate::mail::notice::{self, Notice};
use crate::store::interbank::{self, ExportRow, InterbankRow};
use crate::store::ledger::EntryKind;

/// Every record of the 全銀協 standard format is this long.
pub const RECORD_LEN: usize = 120;

/// The sending side of the header: this bank's clearing account at its 事務センター (店番 999).
const SENDER_BRANCH: (&str, &str) = ("999", "ｼﾞﾑｾﾝﾀ-");
const SENDER_ACCOUNT: &str = "9000001";

/// Text in the network's characters, cut or space-padded to `width` bytes.
fn text(value: &str, width: usize) -> Vec<u8> {
    let mut bytes = jis_x0201(value).unwrap_or_default();
    bytes.truncate(width);
    bytes.resize(width, b' ');
    bytes
}

/// A number, zero-padded to `width` digits.
fn number(value: i64, width: usize) -> Vec<u8> {
    format!("{value:0width$}").into_bytes()
}

/// 預金種目: 1 普通, 2 当座, 4 貯蓄.
fn kind_code(kind: &str) -> &'static str {
    match AccountKind::from_db(kind) {
        Some(AccountKind::Current) => "2",
        Some(AccountKind::Savings) => "4",
        _ => "1",
    }
}

/// The 総合振込 file (種別コード 21) of a batch: header, one data record per instruction,
/// trailer, end — each exactly 120 bytes, no separators.
pub fn file_of(batch: &ExportRow, rows: &[InterbankRow]) -> Vec<u8> {
    let date = netbank_api::input::Date::from_days(batch.business_day);
    let mut records: Vec<Vec<u8>> = Vec::new();
    let mut header = b"1210".to_vec();
    header.extend(number(netbank_api::INSTITUTION_BANK_CODE.parse().unwrap_or(0), 10));
    header.extend(text(netbank_api::INSTITUTION_BANK_KANA, 40));
    header.extend(format!("{:02}{:02}", date.month, date.day).into_bytes());
    header.extend(text(netbank_api::INSTITUTION_BANK_CODE, 4));
    header.extend(text(netbank_api::INSTITUTION_BANK_KANA, 15));
    header.extend(text(SENDER_BRANCH.0, 3));
    header.extend(text(SENDER_BRANCH.1, 15));
    header.extend(b"1".iter());
    header.extend(text(SENDER_ACCOUNT, 7));
    header.extend(text("", 17));
    records.push(header);
    for row in rows {
        let mut data = b"2".to_vec();
        data.extend(text(&row.bank_code, 4));
        data.extend(text(&zengin_kana(&row.bank_kana), 15));
        data.extend(text(&row.branch_code, 3));
        data.extend(text(&zengin_kana(&row.branch_kana), 15));
        data.extend(text("", 4)); // 手形交換所番号: unused for テレ振込
        data.extend(text(kind_code(&row.account_kind), 1));
        data.extend(text(&row.account_number, 7));
        data.extend(text(&row.payee_name, 30));
        data.extend(number(row.amount.0, 10));
        data.extend(b"0".iter()); // 新規コード
        data.extend(number(row.id, 10)); // 顧客コード1: the instruction, for returns
        data.extend(text(&crate::banking::receipt_date(row.created_at), 10)); // 顧客コード2: 受付日
        data.extend(b"7".iter()); // 振込指定区分: テレ振込
        data.extend(b" ".iter()); // 識別表示
        data.extend(text("", 7));
        records.push(data);
    }
    let mut trailer = b"8".to_vec();
    trailer.extend(number(rows.len() as i64, 6));
    trailer.extend(number(rows.iter().map(|row| row.amount.0).sum(), 12));
    trailer.extend(text("", 101));
    records.push(trailer);
    let mut end = b"9".to_vec();
    end.extend(text("", 119));
    records.push(end);
    debug_assert!(records.iter().all(|r| r.len() == RECORD_LEN));
    records.concat()
}

/// What one export did.
#[derive(Debug, Default)]
pub struct ExportReport {
    /// Each file written: its path, records and total.
    pub files: Vec<(PathBuf, i64, i64)>,
}

impl ExportReport {
    pub fn text(&self) -> String {
        if self.files.is_empty() {
            return "no new 他行振込 for that day: no file written\n".to_owned();
        }
        self.files.iter().map(|(path, count, total)| format!("{}: {count} 件 {total} 円\n", path.display())).collect()
    }
}

/// Writes `bytes` to `path` whole or not at all.
fn write_whole(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let partial = path.with_extension("partial");
    let mut file = std::fs::File::create(&partial)?;
    file.write_all(bytes)?;
    file.sync_all()?;
    std::fs::rename(&partial, path)?;
    if let Some(dir) = path.parent() {
        std::fs::File::open(dir)?.sync_all()?;
    }
    Ok(())
}

fn file_name(dir: &Path, batch: &ExportRow) -> PathBuf {
    let date = netbank_api::input::Date::from_days(batch.business_day);
    dir.join(format!("zengin-{:04}{:02}{:02}-{:04}.txt", date.year, date.month, date.day, batch.id))
}

/// `zengin export --date D --dir DIR`: the 全銀 file of every instruction due by `D` (Japan
/// time) not yet sent, and any file an earlier run left unwritten.
pub async fn export(
    db: &AnyPool,
    clock: &Clock,
    business_day: i64,
    dir: &Path,
    actor: &Actor,
) -> anyhow::Result<ExportReport> {
    let now = clock.now();
    House::Clearing.ensure(db, now).await?;
    House::Settlement.ensure(db, now).await?;
    let mut report = ExportReport::default();
    // First what an earlier run claimed and did not finish.
    while let Some(batch) = interbank::unwritten_export(db).await? {
        finish(db, clock, &batch, dir, actor, &mut report).await?;
    }
    let mut tx = crate::db::begin_write(db).await?;
    let claimed = interbank::claim_export(&mut tx, business_day, now).await?;
    tx.commit().await?;
    if claimed.is_some() {
        while let Some(batch) = interbank::unwritten_export(db).await? {
            finish(db, clock, &batch, dir, actor, &mut report).await?;
        }
    }
    Ok(report)
}

/// Writes a claimed batch's file and settles it.
async fn finish(
    db: &AnyPool,
    clock: &Clock,
    batch: &ExportRow,
    dir: &Path,
    actor: &Actor,
    report: &mut ExportReport,
) -> anyhow::Result<()> {
    let rows = interbank::batch(db, batch.id).await?;
    anyhow::ensure!(rows.len() as i64 == batch.record_count, "batch {} lost instructions", batch.id);
    let path = file_name(dir, batch);
    write_whole(&path, &file_of(batch, &rows))?;
    let now = clock.now();
    let mut tx = crate::db::begin_write(db).await?;
    let entry = crate::store::ledger::insert_entry(&mut *tx, EntryKind::Transfer, None, now).await?;
    if !interbank::mark_written(&mut *tx, batch.id, entry, now).await? {
        // Another run settled it meanwhile; the file it wrote is this one.
        return Ok(());
    }
    let clearing = House::Clearing.id(&mut *tx).await?;
    let settlement = House::Settlement.id(&mut *tx).await?;
    let description = format!("全銀送信 {}", path.file_name().and_then(|n| n.to_str()).unwrap_or_default());
    let lines = vec![
        Line { side: Side::Account(clearing), amount: -batch.total, description: description.clone() },
        Line { side: Side::Account(settlement), amount: batch.total, description },
    ];
    match ledger::post_lines(&mut tx, entry, lines).await {
        Ok(()) => {}
        Err(PostingError::Overdraft(_)) => anyhow::bail!("the clearing account holds less than batch {}", batch.id),
        Err(PostingError::Store(error)) => return Err(error.into()),
    }
    let event = AuditEvent {
        customer_id: None,
        event: AuditAction::ZenginExport,
        client_addr: None,
        result: Outcome::Success,
        detail: Some(format!(
            "file={} day={} count={} total={}",
            path.display(),
            utc_date(batch.business_day * 86_400),
            batch.record_count,
            batch.total
        )),
    };
    audit::record_by(&mut *tx, now, event, actor).await?;
    tx.commit().await?;
    report.files.push((path, batch.record_count, batch.total.0));
    Ok(())
}

/// 振込不能 reasons as the returns file gives them (全銀's 不能事由).
pub fn return_reason(code: &str) -> Option<&'static str> {
    Some(match code.trim() {
        "1" => "該当口座なし",
        "2" => "受取人名相違",
        "3" => "口座解約済",
        "4" => "取引停止中",
        "9" => "その他",
        _ => return None,
    })
}

/// What one import did, line by line.
#[derive(Debug, Default)]
pub struct ReturnsReport {
    pub returned: Vec<String>,
    pub already: Vec<String>,
    pub refused: Vec<String>,
}

impl ReturnsReport {
    pub fn text(&self) -> String {
        let mut text = String::new();
        for line in &self.returned {
            text.push_str(&format!("returned {line}\n"));
        }
        for line in &self.already {
            text.push_str(&format!("already returned {line}\n"));
        }
        for line in &self.refused {
            text.push_str(&format!("REFUSED {line}\n"));
        }
        text.push_str(&format!(
            "{} returned, {} already, {} refused\n",
            self.returned.len(),
            self.already.len(),
            self.refused.len()
        ));
        text
    }
}

/// `zengin import-returns FILE`: lines `受付番号,不能事由コード` (1 該当口座なし, 2 受取人名相違,
/// 3 口座解約済, 4 取引停止中, 9 その他). Each sent instruction named goes back to its
/// customer's account (the amount; the fee was the network's) with a notice; a line naming
/// one returned before is reported, not repeated.
pub async fn import_returns(db: &AnyPool, clock: &Clock, text: &str, actor: &Actor) -> anyhow::Result<ReturnsReport> {
    let mut report = ReturnsReport::default();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim().trim_start_matches('\u{FEFF}');
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let at = format!("line {}: {line}", index + 1);
        let Some((receipt, code)) = line.split_once(',') else {
            report.refused.push(format!("{at}: expected 受付番号,不能事由コード"));
            continue;
        };
        let (Some(id), Some(reason)) = (id_of(receipt), return_reason(code)) else {
            report.refused.push(format!("{at}: not a 他行振込 受付番号 and a reason code 1–4 or 9"));
            continue;
        };
        match return_one(db, clock, id, receipt.trim(), reason, actor).await? {
            Returned::Now => report.returned.push(format!("{} ({reason})", receipt.trim())),
            Returned::Before => report.already.push(receipt.trim().to_owned()),
            Returned::Refused(why) => report.refused.push(format!("{at}: {why}")),
        }
    }
    Ok(report)
}

enum Returned {
    Now,
    Before,
    Refused(&'static str),
}

async fn return_one(
    db: &AnyPool,
    clock: &Clock,
    id: i64,
    receipt: &str,
    reason: &str,
    actor: &Actor,
) -> anyhow::Result<Returned> {
    let now = clock.now();
    let mut tx = crate::db::begin_write(db).await?;
    let row = match interbank::by_id(&mut *tx, id).await? {
        Some(row) if receipt_no(row.id, row.created_at) == receipt => row,
        _ => return Ok(Returned::Refused("no such 他行振込")),
    };
    match row.status.as_str() {
        "returned" => return Ok(Returned::Before),
        "sent" => {}
        _ => return Ok(Returned::Refused("not sent: only a sent 振込 comes back")),
    }
    if !interbank::export_written(&mut *tx, row.export_id.unwrap_or_default()).await? {
        return Ok(Returned::Refused("its 全銀 file is not written yet: run zengin export first"));
    }
    let entry = crate::store::ledger::insert_entry(&mut *tx, EntryKind::Transfer, Some(row.customer_id), now).await?;
    if !interbank::mark_returned(&mut *tx, row.id, entry, reason, now).await? {
        return Ok(Returned::Before);
    }
    let settlement = House::Settlement.id(&mut *tx).await?;
    let lines = vec![
        Line { side: Side::Account(settlement), amount: -row.amount, description: format!("全銀返却 {receipt}") },
        Line {
            side: Side::Account(row.from_account_id),
            amount: row.amount,
            description: format!("振込不能返却 {}", row.payee_name),
        },
    ];
    match ledger::post_lines(&mut tx, entry, lines).await {
        Ok(()) => {}
        Err(PostingError::Overdraft(_)) => anyhow::bail!("the settlement account holds less than {receipt}"),
        Err(PostingError::Store(error)) => return Err(error.into()),
    }
    let notice = Notice::InterbankReturned {
        receipt_no: receipt.to_owned(),
        payee: payee_line(&row),
        amount: row.amount,
        reason: reason.to_owned(),
    };
    notice::send(&mut tx, row.customer_id, &notice, now).await?;
    let event = AuditEvent {
        customer_id: Some(row.customer_id),
        event: AuditAction::ZenginReturn,
        client_addr: None,
        result: Outcome::Success,
        detail: Some(format!("receipt={receipt} amount={} reason={reason}", row.amount)),
    };
    audit::record_by(&mut *tx, now, event, actor).await?;
    tx.commit().await?;
    Ok(Returned::Now)
}

/// `zengin master refresh FILE --version YYYYMMDD`: a newer zengin-code release.
pub async fn refresh_master(
    db: &AnyPool,
    clock: &Clock,
    file: &Path,
    version: &str,
    actor: &Actor,
) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
    let release = crate::banking::interbank::master::parse_published(&text, version)?;
    let banks = release.banks.len();
    let branches: usize = release.banks.iter().map(|b| b.branches.len()).sum();
    let now = clock.now();
    if !crate::banking::interbank::master::load(db, &release, now).await? {
        return Ok(format!("the loaded master is {version} or newer: nothing changed\n"));
    }
    let mut tx = crate::db::begin_write(db).await?;
    let event = AuditEvent {
        customer_id: None,
        event: AuditAction::ZenginMasterRefresh,
        client_addr: None,
        result: Outcome::Success,
        detail: Some(format!("version={version} banks={banks} branches={branches}")),
    };
    audit::record_by(&mut *tx, now, event, actor).await?;
    tx.commit().await?;
    Ok(format!("zengin-code {version}: {banks} banks, {branches} branches loaded\n"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{AccountId, CustomerId};
    use crate::money::Yen;

    fn row(id: i64, amount: i64) -> InterbankRow {
        InterbankRow {
            id,
            customer_id: CustomerId(1),
            from_account_id: AccountId(1),
            from_branch_code: "001".into(),
            from_number: "1234567".into(),
            bank_code: "0001".into(),
            bank_name: "みずほ".into(),
            bank_kana: "ミズホ".into(),
            branch_code: "001".into(),
            branch_name: "東京営業部".into(),
            branch_kana: "トウキヨウ".into(),
            account_kind: "ordinary".into(),
            account_number: "7654321".into(),
            payee_name: "ﾔﾏﾀﾞ ﾀﾛｳ".into(),
            amount: Yen(amount),
            fee: Yen(220),
            requester_name: "デモ タロウ".into(),
            execution_day: 20_791,
            status: "sent".into(),
            export_id: Some(1),
            return_reason: None,
            created_at: 1_796_340_000,
            booked: 0,
            review_rules: None,
            review_status: None,
        }
    }

    #[test]
    fn the_file_is_records_of_120_bytes_with_the_totals_in_the_trailer() {
        let batch = ExportRow { id: 1, business_day: 20_791, record_count: 2, total: Yen(15_000), written_at: None };
        let file = file_of(&batch, &[row(7, 10_000), row(8, 5_000)]);
        assert_eq!(file.len(), 5 * RECORD_LEN);
        let records: Vec<&[u8]> = file.chunks(RECORD_LEN).collect();
        assert_eq!(&records[0][..4], b"1210");
        assert_eq!(records[1][0], b'2');
        assert_eq!(&records[1][1..5], b"0001");
        assert_eq!(&records[1][5..20], jis_x0201("ﾐｽﾞﾎ           ").unwrap().as_slice());
        assert_eq!(&records[1][42..43], b"1");
        assert_eq!(&records[1][43..50], b"7654321");
        assert_eq!(&records[1][50..80], jis_x0201(&format!("{:<30}", "ﾔﾏﾀﾞ ﾀﾛｳ")).unwrap().as_slice());
        assert_eq!(&records[1][80..90], b"0000010000");
        assert_eq!(&records[1][91..101], b"0000000007");
        assert_eq!(&records[1][111..112], b"7");
        assert_eq!(&records[3][..19], b"8000002000000015000");
        assert_eq!(records[4][0], b'9');
        assert!(file.iter().all(|b| *b >= 0x20 && *b != 0x7F), "no control bytes");
    }

    #[test]
    fn return_reasons_are_the_documented_codes() {
        assert_eq!(return_reason("1"), Some("該当口座なし"));
        assert_eq!(return_reason(" 2 "), Some("受取人名相違"));
        assert_eq!(return_reason("5"), None);
    }
}

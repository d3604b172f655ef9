//! The demo customers `./x run` prints: one registered (log straight in), one waiting for
//! 初回利用登録. Seeding again puts them back in that state, so the printed values always work.

use netbank_api::identity::AccountKind;
use netbank_api::input::{
    AccountNumber, BillCategory, BillConfirmation, BillNumber, BillerNumber, BranchCode, Date, KanaName,
};
use netbank_api::payeasy::BillerKind;
use sqlx::AnyPool;

use crate::audit::{self, AuditAction, AuditEvent, Outcome};
use crate::banking::jst_day;
use crate::banking::ledger::{self, Line, Posting, Side};
use crate::clock::Clock;
use crate::config::Mode;
use crate::identity::password;
use crate::identity::session::{self, Revocation};
use crate::ids::AccountId;
use crate::ids::CustomerId;
use crate::money::Yen;
use crate::operator::customers::OPERATOR;
use crate::operator::payeasy::{self, BillLine, BillerSpec};
use crate::store::billers;
use crate::store::ledger::{EntryKind, HouseAccount};
use crate::store::{accounts, customers, otp_tokens};

pub const LOGIN_ID: &str = "demo01";
pub const PASSWORD: &str = "demo1234";
pub const NEW_BRANCH: &str = "001";
pub const NEW_ACCOUNT: &str = "7654321";
pub const NEW_TEMPORARY_PASSWORD: &str = "kari2345";

/// Where the demo customer's notices go: the development mailbox shows them.
pub const NOTICE_ADDRESS: &str = "demo01@netbank.example";

/// The demo's well-known passwords must never exist on a real database: seeding refuses
/// unless the server runs in development mode.
pub fn ensure_allowed(mode: Mode) -> anyhow::Result<()> {
    anyhow::ensure!(
        mode == Mode::Development,
        "the demo customers are for development mode only (--mode development); nothing was written"
    );
    Ok(())
}

pub async fn seed(db: &AnyPool, clock: &Clock, mode: Mode) -> anyhow::Result<()> {
    ensure_allowed(mode)?;
    // The caller's word is not enough: a bank whose server last ran in production keeps its
    // customers (the demo's accounts could be real ones there).
    let started = crate::store::deployment::last_start(db).await?;
    anyhow::ensure!(
        started.is_none_or(|started| started.mode == "development"),
        "this database belongs to a production bank: the demo customers are never seeded into it; nothing was written"
    );
    let now = clock.now();
    let password_hash = password::hash(PASSWORD.into()).await?;
    let temporary_hash = password::hash(NEW_TEMPORARY_PASSWORD.into()).await?;
    // The seed reads before it writes, beside the server's sweeper and mail sender.
    let mut tx = crate::db::begin_write(db).await?;

    const TARO_KANA: &str = "デモ\u{3000}タロウ";
    let (registered, taro) = ensure_customer(&mut tx, "デモ 太郎", TARO_KANA, "001", "1234567", now).await?;
    let taro_savings = ensure_account(&mut tx, registered, "001", "2345678", AccountKind::Savings, TARO_KANA).await?;
    // Long on file: the demo customer's first second factor can be confirmed by a 確認コード.
    customers::set_notice_address(&mut *tx, registered, NOTICE_ADDRESS, Some(now - 365 * 86_400)).await?;
    customers::reset_credentials(&mut *tx, registered, LOGIN_ID, &password_hash, now).await?;

    // Back to トークン未発行, so the printed password logs in without a code from a token
    // that may be gone with an earlier browser profile; its sessions end with it.
    otp_tokens::initialise(&mut *tx, registered).await?;
    session::revoke_all(&mut tx, registered, Revocation::DemoSeed, Some(OPERATOR.into()), now).await?;

    let (newcomer, hanako) =
        ensure_customer(&mut tx, "デモ 花子", "デモ\u{3000}ハナコ", NEW_BRANCH, NEW_ACCOUNT, now).await?;
    // History only for accounts opened now: the ledger is never rewritten, so seeding again
    // keeps what the demo customers have done since.
    if let (Some(taro), Some(savings), Some(hanako)) = (taro, taro_savings, hanako) {
        seed_history(&mut tx, registered, taro, savings, hanako, now).await?;
    }
    session::revoke_all(&mut tx, newcomer, Revocation::DemoSeed, Some(OPERATOR.into()), now).await?;
    otp_tokens::initialise(&mut *tx, newcomer).await?;
    customers::delete_credentials(&mut *tx, newcomer).await?;
    customers::store_temporary_password(&mut *tx, newcomer, &temporary_hash, now + 365 * 86_400).await?;
    seed_payeasy(&mut tx, now).await?;
    for customer_id in [registered, newcomer] {
        let event = AuditEvent {
            customer_id: Some(customer_id),
            event: AuditAction::DemoSeed,
            client_addr: Some(OPERATOR.into()),
            result: Outcome::Success,
            detail: None,
        };
        audit::record(&mut *tx, now, event).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The customer with this account (and the account's id if it was opened now).
async fn ensure_customer(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    name: &str,
    kana: &str,
    branch: &str,
    number: &str,
    now: i64,
) -> sqlx::Result<(CustomerId, Option<AccountId>)> {
    if let Some(id) = accounts::customer_by_account(&mut **tx, branch, number).await? {
        return Ok((id, None));
    }
    let id = customers::insert_customer(&mut **tx, name, None, now).await?;
    let account = ensure_account(tx, id, branch, number, AccountKind::Ordinary, kana).await?;
    Ok((id, account))
}

async fn ensure_account(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    customer_id: CustomerId,
    branch: &str,
    number: &str,
    kind: AccountKind,
    kana: &str,
) -> sqlx::Result<Option<AccountId>> {
    let account = accounts::NewAccount { customer_id, branch_code: branch, number, kind, holder_kana: Some(kana) };
    accounts::insert_account_if_absent(&mut **tx, account).await
}

/// Four months of a life so 入出金明細 has something to show: salaries, cash, a bill, a 振替
/// to savings and a 振込 between the two demo customers each month, oldest first (the order
/// the running balance is computed in).
async fn seed_history(
    tx: &mut sqlx::Transaction<'_, sqlx::Any>,
    taro_id: CustomerId,
    taro: AccountId,
    savings: AccountId,
    hanako: AccountId,
    now: i64,
) -> anyhow::Result<()> {
    const DAY: i64 = 86_400;
    let start = now - 122 * DAY;
    let line =
        |side, amount: i64, description: &str| Line { side, amount: Yen(amount), description: description.to_owned() };
    let cash = Side::House(HouseAccount::Cash);
    let mut postings = vec![
        // Chosen so the months below end at the balances the demo has always shown:
        // 1,250,000円 and 300,000円 for 太郎, 80,000円 for 花子.
        ledger::from_cash(EntryKind::Opening, taro, Yen(386_420), "口座開設", None, start),
        ledger::from_cash(EntryKind::Opening, savings, Yen(220_000), "口座開設", None, start),
        ledger::from_cash(EntryKind::Opening, hanako, Yen(20_000), "口座開設", None, start),
    ];
    for month in 0..4 {
        let day = |offset: i64| start + (month * 30 + offset) * DAY + 10 * 3600;
        postings.push(ledger::from_cash(
            EntryKind::Deposit,
            taro,
            Yen(280_000),
            "給与 カ）ネットバンクショウジ",
            None,
            day(3),
        ));
        postings.push(ledger::from_cash(
            EntryKind::Deposit,
            hanako,
            Yen(30_000),
            "給与 カ）シンクミサービス",
            None,
            day(4),
        ));
        let out = |account, amount: i64, description: &str, at| Posting {
            kind: EntryKind::Withdrawal,
            customer_id: None,
            at,
            lines: vec![line(Side::Account(account), -amount, description), line(cash, amount, description)],
        };
        postings.push(out(taro, 30_000, "ATM出金", day(6)));
        postings.push(out(hanako, 20_000, "ATM出金", day(7)));
        postings.push(out(taro, 8_640 + month * 310, "口座振替 デンキリョウキン", day(12)));
        postings.push(Posting {
            kind: EntryKind::OwnTransfer,
            customer_id: Some(taro_id),
            at: day(15),
            lines: vec![line(Side::Account(taro), -20_000, "振替"), line(Side::Account(savings), 20_000, "振替")],
        });
        postings.push(Posting {
            kind: EntryKind::Transfer,
            customer_id: Some(taro_id),
            at: day(20),
            lines: vec![
                line(Side::Account(taro), -5_000, "振込 デモ\u{3000}ハナコ"),
                line(Side::Account(hanako), 5_000, "振込 デモ\u{3000}タロウ"),
            ],
        });
    }
    postings.sort_by_key(|posting| posting.at);
    for posting in postings {
        ledger::post(&mut *tx, posting).await?;
    }
    Ok(())
}

/// ペイジー's demo: a tax office, a city, NHK and a mail-order company, each with an open bill
/// for デモ 太郎 due in a month (seeding again adds none already there; a paid one stays paid).
/// Their 収納口座 are 001-90000xx.
pub const DEMO_BILLS: [DemoBill; 4] = [
    DemoBill {
        biller: "00200",
        name: "国税庁",
        kana: "コクゼイチョウ",
        kind: BillerKind::National,
        category: Some("101"),
        fee: 0,
        number: "1234567890123456",
        confirmation: "246810",
        amount: 58_000,
        description: "令和8年分 申告所得税及復興特別所得税 予定納税 第2期",
    },
    DemoBill {
        biller: "11301",
        name: "ネットバンク市",
        kana: "ネットバンクシ",
        kind: BillerKind::Local,
        category: Some("010"),
        fee: 0,
        number: "2026300012345",
        confirmation: "1357",
        amount: 42_300,
        description: "令和8年度 固定資産税 第3期",
    },
    DemoBill {
        biller: "53001",
        name: "日本放送協会",
        kana: "ニツポンホウソウキヨウカイ",
        kind: BillerKind::Company,
        category: None,
        fee: 0,
        number: "70012345678",
        confirmation: "9876",
        amount: 13_650,
        description: "放送受信料 2026年10月〜2027年3月分",
    },
    DemoBill {
        biller: "58901",
        name: "デモ通販株式会社",
        kana: "デモツウハン（カ",
        kind: BillerKind::Company,
        category: None,
        fee: 110,
        number: "20261203000042",
        confirmation: "4242",
        amount: 12_980,
        description: "ご注文番号 42 お買上代金",
    },
];

/// One demo biller and its open bill.
pub struct DemoBill {
    pub biller: &'static str,
    pub name: &'static str,
    pub kana: &'static str,
    pub kind: BillerKind,
    pub category: Option<&'static str>,
    pub fee: i64,
    pub number: &'static str,
    pub confirmation: &'static str,
    pub amount: i64,
    pub description: &'static str,
}

async fn seed_payeasy(tx: &mut sqlx::Transaction<'_, sqlx::Any>, now: i64) -> anyhow::Result<()> {
    for (index, demo) in DEMO_BILLS.iter().enumerate() {
        let number = BillerNumber::parse(demo.biller)?;
        let biller_id = match billers::biller_by_number(&mut **tx, demo.biller).await? {
            Some(biller) => biller.id,
            None => {
                let kana = KanaName::parse_field(demo.kana, "kana")?;
                let account = AccountNumber::parse(&format!("90000{:02}", index + 1))?;
                let spec = BillerSpec {
                    number: &number,
                    name: demo.name,
                    kana: &kana,
                    kind: demo.kind,
                    needs_category: demo.category.is_some(),
                    fee: Yen(demo.fee),
                    branch: &BranchCode::parse(NEW_BRANCH)?,
                    account: &account,
                };
                payeasy::add_biller_in(tx, &spec, now).await?
            }
        };
        let bill = BillLine {
            biller: number,
            number: BillNumber::parse(demo.number)?,
            confirmation: BillConfirmation::parse(demo.confirmation)?,
            category: demo.category.map(BillCategory::parse).transpose()?,
            amount: Yen(demo.amount),
            due: Date::from_days(jst_day(now) + 30),
            description: demo.description.to_owned(),
        };
        // Seeded again a month later, the bill keeps its first due date: a paid or changed
        // bill is never rewritten.
        let _ = payeasy::insert_bill_in(tx, biller_id, &bill, now).await?;
    }
    Ok(())
}

/// What `serve --demo` prints under the URL.
pub fn credentials_text() -> String {
    format!(
        "demo login:        ログインID {LOGIN_ID} / ログインパスワード {PASSWORD} (notices to {NOTICE_ADDRESS})\n\
         demo registration: 店番 {NEW_BRANCH} / 口座番号 {NEW_ACCOUNT} / 仮パスワード {NEW_TEMPORARY_PASSWORD} (初回利用登録)\n\
         demo ペイジー:      {}",
        DEMO_BILLS
            .iter()
            .map(|b| format!(
                "{} {}: 収納機関番号 {} / {} {} / 確認番号 {}{}",
                b.name,
                netbank_api::banking::yen(b.amount),
                b.biller,
                b.kind.number_label(),
                b.number,
                b.confirmation,
                b.category.map(|c| format!(" / 納付区分 {c}")).unwrap_or_default()
            ))
            .collect::<Vec<_>>()
            .join("\n                    ")
    )
}

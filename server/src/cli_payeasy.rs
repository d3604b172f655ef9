//! `netbank-server payeasy …`: the operator's side of ペイジー (`operator::payeasy`).

use clap::Subcommand;
use netbank_api::input::{AccountNumber, BillerNumber, BranchCode, Date, KanaName, LoginId};
use netbank_api::payeasy::BillerKind;

use crate::audit::Actor;
use crate::clock::Clock;
use crate::money::Yen;
use crate::operator::customers::CustomerRef;
use crate::operator::payeasy::{self, BillerSpec};

#[derive(Debug, Subcommand)]
pub enum PayeasyCommand {
    /// 収納機関: add one (opening its 収納口座) or list them.
    #[command(subcommand)]
    Biller(BillerCommand),
    /// Bills the 収納機関 deliver.
    #[command(subcommand)]
    Bill(BillCommand),
    /// What the bank remits each 収納機関 for a Japan-time day: count, amount, fees.
    Settle {
        /// `YYYY-MM-DD`.
        #[arg(long)]
        date: String,
    },
    /// A customer's ペイジー: wrong numbers today, stops so far, whether it is locked.
    Show {
        #[arg(long)]
        login_id: String,
    },
    /// Resume a customer's ペイジー after the sixth stop (利用再開, with the customer's
    /// identity checked at the branch); today's count and the stops end.
    Resume {
        #[arg(long)]
        login_id: String,
        /// What was checked (recorded in the audit log).
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum BillerCommand {
    /// Add a 収納機関 and open its 収納口座 at this bank.
    Add {
        /// 収納機関番号, 5 digits.
        #[arg(long)]
        number: String,
        /// 収納機関名, as customers see it.
        #[arg(long)]
        name: String,
        /// The 収納口座's 口座名義 (全角カナ).
        #[arg(long)]
        kana: String,
        #[arg(long, value_enum)]
        kind: KindArg,
        /// Its bills carry a 納付区分 (every 地方公共団体's do).
        #[arg(long)]
        category: bool,
        /// 払込手数料 the payer pays per payment (yen).
        #[arg(long, default_value_t = 0, value_parser = clap::value_parser!(i64).range(0..=10_000))]
        fee: i64,
        /// The 収納口座: `店番-口座番号`, not yet opened.
        #[arg(long)]
        account: String,
    },
    List,
}

#[derive(Debug, Subcommand)]
pub enum BillCommand {
    /// Import bills from a CSV file: biller_number, bill_number, confirmation_number,
    /// category, amount, due_date, description. Each line is checked and reported; a bill
    /// imported before is left as it is (exit status 1 if any line was refused).
    Import { file: std::path::PathBuf },
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum KindArg {
    /// 国庫金.
    National,
    /// 地方公共団体.
    Local,
    /// 民間企業.
    Company,
}

impl From<KindArg> for BillerKind {
    fn from(kind: KindArg) -> Self {
        match kind {
            KindArg::National => Self::National,
            KindArg::Local => Self::Local,
            KindArg::Company => Self::Company,
        }
    }
}

pub async fn run(db: &sqlx::AnyPool, command: PayeasyCommand) -> anyhow::Result<()> {
    let clock = Clock::System;
    let actor = Actor::operator_cli();
    match command {
        PayeasyCommand::Biller(BillerCommand::Add { number, name, kana, kind, category, fee, account }) => {
            let number = BillerNumber::parse(&number)?;
            let kana = KanaName::parse_field(&kana, "kana")?;
            let (branch, account) =
                account.split_once('-').ok_or_else(|| anyhow::anyhow!("--account: 店番-口座番号, e.g. 001-9000001"))?;
            let (branch, account) = (BranchCode::parse(branch)?, AccountNumber::parse(account)?);
            let spec = BillerSpec {
                number: &number,
                name: &name,
                kana: &kana,
                kind: kind.into(),
                needs_category: category,
                fee: Yen(fee),
                branch: &branch,
                account: &account,
            };
            payeasy::add_biller(db, &clock, &spec, &actor).await?;
            println!("収納機関 {} {name}: 収納口座 {}-{}", number.as_str(), branch.as_str(), account.as_str());
        }
        PayeasyCommand::Biller(BillerCommand::List) => print!("{}", payeasy::list_billers(db).await?),
        PayeasyCommand::Bill(BillCommand::Import { file }) => {
            let text = std::fs::read_to_string(&file)
                .map_err(|error| anyhow::anyhow!("{}: {error} (a UTF-8 CSV file)", file.display()))?;
            let report = payeasy::import_bills(db, &clock, &text, &actor).await?;
            print!("{}", report.text());
            anyhow::ensure!(
                report.refused.is_empty(),
                "{} line(s) refused; the others were imported",
                report.refused.len()
            );
        }
        PayeasyCommand::Settle { date } => {
            let date = Date::parse_field(&date, "date")?;
            print!("{}", payeasy::settle(db, date).await?);
        }
        PayeasyCommand::Show { login_id } => {
            let login = LoginId::parse(&login_id)?;
            let customer = CustomerRef::LoginId(&login).id(db).await?;
            println!("{}", payeasy::standing(db, &clock, customer).await?);
        }
        PayeasyCommand::Resume { login_id, reason } => {
            let login = LoginId::parse(&login_id)?;
            let customer = CustomerRef::LoginId(&login).id(db).await?;
            payeasy::resume(db, &clock, customer, &reason, &actor).await?;
            println!("ペイジー: {login_id} may pay again");
        }
    }
    Ok(())
}

//! `netbank-server zengin …`: the operator's side of 他行振込 (`operator::zengin`).

use clap::Subcommand;
use netbank_api::input::Date;

use crate::audit::Actor;
use crate::clock::Clock;
use crate::operator::zengin;

#[derive(Debug, Subcommand)]
pub enum ZenginCommand {
    /// Write the business day's 全銀 file (総合振込, 120-byte records) of 他行振込 due by
    /// `--date` and not yet sent. Run again, it writes nothing new; after a crash it writes the
    /// unfinished file again, byte for byte.
    Export {
        /// `YYYY-MM-DD` (Japan time): the 取組日.
        #[arg(long)]
        date: String,
        /// Where the file goes (`zengin-YYYYMMDD-NNNN.txt`).
        #[arg(long, default_value = ".")]
        dir: std::path::PathBuf,
    },
    /// Take back 振込不能 returns: a file of lines `受付番号,不能事由コード` (1 該当口座なし,
    /// 2 受取人名相違, 3 口座解約済, 4 取引停止中, 9 その他). Exit status 1 if any line was refused.
    ImportReturns { file: std::path::PathBuf },
    /// The 全銀 bank and branch master.
    #[command(subcommand)]
    Master(MasterCommand),
}

#[derive(Debug, Subcommand)]
pub enum MasterCommand {
    /// Load a newer zengin-code release: the npm package `zengin-code`'s `lib/zengin-data.js`
    /// (or the JSON object it exports).
    Refresh {
        file: std::path::PathBuf,
        /// The release's date, `YYYYMMDD` (the package's version is `1.0.0-pYYYYMMDD`).
        #[arg(long)]
        version: String,
    },
    /// Which release is loaded.
    Show,
    /// Write a release as the copy the server ships (`./x zengin-data` runs this).
    WriteShipped {
        file: std::path::PathBuf,
        #[arg(long)]
        version: String,
        #[arg(long)]
        out: std::path::PathBuf,
    },
}

pub async fn run(db: &sqlx::AnyPool, command: ZenginCommand) -> anyhow::Result<()> {
    let clock = Clock::System;
    let actor = Actor::operator_cli();
    match command {
        ZenginCommand::Export { date, dir } => {
            let date = Date::parse_field(&date, "date")?;
            let report = zengin::export(db, &clock, date.days(), &dir, &actor).await?;
            print!("{}", report.text());
        }
        ZenginCommand::ImportReturns { file } => {
            let text = std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let report = zengin::import_returns(db, &clock, &text, &actor).await?;
            print!("{}", report.text());
            anyhow::ensure!(
                report.refused.is_empty(),
                "{} line(s) refused; the others were taken",
                report.refused.len()
            );
        }
        ZenginCommand::Master(MasterCommand::Refresh { file, version }) => {
            print!("{}", zengin::refresh_master(db, &clock, &file, &version, &actor).await?);
        }
        ZenginCommand::Master(MasterCommand::WriteShipped { file, version, out }) => {
            let text = std::fs::read_to_string(&file).map_err(|e| anyhow::anyhow!("{}: {e}", file.display()))?;
            let release = crate::banking::interbank::master::parse_published(&text, &version)?;
            std::fs::write(&out, crate::banking::interbank::master::shipped_text(&release))?;
            println!("{}: zengin-code {version}, {} banks", out.display(), release.banks.len());
        }
        ZenginCommand::Master(MasterCommand::Show) => {
            let version = crate::store::zengin_master::version(db).await?;
            println!("zengin-code {}", version.as_deref().unwrap_or("(none loaded)"));
        }
    }
    Ok(())
}

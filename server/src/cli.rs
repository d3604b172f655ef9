use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use netbank_api::identity::AccountKind;
use netbank_api::input::{AccountNumber, BranchCode, LoginId};

use crate::clock::Clock;
use crate::config::{Policy, Settings};
use crate::operator::{customers, demo};
use crate::startup::Application;

/// netbank server and operator tools.
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(flatten)]
    pub common: CommonArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Directory for the database and other state; created on first start.
    #[arg(long, env = "NETBANK_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the SPA (the default).
    Serve(ServeArgs),
    /// Operator: customers and their logins.
    #[command(subcommand)]
    Customer(CustomerCommand),
    /// Put the demo customers (printed by `serve --demo`) in their starting state.
    SeedDemo,
}

// `Parser` as well as `Args`, so that `netbank-server` with no subcommand serves with the
// same defaults and environment variables as `netbank-server serve`.
#[derive(Debug, Parser)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, env = "NETBANK_ADDR", default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// The built SPA (Trunk's dist directory) to serve at `/`.
    #[arg(long, env = "NETBANK_DIST")]
    pub dist: Option<PathBuf>,
    /// Seed the demo customers at start and print their credentials.
    #[arg(long, env = "NETBANK_DEMO")]
    pub demo: bool,
    #[command(flatten)]
    pub policy: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Wrong login passwords in a row that lock the login.
    #[arg(long, env = "NETBANK_LOCKOUT_THRESHOLD", default_value_t = Policy::default().login_lockout_threshold)]
    pub lockout_threshold: u32,
    /// Seconds without a request that end a session.
    #[arg(long, env = "NETBANK_SESSION_IDLE_SECONDS", default_value_t = Policy::default().session_idle_seconds)]
    pub session_idle_seconds: i64,
    /// Seconds after login that end a session regardless.
    #[arg(long, env = "NETBANK_SESSION_ABSOLUTE_SECONDS", default_value_t = Policy::default().session_absolute_seconds)]
    pub session_absolute_seconds: i64,
    /// Authentication requests per client address per minute.
    #[arg(long, env = "NETBANK_AUTH_REQUESTS_PER_MINUTE", default_value_t = Policy::default().auth_requests_per_minute)]
    pub auth_requests_per_minute: u32,
    /// Clients reach the server over TLS (directly or via a proxy): Secure cookies, HSTS.
    #[arg(long, env = "NETBANK_TLS")]
    pub tls: bool,
}

impl PolicyArgs {
    fn policy(&self) -> Policy {
        Policy {
            login_lockout_threshold: self.lockout_threshold,
            session_idle_seconds: self.session_idle_seconds,
            session_absolute_seconds: self.session_absolute_seconds,
            auth_requests_per_minute: self.auth_requests_per_minute,
            tls: self.tls,
            ..Policy::default()
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum CustomerCommand {
    /// Open a customer with one account; prints the 仮パスワード for 初回利用登録.
    Create {
        #[arg(long)]
        name: String,
        /// 店番 (3 digits).
        #[arg(long)]
        branch: String,
        /// 口座番号 (7 digits).
        #[arg(long)]
        account: String,
        /// ordinary (普通), current (当座) or savings (貯蓄).
        #[arg(long, default_value = "ordinary")]
        kind: String,
        /// Opening balance in yen.
        #[arg(long, default_value_t = 0)]
        balance: i64,
    },
    /// Show a customer by login ID or by 店番 and 口座番号.
    Show {
        #[arg(long, conflicts_with_all = ["branch", "account"])]
        login_id: Option<String>,
        #[arg(long, requires = "account")]
        branch: Option<String>,
        #[arg(long, requires = "branch")]
        account: Option<String>,
    },
    /// Lift a password lockout.
    Unlock {
        #[arg(long)]
        login_id: String,
    },
    /// Issue a new 仮パスワード to a customer who has not registered yet.
    ReissueTemporaryPassword {
        #[arg(long)]
        branch: String,
        #[arg(long)]
        account: String,
    },
}

impl Cli {
    pub async fn run(self) -> anyhow::Result<()> {
        let command = self.command.unwrap_or_else(|| Command::Serve(ServeArgs::parse_from(["serve"])));
        let data_dir = self.common.data_dir;
        match command {
            Command::Serve(args) => serve(data_dir, args).await,
            Command::SeedDemo => {
                let db = open(&data_dir).await?;
                demo::seed(&db, &Clock::System).await?;
                println!("{}", demo::credentials_text());
                Ok(())
            }
            Command::Customer(command) => customer(data_dir, command).await,
        }
    }
}

async fn serve(data_dir: PathBuf, args: ServeArgs) -> anyhow::Result<()> {
    let settings =
        Settings { addr: args.addr, data_dir, dist_dir: args.dist, policy: args.policy.policy(), clock: Clock::System };
    let app = Application::build(settings).await?;
    if args.demo {
        demo::seed(&app.state().db, &Clock::System).await?;
    }
    println!("netbank is running at http://{}/", app.address());
    if args.demo {
        println!("{}", demo::credentials_text());
    }
    app.run_until_stopped().await
}

async fn open(data_dir: &std::path::Path) -> anyhow::Result<sqlx::SqlitePool> {
    std::fs::create_dir_all(data_dir)?;
    crate::db::open(&data_dir.join(crate::config::DATABASE_FILE)).await
}

fn date(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    // Civil-from-days (Howard Hinnant), so the CLI needs no date crate for one line.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

async fn customer(data_dir: PathBuf, command: CustomerCommand) -> anyhow::Result<()> {
    let db = open(&data_dir).await?;
    let clock = Clock::System;
    let policy = Policy::default();
    match command {
        CustomerCommand::Create { name, branch, account, kind, balance } => {
            let kind = AccountKind::from_db(&kind).ok_or_else(|| anyhow::anyhow!("unknown account kind {kind}"))?;
            let customer = customers::NewCustomer {
                name: &name,
                branch: BranchCode::parse(&branch)?,
                account: AccountNumber::parse(&account)?,
                kind,
                balance,
            };
            let notice = customers::create(&db, &clock, &policy, customer).await?;
            println!("customer {} created", notice.customer_id);
            println!("仮パスワード: {} (valid until {})", notice.temporary_password, date(notice.expires_at));
        }
        CustomerCommand::Show { login_id, branch, account } => {
            let login_id = login_id.as_deref().map(LoginId::parse).transpose()?;
            let account = match (branch, account) {
                (Some(b), Some(a)) => Some((BranchCode::parse(&b)?, AccountNumber::parse(&a)?)),
                _ => None,
            };
            let summary = customers::show(&db, login_id.as_ref(), account.as_ref().map(|(b, a)| (b, a))).await?;
            println!("customer:  {}", summary.customer_id);
            println!("name:      {}", summary.name);
            println!("login ID:  {}", summary.login_id.as_deref().unwrap_or("(not registered)"));
            if summary.login_id.is_some() {
                let state = match summary.locked_at {
                    Some(at) => format!("LOCKED since {}", date(at)),
                    None => format!("active ({} wrong passwords in a row)", summary.failed_attempts.unwrap_or(0)),
                };
                println!("login:     {state}");
            }
            println!("accounts:  {}", summary.accounts);
        }
        CustomerCommand::Unlock { login_id } => {
            let login_id = LoginId::parse(&login_id)?;
            customers::unlock(&db, &clock, &login_id).await?;
            println!("login {} unlocked", login_id.as_str());
        }
        CustomerCommand::ReissueTemporaryPassword { branch, account } => {
            let notice = customers::reissue_temporary_password(
                &db,
                &clock,
                &policy,
                &BranchCode::parse(&branch)?,
                &AccountNumber::parse(&account)?,
            )
            .await?;
            println!("仮パスワード: {} (valid until {})", notice.temporary_password, date(notice.expires_at));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn dates_are_civil_utc() {
        assert_eq!(super::date(0), "1970-01-01");
        assert_eq!(super::date(1_795_478_400), "2026-11-24");
    }
}

use std::net::SocketAddr;
use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};
use netbank_api::identity::AccountKind;
use netbank_api::input::{AccountNumber, Amount, BranchCode, KanaName, LoginId, NoticeAddress};
use netbank_api::otp::TotpAlgorithm;

use crate::audit::{Actor, AuditAction};
use crate::banking::policy::{FeeTable, TransferPolicy};
use crate::calendar::jst_datetime;
use crate::calendar::utc_date;
use crate::clock::Clock;
use crate::config::{
    EdgeSettings, EnrolmentPolicy, MailSettings, Mode, OtpPolicy, Policy, Settings, DEFAULT_SERVICE_ID,
};
use crate::http::client_addr::TrustedProxies;
use crate::identity::password;
use crate::mail::outbox;
use crate::money::Yen;
use crate::operator::{customers, demo, otp as otp_operator, passkeys as passkey_operator};
use crate::otp::secret_box::SecretBox;
use crate::startup::Application;
use crate::telemetry::LogFormat;

/// netbank server and operator tools. Without a subcommand it serves: `netbank-server
/// --addr 0.0.0.0:8080` is `netbank-server serve --addr 0.0.0.0:8080`. (The server's flags
/// given before another subcommand are not used by it; `--data-dir` is everyone's.)
#[derive(Debug, Parser)]
#[command(version, about)]
pub struct Cli {
    #[command(flatten)]
    pub common: CommonArgs,
    /// The server's flags, when no subcommand is given.
    #[command(flatten)]
    pub serve: ServeArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Args)]
pub struct CommonArgs {
    /// Directory for the database and other state; created on first start.
    #[arg(long, env = "NETBANK_DATA_DIR", default_value = "data", global = true)]
    pub data_dir: PathBuf,
    /// `postgres://user:pass@host/db` to share one database between server instances, or
    /// `sqlite://path`; default: the SQLite file in the data directory.
    #[arg(long, env = "NETBANK_DATABASE_URL", hide_env_values = true, global = true)]
    pub database_url: Option<String>,
    /// Database connections in the pool (minimum 2).
    #[arg(long, env = "NETBANK_DB_CONNECTIONS", default_value_t = crate::db::connections(), global = true)]
    pub db_connections: u32,
    /// Log lines as text, or as one JSON object per line (with each request's id and client).
    #[arg(long, env = "NETBANK_LOG_FORMAT", value_enum, default_value = "text", global = true)]
    pub log_format: LogFormat,
    /// In production a two-person action (停止解除, 初期化, unlock, passkey removal, 仮パスワード,
    /// notice address, large 窓口入金, hold decisions, 凍結) belongs at the staff console; from
    /// the CLI it is an emergency: this flag with the command's reason, audited as such.
    #[arg(long, global = true)]
    pub break_glass: bool,
}

/// `--balance`: nothing, or an amount under the API's `Amount` rule.
fn opening_balance(raw: &str) -> anyhow::Result<i64> {
    match raw.trim() {
        "0" | "" => Ok(0),
        other => Ok(Amount::parse(other)?.yen()),
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and the SPA (the default). Boxed: its many settings would make every
    /// other command as large.
    Serve(Box<ServeArgs>),
    /// Operator: customers and their logins.
    #[command(subcommand)]
    Customer(CustomerCommand),
    /// Operator: a customer's one-time password (停止解除, 初期化).
    #[command(subcommand)]
    Otp(OtpCommand),
    /// Operator: a customer's passkeys (removal for a lost device).
    #[command(subcommand)]
    Passkey(PasskeyCommand),
    /// Operator: accounts (窓口入金).
    #[command(subcommand)]
    Account(AccountCommand),
    /// Operator: the ledger (trial balance).
    #[command(subcommand)]
    Ledger(LedgerCommand),
    /// Operator: accounts to which a 振込 must carry the payer's own name (依頼人名).
    #[command(subcommand)]
    PayeeFlag(PayeeFlagCommand),
    /// Operator: 振込 the bank holds for checking (出金停止).
    #[command(subcommand)]
    Transfer(TransferCommand),
    /// Operator: ペイジー's 収納機関, their bills, the day's settlement, a customer's stop.
    #[command(subcommand)]
    Payeasy(crate::cli_payeasy::PayeasyCommand),
    /// Operator: 他行振込's 全銀 file, returns (振込不能) and the bank and branch master.
    #[command(subcommand)]
    Zengin(crate::cli_zengin::ZenginCommand),
    /// Operator: the mail outbox.
    #[command(subcommand)]
    Mail(MailCommand),
    /// Operator: the database itself.
    #[command(subcommand)]
    Db(DbCommand),
    /// The staff console's people: create (prints a single-use enrolment code), list, disable.
    #[command(subcommand)]
    Staff(StaffCommand),
    /// Put the demo customers (printed by `serve --demo`) in their starting state
    /// (development mode only).
    SeedDemo {
        #[arg(long, env = "NETBANK_MODE", value_enum, default_value = "production")]
        mode: Mode,
    },
}

#[derive(Debug, Subcommand)]
pub enum StaffCommand {
    /// A staff member; prints the code (valid 24 hours, once) they register their passkey with.
    Create {
        #[arg(long)]
        name: String,
        /// teller (窓口), approver (役席), auditor (監査), admin (管理者); several with commas.
        #[arg(long)]
        role: String,
        /// With --break-glass (once a 管理者 exists, people are made at the console): why.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Everyone, with roles and state.
    List,
    /// No more logins; their console sessions end now.
    Disable {
        #[arg(long)]
        name: String,
        /// With --break-glass (once a 管理者 exists): why.
        #[arg(long)]
        reason: Option<String>,
    },
    /// A new enrolment code (a lost security key).
    NewCode {
        #[arg(long)]
        name: String,
        /// With --break-glass (once a 管理者 exists): why.
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum PasskeyCommand {
    /// The customer's passkeys: names, registration and last use.
    Show {
        #[arg(long)]
        login_id: String,
    },
    /// Remove every passkey of the customer (lost or stolen device): their sessions end and
    /// a notice mail goes out.
    Remove {
        #[arg(long)]
        login_id: String,
        /// With --break-glass: why (the audit log keeps it).
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum OtpCommand {
    /// The customer's token: state, ユーザID, wrong codes in a row.
    Show {
        #[arg(long)]
        login_id: String,
    },
    /// 停止解除: a stopped token goes back to the state it was stopped in (利用中).
    LiftSuspension {
        #[arg(long)]
        login_id: String,
        /// With --break-glass: why (the audit log keeps it).
        #[arg(long)]
        reason: Option<String>,
    },
    /// 初期化: the token is deleted with its secret (未発行); the customer issues a new one.
    Initialise {
        #[arg(long)]
        login_id: String,
        /// With --break-glass: why (the audit log keeps it).
        #[arg(long)]
        reason: Option<String>,
    },
    /// Re-seal every OTP secret under the current (first) key, while the servers run. Put the
    /// new key first in the OTP keys, restart the servers, run this, then drop the old key.
    RotateKey {
        #[command(flatten)]
        keys: OtpKeyArgs,
        #[arg(long, env = "NETBANK_MODE", value_enum, default_value = "production")]
        mode: Mode,
    },
}

#[derive(Debug, Subcommand)]
pub enum DbCommand {
    /// Copy every row into an empty database (SQLite to PostgreSQL, say), in one transaction.
    /// Stop the servers first; start them on the new URL after. OTP keys stay the same.
    Copy {
        /// `sqlite://data/netbank.sqlite3`
        #[arg(long)]
        from: String,
        /// `postgres://netbank:…@db.internal/netbank` (migrated first if new)
        #[arg(long)]
        to: String,
    },
    /// A consistent copy of the embedded (SQLite) database while the server keeps serving;
    /// checked before it is named FILE. On PostgreSQL use pg_dump (README, Operations).
    Backup {
        /// Where to write it; must not exist.
        #[arg(long)]
        to: PathBuf,
    },
    /// Put a backup in place of the embedded database of a stopped server (refused while one
    /// runs); the replaced database is kept beside it.
    Restore {
        #[arg(long)]
        from: PathBuf,
    },
}

#[derive(Debug, Subcommand)]
pub enum AccountCommand {
    /// Credit an account with money paid in at the branch (a ledger entry against cash).
    Deposit {
        /// 店番 (3 digits).
        #[arg(long)]
        branch: String,
        /// 口座番号 (7 digits).
        #[arg(long)]
        account: String,
        /// Whole yen.
        #[arg(long)]
        amount: String,
        /// 摘要 on the customer's statement.
        #[arg(long, default_value = "窓口入金")]
        description: String,
        /// With --break-glass (the day's counter deposits above the bank's approval amount): why.
        #[arg(long)]
        reason: Option<String>,
    },
}

#[derive(Debug, Subcommand)]
pub enum LedgerCommand {
    /// Trial balance: every account's balance equals its lines and all lines sum to zero
    /// (exit status 1 when not).
    Check,
}

#[derive(Debug, Subcommand)]
pub enum PayeeFlagCommand {
    /// Flag an account (暗号資産交換業者 and the like): a 依頼人名 other than the payer's is refused.
    Add {
        #[arg(long)]
        branch: String,
        #[arg(long)]
        account: String,
        #[arg(long)]
        reason: String,
    },
    /// Remove the flag.
    Remove {
        #[arg(long)]
        branch: String,
        #[arg(long)]
        account: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum TransferCommand {
    /// The branch's queue of held 振込.
    #[command(subcommand)]
    Review(ReviewCommand),
}

#[derive(Debug, Subcommand)]
pub enum ReviewCommand {
    /// Every 振込 still held, oldest first: 受付番号, customer, accounts, amount, rules.
    List,
    /// The customer confirmed it: make the 振込 (once).
    Release {
        /// 受付番号 (`20261203-K000012`).
        receipt: String,
        /// What was checked (recorded in the audit log).
        #[arg(long)]
        reason: String,
    },
    /// Do not make it: the reservation ends and the customer is told.
    Reject {
        receipt: String,
        #[arg(long)]
        reason: String,
    },
}

#[derive(Debug, Subcommand)]
pub enum MailCommand {
    /// Newest first: status, attempts, last error.
    List {
        /// Only mail not yet delivered.
        #[arg(long)]
        pending: bool,
        #[arg(long, default_value_t = 20)]
        limit: i64,
    },
}

#[derive(Debug, Args)]
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
    /// development: mail goes to /dev/mailbox without SMTP, and a missing OTP key is made in
    /// the data directory. production: neither.
    #[arg(long, env = "NETBANK_MODE", value_enum, default_value = "production")]
    pub mode: Mode,
    #[command(flatten)]
    pub keys: OtpKeyArgs,
    /// The deployment's サービスID (8 digits) for the token app.
    #[arg(long, env = "NETBANK_SERVICE_ID", default_value = DEFAULT_SERVICE_ID)]
    pub service_id: String,
    /// The URL customers reach this server at (links in mail); default: the listening address.
    #[arg(long, env = "NETBANK_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// The token app the issuance mail links to; default: the embedded one at <public URL>/token.
    #[arg(long, env = "NETBANK_TOKEN_APP_URL")]
    pub token_app_url: Option<String>,
    /// The branch's staff console listens here (its own port; never route it from the
    /// customers' proxy). `off` for no console.
    #[arg(long, env = "NETBANK_STAFF_ADDR", default_value = "127.0.0.1:8090")]
    pub staff_addr: String,
    /// The URL the branch's browsers reach the console at (its passkeys' origin); default:
    /// the console's listening address.
    #[arg(long, env = "NETBANK_STAFF_PUBLIC_URL")]
    pub staff_public_url: Option<String>,
    /// Prometheus scrapes `/metrics` here (an internal address; never the customers' port).
    /// `off` (the default) for no metrics.
    #[arg(long, env = "NETBANK_METRICS_ADDR", default_value = "off")]
    pub metrics_addr: String,
    /// 窓口入金 above this many yen needs a 役席's approval at the console.
    #[arg(long, env = "NETBANK_DEPOSIT_APPROVAL_ABOVE", default_value_t = crate::config::DEFAULT_DEPOSIT_APPROVAL_ABOVE)]
    pub deposit_approval_above: i64,
    /// SMTP server for mail: smtp://host:25, smtp://user:pass@host:587?tls=required, smtps://host:465.
    #[arg(long, env = "NETBANK_SMTP_URL", hide_env_values = true)]
    pub smtp_url: Option<String>,
    /// A CA certificate (PEM) to trust for the SMTP server besides the system's (an internal relay).
    #[arg(long, env = "NETBANK_SMTP_CA_FILE")]
    pub smtp_ca_file: Option<PathBuf>,
    /// Seconds before a mail claimed by an instance that died is delivered by another.
    #[arg(long, env = "NETBANK_MAIL_LEASE_SECONDS", default_value_t = crate::mail::sender::LEASE_SECONDS, value_parser = clap::value_parser!(i64).range(1..=3600))]
    pub mail_lease_seconds: i64,
    /// The sender of customer mail.
    #[arg(long, env = "NETBANK_MAIL_FROM", default_value_t = MailSettings::default().from)]
    pub mail_from: String,
    #[command(flatten)]
    pub policy: PolicyArgs,
    #[command(flatten)]
    pub otp: OtpArgs,
    #[command(flatten)]
    pub edge: EdgeArgs,
}

/// The keys that encrypt OTP secrets at rest.
#[derive(Debug, Args)]
pub struct OtpKeyArgs {
    /// Base64 of 32 random bytes (`openssl rand -base64 32`), or several as `ID:BASE64,…` (the
    /// first seals new secrets; the others still open theirs until `otp rotate-key`).
    #[arg(long, env = "NETBANK_OTP_KEY", hide_env_values = true)]
    pub otp_key: Option<String>,
    /// A file (mode 600) holding the OTP keys as above, one per line: never visible in `ps`
    /// or the environment.
    #[arg(long, env = "NETBANK_OTP_KEY_FILE")]
    pub otp_key_file: Option<PathBuf>,
}

impl OtpKeyArgs {
    fn load(&self, mode: Mode, data_dir: &std::path::Path) -> anyhow::Result<SecretBox> {
        SecretBox::load(mode, self.otp_key.as_deref(), self.otp_key_file.as_deref(), data_dir)
    }
}

/// The server at the network's edge: proxies, plain HTTP, bounds under abuse and overload.
#[derive(Debug, Args)]
pub struct EdgeArgs {
    /// Proxies (comma-separated addresses or CIDRs) whose X-Forwarded-For / Forwarded names the
    /// client; the client is the right-most address none of them has. Default: none.
    #[arg(long, env = "NETBANK_TRUSTED_PROXIES", default_value = "")]
    pub trusted_proxies: TrustedProxies,
    /// Let production mode run without --tls and with an http public URL (never in front of
    /// customers).
    #[arg(long, env = "NETBANK_INSECURE_HTTP")]
    pub insecure_http: bool,
    /// Client addresses the per-client rate limiter tracks at most (least recently seen go first).
    #[arg(long, env = "NETBANK_RATE_LIMIT_CLIENTS", default_value_t = EdgeSettings::default().limiter_capacity)]
    pub rate_limit_clients: usize,
    /// Seconds a request may take before it is answered 503 busy and its work rolled back.
    #[arg(long, env = "NETBANK_REQUEST_TIMEOUT_SECONDS", default_value_t = EdgeSettings::default().request_timeout.as_secs(), value_parser = clap::value_parser!(u64).range(1..=600))]
    pub request_timeout_seconds: u64,
    /// Seconds a client has to send its request's headers (and an idle kept-alive connection
    /// before its next request); then the connection is closed.
    #[arg(long, env = "NETBANK_HEADER_READ_TIMEOUT_SECONDS", default_value_t = 10, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub header_read_timeout_seconds: u64,
    /// Connections open at once; more wait in the kernel's backlog.
    #[arg(long, env = "NETBANK_MAX_CONNECTIONS", default_value_t = 1024, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections: u64,
    /// Connections open at once from one client address (trusted proxies exempt); more are
    /// closed at once.
    #[arg(long, env = "NETBANK_MAX_CONNECTIONS_PER_CLIENT", default_value_t = 64, value_parser = clap::value_parser!(u64).range(1..))]
    pub max_connections_per_client: u64,
    /// argon2id threads (each keeps its 19 MiB). Default: one per core.
    #[arg(long, env = "NETBANK_HASH_THREADS", default_value_t = password::PoolSize::default().threads)]
    pub hash_threads: usize,
    /// Password hashes that may wait for a thread; beyond it login and registration answer 503
    /// busy with Retry-After at once.
    #[arg(long, env = "NETBANK_HASH_QUEUE", default_value_t = password::PoolSize::default().queue)]
    pub hash_queue: usize,
}

#[derive(Debug, Args)]
pub struct OtpArgs {
    /// HMAC of the codes for newly issued tokens: SHA1, SHA256 or SHA512.
    #[arg(long, env = "NETBANK_OTP_ALGORITHM", default_value = "SHA1", value_parser = parse_algorithm)]
    pub otp_algorithm: TotpAlgorithm,
    /// Digits per code (6–8) for newly issued tokens.
    #[arg(long, env = "NETBANK_OTP_DIGITS", default_value_t = OtpPolicy::default().digits, value_parser = clap::value_parser!(u32).range(6..=8))]
    pub otp_digits: u32,
    /// Seconds per code for newly issued tokens.
    #[arg(long, env = "NETBANK_OTP_PERIOD", default_value_t = OtpPolicy::default().period, value_parser = clap::value_parser!(u32).range(10..=120))]
    pub otp_period: u32,
    /// Steps of clock drift accepted each way.
    #[arg(long, env = "NETBANK_OTP_DRIFT_STEPS", default_value_t = OtpPolicy::default().drift_steps, value_parser = clap::value_parser!(u32).range(0..=5))]
    pub otp_drift_steps: u32,
    /// Wrong codes in a row that stop (停止) the OTP.
    #[arg(long, env = "NETBANK_OTP_SUSPEND_THRESHOLD", default_value_t = OtpPolicy::default().suspend_threshold)]
    pub otp_suspend_threshold: u32,
    /// Wrong 利用開始パスワード that void an issuance.
    #[arg(long, env = "NETBANK_OTP_PROVISIONING_ATTEMPTS", default_value_t = OtpPolicy::default().provisioning_attempts)]
    pub otp_provisioning_attempts: u32,
    /// Days an issued token may wait for 利用開始.
    #[arg(long, env = "NETBANK_OTP_PENDING_DAYS", default_value_t = OtpPolicy::default().pending_days)]
    pub otp_pending_days: u32,
    /// Seconds the login waits for the OTP after the password.
    #[arg(long, env = "NETBANK_OTP_LOGIN_SECONDS", default_value_t = OtpPolicy::default().pending_login_seconds)]
    pub otp_login_seconds: i64,
}

fn parse_algorithm(value: &str) -> Result<TotpAlgorithm, String> {
    TotpAlgorithm::from_name(value).ok_or_else(|| format!("{value}: use SHA1, SHA256 or SHA512"))
}

impl OtpArgs {
    fn policy(&self) -> OtpPolicy {
        OtpPolicy {
            algorithm: self.otp_algorithm,
            digits: self.otp_digits,
            period: self.otp_period,
            drift_steps: self.otp_drift_steps,
            suspend_threshold: self.otp_suspend_threshold,
            provisioning_attempts: self.otp_provisioning_attempts,
            pending_days: self.otp_pending_days,
            pending_login_seconds: self.otp_login_seconds,
        }
    }
}

/// A path `--require-phishing-resistant` names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PhishingResistantPath {
    Login,
    Transfer,
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
    /// Password changes, notice-address changes, トークン発行 and token set-ups a customer may
    /// attempt per hour, each (counted in the database: holds across instances).
    #[arg(long, env = "NETBANK_CUSTOMER_ACTIONS_PER_HOUR", default_value_t = Policy::default().customer_actions_per_hour)]
    pub customer_actions_per_hour: u32,
    /// Issuance mails a customer may be sent per day.
    #[arg(long, env = "NETBANK_ISSUANCE_MAILS_PER_DAY", default_value_t = Policy::default().issuance_mails_per_day)]
    pub issuance_mails_per_day: u32,
    /// Live sessions per customer; a new login ends the oldest beyond it.
    #[arg(long, env = "NETBANK_SESSIONS_PER_CUSTOMER", default_value_t = Policy::default().sessions_per_customer, value_parser = clap::value_parser!(u32).range(1..))]
    pub sessions_per_customer: u32,
    /// The 1日あたりの振込限度額 (yen) a new customer starts at and keeps until they set their own.
    #[arg(long, alias = "daily-transfer-limit", env = "NETBANK_INITIAL_DAILY_TRANSFER_LIMIT", default_value_t = TransferPolicy::default().default_daily_limit.0, value_parser = clap::value_parser!(i64).range(0..))]
    pub initial_daily_transfer_limit: i64,
    /// The highest 振込限度額 a customer may set (with a one-time password).
    #[arg(long, env = "NETBANK_MAX_DAILY_TRANSFER_LIMIT", default_value_t = TransferPolicy::default().max_daily_limit.0, value_parser = clap::value_parser!(i64).range(0..))]
    pub max_daily_transfer_limit: i64,
    /// 振込手数料 below/from 30,000円: `same_branch=0/0,other_branch=110/220,other_bank=330/550`
    /// (default: 自行宛 free, 他行宛 220/330).
    #[arg(long, env = "NETBANK_TRANSFER_FEES", default_value = "same_branch=0/0,other_branch=0/0,other_bank=220/330")]
    pub transfer_fees: FeeTable,
    /// 他行振込 accepted from this time (Japan time, HH:MM) of a business day leave the next
    /// business day (unless `--moretime`).
    #[arg(long, env = "NETBANK_SAME_DAY_CUTOFF", default_value = "15:00", value_parser = crate::calendar::parse_time_of_day)]
    pub same_day_cutoff: i64,
    /// The bank sends 他行振込 through 全銀モアタイム: they leave at once, any day and hour.
    #[arg(long, env = "NETBANK_MORETIME")]
    pub moretime: bool,
    /// ペイジー's own limit per day (yen, fees included), counted apart from 振込 and never above
    /// the customer's 1日あたりの振込限度額 in force.
    #[arg(long, env = "NETBANK_PAYEASY_DAILY_LIMIT", default_value_t = TransferPolicy::default().payeasy_daily_limit.0, value_parser = clap::value_parser!(i64).range(0..))]
    pub payeasy_daily_limit: i64,
    /// Payee lookups (a name for someone else's account number) a customer may make per hour.
    #[arg(long, env = "NETBANK_PAYEE_LOOKUPS_PER_HOUR", default_value_t = TransferPolicy::default().lookups_per_hour)]
    pub payee_lookups_per_hour: u32,
    /// Where customers who have a passkey must use it: `login`, `transfer` or both
    /// (`login,transfer`). The password + one-time password path is refused them there;
    /// customers without a passkey keep it and are asked to register one.
    #[arg(long, env = "NETBANK_REQUIRE_PHISHING_RESISTANT", value_delimiter = ',', value_enum)]
    pub require_phishing_resistant: Vec<PhishingResistantPath>,
    /// Days the bank must have had a customer's notice address before the 確認コード that
    /// confirms their first second factor is sent there.
    #[arg(long, env = "NETBANK_ENROLMENT_ADDRESS_AGE_DAYS", default_value_t = EnrolmentPolicy::default().address_age_days)]
    pub enrolment_address_age_days: u32,
    /// Hours after a passkey or token is added during which 振込 to a payee never paid and
    /// raising the 振込限度額 are refused.
    #[arg(long, env = "NETBANK_NEW_AUTHENTICATOR_HOURS", default_value_t = EnrolmentPolicy::default().new_authenticator_hours)]
    pub new_authenticator_hours: u32,
    /// 振込 to payees not paid before the window wait for the branch (出金停止) once they add
    /// up to this many yen (fees included) within `--hold-window-days` of 利用開始, a new
    /// authenticator, a limit raise, a new notice address or a login from a new device.
    #[arg(long, env = "NETBANK_HOLD_NEW_PAYEE_FROM", default_value_t = crate::transfer_policy::HoldRule::default().new_payee_from.0, value_parser = clap::value_parser!(i64).range(1..))]
    pub hold_new_payee_from: i64,
    /// 夜間: the most one 振込 may be (fee included) during `--night-hours`; 0: no night limit.
    #[arg(long, env = "NETBANK_NIGHT_TRANSFER_LIMIT", default_value_t = 0, value_parser = clap::value_parser!(i64).range(0..))]
    pub night_transfer_limit: i64,
    /// The night, Japan time: from-until hours (`0-6`; `23-6` wraps past midnight).
    #[arg(long, env = "NETBANK_NIGHT_HOURS", default_value = "0-6", value_parser = crate::transfer_policy::parse_hours)]
    pub night_hours: (u32, u32),
    /// The days after such a change during which those 振込 wait; 0 holds none.
    #[arg(long, env = "NETBANK_HOLD_WINDOW_DAYS", default_value_t = crate::transfer_policy::HoldRule::default().window_days)]
    pub hold_window_days: u32,
    /// Clients reach the server over TLS (directly or via a proxy): Secure cookies, HSTS.
    /// Production mode refuses to start without it unless told to run insecurely.
    #[arg(long, env = "NETBANK_TLS")]
    pub tls: bool,
    /// Mail 「新しい環境からのログインのお知らせ」 on a login from a device not seen for the
    /// customer in 90 days (`false` to stop).
    #[arg(long, env = "NETBANK_NEW_ENVIRONMENT_NOTICE", default_value_t = true, action = clap::ArgAction::Set)]
    pub new_environment_notice: bool,
}

impl PolicyArgs {
    fn policy(&self, otp: OtpPolicy) -> Policy {
        Policy {
            otp,
            login_lockout_threshold: self.lockout_threshold,
            session_idle_seconds: self.session_idle_seconds,
            session_absolute_seconds: self.session_absolute_seconds,
            auth_requests_per_minute: self.auth_requests_per_minute,
            customer_actions_per_hour: self.customer_actions_per_hour,
            issuance_mails_per_day: self.issuance_mails_per_day,
            sessions_per_customer: self.sessions_per_customer,
            tls: self.tls,
            new_environment_notice: self.new_environment_notice,
            phishing_resistant: netbank_api::passkey::PhishingResistantPolicy {
                login: self.require_phishing_resistant.contains(&PhishingResistantPath::Login),
                transfer: self.require_phishing_resistant.contains(&PhishingResistantPath::Transfer),
            },
            transfer: TransferPolicy {
                default_daily_limit: Yen(self.initial_daily_transfer_limit.min(self.max_daily_transfer_limit)),
                max_daily_limit: Yen(self.max_daily_transfer_limit),
                fees: self.transfer_fees,
                night: (self.night_transfer_limit > 0).then_some(crate::transfer_policy::NightLimit {
                    per_transfer: Yen(self.night_transfer_limit),
                    from_hour: self.night_hours.0,
                    until_hour: self.night_hours.1,
                }),
                hold: (self.hold_window_days > 0).then_some(crate::transfer_policy::HoldRule {
                    new_payee_from: Yen(self.hold_new_payee_from),
                    window_days: self.hold_window_days,
                }),
                lookups_per_hour: self.payee_lookups_per_hour,
                payeasy_daily_limit: Yen(self.payeasy_daily_limit),
                same_day_cutoff: self.same_day_cutoff,
                moretime: self.moretime,
            },
            enrolment: EnrolmentPolicy {
                address_age_days: self.enrolment_address_age_days,
                new_authenticator_hours: self.new_authenticator_hours,
                ..EnrolmentPolicy::default()
            },
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
        /// Opening balance in yen: 0, or an amount as the API takes one (1 to 99,999,999).
        #[arg(long, default_value = "0")]
        balance: String,
        /// 通知先メールアドレス for security notices.
        #[arg(long)]
        mail: Option<String>,
        /// 口座名義 in 全角カナ (the 受取人名 payers confirm); without it, the name is shown.
        #[arg(long)]
        kana: Option<String>,
        /// With --break-glass (an opening balance above the approval amount): why.
        #[arg(long)]
        reason: Option<String>,
    },
    /// Register (or replace) the 通知先メールアドレス, by login ID or by 店番 and 口座番号.
    SetMail {
        #[arg(long, conflicts_with_all = ["branch", "account"], required_unless_present = "branch")]
        login_id: Option<String>,
        #[arg(long, requires = "account")]
        branch: Option<String>,
        #[arg(long, requires = "branch")]
        account: Option<String>,
        #[arg(long)]
        mail: String,
        /// With --break-glass: why (the audit log keeps it).
        #[arg(long)]
        reason: Option<String>,
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
        /// With --break-glass: why (the audit log keeps it).
        #[arg(long)]
        reason: Option<String>,
    },
    /// 凍結: stop every 振込・振替 and credential change of the customer (balances stay
    /// visible); the customer is told.
    Freeze {
        #[arg(long)]
        login_id: String,
        /// Why (recorded in the audit log).
        #[arg(long)]
        reason: String,
    },
    /// Lift a freeze; the customer is told.
    Unfreeze {
        #[arg(long)]
        login_id: String,
        #[arg(long)]
        reason: String,
    },
    /// Issue a new 仮パスワード to a customer who has not registered yet.
    ReissueTemporaryPassword {
        #[arg(long)]
        branch: String,
        #[arg(long)]
        account: String,
        /// With --break-glass: why (the audit log keeps it).
        #[arg(long)]
        reason: Option<String>,
    },
}

impl Cli {
    pub async fn run(self) -> anyhow::Result<()> {
        let command = self.command.unwrap_or(Command::Serve(Box::new(self.serve)));
        let common = self.common;
        match command {
            Command::Serve(args) => serve(common, *args).await,
            Command::SeedDemo { mode } => {
                demo::ensure_allowed(mode)?;
                let db = open(&common).await?;
                demo::seed(&db, &Clock::System, mode).await?;
                println!("{}", demo::credentials_text());
                Ok(())
            }
            Command::Customer(command) => customer(&common, command).await,
            Command::Staff(command) => staff(&common, command).await,
            Command::Otp(command) => otp(&common, command).await,
            Command::Passkey(command) => passkey(&common, command).await,
            Command::Db(DbCommand::Copy { from, to }) => {
                use crate::db::{connect, Durability, Location};
                let source = connect(Location::Url(&from), Durability::PowerLoss, 2).await?;
                let destination = connect(Location::Url(&to), Durability::PowerLoss, 2).await?;
                let started = std::time::Instant::now();
                let mut shown = std::time::Instant::now();
                // Progress on stderr: a line per table, and every few seconds within a long one.
                let mut progress = |table: &str, rows: u64, done: bool| {
                    if done || shown.elapsed().as_secs() >= 5 {
                        let rate = rows as f64 / started.elapsed().as_secs_f64().max(0.001);
                        eprintln!("{table}: {rows} rows{} ({rate:.0} rows/s so far)", if done { "" } else { "…" });
                        shown = std::time::Instant::now();
                    }
                };
                let copied = crate::store::copy::copy_all(&source, &destination, &mut progress).await?;
                let total: u64 = copied.iter().map(|(_, rows)| rows).sum();
                for (table, rows) in &copied {
                    println!("{table}: {rows} rows");
                }
                let seconds = started.elapsed().as_secs_f64();
                println!("{total} rows in {seconds:.1} s ({:.0} rows/s)", total as f64 / seconds.max(0.001));
                println!("copied; start the servers with --database-url on the new database");
                Ok(())
            }
            Command::Db(DbCommand::Backup { to }) => {
                let database = embedded_database(&common, "db backup")?;
                // Who took a copy of every customer's data, and when: before the copy, so it
                // holds its own record.
                let detail = format!("to={}", to.display());
                record_database_event(&common, AuditAction::DatabaseBackup, detail, Clock::System.now()).await?;
                let summary = crate::backup::backup(&database, &to).await?;
                println!("backed up {} to {}: {summary}", database.display(), to.display());
                Ok(())
            }
            Command::Db(DbCommand::Restore { from }) => {
                let database = embedded_database(&common, "db restore")?;
                let now = Clock::System.now();
                let (summary, replaced) = crate::backup::restore(&from, &database, now).await?;
                // The restored database records its own restore.
                record_database_event(&common, AuditAction::DatabaseRestore, format!("from={}", from.display()), now)
                    .await?;
                println!("restored {} from {}: {summary}", database.display(), from.display());
                if let Some(replaced) = replaced {
                    println!("the database it replaced is kept as {}", replaced.display());
                }
                println!("check it with `netbank-server ledger check`, then start the server");
                Ok(())
            }
            Command::Account(AccountCommand::Deposit { branch, account, amount, description, reason }) => {
                let (branch, account, amount) =
                    (BranchCode::parse(&branch)?, AccountNumber::parse(&account)?, Amount::parse(&amount)?);
                let db = open(&common).await?;
                // The day's counter deposits into the account, this one included, as at the console:
                // read and written in one transaction with the account's row held, so parallel
                // runs cannot each pass on the same reading.
                let record = crate::operator::accounts::find(&db, &branch, &account).await?;
                let approval_above = deposit_approval_above(&db).await?;
                let now = Clock::System.now();
                let mut tx = crate::db::begin_write(&db).await?;
                let alone = crate::operator::accounts::within_single_person_limit(
                    &mut tx,
                    record.id,
                    amount.yen(),
                    approval_above,
                    now,
                    true,
                )
                .await?;
                let actor = match alone {
                    true => Actor::operator_cli(),
                    false => {
                        drop(tx);
                        let actor =
                            two_person(&common, &db, "account deposit above the approval amount", reason.as_deref())
                                .await?;
                        tx = crate::db::begin_write(&db).await?;
                        actor
                    }
                };
                let done =
                    crate::operator::accounts::deposit_in(&mut tx, &record, amount, &description, &actor, now).await?;
                tx.commit().await?;
                println!(
                    "entry {}: {}-{} +{} ({description}); balance {}",
                    done.entry_id,
                    branch.as_str(),
                    account.as_str(),
                    amount.yen(),
                    done.balance
                );
                Ok(())
            }
            Command::PayeeFlag(command) => {
                let db = open(&common).await?;
                let (branch, account, reason, flag) = match command {
                    PayeeFlagCommand::Add { branch, account, reason } => (branch, account, reason, true),
                    PayeeFlagCommand::Remove { branch, account, reason } => (branch, account, reason, false),
                };
                let (branch, account) = (BranchCode::parse(&branch)?, AccountNumber::parse(&account)?);
                crate::operator::payee_flags::set(&db, &Clock::System, &branch, &account, flag, &reason).await?;
                println!("{}-{}: {}", branch.as_str(), account.as_str(), if flag { "flagged" } else { "unflagged" });
                Ok(())
            }
            Command::Transfer(TransferCommand::Review(review)) => {
                let db = open(&common).await?;
                match review {
                    ReviewCommand::List => crate::operator::holds::list(&db).await,
                    ReviewCommand::Release { receipt, reason } => {
                        let actor = two_person(&common, &db, "transfer review release", Some(&reason)).await?;
                        crate::operator::holds::release(&db, &Clock::System, &receipt, &reason, &actor).await
                    }
                    ReviewCommand::Reject { receipt, reason } => {
                        let actor = two_person(&common, &db, "transfer review reject", Some(&reason)).await?;
                        crate::operator::holds::reject(&db, &Clock::System, &receipt, &reason, &actor).await
                    }
                }
            }
            Command::Payeasy(command) => {
                let db = open(&common).await?;
                crate::cli_payeasy::run(&db, command).await
            }
            Command::Zengin(command) => {
                let db = open(&common).await?;
                crate::cli_zengin::run(&db, command).await
            }
            Command::Ledger(LedgerCommand::Check) => {
                let db = open(&common).await?;
                let (trial, text) = crate::operator::accounts::check(&db).await?;
                print!("{text}");
                anyhow::ensure!(trial.holds(), "the ledger does not balance");
                Ok(())
            }
            Command::Mail(MailCommand::List { pending, limit }) => {
                let db = open(&common).await?;
                for mail in outbox::list(&db, pending, limit).await? {
                    let state = match mail.status {
                        outbox::MailStatus::Sent => format!(
                            "sent via {} at {}",
                            mail.transport.map_or("-", |t| t.as_str()),
                            jst_datetime(mail.sent_at.unwrap_or_default())
                        ),
                        _ => format!(
                            "PENDING after {} attempts; next {}; last error: {}",
                            mail.attempts,
                            jst_datetime(mail.next_attempt_at),
                            mail.last_error.unwrap_or_else(|| "-".into())
                        ),
                    };
                    println!(
                        "#{} {} to {} — {}\n    {}",
                        mail.id,
                        jst_datetime(mail.created_at),
                        mail.to_address,
                        mail.subject,
                        state
                    );
                }
                Ok(())
            }
        }
    }
}

async fn serve(common: CommonArgs, args: ServeArgs) -> anyhow::Result<()> {
    // Before anything is created or opened: a refused start writes nothing.
    if args.demo {
        demo::ensure_allowed(args.mode)?;
    }
    let settings = Settings {
        addr: args.addr,
        data_dir: common.data_dir,
        database_url: common.database_url,
        db_connections: common.db_connections,
        dist_dir: args.dist,
        policy: args.policy.policy(args.otp.policy()),
        clock: Clock::System,
        mode: args.mode,
        otp_key: args.keys.otp_key,
        service_id: args.service_id,
        public_url: args.public_url,
        token_app_url: args.token_app_url,
        mail: MailSettings {
            smtp_url: args.smtp_url,
            smtp_ca_file: args.smtp_ca_file,
            lease_seconds: args.mail_lease_seconds,
            from: args.mail_from,
            ..MailSettings::default()
        },
        edge: EdgeSettings {
            trusted_proxies: args.edge.trusted_proxies,
            insecure_http: args.edge.insecure_http,
            limiter_capacity: args.edge.rate_limit_clients,
            request_timeout: std::time::Duration::from_secs(args.edge.request_timeout_seconds),
            otp_key_file: args.keys.otp_key_file,
            connections: crate::http::connections::ConnectionLimits {
                header_read_timeout: std::time::Duration::from_secs(args.edge.header_read_timeout_seconds),
                max_connections: args.edge.max_connections as usize,
                max_per_client: args.edge.max_connections_per_client as usize,
                ..Default::default()
            },
            ..EdgeSettings::default()
        },
        staff: crate::config::StaffSettings {
            addr: match args.staff_addr.as_str() {
                "off" => None,
                addr => Some(addr.parse().map_err(|e| anyhow::anyhow!("--staff-addr {addr:?}: {e}"))?),
            },
            public_url: args.staff_public_url,
            deposit_approval_above: args.deposit_approval_above,
        },
        metrics_addr: match args.metrics_addr.as_str() {
            "off" => None,
            addr => Some(addr.parse().map_err(|e| anyhow::anyhow!("--metrics-addr {addr:?}: {e}"))?),
        },
    };
    password::configure(password::PoolSize { threads: args.edge.hash_threads, queue: args.edge.hash_queue });
    let app = Application::build(settings).await?;
    if args.demo {
        demo::seed(&app.state().db, &Clock::System, args.mode).await?;
    }
    // Where a customer's browser goes: on loopback that is `localhost` (passkeys need a name).
    println!("netbank is running at {}/ (listening on {})", app.state().relying_party.origin(), app.address());
    if args.demo {
        println!("{}", demo::credentials_text());
    }
    if let Some((address, origin)) = app.staff() {
        println!("staff console at {origin}/ (listening on {address}; `netbank-server staff create` makes its people)");
    }
    if let Some(address) = app.metrics_address() {
        println!("metrics for Prometheus at http://{address}/metrics");
    }
    if app.state().deployment.mode == Mode::Development {
        println!("development mailbox: {}/dev/mailbox", app.state().relying_party.origin());
    }
    app.run_until_stopped().await
}

/// Who does a two-person action from the command line. On a database a development server
/// last started on, the operator; otherwise (a production bank, or one no server has started
/// on) only with `--break-glass --reason`, recorded as a `break_glass` event before the action
/// (so even a refused action leaves the attempt). The mode is the database's, never the
/// environment of whoever runs the command.
async fn two_person(
    common: &CommonArgs,
    db: &sqlx::AnyPool,
    what: &str,
    reason: Option<&str>,
) -> anyhow::Result<Actor> {
    let started = crate::store::deployment::last_start(db).await?;
    let development = started.is_some_and(|started| started.mode == "development");
    if !common.break_glass {
        anyhow::ensure!(
            development,
            "on a production bank, {what} belongs at the staff console (two people there). In an emergency: --break-glass --reason \"…\" (audited)"
        );
        return Ok(Actor::operator_cli());
    }
    let reason = reason
        .and_then(crate::audit::reason)
        .ok_or_else(|| anyhow::anyhow!("--break-glass needs --reason \"…\": the audit log keeps why"))?;
    let event = crate::audit::AuditEvent {
        customer_id: None,
        event: crate::audit::AuditAction::BreakGlass,
        client_addr: None,
        result: crate::audit::Outcome::Success,
        detail: Some(format!("action={what} reason={reason}")),
    };
    let actor = Actor { client_addr: Some(format!("{} break-glass", crate::audit::OPERATOR_CLI)), staff: None };
    crate::audit::record_by(db, Clock::System.now(), event, &actor).await?;
    Ok(actor)
}

/// How much one person may pay in at the counter in a day: what the bank's server was started
/// with (the default on a database no server has started on), never what the caller says.
async fn deposit_approval_above(db: &sqlx::AnyPool) -> anyhow::Result<i64> {
    Ok(crate::store::deployment::last_start(db)
        .await?
        .map_or(crate::config::DEFAULT_DEPOSIT_APPROVAL_ABOVE, |started| started.deposit_approval_above))
}

/// The operator's database: the same one the server uses.
/// Records a backup or restore in the database's audit log.
async fn record_database_event(
    common: &CommonArgs,
    action: AuditAction,
    detail: String,
    now: i64,
) -> anyhow::Result<()> {
    let db = open(common).await?;
    let event = crate::audit::AuditEvent {
        customer_id: None,
        event: action,
        client_addr: None,
        result: crate::audit::Outcome::Success,
        detail: Some(detail),
    };
    crate::audit::record_by(&db, now, event, &Actor::operator_cli()).await?;
    db.close().await;
    Ok(())
}

/// The SQLite file the command works on; PostgreSQL has its own tools.
fn embedded_database(common: &CommonArgs, command: &str) -> anyhow::Result<PathBuf> {
    match &common.database_url {
        None => Ok(common.data_dir.join(crate::config::DATABASE_FILE)),
        Some(url) => crate::backup::sqlite_file(url).ok_or_else(|| {
            anyhow::anyhow!("{command} is for the embedded SQLite database; on PostgreSQL use pg_dump / pg_restore (README, Operations)")
        }),
    }
}

async fn open(common: &CommonArgs) -> anyhow::Result<sqlx::AnyPool> {
    if common.database_url.is_none() {
        std::fs::create_dir_all(&common.data_dir)?;
    }
    let path = common.data_dir.join(crate::config::DATABASE_FILE);
    let location = crate::db::Location::configured(common.database_url.as_deref(), &path);
    crate::db::connect(location, crate::db::Durability::PowerLoss, common.db_connections).await
}

async fn customer(common: &CommonArgs, command: CustomerCommand) -> anyhow::Result<()> {
    let db = open(common).await?;
    let clock = Clock::System;
    let policy = Policy::default();
    match command {
        CustomerCommand::Create { name, branch, account, kind, balance, mail, kana, reason } => {
            let kind = AccountKind::from_db(&kind).ok_or_else(|| anyhow::anyhow!("unknown account kind {kind}"))?;
            let customer = customers::NewCustomer {
                name: &name,
                branch: BranchCode::parse(&branch)?,
                account: AccountNumber::parse(&account)?,
                kind,
                balance: opening_balance(&balance)?,
                notice_address: mail.as_deref().map(NoticeAddress::parse).transpose()?,
                kana: kana.as_deref().map(|k| KanaName::parse_field(k, "kana")).transpose()?,
            };
            // Money into the bank from the counter: an opening balance counts like 窓口入金.
            let approval_above = deposit_approval_above(&db).await?;
            if customer.balance > approval_above {
                two_person(
                    common,
                    &db,
                    "customer create with an opening balance above the approval amount",
                    reason.as_deref(),
                )
                .await?;
            }
            let notice = customers::create(&db, &clock, &policy, customer).await?;
            println!("customer {} created", notice.customer_id);
            println!("仮パスワード: {} (valid until {})", notice.temporary_password, utc_date(notice.expires_at));
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
            println!("notices:   {}", summary.notice_address.as_deref().unwrap_or("(no notice address)"));
            if summary.login_id.is_some() {
                let state = match summary.locked_at {
                    Some(at) => format!("LOCKED since {}", utc_date(at)),
                    None => format!("active ({} wrong passwords in a row)", summary.failed_attempts.unwrap_or(0)),
                };
                println!("login:     {state}");
            }
            println!("accounts:  {}", summary.accounts);
        }
        CustomerCommand::SetMail { login_id, branch, account, mail, reason } => {
            let address = NoticeAddress::parse(&mail)?;
            let login_id = login_id.as_deref().map(LoginId::parse).transpose()?;
            let account = match (branch, account) {
                (Some(b), Some(a)) => Some((BranchCode::parse(&b)?, AccountNumber::parse(&a)?)),
                _ => None,
            };
            let customer = match (&login_id, &account) {
                (Some(id), _) => customers::CustomerRef::LoginId(id),
                (None, Some((branch, number))) => customers::CustomerRef::Account(branch, number),
                (None, None) => anyhow::bail!("give --login-id or --branch and --account"),
            };
            let actor = two_person(common, &db, "customer set-mail", reason.as_deref()).await?;
            let customer_id = customers::set_notice_address(&db, &clock, customer, &address, &actor).await?;
            println!(
                "customer {customer_id}: notices go to {} (the new and any old address are told)",
                address.as_str()
            );
        }
        CustomerCommand::Freeze { login_id, reason } => {
            let login_id = LoginId::parse(&login_id)?;
            let actor = two_person(common, &db, "customer freeze", Some(&reason)).await?;
            customers::set_frozen(&db, &clock, &login_id, true, &reason, &actor).await?;
            println!("{} frozen; the customer is told", login_id.as_str());
        }
        CustomerCommand::Unfreeze { login_id, reason } => {
            let login_id = LoginId::parse(&login_id)?;
            let actor = two_person(common, &db, "customer unfreeze", Some(&reason)).await?;
            customers::set_frozen(&db, &clock, &login_id, false, &reason, &actor).await?;
            println!("{} unfrozen; the customer is told", login_id.as_str());
        }
        CustomerCommand::Unlock { login_id, reason } => {
            let login_id = LoginId::parse(&login_id)?;
            let actor = two_person(common, &db, "customer unlock", reason.as_deref()).await?;
            customers::unlock(&db, &clock, &login_id, &actor).await?;
            println!("login {} unlocked", login_id.as_str());
        }
        CustomerCommand::ReissueTemporaryPassword { branch, account, reason } => {
            let (branch, account) = (BranchCode::parse(&branch)?, AccountNumber::parse(&account)?);
            let actor = two_person(common, &db, "customer reissue-temporary-password", reason.as_deref()).await?;
            let notice = customers::reissue_temporary_password(&db, &clock, &policy, &branch, &account, &actor).await?;
            println!("仮パスワード: {} (valid until {})", notice.temporary_password, utc_date(notice.expires_at));
        }
    }
    Ok(())
}

async fn staff(common: &CommonArgs, command: StaffCommand) -> anyhow::Result<()> {
    use crate::staff::people;
    let db = open(common).await?;
    let clock = Clock::System;
    match command {
        StaffCommand::Create { name, role, reason } => {
            let roles = netbank_api::staff::Roles::parse(&role).map_err(anyhow::Error::msg)?;
            // The first 管理者 is the CLI's to make; after that, people are the console's.
            if people::has_enabled_admin(&db).await? {
                two_person(common, &db, "staff create", reason.as_deref()).await?;
            }
            let enrolment = people::create(&db, &clock, &name, &roles).await?;
            println!("staff {} ({}) created as {}", enrolment.staff_id, name.trim(), roles.labels());
            println!("enrolment code: {} (once, until {})", enrolment.code, jst_datetime(enrolment.expires_at));
            println!("they open the staff console, choose 「初回登録」 and register their passkey with it");
        }
        StaffCommand::List => print!("{}", people::list(&db).await?),
        StaffCommand::Disable { name, reason } => {
            // Disabling the 管理者 would reopen the CLI's bootstrap: the console's, like making people.
            if people::has_enabled_admin(&db).await? {
                two_person(common, &db, "staff disable", reason.as_deref()).await?;
            }
            people::disable(&db, &clock, &name).await?;
            println!("{name} disabled; their console sessions have ended");
        }
        StaffCommand::NewCode { name, reason } => {
            if people::has_enabled_admin(&db).await? {
                two_person(common, &db, "staff new-code", reason.as_deref()).await?;
            }
            let enrolment = people::new_code(&db, &clock, &name).await?;
            println!("enrolment code: {} (once, until {})", enrolment.code, jst_datetime(enrolment.expires_at));
        }
    }
    Ok(())
}

async fn passkey(common: &CommonArgs, command: PasskeyCommand) -> anyhow::Result<()> {
    let db = open(common).await?;
    match command {
        PasskeyCommand::Show { login_id } => {
            println!("{}", passkey_operator::show(&db, &LoginId::parse(&login_id)?).await?)
        }
        PasskeyCommand::Remove { login_id, reason } => {
            let login = LoginId::parse(&login_id)?;
            let actor = two_person(common, &db, "passkey remove", reason.as_deref()).await?;
            match passkey_operator::remove_all(&db, &Clock::System, &login, &actor).await? {
                0 => println!("{login_id} has no passkeys: nothing changed"),
                removed => {
                    println!("{removed} passkeys of {login_id} removed; their sessions ended and the customer is told")
                }
            }
        }
    }
    Ok(())
}

async fn otp(common: &CommonArgs, command: OtpCommand) -> anyhow::Result<()> {
    // Keys first: a refused rotation opens nothing.
    let rotation_keys = match &command {
        OtpCommand::RotateKey { keys, mode } => Some(keys.load(*mode, &common.data_dir)?),
        _ => None,
    };
    let db = open(common).await?;
    let clock = Clock::System;
    match command {
        OtpCommand::Show { login_id } => {
            let summary = otp_operator::show(&db, &clock, &LoginId::parse(&login_id)?).await?;
            println!("{summary}");
        }
        OtpCommand::LiftSuspension { login_id, reason } => {
            let login = LoginId::parse(&login_id)?;
            let actor = two_person(common, &db, "otp lift-suspension", reason.as_deref()).await?;
            let after = otp_operator::lift_suspension(&db, &clock, &login, &actor).await?;
            println!("停止解除: the token of {login_id} is {} again", after.label());
        }
        OtpCommand::Initialise { login_id, reason } => {
            let login = LoginId::parse(&login_id)?;
            let actor = two_person(common, &db, "otp initialise", reason.as_deref()).await?;
            otp_operator::initialise(&db, &clock, &login, &actor).await?;
            println!("初期化: {login_id} has no token now (トークン未発行); the customer may issue a new one");
        }
        OtpCommand::RotateKey { .. } => {
            let secrets = rotation_keys.expect("loaded above for rotate-key");
            let report = otp_operator::rotate_key(&db, &clock, &secrets).await?;
            println!(
                "{} OTP secrets re-sealed under key {:?}; {} changed meanwhile and were left as they are; {} still under other keys{}",
                report.resealed,
                secrets.current_key_id(),
                report.skipped,
                report.remaining,
                if report.remaining > 0 { " (run again)" } else { " (the old keys may be removed)" }
            );
        }
    }
    Ok(())
}

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use netbank_api::otp::TotpAlgorithm;

use crate::clock::Clock;
use crate::http::client_addr::TrustedProxies;

/// Everything the server needs to start. Built from the command line and environment by
/// `cli`, or directly by tests.
#[derive(Debug, Clone)]
pub struct Settings {
    /// Where to listen; port 0 picks a free one (tests).
    pub addr: SocketAddr,
    /// Holds the SQLite database (unless `database_url` names another) and development keys.
    pub data_dir: PathBuf,
    /// `postgres://…` (or `sqlite://…`); `None`: the SQLite file in the data directory.
    pub database_url: Option<String>,
    /// The database pool's size.
    pub db_connections: u32,
    /// The Trunk output to serve at `/`; `None` serves the API alone.
    pub dist_dir: Option<PathBuf>,
    pub policy: Policy,
    pub clock: Clock,
    pub mode: Mode,
    /// Base64 of the 32-byte key that encrypts OTP secrets. Development mode makes one in
    /// the data directory when absent; production mode refuses to start without it.
    pub otp_key: Option<String>,
    /// The deployment's サービスID (8 digits), printed on BOT002 and in the issuance mail.
    pub service_id: String,
    /// Where customers reach this server (for links in mail); defaults to the bound address.
    pub public_url: Option<String>,
    /// The token app the issuance mail links to; defaults to the embedded one at `/token`.
    pub token_app_url: Option<String>,
    pub mail: MailSettings,
    pub edge: EdgeSettings,
    pub staff: StaffSettings,
    /// Where Prometheus scrapes `/metrics` (`None`: nowhere). Its own listener: never the
    /// customers' port.
    pub metrics_addr: Option<SocketAddr>,
}

/// The branch's staff console: its own listener, never the customers'.
#[derive(Debug, Clone)]
pub struct StaffSettings {
    /// Where the console listens (`None`: no console); port 0 picks a free one (tests).
    pub addr: Option<SocketAddr>,
    /// The console's URL as the branch's browsers reach it (its passkeys' origin); defaults
    /// to the bound address, named `localhost` on loopback.
    pub public_url: Option<String>,
    /// 窓口入金 above this many yen waits for a 役席's approval.
    pub deposit_approval_above: i64,
}

/// The default of `--deposit-approval-above`: 1,000,000円.
pub const DEFAULT_DEPOSIT_APPROVAL_ABOVE: i64 = 1_000_000;

impl StaffSettings {
    pub fn for_tests() -> Self {
        Self {
            addr: Some("127.0.0.1:0".parse().expect("an address")),
            public_url: None,
            deposit_approval_above: DEFAULT_DEPOSIT_APPROVAL_ABOVE,
        }
    }
}

/// How the server meets the network: proxies, TLS, and its bounds under abuse and overload.
#[derive(Debug, Clone)]
pub struct EdgeSettings {
    /// Peers whose `X-Forwarded-For` / `Forwarded` names the client.
    pub trusted_proxies: TrustedProxies,
    /// Production without `policy.tls` (plain HTTP to the customer) only when this is set.
    pub insecure_http: bool,
    /// Clients the per-client limiter tracks at most.
    pub limiter_capacity: usize,
    /// A request still unanswered after this is answered 503 (and its work dropped, rolled back).
    pub request_timeout: Duration,
    /// How often expired sessions, pending logins, ended limiter windows and throttles go.
    pub sweep_interval: Duration,
    /// The OTP key file (`--otp-key-file`): the keys without putting them in `ps`.
    pub otp_key_file: Option<PathBuf>,
    /// Header-read timeout and connection caps of the accept loop.
    pub connections: crate::http::connections::ConnectionLimits,
}

impl Default for EdgeSettings {
    fn default() -> Self {
        Self {
            trusted_proxies: TrustedProxies::default(),
            insecure_http: false,
            limiter_capacity: crate::http::rate_limiter::DEFAULT_CAPACITY,
            request_timeout: Duration::from_secs(30),
            sweep_interval: Duration::from_secs(60),
            otp_key_file: None,
            connections: Default::default(),
        }
    }
}

/// Development shows mail in a mailbox page and makes its own keys; production does neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    Development,
    Production,
}

#[derive(Debug, Clone)]
pub struct MailSettings {
    /// `smtp://host:25`, `smtp://user:pass@host:587?tls=required` or `smtps://host:465`;
    /// without it, mail goes to the development mailbox (development mode only).
    pub smtp_url: Option<String>,
    /// A CA certificate (PEM) the SMTP server's certificate may chain to, besides the system's.
    pub smtp_ca_file: Option<PathBuf>,
    pub from: String,
    /// How often the sender looks for mail that is due again after a failure.
    pub poll_interval: Duration,
    /// A mail claimed by a sender that died (its instance killed) is retried after this.
    pub lease_seconds: i64,
    /// Whether the server delivers the outbox in the background. Tests that drive delivery
    /// step by step (`Spawned::mail`) turn it off.
    pub background_delivery: bool,
}

impl Default for MailSettings {
    fn default() -> Self {
        Self {
            smtp_url: None,
            smtp_ca_file: None,
            from: "ネットバンク信用組合 <otp@netbank.example>".to_owned(),
            poll_interval: Duration::from_secs(5),
            lease_seconds: crate::mail::sender::LEASE_SECONDS,
            background_delivery: true,
        }
    }
}

pub const DEFAULT_SERVICE_ID: &str = "10010001";

/// The OTP rules (docs/otp.md, Rules), each configurable.
#[derive(Debug, Clone)]
pub struct OtpPolicy {
    pub algorithm: TotpAlgorithm,
    pub digits: u32,
    pub period: u32,
    /// Steps of clock drift accepted each way.
    pub drift_steps: u32,
    /// Wrong OTPs in a row that make the token 停止中.
    pub suspend_threshold: u32,
    /// Wrong 利用開始パスワード that void an issuance.
    pub provisioning_attempts: u32,
    /// Days a token may stay before 利用開始 (set-up and registration) after トークン発行.
    pub pending_days: u32,
    /// Seconds the password step of a login waits for its OTP (the guide: one minute).
    pub pending_login_seconds: i64,
}

impl Default for OtpPolicy {
    fn default() -> Self {
        Self {
            algorithm: TotpAlgorithm::Sha1,
            digits: 6,
            period: 30,
            drift_steps: 1,
            suspend_threshold: 5,
            provisioning_attempts: 5,
            pending_days: 7,
            pending_login_seconds: 60,
        }
    }
}

/// The security limits, each configurable (`cli`), with the defaults a bank would choose.
#[derive(Debug, Clone)]
pub struct Policy {
    /// Wrong login passwords in a row that lock the login until the operator unlocks it.
    pub login_lockout_threshold: u32,
    /// Wrong 仮パスワード attempts that void it.
    pub temporary_password_attempts: u32,
    /// How long a 仮パスワード stays valid, in days.
    pub temporary_password_days: u32,
    /// A session ends after this many seconds without a request…
    pub session_idle_seconds: i64,
    /// …and after this many seconds whatever happens.
    pub session_absolute_seconds: i64,
    /// Authentication requests a client address may make per minute.
    pub auth_requests_per_minute: u32,
    /// Password changes, notice-address changes, トークン発行 and token set-ups a customer may
    /// attempt per hour (each).
    pub customer_actions_per_hour: u32,
    /// Issuance mails a customer may be sent per day.
    pub issuance_mails_per_day: u32,
    /// Live sessions a customer may hold; a new login ends the oldest beyond it.
    pub sessions_per_customer: u32,
    /// Served over TLS (directly or behind a proxy): Secure cookies and HSTS.
    pub tls: bool,
    pub otp: OtpPolicy,
    pub transfer: crate::transfer_policy::TransferPolicy,
    /// Where customers who have a passkey must use it (`--require-phishing-resistant`).
    pub phishing_resistant: netbank_api::passkey::PhishingResistantPolicy,
    pub enrolment: EnrolmentPolicy,
    /// Mail the customer on a login from a device not seen for them in 90 days.
    pub new_environment_notice: bool,
}

/// Adding an authenticator: the 確認コード of a customer's first one, and how long a
/// new one keeps new payees waiting.
#[derive(Debug, Clone)]
pub struct EnrolmentPolicy {
    /// Days the bank must have had the notice address before a 確認コード goes there.
    pub address_age_days: u32,
    /// Hours after an authenticator is added during which 振込 to a payee never paid and
    /// raising the limit are refused (the FSA/NPA request of 2025-09).
    pub new_authenticator_hours: u32,
    /// Seconds a 確認コード stays valid.
    pub mail_code_seconds: u32,
    /// Wrong answers that void a 確認コード.
    pub mail_code_attempts: u32,
    /// 確認コード mails a customer may be sent per day.
    pub mail_codes_per_day: u32,
}

impl Default for EnrolmentPolicy {
    fn default() -> Self {
        Self {
            address_age_days: 7,
            new_authenticator_hours: 24,
            mail_code_seconds: 600,
            mail_code_attempts: 5,
            mail_codes_per_day: 5,
        }
    }
}

impl Default for Policy {
    fn default() -> Self {
        Self {
            login_lockout_threshold: 6,
            temporary_password_attempts: 5,
            temporary_password_days: 30,
            session_idle_seconds: 10 * 60,
            session_absolute_seconds: 60 * 60,
            auth_requests_per_minute: 30,
            customer_actions_per_hour: 10,
            issuance_mails_per_day: 5,
            sessions_per_customer: 5,
            tls: false,
            otp: OtpPolicy::default(),
            transfer: Default::default(),
            phishing_resistant: Default::default(),
            enrolment: EnrolmentPolicy::default(),
            new_environment_notice: true,
        }
    }
}

impl Settings {
    /// Listen on a free loopback port with default policy: what tests start from.
    pub fn for_tests(data_dir: PathBuf, dist_dir: Option<PathBuf>) -> Self {
        Self {
            addr: "127.0.0.1:0".parse().unwrap(),
            data_dir,
            database_url: None,
            db_connections: crate::db::connections(),
            dist_dir,
            policy: Policy::default(),
            clock: Clock::System,
            mode: Mode::Development,
            otp_key: None,
            service_id: DEFAULT_SERVICE_ID.to_owned(),
            public_url: None,
            token_app_url: None,
            mail: MailSettings { poll_interval: Duration::from_millis(50), ..MailSettings::default() },
            edge: EdgeSettings::default(),
            staff: StaffSettings::for_tests(),
            metrics_addr: None,
        }
    }
}

pub const DATABASE_FILE: &str = "netbank.sqlite3";

impl Settings {
    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join(DATABASE_FILE)
    }

    /// Opens the configured database (migrated).
    pub async fn open_database(&self) -> anyhow::Result<sqlx::AnyPool> {
        let path = self.database_path();
        let location = crate::db::Location::configured(self.database_url.as_deref(), &path);
        crate::db::connect(location, crate::db::Durability::PowerLoss, self.db_connections).await
    }
}

impl Settings {
    /// Production must not run in a way that leaks sessions or secrets: checked before
    /// anything is opened or created.
    pub fn check_production(&self) -> anyhow::Result<()> {
        if self.mode != Mode::Production || self.edge.insecure_http {
            return Ok(());
        }
        anyhow::ensure!(
            self.policy.tls,
            "production mode serves customers over TLS only: give --tls (the server sits behind a TLS proxy or terminates it), or --insecure-http to run without (never in front of customers)"
        );
        let public_url = self.public_url.as_deref().unwrap_or("");
        anyhow::ensure!(
            public_url.starts_with("https://"),
            "production mode needs --public-url https://… (where customers reach the bank; mail links point there), not {public_url:?}"
        );
        Ok(())
    }
}

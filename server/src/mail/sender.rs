//! Delivers the outbox. Each mail is claimed with a lease (its next attempt moved ahead), so
//! several server processes never send one twice at once and a mail whose sender died is
//! picked up again when the lease runs out. A failure is recorded and retried with back-off;
//! nothing is dropped.

use std::sync::Arc;
use std::time::Duration;

use lettre::message::{header::ContentType, Mailbox};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::AnyPool;
use tokio::sync::Notify;

use crate::clock::Clock;
use crate::store::mail_outbox::{self, Claimed, Delivery};

/// How long a claimed mail is left alone before another attempt may take it, by default.
pub const LEASE_SECONDS: i64 = 120;
/// Back-off after the n-th failure: 30 s, 60 s, 2 min … capped at one hour.
fn backoff_seconds(attempts: i64) -> i64 {
    (30_i64 << attempts.clamp(1, 8).saturating_sub(1)).min(3600)
}

/// The URL's TLS mode (`smtps` = wrapped, `?tls=required|opportunistic` = STARTTLS), with
/// `ca_file`'s certificates trusted besides the system's.
fn tls_trusting(url: &str, ca_file: &std::path::Path) -> anyhow::Result<lettre::transport::smtp::client::Tls> {
    use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
    let parsed = url::Url::parse(url).map_err(|e| anyhow::anyhow!("NETBANK_SMTP_URL is not a URL: {e}"))?;
    let host = parsed.host_str().ok_or_else(|| anyhow::anyhow!("NETBANK_SMTP_URL has no host"))?;
    let pem = std::fs::read(ca_file)
        .map_err(|e| anyhow::anyhow!("reading NETBANK_SMTP_CA_FILE {}: {e}", ca_file.display()))?;
    let certificate = Certificate::from_pem(&pem)
        .map_err(|e| anyhow::anyhow!("NETBANK_SMTP_CA_FILE is not a PEM certificate: {e}"))?;
    let parameters = TlsParameters::builder(host.trim_matches(['[', ']']).to_owned())
        .add_root_certificate(certificate)
        .build()
        .map_err(|e| anyhow::anyhow!("SMTP TLS settings: {e}"))?;
    let mode = parsed.query_pairs().find(|(name, _)| name == "tls").map(|(_, value)| value.into_owned());
    Ok(match (parsed.scheme(), mode.as_deref()) {
        ("smtps", _) => Tls::Wrapper(parameters),
        (_, Some("required")) => Tls::Required(parameters),
        (_, Some("opportunistic")) => Tls::Opportunistic(parameters),
        _ => anyhow::bail!("NETBANK_SMTP_CA_FILE is for TLS: use smtps:// or ?tls=required in NETBANK_SMTP_URL"),
    })
}

/// Whether the background sender is alive, for `/api/ready`: it beats each time it looks at
/// the outbox; a sender that should run but has not beaten for a while has stalled (or died).
#[derive(Debug)]
pub struct Heartbeat {
    running: std::sync::atomic::AtomicBool,
    last: std::sync::Mutex<Option<std::time::Instant>>,
    stale_after: Duration,
}

impl Heartbeat {
    pub fn new(poll_interval: Duration) -> Self {
        // One SMTP delivery may take its 15 s timeout several times over in one round.
        Self {
            running: false.into(),
            last: std::sync::Mutex::new(None),
            stale_after: poll_interval + Duration::from_secs(120),
        }
    }

    fn beat(&self) {
        self.running.store(true, std::sync::atomic::Ordering::Relaxed);
        *self.last.lock().unwrap_or_else(|p| p.into_inner()) = Some(std::time::Instant::now());
    }

    pub fn status(&self) -> netbank_api::MailSenderStatus {
        use netbank_api::MailSenderStatus;
        if !self.running.load(std::sync::atomic::Ordering::Relaxed) {
            return MailSenderStatus::Off;
        }
        match *self.last.lock().unwrap_or_else(|p| p.into_inner()) {
            Some(at) if at.elapsed() <= self.stale_after => MailSenderStatus::Running,
            _ => MailSenderStatus::Stalled,
        }
    }
}

/// Where mail goes.
#[derive(Clone)]
pub enum Transport {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    /// Development: the mail is "delivered" to the mailbox page (`/dev/mailbox`).
    DevMailbox,
}

impl Transport {
    /// SMTP as the URL says (`smtp://user:pass@host:587?tls=required`, `smtps://…`). With
    /// `ca_file`, the server's certificate is also checked against that CA (PEM): a bank's
    /// internal mail relay often has a certificate from its own CA, and trusting it must not
    /// mean trusting anything.
    pub fn from_url(url: &str, ca_file: Option<&std::path::Path>) -> anyhow::Result<Self> {
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
            .map_err(|e| anyhow::anyhow!("NETBANK_SMTP_URL is not usable: {e}"))?
            .timeout(Some(Duration::from_secs(15)));
        if let Some(ca_file) = ca_file {
            builder = builder.tls(tls_trusting(url, ca_file)?);
        }
        Ok(Self::Smtp(builder.build()))
    }

    fn delivery(&self) -> Delivery {
        match self {
            Self::Smtp(_) => Delivery::Smtp,
            Self::DevMailbox => Delivery::DevMailbox,
        }
    }
}

#[derive(Clone)]
pub struct Sender {
    pub db: AnyPool,
    pub clock: Clock,
    pub transport: Option<Transport>,
    pub from: Mailbox,
    pub wakeup: Arc<Notify>,
    pub poll_interval: Duration,
    pub heartbeat: Arc<Heartbeat>,
    /// A mail claimed by a sender that died is taken by another after this.
    pub lease_seconds: i64,
}

impl Sender {
    /// Runs until the process ends: delivers what is due, then waits for new mail or the
    /// next poll.
    pub async fn run(self) {
        let Some(transport) = self.transport.clone() else {
            tracing::warn!("no mail transport (production without NETBANK_SMTP_URL): mail stays in the outbox");
            return;
        };
        loop {
            self.heartbeat.beat();
            match self.deliver_due(&transport).await {
                Ok(_) => {}
                Err(error) => tracing::error!(%error, "mail sender could not read the outbox"),
            }
            tokio::select! {
                _ = self.wakeup.notified() => {}
                _ = tokio::time::sleep(self.poll_interval) => {}
            }
        }
    }

    /// Delivers every mail due now through the configured transport (none in production
    /// without SMTP: then nothing); how many were sent.
    pub async fn deliver_now(&self) -> sqlx::Result<usize> {
        match &self.transport {
            Some(transport) => self.deliver_due(transport).await,
            None => Ok(0),
        }
    }

    /// Delivers every mail due now; returns how many were sent.
    pub async fn deliver_due(&self, transport: &Transport) -> sqlx::Result<usize> {
        let mut sent = 0;
        while let Some(mail) = self.claim().await? {
            let now = self.clock.now();
            match self.deliver(transport, &mail).await {
                Ok(()) => {
                    crate::counters::mail_delivery("sent");
                    mail_outbox::mark_sent(&self.db, mail.id, transport.delivery(), now).await?;
                    sent += 1;
                }
                Err(error) => {
                    crate::counters::mail_delivery("failed");
                    tracing::warn!(mail = mail.id, attempts = mail.attempts, %error, "mail delivery failed; will retry");
                    let retry_at = now + backoff_seconds(mail.attempts);
                    mail_outbox::record_failure(&self.db, mail.id, &error.to_string(), retry_at).await?;
                }
            }
        }
        Ok(sent)
    }

    /// Takes the oldest due mail under a lease, counting the attempt.
    async fn claim(&self) -> sqlx::Result<Option<Claimed>> {
        mail_outbox::claim_due(&self.db, self.clock.now(), self.lease_seconds).await
    }

    async fn deliver(&self, transport: &Transport, mail: &Claimed) -> anyhow::Result<()> {
        match transport {
            Transport::DevMailbox => Ok(()),
            Transport::Smtp(smtp) => {
                let message = Message::builder()
                    .from(self.from.clone())
                    .to(mail.to_address.parse()?)
                    .message_id(Some(message_id(mail, self.from.email.domain())))
                    .subject(mail.subject.as_str())
                    .header(ContentType::TEXT_PLAIN)
                    .body(mail.body.clone())?;
                smtp.send(message).await?;
                Ok(())
            }
        }
    }
}

/// The same for every attempt at one outbox mail, so a retry after a lost answer (the relay
/// took the mail but the connection dropped) can be recognised as a duplicate downstream; a
/// mail without one is also more likely to be taken for spam.
fn message_id(mail: &Claimed, domain: &str) -> String {
    use sha2::{Digest, Sha256};
    let digest = Sha256::digest(format!("{}\n{}\n{}", mail.to_address, mail.subject, mail.body).as_bytes());
    let tag: String = digest[..6].iter().map(|b| format!("{b:02x}")).collect();
    format!("<outbox.{}.{tag}@{domain}>", mail.id)
}

#[cfg(test)]
mod tests {
    use super::backoff_seconds;

    #[test]
    fn back_off_doubles_up_to_an_hour() {
        assert_eq!(backoff_seconds(1), 30);
        assert_eq!(backoff_seconds(2), 60);
        assert_eq!(backoff_seconds(3), 120);
        assert_eq!(backoff_seconds(20), 3600);
    }
}

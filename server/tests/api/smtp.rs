//! Mail through a real SMTP server as production uses one: Debian's aiosmtpd
//! (`tests/support/smtp_server.py`), STARTTLS required before AUTH, AUTH before mail, with a
//! certificate made at test time and trusted only through `--smtp-ca-file`.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use crate::helpers::{spawn_app_configured, TestApp};

const PYTHON: &str = "/usr/bin/python3";
const USER: &str = "netbank";
pub(crate) const PASSWORD: &str = "s3cret-pass";

pub(crate) struct SmtpServer {
    child: Child,
    port: u16,
    dir: tempfile::TempDir,
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl SmtpServer {
    pub(crate) async fn start() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let (cert, key) = (dir.path().join("cert.pem"), dir.path().join("key.pem"));
        let made = Command::new("openssl")
            .args(["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-days", "2"])
            .args(["-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"])
            .arg("-keyout")
            .arg(&key)
            .arg("-out")
            .arg(&cert)
            .output()
            .expect("openssl (./x setup installs it)");
        assert!(made.status.success(), "{}", String::from_utf8_lossy(&made.stderr));
        std::fs::create_dir(dir.path().join("mail")).unwrap();
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/support/smtp_server.py");
        let child = Command::new(PYTHON)
            .arg(script)
            .arg(port.to_string())
            .arg(&cert)
            .arg(&key)
            .arg(dir.path().join("mail"))
            .args([USER, PASSWORD])
            .stdout(Stdio::null())
            // aiosmtpd logs the refused handshakes the tests provoke; kept beside the mail.
            .stderr(std::fs::File::create(dir.path().join("server.log")).unwrap())
            .spawn()
            .expect("python3 with aiosmtpd (./x setup installs python3-aiosmtpd)");
        let server = Self { child, port, dir };
        for _ in 0..100 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                return server;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("aiosmtpd did not listen on {port}");
    }

    pub(crate) fn url(&self, password: &str) -> String {
        format!("smtp://{USER}:{password}@127.0.0.1:{}?tls=required", self.port)
    }

    pub(crate) fn ca(&self) -> PathBuf {
        self.dir.path().join("cert.pem")
    }

    pub(crate) fn delivered(&self) -> Vec<String> {
        let mut mails: Vec<PathBuf> = std::fs::read_dir(self.dir.path().join("mail"))
            .unwrap()
            .map(|entry| entry.unwrap().path())
            .filter(|path| path.extension().is_some_and(|e| e == "eml"))
            .collect();
        mails.sort();
        mails.iter().map(|path| std::fs::read_to_string(path).unwrap()).collect()
    }
}

async fn app_sending_to(url: String, ca: Option<&Path>) -> TestApp {
    let ca = ca.map(Path::to_path_buf);
    spawn_app_configured(move |settings| {
        settings.mail.smtp_url = Some(url);
        settings.mail.smtp_ca_file = ca;
    })
    .await
}

/// The 利用開始パスワード of the issuance: must never be in a mail.
const ACTIVATION: &str = "80516";

async fn issue_one(app: &TestApp) {
    app.registered_customer("taro01", "kumo4821").await;
    let session = app.logged_in("taro01", "kumo4821").await;
    assert_eq!(app.issue_software(&session, "taro@docomo.ne.jp", ACTIVATION).await.status(), 200);
}

async fn last_error(app: &TestApp) -> (String, String) {
    sqlx::query_as("SELECT status, COALESCE(last_error, '') FROM mail_outbox WHERE to_address = 'taro@docomo.ne.jp'")
        .fetch_one(&app.state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn issuance_mail_goes_out_over_starttls_with_auth() {
    let smtp = SmtpServer::start().await;
    let app = app_sending_to(smtp.url(PASSWORD), Some(&smtp.ca())).await;
    issue_one(&app).await;
    assert!(app.deliver_mail().await >= 1);
    let mails = smtp.delivered();
    let raw = mails.iter().find(|m| m.starts_with("X-Envelope-To: taro@docomo.ne.jp\r\n")).expect("the issuance mail");
    let mail = mailparse::parse_mail(raw.as_bytes()).unwrap();
    let header =
        |name: &str| mail.headers.iter().find(|h| h.get_key().eq_ignore_ascii_case(name)).map(|h| h.get_value());
    assert!(header("From").unwrap().contains("otp@netbank.example"), "{raw}");
    assert_eq!(header("To").unwrap(), "taro@docomo.ne.jp");
    assert_eq!(header("Subject").unwrap(), "【ネットバンク信用組合】ワンタイムパスワード トークン発行のお知らせ");
    let raw_subject = raw.lines().find(|l| l.starts_with("Subject:")).unwrap();
    assert!(raw_subject.is_ascii() && raw_subject.contains("=?utf-8?"), "encoded for Japanese: {raw_subject}");
    assert!(mailparse::dateparse(&header("Date").expect("a Date")).is_ok());
    let message_id = header("Message-ID").expect("a Message-ID");
    assert!(message_id.starts_with('<') && message_id.ends_with('>') && message_id.contains('@'), "{message_id}");
    assert_eq!(mail.ctype.charset.to_lowercase(), "utf-8");
    let body = mail.get_body().unwrap();
    let user_id: String = sqlx::query_scalar("SELECT user_id FROM otp_tokens").fetch_one(&app.state.db).await.unwrap();
    assert!(body.contains(&format!("ユーザID：{user_id}")), "{body}");
    assert!(body.contains(&format!("{}/token", app.public_url())), "the token app's link: {body}");
    // No 利用開始パスワード, SMTP password or login password, as a word anywhere.
    let words: Vec<&str> = raw.split(|c: char| !c.is_ascii_alphanumeric() && c != '-').collect();
    assert!(!words.contains(&ACTIVATION) && !body.contains(ACTIVATION), "{body}");
    assert!(!raw.contains(PASSWORD) && !raw.contains("kumo4821"));
    assert_eq!(last_error(&app).await.0, "sent");
}

#[tokio::test]
async fn a_wrong_smtp_password_keeps_the_mail_with_the_reason() {
    let smtp = SmtpServer::start().await;
    let app = app_sending_to(smtp.url("wrong-password"), Some(&smtp.ca())).await;
    issue_one(&app).await;
    assert_eq!(app.deliver_mail().await, 0);
    let (status, error) = last_error(&app).await;
    assert_eq!(status, "pending", "kept for the next attempt");
    assert!(error.contains("535") || error.to_lowercase().contains("auth"), "{error}");
    assert!(!error.contains("wrong-password"), "the SMTP password never reaches the record");
    assert!(smtp.delivered().iter().all(|m| !m.contains("taro@docomo.ne.jp")));
}

#[tokio::test]
async fn an_smtp_server_the_bank_does_not_trust_gets_no_mail_and_no_password() {
    let smtp = SmtpServer::start().await;
    // Without the CA file the self-made certificate is not trusted: STARTTLS fails, so the
    // credentials are never sent.
    let app = app_sending_to(smtp.url(PASSWORD), None).await;
    issue_one(&app).await;
    assert_eq!(app.deliver_mail().await, 0);
    let (status, error) = last_error(&app).await;
    assert_eq!(status, "pending");
    assert!(!error.is_empty() && !error.contains(PASSWORD), "{error}");
    assert!(smtp.delivered().is_empty());
}

//! Mail through a real SMTP conversation: a failed delivery stays in the outbox, visible,
//! and goes out when the server can be reached.

use netbank_server::config::Mode;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::helpers::{spawn_app_configured, TestApp};

/// A minimal SMTP server that accepts one message per connection and hands over its
/// envelope recipient and data.
async fn smtp_server(listener: TcpListener, delivered: mpsc::UnboundedSender<(String, String)>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else { return };
        let delivered = delivered.clone();
        tokio::spawn(async move {
            let (read, mut write) = stream.into_split();
            let mut lines = BufReader::new(read).lines();
            write.write_all(b"220 test ESMTP\r\n").await.unwrap();
            let (mut recipient, mut data, mut in_data) = (String::new(), String::new(), false);
            while let Ok(Some(line)) = lines.next_line().await {
                if in_data {
                    if line == "." {
                        in_data = false;
                        delivered.send((recipient.clone(), data.clone())).unwrap();
                        write.write_all(b"250 queued\r\n").await.unwrap();
                    } else {
                        data.push_str(&line);
                        data.push('\n');
                    }
                    continue;
                }
                let verb = line.get(..4).unwrap_or_default().to_ascii_uppercase();
                let reply: &[u8] = match verb.as_str() {
                    "EHLO" | "HELO" => b"250 test\r\n",
                    "MAIL" => b"250 ok\r\n",
                    "RCPT" => {
                        recipient = line.split(['<', '>']).nth(1).unwrap_or_default().to_owned();
                        b"250 ok\r\n"
                    }
                    "DATA" => {
                        in_data = true;
                        b"354 go ahead\r\n"
                    }
                    "QUIT" => {
                        write.write_all(b"221 bye\r\n").await.unwrap();
                        return;
                    }
                    _ => b"250 ok\r\n",
                };
                write.write_all(reply).await.unwrap();
            }
        });
    }
}

async fn outbox_row(app: &TestApp) -> (String, i64, Option<String>, Option<String>) {
    sqlx::query_as(
        "SELECT status, attempts, last_error, transport FROM mail_outbox WHERE to_address = 'taro@docomo.ne.jp'",
    )
    .fetch_one(&app.state.db)
    .await
    .unwrap()
}

#[tokio::test]
async fn a_failed_delivery_is_kept_retried_and_delivered_when_smtp_answers() {
    // A port with nobody listening: the first attempts fail.
    let probe = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = probe.local_addr().unwrap().port();
    drop(probe);
    let app = spawn_app_configured(|settings| settings.mail.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    app.registered_customer("taro01", "kumo4821").await;
    let session = app.logged_in("taro01", "kumo4821").await;
    assert_eq!(app.issue_software(&session, "taro@docomo.ne.jp", "1234").await.status(), 200);

    assert_eq!(app.deliver_mail().await, 0, "nobody listens yet");
    let row = outbox_row(&app).await;
    assert_eq!(row.0, "pending");
    assert_eq!(row.1, 1, "one attempt so far");
    assert!(row.2.is_some(), "the failure is recorded");

    // The SMTP server comes up; the retry is due after the back-off.
    let listener = TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let (sent, mut received) = mpsc::unbounded_channel();
    tokio::spawn(smtp_server(listener, sent));
    assert_eq!(app.deliver_mail().await, 0, "not due before the back-off");
    app.clock().advance(31);
    // The notices to the customer's notice address go out in the same retry; the issuance
    // mail is the one this test follows.
    assert!(app.deliver_mail().await >= 1);
    let (recipient, data) = loop {
        let (recipient, data) = received.try_recv().expect("the SMTP server received the mail");
        if recipient == "taro@docomo.ne.jp" {
            break (recipient, data);
        }
    };
    assert_eq!(recipient, "taro@docomo.ne.jp");
    assert!(data.contains("To: taro@docomo.ne.jp"), "{data}");
    assert!(data.to_ascii_lowercase().contains("subject: =?utf-8?"), "Japanese subject encoded: {data}");
    let row = outbox_row(&app).await;
    assert_eq!(row.0, "sent");
    assert_eq!(row.1, 2);
    assert_eq!(row.3.as_deref(), Some("smtp"));
    assert_eq!(row.2, None);
}

#[tokio::test]
async fn production_mode_has_no_mailbox_and_keeps_mail_without_smtp() {
    let key = base64_key();
    let app = spawn_app_configured(|settings| {
        settings.mode = Mode::Production;
        settings.otp_key = Some(key);
        settings.policy.tls = true;
        settings.public_url = Some("https://bank.example".into());
    })
    .await;
    assert_eq!(app.get("/api/dev/mailbox").await.status(), 404);
    assert_eq!(app.get("/dev/mailbox").await.status(), 404);
    app.registered_customer("taro01", "kumo4821").await;
    let session = app.logged_in("taro01", "kumo4821").await;
    assert_eq!(app.issue_software(&session, "taro@docomo.ne.jp", "1234").await.status(), 200);
    assert_eq!(app.deliver_mail().await, 0, "production has no transport without SMTP");
    assert_eq!(outbox_row(&app).await.0, "pending", "kept for when SMTP is configured");
}

#[tokio::test]
async fn production_mode_refuses_to_start_without_the_otp_key() {
    let data = tempfile::tempdir().unwrap();
    let mut settings = netbank_server::config::Settings::for_tests(data.path().to_owned(), None);
    settings.mode = Mode::Production;
    settings.policy.tls = true;
    settings.public_url = Some("https://bank.example".into());
    let error = netbank_server::startup::Application::build(settings).await.err().expect("refused");
    assert!(error.to_string().contains("NETBANK_OTP_KEY"), "{error}");
}

#[tokio::test]
async fn the_development_mailbox_page_shows_mail_as_text_with_working_links() {
    let app = crate::helpers::spawn_app().await;
    app.registered_customer("taro01", "kumo4821").await;
    let session = app.logged_in("taro01", "kumo4821").await;
    app.issue_software(&session, "taro@docomo.ne.jp", "1234").await;
    app.delivered_mail_to("taro@docomo.ne.jp").await;
    let page = app.get("/dev/mailbox").await;
    assert_eq!(page.status(), 200);
    assert!(page.headers()["content-type"].to_str().unwrap().starts_with("text/html"));
    let html = page.text().await.unwrap();
    assert!(html.contains("開発用メールボックス"));
    assert!(html.contains(&format!("<a href=\"{0}/token\">{0}/token</a>", app.public_url())), "{html}");
}

fn base64_key() -> String {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD.encode([42u8; 32])
}

//! The development mailbox: in development mode, every mail the product sent, readable in a
//! browser at `/dev/mailbox` (links work, so the issuance mail's URL opens the token app) and
//! as JSON at `/api/dev/mailbox` for tests.

use axum::extract::State;
use axum::response::Html;
use axum::Json;

use crate::calendar::jst_datetime;
use crate::error::ApiError;
use crate::mail::outbox::{self, MailStatus, OutboxMail};
use crate::state::AppState;

const SHOWN: i64 = 200;

/// `GET /api/dev/mailbox` (development mode only, so not in the OpenAPI document).
pub async fn json(State(state): State<AppState>) -> Result<Json<Vec<OutboxMail>>, ApiError> {
    Ok(Json(outbox::list(&state.db, false, SHOWN).await?))
}

pub async fn page(State(state): State<AppState>) -> Result<Html<String>, ApiError> {
    let mails = outbox::list(&state.db, false, SHOWN).await?;
    let mut html = String::from(
        "<!doctype html><html lang=\"ja\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <title>開発用メールボックス</title></head><body><main><h1>開発用メールボックス</h1>\
         <p>開発モードで送信されたメールです（新しい順）。本番モードでは表示されません。</p>",
    );
    if mails.is_empty() {
        html.push_str("<p>メールはまだありません。</p>");
    }
    for mail in &mails {
        let status = match (mail.status, &mail.last_error) {
            (MailStatus::Sent, _) => format!("送信済み（{}）", jst_datetime(mail.sent_at.unwrap_or_default())),
            (_, Some(error)) => format!("未送信・再送待ち（{}回失敗: {}）", mail.attempts, escape(error)),
            _ => "未送信".to_owned(),
        };
        html.push_str(&format!(
            "<article class=\"mail\" data-mail-id=\"{id}\"><h2>{subject}</h2><dl>\
             <dt>宛先</dt><dd class=\"to\">{to}</dd><dt>作成</dt><dd>{created}</dd><dt>状態</dt><dd>{status}</dd></dl>\
             <p class=\"body\">{body}</p></article>",
            id = mail.id,
            subject = escape(&mail.subject),
            to = escape(&mail.to_address),
            created = jst_datetime(mail.created_at),
            // Lines as <br>, not <pre>: long lines wrap on a phone.
            body = linkify(&escape(&mail.body)).replace('\n', "<br>"),
        ));
    }
    html.push_str("</main></body></html>");
    Ok(Html(html))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

/// Turns http(s) URLs of already-escaped text into links.
fn linkify(escaped: &str) -> String {
    escaped
        .split('\n')
        .map(|line| {
            line.split(' ')
                .map(|word| {
                    if word.starts_with("http://") || word.starts_with("https://") {
                        format!("<a href=\"{word}\">{word}</a>")
                    } else {
                        word.to_owned()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_text_is_escaped_and_only_urls_become_links() {
        let text = escape("<script>alert(1)</script> \"x\"\nhttp://127.0.0.1:8080/token");
        assert!(!text.contains("<script>"));
        let html = linkify(&text);
        assert!(html.contains("<a href=\"http://127.0.0.1:8080/token\">"));
        assert!(html.contains("&lt;script&gt;"));
    }
}

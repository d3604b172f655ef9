//! The issuance mail of 手順7: thanks, the token app's URL, and what its 初期設定 asks for.
//! It never carries the 利用開始パスワード: the mail and the password travel apart.

use netbank_api::INSTITUTION_NAME;

pub struct IssuanceMail {
    pub subject: String,
    pub body: String,
}

pub fn compose(token_app_url: &str, service_id: &str, user_id: &str, pending_until: &str) -> IssuanceMail {
    let subject = format!("【{INSTITUTION_NAME}】ワンタイムパスワード トークン発行のお知らせ");
    let body = format!(
        "{INSTITUTION_NAME}のワンタイムパスワード認証サービスをお申し込みいただきまして、ありがとうございます。\n\
         \n\
         下記URLを開いて、ワンタイムパスワードアプリ（トークン）をご利用ください。\n\
         {token_app_url}\n\
         \n\
         初期設定では、以下の項目をご入力ください。\n\
         ・サービスID：{service_id}\n\
         ・ユーザID：{user_id}\n\
         ・利用開始パスワード：トークン発行時にお客様が設定された数字（このメールには記載していません）\n\
         \n\
         初期設定のあと、インターネットバンキングの「ワンタイムパスワード利用開始登録」で、\n\
         トークンに表示されたワンタイムパスワードを入力してください。\n\
         {pending_until}までに利用開始登録がない場合、このトークンは無効になります。\n\
         \n\
         ※お心当たりのない場合は、このメールを破棄し、お取引店までご連絡ください。\n\
         ※{INSTITUTION_NAME}がメールでパスワードの入力をお願いすることは絶対にありません。\n\
         \n\
         {INSTITUTION_NAME}\n"
    );
    IssuanceMail { subject, body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mail_names_the_url_and_the_ids_but_not_the_password() {
        let mail = compose("https://bank.example/token", "10010001", "12345678901", "2026年12月1日 10:00");
        assert!(mail.subject.contains("トークン発行"));
        for needed in [
            "https://bank.example/token",
            "サービスID：10010001",
            "ユーザID：12345678901",
            "利用開始パスワード",
            "2026年12月1日 10:00",
        ] {
            assert!(mail.body.contains(needed), "{needed}");
        }
    }
}

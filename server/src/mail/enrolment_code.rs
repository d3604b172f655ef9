//! The 確認コード mail: a customer adding their first second factor proves it is them by the
//! notice address the bank has had for a while. The mail says what the code is for and until
//! when, carries nothing else (no link, no token app URL), and tells a customer who did not
//! ask what to do.

use netbank_api::enrolment::Enrolment;
use netbank_api::INSTITUTION_NAME;

pub struct EnrolmentCodeMail {
    pub subject: String,
    pub body: String,
}

pub fn compose(code: &str, purpose: Enrolment, requested_at: &str, valid_until: &str) -> EnrolmentCodeMail {
    let subject = format!("【{INSTITUTION_NAME}】確認コードのお知らせ");
    let what = purpose.label();
    let body = format!(
        "{INSTITUTION_NAME}インターネットバンキングをご利用いただき、ありがとうございます。\n\
         \n\
         {what}のお手続きがありました。\n\
         お手続き日時：{requested_at}\n\
         \n\
         お手続きの画面で、次の確認コードを入力してください。\n\
         \n\
         確認コード：{code}\n\
         有効期限：{valid_until}（1回限り有効）\n\
         \n\
         ※確認コードは、ほかの方に絶対に教えないでください。当組合の職員がお尋ねすることもありません。\n\
         ※お心当たりのない場合は、第三者がお客様のログインパスワードを知っているおそれがあります。\n\
         ※確認コードは入力せず、ログインパスワードを変更のうえ、至急お取引店までご連絡ください。\n\
         \n\
         {INSTITUTION_NAME}\n"
    );
    EnrolmentCodeMail { subject, body }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_mail_names_what_the_code_is_for_and_carries_no_link() {
        let mail = compose("123456", Enrolment::Token, "2026年12月3日 10:00", "2026年12月3日 10:10");
        assert!(mail.body.contains("確認コード：123456"));
        assert!(mail.body.contains("ワンタイムパスワードのトークン発行"));
        assert!(mail.body.contains("2026年12月3日 10:10"));
        assert!(!mail.body.contains("http"), "no link a phisher could imitate");
    }
}

//! Notices of security events and of money moved to the customer's 通知先メールアドレス: what happened, when (JST),
//! and what to do if it was not the customer. Each is written to the outbox in the
//! transaction that makes the change, so a change is never without its notice. No notice ever
//! carries a password, a code or a secret.

use netbank_api::banking::yen;
use netbank_api::INSTITUTION_NAME;
use sqlx::{Any, Transaction};

use crate::calendar::jst_datetime;
use crate::ids::CustomerId;
use crate::mail::outbox::{self, NewMail};
use crate::money::Yen;
use crate::store::customers;

/// What the customer is told about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    TokenIssued,
    /// With when new payees may be paid, where the bank keeps a waiting period.
    OtpActivated {
        new_payees_from: Option<String>,
    },
    OtpDeactivated,
    OtpSuspended,
    OtpSuspensionLifted,
    OtpInitialised,
    PasswordChanged,
    LoginLocked,
    /// To the address just registered.
    NoticeAddressRegistered,
    /// To the address being replaced; names the new one only partly.
    NoticeAddressReplaced {
        new_address: String,
    },
    /// A 振込 or 振替 was accepted.
    TransferAccepted {
        kind: &'static str,
        receipt_no: String,
        payee: String,
        amount: Yen,
        fee: Yen,
    },
    /// A 他行振込 was accepted, to leave on `execution_date`.
    InterbankAccepted {
        receipt_no: String,
        payee: String,
        amount: Yen,
        fee: Yen,
        execution_date: String,
    },
    /// A 振込予約 was booked: nothing moves until `execution_date`.
    InterbankBooked {
        receipt_no: String,
        payee: String,
        amount: Yen,
        fee: Yen,
        execution_date: String,
    },
    /// A 振込予約 of a 振込・振替 within the credit union was booked: nothing moves until its day.
    TransferBooked {
        kind: &'static str,
        receipt_no: String,
        payee: String,
        amount: Yen,
        fee: Yen,
        execution_date: String,
    },
    /// The customer cancelled a 振込予約 before its day: nothing had moved.
    TransferBookingCancelled {
        kind: &'static str,
        receipt_no: String,
        amount: Yen,
    },
    /// On its day a 振込予約 (to any bank) could not be carried out: nothing moved.
    BookingRefused {
        receipt_no: String,
        payee: String,
        amount: Yen,
        reason: String,
    },
    /// The bank's fraud rules caught a 他行振込: it waits for the branch before it is sent.
    InterbankHeld {
        receipt_no: String,
        payee: String,
        amount: Yen,
    },
    /// The branch did not send a 他行振込 the rules caught: amount and fee went back.
    InterbankRejected {
        receipt_no: String,
        payee: String,
        amount: Yen,
        fee: Yen,
    },
    /// The customer cancelled a 他行振込 before it was sent: amount and fee went back.
    InterbankCancelled {
        receipt_no: String,
        amount: Yen,
        fee: Yen,
    },
    /// The receiving bank returned a 他行振込 (振込不能): the amount went back.
    InterbankReturned {
        receipt_no: String,
        payee: String,
        amount: Yen,
        reason: String,
    },
    /// A ペイジー payment was accepted (no 領収書: this mail is the record).
    PayeasyAccepted {
        receipt_no: String,
        biller: String,
        description: String,
        amount: Yen,
        fee: Yen,
    },
    /// Ten wrong numbers stopped ペイジー for the day; `locked`: for good, until the branch.
    PayeasyStopped {
        locked: bool,
    },
    /// `what`: 1日あたり or 1回あたり.
    TransferLimitChanged {
        what: &'static str,
        limit: Yen,
    },
    /// A raise that takes effect at `from` (Japan time).
    TransferLimitScheduled {
        what: &'static str,
        limit: Yen,
        from: String,
    },
    /// A 振込 the bank checks before the money moves (出金停止): reserved, not sent.
    TransferHeld {
        receipt_no: String,
        payee: String,
        amount: Yen,
        fee: Yen,
    },
    /// The bank checked it and sent it.
    TransferReleased {
        receipt_no: String,
        payee: String,
        amount: Yen,
    },
    /// The bank did not send it; the reservation has ended.
    TransferRejected {
        receipt_no: String,
        payee: String,
        amount: Yen,
    },
    /// Never the customer's label for it (a label is theirs to write, this mail is the bank's):
    /// the kind of passkey, the time, and the waiting period.
    PasskeyRegistered {
        synced: bool,
        new_payees_from: Option<String>,
    },
    /// By the customer (one) or by the bank (all of them).
    PasskeyRemoved {
        by_bank: bool,
    },
    /// The bank froze the customer's dealings (凍結).
    Frozen,
    /// The freeze has been lifted.
    Unfrozen,
    /// A login from a device the bank has not seen for this customer in 90 days.
    NewEnvironment {
        environment: String,
    },
}

/// The paper form that brings a stopped or lost token back.
const FORM: &str = "「ワンタイムパスワード停止解除・初期化依頼書」";

impl Notice {
    /// (subject, what happened, what the customer can do now).
    fn parts(&self) -> (&'static str, String, String) {
        let not_you =
            "お心当たりのない場合は、第三者による不正なお手続きのおそれがあります。至急お取引店までご連絡ください。";
        match self {
            Self::TokenIssued => (
                "トークン発行のお知らせ",
                "ワンタイムパスワードのトークン発行のお手続きがありました。".to_owned(),
                format!("{not_you}ワンタイムパスワードの利用を止めるには、{FORM}をご提出ください。"),
            ),
            Self::OtpActivated { new_payees_from } => (
                "ワンタイムパスワード利用開始のお知らせ",
                format!(
                    "ワンタイムパスワードの利用開始登録がありました。今後のログインには、ワンタイムパスワードの入力が必要です。{}",
                    waiting(new_payees_from)
                ),
                format!("{not_you}{FORM}をご提出いただき、トークンを初期化します。"),
            ),
            Self::OtpDeactivated => (
                "ワンタイムパスワード利用解除のお知らせ",
                "ワンタイムパスワードの利用解除がありました。ご利用を再開するには、トークン発行から改めてお手続きください。".to_owned(),
                format!("{not_you}ログインパスワードの変更をお勧めします。"),
            ),
            Self::OtpSuspended => (
                "ワンタイムパスワード停止のお知らせ",
                "ワンタイムパスワードを所定の回数以上誤って入力されたため、ワンタイムパスワードを停止しました。停止中はログインできません。".to_owned(),
                format!("ご利用を再開するには、{FORM}をお取引店へご提出ください。{not_you}"),
            ),
            Self::OtpSuspensionLifted => (
                "ワンタイムパスワード停止解除のお知らせ",
                format!("{FORM}により、ワンタイムパスワードの停止を解除しました。"),
                not_you.to_owned(),
            ),
            Self::OtpInitialised => (
                "ワンタイムパスワード初期化のお知らせ",
                format!("{FORM}により、ワンタイムパスワードのトークンを初期化しました（トークン未発行）。"),
                format!("ワンタイムパスワードを再びご利用になるには、トークン発行からお手続きください。{not_you}"),
            ),
            Self::PasswordChanged => (
                "ログインパスワード変更のお知らせ",
                "ログインパスワードの変更がありました。ほかの端末のログインはすべて終了しました。".to_owned(),
                not_you.to_owned(),
            ),
            Self::LoginLocked => (
                "ログイン停止のお知らせ",
                "ログインパスワードを所定の回数以上誤って入力されたため、ログインを停止しました。".to_owned(),
                format!("ご利用を再開するには、お取引店でお手続きください。{not_you}"),
            ),
            Self::NoticeAddressRegistered => (
                "通知先メールアドレス登録のお知らせ",
                "このメールアドレスを、インターネットバンキングのお取引の通知先として登録しました。".to_owned(),
                not_you.to_owned(),
            ),
            Self::NoticeAddressReplaced { new_address } => (
                "通知先メールアドレス変更のお知らせ",
                format!(
                    "通知先メールアドレスが {} に変更されました。今後の通知はこのメールアドレスには届きません。",
                    masked(new_address)
                ),
                not_you.to_owned(),
            ),
            Self::TransferAccepted { kind, receipt_no, payee, amount, fee } => (
                if *kind == "振替" { "振替受付のお知らせ" } else { "振込受付のお知らせ" },
                format!(
                    "{kind}を受け付けました。\n受付番号：{receipt_no}\n{kind}先：{payee}\n金額：{}\n手数料：{}",
                    yen(amount.0),
                    yen(fee.0)
                ),
                not_you.to_owned(),
            ),
            Self::InterbankAccepted { receipt_no, payee, amount, fee, execution_date } => (
                "振込受付のお知らせ",
                format!(
                    "他の金融機関あての振込を受け付けました。\n受付番号：{receipt_no}\n振込先：{payee}\n金額：{}\n手数料：{}\n振込指定日：{execution_date}\n振込指定日の前日まで（当日の送信前まで）は、振込照会から取り消せます。",
                    yen(amount.0),
                    yen(fee.0)
                ),
                not_you.to_owned(),
            ),
            Self::InterbankBooked { receipt_no, payee, amount, fee, execution_date } => (
                "振込予約受付のお知らせ",
                format!(
                    "他の金融機関あての振込予約を受け付けました。振込指定日の朝にお支払口座から引き落とします。\n受付番号：{receipt_no}\n振込先：{payee}\n金額：{}\n手数料：{}\n振込指定日：{execution_date}\n振込指定日の前日までは、他行振込照会から取り消せます。",
                    yen(amount.0),
                    yen(fee.0)
                ),
                not_you.to_owned(),
            ),
            Self::TransferBooked { kind, receipt_no, payee, amount, fee, execution_date } => (
                if *kind == "振替" { "振替予約受付のお知らせ" } else { "振込予約受付のお知らせ" },
                format!(
                    "{kind}予約を受け付けました。指定日の朝に{kind}を実行します（お支払口座の残高と、その日の振込限度額が必要です）。\n受付番号：{receipt_no}\n{kind}先：{payee}\n金額：{}\n手数料：{}\n指定日：{execution_date}\n指定日の前日までは、振込照会から取り消せます。",
                    yen(amount.0),
                    yen(fee.0)
                ),
                not_you.to_owned(),
            ),
            Self::TransferBookingCancelled { kind, receipt_no, amount } => (
                if *kind == "振替" { "振替予約取消のお知らせ" } else { "振込予約取消のお知らせ" },
                format!(
                    "{kind}予約を取り消しました。お支払口座からの引き落としはありません。\n受付番号：{receipt_no}\n金額：{}",
                    yen(amount.0)
                ),
                not_you.to_owned(),
            ),
            Self::BookingRefused { receipt_no, payee, amount, reason } => (
                "振込予約不成立のお知らせ",
                format!(
                    "振込指定日になりましたが、{reason}ため、振込予約を実行できませんでした。お支払口座からの引き落としはありません。\n受付番号：{receipt_no}\n振込先：{payee}\n金額：{}",
                    yen(amount.0)
                ),
                "あらためてお手続きください。ご不明な点はお取引店へお問い合わせください。".to_owned(),
            ),
            Self::InterbankHeld { receipt_no, payee, amount } => (
                "振込受付（確認中）のお知らせ",
                format!(
                    "ご依頼の他の金融機関あての振込は、不正利用防止のため当組合で内容を確認しています。確認が済むまで振込先の金融機関へは送信せず、確認後に送信してお知らせします。送信までは他行振込照会から取り消せます。\n受付番号：{receipt_no}\n振込先：{payee}\n金額：{}",
                    yen(amount.0)
                ),
                format!("当組合からお電話でご依頼内容を確認することがあります。{not_you}"),
            ),
            Self::InterbankRejected { receipt_no, payee, amount, fee } => (
                "振込取消のお知らせ",
                format!(
                    "確認中だった他の金融機関あての振込は、確認の結果、送信しませんでした。金額と手数料をお支払口座へお戻ししました。\n受付番号：{receipt_no}\n振込先：{payee}\n金額：{}\n手数料：{}",
                    yen(amount.0),
                    yen(fee.0)
                ),
                format!("詳しくはお取引店までお問い合わせください。{not_you}"),
            ),
            Self::InterbankCancelled { receipt_no, amount, fee } => (
                "振込取消のお知らせ",
                format!(
                    "他の金融機関あての振込を取り消し、金額と手数料をお支払口座へお戻ししました。\n受付番号：{receipt_no}\n金額：{}\n手数料：{}",
                    yen(amount.0),
                    yen(fee.0)
                ),
                not_you.to_owned(),
            ),
            Self::InterbankReturned { receipt_no, payee, amount, reason } => (
                "振込不能のお知らせ",
                format!(
                    "振込先の金融機関から振込が返却されました（振込不能）。金額をお支払口座へお戻ししました。振込手数料はお戻しできません。\n受付番号：{receipt_no}\n振込先：{payee}\n金額：{}\n理由：{reason}",
                    yen(amount.0)
                ),
                "振込先の口座番号・受取人名をご確認のうえ、あらためてお手続きください。ご不明な点はお取引店へお問い合わせください。".to_owned(),
            ),
            Self::PayeasyAccepted { receipt_no, biller, description, amount, fee } => (
                "ペイジー払込受付のお知らせ",
                format!(
                    "税金・各種料金の払込（ペイジー）を受け付けました。\n受付番号：{receipt_no}\n収納機関：{biller}\n納付内容：{description}\n金額：{}\n払込手数料：{}\n{}",
                    yen(amount.0),
                    yen(fee.0),
                    netbank_api::payeasy::NO_RECEIPT_NOTE
                ),
                not_you.to_owned(),
            ),
            Self::PayeasyStopped { locked } => (
                "ペイジー利用停止のお知らせ",
                match locked {
                    false => "納付番号（お客様番号）・確認番号を所定の回数以上誤って入力されたため、本日はペイジーをご利用いただけなくなりました。明日以降にご利用いただけます。".to_owned(),
                    true => "納付番号（お客様番号）・確認番号の誤りによる利用停止が所定の回数に達したため、ペイジーを停止しました。利用再開には、お取引店でのお手続きが必要です。".to_owned(),
                },
                format!("ログインパスワードの変更をお勧めします。{not_you}"),
            ),
            Self::TransferHeld { receipt_no, payee, amount, fee } => (
                "振込受付（確認中）のお知らせ",
                format!(
                    "ご依頼の振込は、不正利用防止のため当組合で内容を確認しています。確認が済むまで振込金額と手数料をお支払口座に拘束し、確認後に振込を実行してお知らせします。\n受付番号：{receipt_no}\n振込先：{payee}\n金額：{}\n手数料：{}",
                    yen(amount.0),
                    yen(fee.0)
                ),
                format!("当組合からお電話でご依頼内容を確認することがあります。{not_you}"),
            ),
            Self::TransferReleased { receipt_no, payee, amount } => (
                "振込実行のお知らせ",
                format!("確認中だった振込を実行しました。\n受付番号：{receipt_no}\n振込先：{payee}\n金額：{}", yen(amount.0)),
                not_you.to_owned(),
            ),
            Self::TransferRejected { receipt_no, payee, amount } => (
                "振込取消のお知らせ",
                format!(
                    "確認中だった振込は、確認の結果、実行しませんでした。拘束していた金額はお支払口座でお使いいただけます。\n受付番号：{receipt_no}\n振込先：{payee}\n金額：{}",
                    yen(amount.0)
                ),
                format!("詳しくはお取引店までお問い合わせください。{not_you}"),
            ),
            Self::TransferLimitScheduled { what, limit, from } => (
                "振込限度額変更（予約）のお知らせ",
                format!(
                    "{what}の振込限度額を {} に引き上げるお手続きを受け付けました。{from}から適用します。それまでは「振込限度額の変更」から取り消せます。",
                    yen(limit.0)
                ),
                not_you.to_owned(),
            ),
            Self::TransferLimitChanged { what, limit } => (
                "振込限度額変更のお知らせ",
                format!("{what}の振込限度額が {} に変更されました。", yen(limit.0)),
                not_you.to_owned(),
            ),
            Self::PasskeyRegistered { synced, new_payees_from } => (
                "パスキー登録のお知らせ",
                format!(
                    "パスキー（{}）が登録されました。このパスキーでログインや振込の承認ができます。{}",
                    if *synced { "複数の端末で同期されるパスキー" } else { "登録した端末だけで使えるパスキー" },
                    waiting(new_payees_from)
                ),
                format!("{not_you}お取引店でパスキーを削除し、ログインパスワードを変更してください。"),
            ),
            Self::PasskeyRemoved { by_bank: false } => (
                "パスキー削除のお知らせ",
                "パスキー1件が削除されました。ほかの端末のログインはすべて終了しました。".to_owned(),
                not_you.to_owned(),
            ),
            Self::PasskeyRemoved { by_bank: true, .. } => (
                "パスキー削除のお知らせ",
                "お取引店のお手続きにより、登録されていたパスキーをすべて削除しました。ほかの端末のログインはすべて終了しました。".to_owned(),
                format!("パスキーを再びご利用になるには、ログイン後「各種お申込・手続き」→「パスキー」から登録してください。{not_you}"),
            ),
            Self::Frozen => (
                "お取引停止（凍結）のお知らせ",
                "当組合は、お客様のインターネットバンキングでの振込・振替と各種お手続きを停止しました（残高・明細のご確認はできます）。".to_owned(),
                format!("理由と再開のお手続きは、お取引店へお問い合わせください。{not_you}"),
            ),
            Self::Unfrozen => (
                "お取引再開のお知らせ",
                "停止していたインターネットバンキングでの振込・振替と各種お手続きを再開しました。".to_owned(),
                not_you.to_owned(),
            ),
            Self::NewEnvironment { environment } => (
                "新しい環境からのログインのお知らせ",
                format!("これまでと異なる環境からログインがありました。\n環境：{environment}"),
                format!(
                    "お客様ご自身のログインであれば、このメールは破棄してください。{not_you}あわせて「ログイン中の端末」からほかの端末をすべてログアウトし、ログインパスワードを変更してください。"
                ),
            ),
        }
    }

    /// The mail's subject and body for an event at `at` (unix seconds).
    pub fn compose(&self, at: i64) -> (String, String) {
        let (subject, what, next) = self.parts();
        let subject = format!("【{INSTITUTION_NAME}】{subject}");
        let body = format!(
            "{INSTITUTION_NAME}インターネットバンキングをご利用いただき、ありがとうございます。\n\
             \n\
             {what}\n\
             日時：{when}\n\
             \n\
             {next}\n\
             \n\
             ※このメールは送信専用です。パスワードやワンタイムパスワードは記載していません。\n\
             ※{INSTITUTION_NAME}がメールでパスワードの入力をお願いすることは絶対にありません。\n\
             \n\
             {INSTITUTION_NAME}\n",
            when = jst_datetime(at),
        );
        (subject, body)
    }
}

/// What a new authenticator may not do yet, and until when.
fn waiting(new_payees_from: &Option<String>) -> String {
    match new_payees_from {
        Some(from) => format!("\n安全のため、{from}までは、初めての振込先への振込と振込限度額の引き上げはできません。"),
        None => String::new(),
    }
}

/// "ta***@docomo.ne.jp": enough for the customer to recognise, too little to harvest.
fn masked(address: &str) -> String {
    match address.rsplit_once('@') {
        Some((local, domain)) => {
            let shown: String = local.chars().take(2).collect();
            format!("{shown}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

/// Writes the notice to `address`.
pub async fn send_to(
    tx: &mut Transaction<'_, Any>,
    customer_id: CustomerId,
    address: &str,
    notice: &Notice,
    now: i64,
) -> sqlx::Result<()> {
    let (subject, body) = notice.compose(now);
    let mail = NewMail { customer_id: Some(customer_id), to: address, subject: &subject, body: &body };
    outbox::enqueue(&mut **tx, mail, now).await?;
    Ok(())
}

/// Writes the notice to the customer's registered address; true when there is one.
pub async fn send(
    tx: &mut Transaction<'_, Any>,
    customer_id: CustomerId,
    notice: &Notice,
    now: i64,
) -> sqlx::Result<bool> {
    let address = customers::notice_address(&mut **tx, customer_id).await?;
    let Some(address) = address else { return Ok(false) };
    send_to(tx, customer_id, &address, notice, now).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all() -> Vec<Notice> {
        vec![
            Notice::TokenIssued,
            Notice::OtpActivated { new_payees_from: Some("2027年1月16日 09:00".into()) },
            Notice::OtpActivated { new_payees_from: None },
            Notice::OtpDeactivated,
            Notice::OtpSuspended,
            Notice::OtpSuspensionLifted,
            Notice::OtpInitialised,
            Notice::PasswordChanged,
            Notice::LoginLocked,
            Notice::NoticeAddressRegistered,
            Notice::NoticeAddressReplaced { new_address: "hanako@example.jp".into() },
            Notice::TransferAccepted {
                kind: "振込",
                receipt_no: "20270115-0000001".into(),
                payee: "001 普通 ***4321 デモ ハナコ".into(),
                amount: Yen(10_000),
                fee: Yen(0),
            },
            Notice::InterbankAccepted {
                receipt_no: "20270115-Z000001".into(),
                payee: "みずほ 東京営業部 普通 ***4567 ﾔﾏﾀﾞ ﾀﾛｳ".into(),
                amount: Yen(10_000),
                fee: Yen(220),
                execution_date: "2027年1月15日（金）".into(),
            },
            Notice::InterbankCancelled { receipt_no: "20270115-Z000001".into(), amount: Yen(10_000), fee: Yen(220) },
            Notice::InterbankRejected {
                receipt_no: "20270115-Z000002".into(),
                payee: "みずほ 東京営業部 普通 ***4567 ﾔﾏﾀﾞ ﾀﾛｳ".into(),
                amount: Yen(400_000),
                fee: Yen(330),
            },
            Notice::InterbankHeld {
                receipt_no: "20270115-Z000002".into(),
                payee: "みずほ 東京営業部 普通 ***4567 ﾔﾏﾀﾞ ﾀﾛｳ".into(),
                amount: Yen(400_000),
            },
            Notice::InterbankBooked {
                receipt_no: "20270115-Z000001".into(),
                payee: "みずほ 東京営業部 普通 ***4567 ﾔﾏﾀﾞ ﾀﾛｳ".into(),
                amount: Yen(10_000),
                fee: Yen(220),
                execution_date: "2027年1月29日（金）".into(),
            },
            Notice::TransferBooked {
                kind: "振込",
                receipt_no: "20270115-Y000001".into(),
                payee: "001 普通 ***4321 デモ ハナコ".into(),
                amount: Yen(10_000),
                fee: Yen(0),
                execution_date: "2027年1月29日（金）".into(),
            },
            Notice::TransferBookingCancelled {
                kind: "振替",
                receipt_no: "20270115-Y000002".into(),
                amount: Yen(5_000),
            },
            Notice::BookingRefused {
                receipt_no: "20270115-Z000001".into(),
                payee: "みずほ 東京営業部 普通 ***4567 ﾔﾏﾀﾞ ﾀﾛｳ".into(),
                amount: Yen(10_000),
                reason: "お支払口座の残高が不足していた".into(),
            },
            Notice::InterbankReturned {
                receipt_no: "20270115-Z000001".into(),
                payee: "みずほ 東京営業部 普通 ***4567 ﾔﾏﾀﾞ ﾀﾛｳ".into(),
                amount: Yen(10_000),
                reason: "該当口座なし".into(),
            },
            Notice::TransferLimitChanged { what: "1日あたり", limit: Yen(300_000) },
            Notice::TransferLimitScheduled {
                what: "1回あたり",
                limit: Yen(1_000_000),
                from: "2027年1月16日 00:00".into(),
            },
            Notice::TransferHeld {
                receipt_no: "20270115-K000001".into(),
                payee: "001 普通 ***4321 デモ ハナコ".into(),
                amount: Yen(300_000),
                fee: Yen(0),
            },
            Notice::TransferReleased {
                receipt_no: "20270115-K000001".into(),
                payee: "001 普通 ***4321 デモ ハナコ".into(),
                amount: Yen(300_000),
            },
            Notice::TransferRejected {
                receipt_no: "20270115-K000001".into(),
                payee: "001 普通 ***4321 デモ ハナコ".into(),
                amount: Yen(300_000),
            },
            Notice::PasskeyRegistered { synced: true, new_payees_from: Some("2027年1月16日 09:00".into()) },
            Notice::PasskeyRemoved { by_bank: false },
            Notice::PasskeyRemoved { by_bank: true },
            Notice::NewEnvironment { environment: "Chrome Mobile / Android".into() },
            Notice::Frozen,
            Notice::Unfrozen,
        ]
    }

    #[test]
    fn every_notice_says_what_when_and_what_to_do_if_it_was_not_the_customer() {
        // 2027-01-15 09:00 JST.
        let at = 1_799_971_200;
        for notice in all() {
            let (subject, body) = notice.compose(at);
            assert!(subject.starts_with('【'), "{subject}");
            assert!(body.contains("日時："), "{notice:?}");
            assert!(body.contains(&jst_datetime(at)), "{notice:?}");
            assert!(body.contains("お取引店"), "{notice:?}: no way back named");
            assert!(body.contains("お心当たりのない場合") || body.contains("お手続きください"), "{notice:?}");
        }
    }

    #[test]
    fn a_new_authenticator_notice_says_until_when_new_payees_wait() {
        let notice =
            Notice::PasskeyRegistered { synced: false, new_payees_from: Some("2027年1月16日 09:00".into()) };
        let (_, body) = notice.compose(1_799_971_200);
        assert!(
            body.contains("2027年1月16日 09:00までは、初めての振込先への振込と振込限度額の引き上げはできません"),
            "{body}"
        );
        assert!(body.contains("登録した端末だけで使えるパスキー"), "{body}");
    }

    #[test]
    fn the_old_address_sees_only_a_masked_new_one() {
        let (_, body) = Notice::NoticeAddressReplaced { new_address: "hanako@example.jp".into() }.compose(0);
        assert!(body.contains("ha***@example.jp"), "{body}");
        assert!(!body.contains("hanako@"), "{body}");
    }
}

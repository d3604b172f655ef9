use serde::{Deserialize, Serialize};

/// Why a request was refused. The SPA matches on this, never on the message text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ErrorReason {
    /// A field broke an input rule; `field` names it.
    InvalidInput,
    /// The body was not JSON of the expected shape.
    MalformedRequest,
    /// No such resource or route.
    NotFound,
    /// The body exceeded the size limit.
    PayloadTooLarge,
    /// The server failed; the cause is in its log.
    Internal,
    /// The database did not answer.
    ServiceUnavailable,
    /// The server is at capacity (password hashing queue full, a request ran too long);
    /// see `Retry-After`.
    Busy,
    /// Unknown login ID or wrong password: the two are never told apart.
    InvalidCredentials,
    /// Too many wrong passwords: the operator must unlock the login.
    LoginLocked,
    /// No session: log in first.
    Unauthenticated,
    /// The session ran out (idle or absolute limit).
    SessionExpired,
    /// A state-changing request without the SPA's anti-CSRF header or from another origin.
    CsrfRejected,
    /// Too many requests from this client; see `Retry-After`.
    RateLimited,
    /// 店番, 口座番号 and 仮パスワード do not match a customer awaiting registration.
    RegistrationMismatch,
    /// The 仮パスワード has expired, was used, or was voided by wrong attempts.
    TemporaryPasswordUnusable,
    /// The customer has registered already.
    AlreadyRegistered,
    /// Another customer has that ログインID.
    LoginIdTaken,
    /// The current password given to change it is wrong.
    WrongCurrentPassword,
    /// The new password equals the current one.
    PasswordUnchanged,
    /// The OTP's 登録状況 does not allow this 手続き (e.g. 利用開始 before the token is set up).
    OtpStateConflict,
    /// The one-time password is wrong (or from a clock too far off).
    InvalidOtp,
    /// The code was right but has been used already: wait for the next one.
    OtpAlreadyUsed,
    /// Wrong OTPs in a row stopped the OTP: the customer must submit the paper form.
    OtpSuspended,
    /// The password step of the login is older than its limit (one minute): log in again.
    OtpLoginExpired,
    /// サービスID, ユーザID and 利用開始パスワード do not match an issuance waiting for its token
    /// app. Unknown, voided, lapsed and already set-up issuances answer the same, so the
    /// endpoint tells a guesser nothing.
    ProvisioningMismatch,
    /// The token app's own refusal: this device holds that token already (never sent by the
    /// server, which does not say whether an issuance was set up).
    AlreadyProvisioned,
    /// The account's balance does not cover the amount and its fee.
    InsufficientFunds,
    /// The 振込 would take the day's 振込 beyond the customer's 1日あたりの振込限度額.
    DailyLimitExceeded,
    /// No account at this credit union has that 店番, 科目 and 口座番号.
    PayeeNotFound,
    /// 振込 to another customer, or raising the limit, needs a one-time password in use.
    OtpRequired,
    /// This confirmation's idempotency key was used for a different transfer.
    IdempotencyConflict,
    /// A passkey's answer was not accepted (another site's, another customer's, a replay, not
    /// this transfer's, or a key the bank does not know).
    PasskeyRefused,
    /// The passkey's challenge ran out or was used; ask for a new one.
    PasskeyChallengeExpired,
    /// That passkey is registered already.
    PasskeyAlreadyRegistered,
    /// The bank requires a passkey here for customers who have one.
    PasskeyRequired,
    /// Adding an authenticator needs, in the request, a fresh proof with a factor the
    /// customer already has (or the 確認コード, for a customer with none).
    StepUpRequired,
    /// The 確認コード is wrong, ran out, was used, or was voided by wrong attempts.
    InvalidMailCode,
    /// No notice address the 確認コード could go to (none, or one set too recently).
    MailCodeUnavailable,
    /// A new authenticator was added recently: new payees and a higher limit wait.
    NewAuthenticatorWaiting,
    /// The bank has frozen the customer's dealings (凍結): no money leaves, no credential
    /// changes; balances can still be seen.
    AccountFrozen,
    /// The payee is an account the bank flags (暗号資産交換業者 and the like): a 振込 to it must
    /// carry the payer's own name as 依頼人名.
    RequesterNameLocked,
    /// Above the bank's limit per 振込 at night (Japan time).
    NightLimitExceeded,
    /// Above the customer's own 1回あたりの振込限度額.
    PerTransferLimitExceeded,
    /// The request carried more than one session cookie (one planted by another site): the
    /// answer clears them; log in again.
    DuplicateSessionCookie,
    /// Staff console: the signed-in staff member's roles do not allow this.
    NotPermitted,
    /// Staff console: a proposal's approver must be another person than its proposer.
    OwnProposal,
    /// Staff console: the proposal was decided already or its business day has ended.
    ProposalClosed,
    /// Staff console: what the proposal asks cannot be done as things are now (the token is
    /// not stopped, the hold was decided, …); `message` says what.
    ProposalNotApplicable,
    /// The customer's one-time password secret is sealed under a key this server was not
    /// given (a misconfigured instance): nothing was checked or changed; the bank must fix
    /// the server's keys.
    OtpKeyUnavailable,
    /// ペイジー: no 収納機関 with that number takes payments here.
    BillerNotFound,
    /// ペイジー: the 納付番号 (お客様番号), 確認番号 and 納付区分 match no bill of that biller.
    /// Counted: ten in a day stop ペイジー for the rest of it.
    BillNotFound,
    /// ペイジー: the bill has been paid.
    BillAlreadyPaid,
    /// ペイジー: the bill's 納付期限 has passed.
    BillOverdue,
    /// ペイジー: ten wrong numbers today stopped it until tomorrow.
    PayeasyStopped,
    /// ペイジー: stopped six times; the branch must resume it.
    PayeasyLocked,
    /// ペイジー: the payment would take the day's ペイジー past its own daily limit.
    PayeasyLimitExceeded,
    /// 他行振込: no such 金融機関 in the 全銀 master (or it is this bank: use 当組合).
    BankNotFound,
    /// 他行振込: no such 支店 of that 金融機関.
    BranchNotFound,
    /// 他行振込: sent to the 全銀 network already (or cancelled, or returned): it can no
    /// longer be cancelled here.
    TransferNotCancellable,
    /// 他行振込: a first 振込 to this account, after a change a thief makes first, over the
    /// amount the bank lets through unchecked: refused (the branch can help).
    InterbankNeedsReview,
}

impl ErrorReason {
    /// Whether a request refused for this reason means the customer's session is gone, so
    /// the page goes to the login: the code that stops the OTP and the password that locks
    /// the login end every session too.
    pub fn ends_session(self) -> bool {
        matches!(
            self,
            Self::Unauthenticated
                | Self::SessionExpired
                | Self::OtpSuspended
                | Self::LoginLocked
                | Self::DuplicateSessionCookie
        )
    }

    /// The Japanese message shown to a customer when the server sends none more specific.
    pub fn default_message(self) -> &'static str {
        match self {
            Self::InvalidInput => "入力内容に誤りがあります。",
            Self::MalformedRequest => "リクエストの形式が正しくありません。",
            Self::NotFound => "お探しのページは見つかりませんでした。",
            Self::PayloadTooLarge => "送信された内容が大きすぎます。",
            Self::Internal => "システムエラーが発生しました。しばらくしてから再度お試しください。",
            Self::ServiceUnavailable => {
                "ただいまサービスをご利用いただけません。しばらくしてから再度お試しください。"
            }
            Self::InvalidCredentials => "ログインIDまたはログインパスワードが正しくありません。",
            Self::LoginLocked => {
                "ログインパスワードを所定の回数以上誤ったため、ログインパスワードでのログインを停止しています。お取引店までお問い合わせください。パスキーを登録済みの方は「パスキーでログイン」をご利用いただけます。"
            }
            Self::Unauthenticated => "ログインしてください。",
            Self::SessionExpired => {
                "一定時間操作がなかったため、ログアウトしました。もう一度ログインしてください。"
            }
            Self::CsrfRejected => "不正な画面遷移を検出しました。もう一度最初から操作してください。",
            Self::Busy => "ただいま混み合っています。しばらくしてから再度お試しください。",
            Self::RateLimited => "短時間に多くのお取引がありました。しばらくしてから再度お試しください。",
            Self::RegistrationMismatch => "店番・口座番号・仮パスワードのいずれかが正しくありません。",
            Self::TemporaryPasswordUnusable => {
                "この仮パスワードはご利用いただけません（有効期限切れ・使用済み・停止）。お取引店で再発行の手続きをしてください。"
            }
            Self::AlreadyRegistered => "初回利用登録はお済みです。ログインIDとログインパスワードでログインしてください。",
            Self::LoginIdTaken => "このログインIDは使用できません。別のログインIDを指定してください。使用できないログインIDの指定も、仮パスワードの誤入力と同じく回数に数えます。",
            Self::WrongCurrentPassword => "現在のログインパスワードが正しくありません。",
            Self::PasswordUnchanged => "新しいログインパスワードには、現在と異なるものを指定してください。",
            Self::OtpStateConflict => "現在のワンタイムパスワードの登録状況では、このお手続きはできません。",
            Self::InvalidOtp => {
                "ワンタイムパスワードが正しくありません。トークンに表示されている数字を入力してください。続けて誤る場合は、端末の時刻が正しいかご確認ください。"
            }
            Self::OtpAlreadyUsed => {
                "このワンタイムパスワードは使用済みです。トークンに次のワンタイムパスワードが表示されてから入力してください。"
            }
            Self::OtpSuspended => {
                "ワンタイムパスワードを所定の回数以上誤ったため、ワンタイムパスワードを停止しています。「ワンタイムパスワード停止解除・初期化依頼書」をお取引店へご提出ください。"
            }
            Self::OtpLoginExpired => {
                "ワンタイムパスワードの入力が1分以内に完了しなかったため、ログインを中止しました。もう一度ログインしてください。"
            }
            Self::ProvisioningMismatch => {
                "サービスID・ユーザID・利用開始パスワードのいずれかが正しくないか、このトークン発行情報はご利用いただけません（初期設定済み・有効期限切れ・誤入力による無効）。解決しない場合は、インターネットバンキングでトークンを再発行してください。"
            }
            Self::AlreadyProvisioned => "このトークンは初期設定済みです。トークンを設定した端末をご利用ください。",
            Self::InsufficientFunds => "お支払口座の残高が不足しています（手数料を含みます）。",
            Self::DailyLimitExceeded => {
                "1日あたりの振込限度額を超えるため、お取引できません。本日の振込可能額をご確認ください。"
            }
            Self::PayeeNotFound => "入力された店番・科目・口座番号の口座はありません。振込先をご確認ください。",
            Self::OtpRequired => {
                "このお取引には、ワンタイムパスワードまたはパスキーのご利用が必要です。「各種お申込・手続き」→「ワンタイムパスワード」から、トークン発行と利用開始のお手続きをしてください。"
            }
            Self::IdempotencyConflict => {
                "この確認画面のお取引はすでに受け付けています。内容を変更する場合は、振込・振替のメニューからやり直してください。"
            }
            Self::PasskeyRefused => "パスキーによる認証ができませんでした。登録済みのパスキーで、もう一度お試しください。",
            Self::PasskeyChallengeExpired => "パスキーの認証の有効期限が切れました。もう一度お試しください。",
            Self::PasskeyAlreadyRegistered => "このパスキーはすでに登録されています。",
            Self::PasskeyRequired => {
                "お客様はパスキーを登録されているため、パスキーでのご本人確認が必要です。パスキーを利用できない場合は、お取引店へご連絡ください。"
            }
            Self::StepUpRequired => {
                "このお手続きには、お持ちの認証方式（ワンタイムパスワードまたはパスキー）、またはお届けのメールアドレスに送る確認コードでのご本人確認が必要です。"
            }
            Self::InvalidMailCode => {
                "確認コードが正しくないか、有効期限が切れています。確認コードをもう一度送信してください。"
            }
            Self::MailCodeUnavailable => {
                "確認コードを送信できる通知先メールアドレスがありません。お手数ですが、お取引店でお手続きください。"
            }
            Self::DuplicateSessionCookie => {
                "ブラウザに不正なCookieが保存されている可能性があるため、ログイン状態を解除しました。もう一度ログインしてください。解決しない場合は、ブラウザのCookie（サイトデータ）を削除してください。"
            }
            Self::PerTransferLimitExceeded => {
                "1回あたりの振込限度額（手数料を含みます）を超えています。金額を減らすか、「振込限度額の変更」で限度額を変更してください。"
            }
            Self::NightLimitExceeded => {
                "夜間は、1回あたりの振込金額（手数料を含みます）に上限があります。金額を減らすか、夜間の時間帯が終わってからお手続きください。"
            }
            Self::RequesterNameLocked => {
                "この振込先へは、依頼人名を口座名義から変更して振り込むことはできません。依頼人名を空欄（口座名義）にしてください。"
            }
            Self::AccountFrozen => {
                "お客様のお取引は当組合により停止（凍結）されています。振込・振替と各種お手続きはご利用いただけません。お取引店へご連絡ください。"
            }
            Self::NotPermitted => "この操作を行う権限がありません。",
            Self::OwnProposal => "ご自身が起案した依頼は承認・否認できません。別の役席の方が処理してください。",
            Self::ProposalClosed => "この起案は承認・否認済みか、受付日の営業時間を過ぎたため期限切れです。",
            Self::ProposalNotApplicable => "現在のお客様の状態では、この依頼を実行できません。",
            Self::OtpKeyUnavailable => {
                "ただいまワンタイムパスワードを確認できません。しばらくしてから再度お試しください。解決しない場合は、お取引店へご連絡ください。"
            }
            Self::NewAuthenticatorWaiting => {
                "新しい認証方式の登録から所定の時間が経過するまで、初めての振込先への振込・初めての収納機関への払込と振込限度額の引き上げはできません。"
            }
            Self::BillerNotFound => "入力された収納機関番号の収納機関はありません。収納機関番号をご確認ください。",
            Self::BillNotFound => {
                "納付番号（お客様番号）・確認番号・納付区分のいずれかが正しくありません。払込書の番号をご確認ください。所定の回数以上誤ると、本日はペイジーをご利用いただけなくなります。"
            }
            Self::BillAlreadyPaid => "この料金はすでに払込済みです。払込照会でご確認ください。",
            Self::BillOverdue => "納付期限を過ぎているため、ペイジーでは払い込めません。収納機関へお問い合わせください。",
            Self::PayeasyStopped => {
                "納付番号（お客様番号）・確認番号を所定の回数以上誤ったため、本日はペイジーをご利用いただけません。明日以降にお手続きください。"
            }
            Self::PayeasyLocked => {
                "納付番号（お客様番号）・確認番号の誤りによる利用停止が所定の回数に達したため、ペイジーを停止しています。お取引店で利用再開のお手続きをしてください。"
            }
            Self::PayeasyLimitExceeded => {
                "1日あたりのペイジー払込限度額を超えるため、お取引できません。本日の払込可能額をご確認ください。"
            }
            Self::BankNotFound => "選択された金融機関はお取り扱いできません。金融機関を選び直してください。",
            Self::BranchNotFound => "選択された支店は見つかりません。支店を選び直してください。",
            Self::InterbankNeedsReview => {
                "お客様の保護のため、最近のお手続き（ログイン環境・認証方式・限度額・通知先の変更など）の後しばらくは、他の金融機関の初めての振込先へこの金額を振り込めません。金額を減らすか、お取引店へご相談ください。"
            }
            Self::TransferNotCancellable => {
                "この振込はすでに振込先の金融機関へ送信したか、取消済みのため、取り消せません。組戻しはお取引店へご相談ください。"
            }
        }
    }
}

/// The one error body every endpoint answers with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub reason: ErrorReason,
    /// Japanese, fit to show on a screen.
    pub message: String,
    /// The request field at fault, when there is one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

impl ErrorBody {
    pub fn new(reason: ErrorReason) -> Self {
        Self { reason, message: reason.default_message().to_owned(), field: None }
    }

    pub fn with_message(mut self, message: impl Into<String>) -> Self {
        self.message = message.into();
        self
    }

    pub fn for_field(mut self, field: impl Into<String>) -> Self {
        self.field = Some(field.into());
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refusals_that_end_the_session_send_the_page_to_the_login() {
        for gone in [
            ErrorReason::Unauthenticated,
            ErrorReason::SessionExpired,
            ErrorReason::OtpSuspended,
            ErrorReason::LoginLocked,
        ] {
            assert!(gone.ends_session(), "{gone:?}");
        }
        for stays in [
            ErrorReason::InvalidOtp,
            ErrorReason::InvalidInput,
            ErrorReason::Busy,
            ErrorReason::RateLimited,
            ErrorReason::InsufficientFunds,
        ] {
            assert!(!stays.ends_session(), "{stays:?}");
        }
    }

    #[test]
    fn error_body_serialises_reason_as_stable_snake_case_code() {
        let body = ErrorBody::new(ErrorReason::InvalidInput).for_field("login_id");
        let json = serde_json::to_value(&body).unwrap();
        assert_eq!(json["reason"], "invalid_input");
        assert_eq!(json["field"], "login_id");
        assert_eq!(json["message"], "入力内容に誤りがあります。");
    }

    #[test]
    fn field_is_omitted_when_absent() {
        let json = serde_json::to_value(ErrorBody::new(ErrorReason::Internal)).unwrap();
        assert!(json.get("field").is_none());
    }
}

//! Adding an authenticator (a passkey, a token): the fresh proof each such request carries,
//! and the 確認コード that confirms a customer's first one out of band.
//!
//! A session's level never suffices: whoever holds only a copied cookie, or only the
//! password, must not be able to bind a factor of their own. So the request itself carries a
//! proof with a factor the customer already has (a current one-time password, or a passkey
//! answering a challenge bound to this enrolment); a customer with neither proves it with a
//! 確認コード sent to the notice address the bank has had on file for a while.

use serde::{Deserialize, Serialize};

use crate::identity::OtpState;
use crate::input::{normalise_digits, FieldSpec, InputError};
use crate::passkey::PasskeyAnswer;

/// What is being enrolled: a 確認コード and a passkey approval answer for one kind only.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Enrolment {
    /// BPK002 パスキー登録.
    Passkey,
    /// トークン発行 (either method, issuing again too).
    Token,
}

impl Enrolment {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Passkey => "passkey",
            Self::Token => "token",
        }
    }

    pub fn from_db(value: &str) -> Option<Self> {
        [Self::Passkey, Self::Token].into_iter().find(|kind| kind.as_str() == value)
    }

    /// What the customer is adding, as the 確認コード's mail and the screens say it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Passkey => "パスキーの登録",
            Self::Token => "ワンタイムパスワードのトークン発行",
        }
    }
}

/// The proof an enrolment request carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "method", rename_all = "snake_case")]
pub enum StepUp {
    /// The current one-time password of the token in use.
    Otp { code: String },
    /// One of the customer's passkeys answering `POST /api/enrolment/approval`.
    Passkey {
        #[serde(flatten)]
        answer: PasskeyAnswer,
    },
    /// The 確認コード from `POST /api/enrolment/mail-code`, for a customer with no second factor.
    MailCode { code: String },
}

/// Which proof a customer can give, from the factors they have: the same rule on both sides.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum StepUpMethod {
    Otp,
    Passkey,
    MailCode,
}

/// The second factors a customer holds now: a token's state and whether a passkey is
/// registered. Every rule about what they allow lives here, for the server and the SPA.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Factors {
    pub token: OtpState,
    pub passkey: bool,
}

/// Why a customer may not send a 振込 (or ask whose an account is).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoTransfer {
    /// No token in use and no passkey: トークン発行 and 利用開始 (or a passkey) first.
    NoSecondFactor,
    /// The token is stopped and there is no passkey.
    Suspended,
}

impl Factors {
    /// Has the customer a second factor at all (a token in use or a passkey)?
    pub fn any(self) -> bool {
        self.passkey || self.token == OtpState::Active
    }

    /// A 振込 needs a token in use or a passkey; a stopped token stops the code, not the
    /// passkey.
    pub fn may_send_transfer(self) -> Result<(), NoTransfer> {
        match (self.passkey, self.token) {
            (true, _) | (false, OtpState::Active) => Ok(()),
            (false, OtpState::Suspended) => Err(NoTransfer::Suspended),
            (false, _) => Err(NoTransfer::NoSecondFactor),
        }
    }

    /// Raising the 振込限度額 needs the current one-time password (a passkey approves one
    /// transfer, not a standing change): a token in use.
    pub fn may_raise_limit(self) -> bool {
        self.token.allows(crate::otp::Procedure::Confirm)
    }

    /// The proofs an enrolment accepts: the factors the customer has; the 確認コード only for a
    /// customer with none (and never while the token is stopped: the branch lifts that).
    pub fn step_up_methods(self) -> Vec<StepUpMethod> {
        let mut methods = Vec::new();
        if self.token == OtpState::Active {
            methods.push(StepUpMethod::Otp);
        }
        if self.passkey {
            methods.push(StepUpMethod::Passkey);
        }
        if methods.is_empty() && self.token != OtpState::Suspended {
            methods.push(StepUpMethod::MailCode);
        }
        methods
    }
}

impl crate::identity::MeResponse {
    /// The customer's second factors as `/api/me` reports them.
    pub fn factors(&self) -> Factors {
        Factors { token: self.otp_state, passkey: self.passkeys > 0 }
    }
}

/// Whether the 確認コード can be sent, and where.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum MailCodeRoute {
    /// To this notice address (shown partly hidden).
    Ready { address: String },
    /// No notice address on file: the branch registers one.
    NoAddress,
    /// The notice address is too new; usable from this time (Japan time, `2026年12月10日 09:00`).
    AddressTooNew { usable_from: String },
}

/// `GET /api/enrolment`: what this customer can prove an enrolment with, and until when a
/// new authenticator keeps new payees waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolmentStatus {
    pub methods: Vec<StepUpMethod>,
    /// Present when `methods` offers the 確認コード.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_code: Option<MailCodeRoute>,
    /// 振込 to a payee never paid before and raising the limit wait until then (Japan time).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub new_payees_from: Option<String>,
}

/// `POST /api/enrolment/mail-code` and `POST /api/enrolment/approval`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct EnrolmentPurpose {
    pub purpose: Enrolment,
}

/// The 確認コード was sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct MailCodeSent {
    /// The notice address, partly hidden.
    pub sent_to: String,
    pub expires_in_seconds: u32,
}

/// The 確認コード as typed: 6 digits ("123 456" and full-width digits accepted).
#[derive(Clone, PartialEq, Eq)]
pub struct MailCode(String);

impl MailCode {
    pub const SPEC: FieldSpec = FieldSpec { hint: "メールに記載の半角数字6桁", max_len: 9 };
    pub const DIGITS: usize = 6;

    pub fn parse(raw: &str) -> Result<Self, InputError> {
        let error = |message| Err(InputError { field: "step_up", message });
        let digits = normalise_digits(raw);
        if digits.is_empty() {
            return error("確認コードを入力してください。");
        }
        if digits.len() != Self::DIGITS || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return error("確認コードはメールに記載の半角数字6桁で入力してください。");
        }
        Ok(Self(digits))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for MailCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("MailCode(****)")
    }
}

/// An address as a 確認 screen shows it: the first character of the local part, the domain.
pub fn masked_address(address: &str) -> String {
    match address.split_once('@') {
        Some((local, domain)) => {
            let first: String = local.chars().take(1).collect();
            format!("{first}***@{domain}")
        }
        None => "***".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn factors(token: OtpState, passkey: bool) -> Factors {
        Factors { token, passkey }
    }

    #[test]
    fn only_a_token_in_use_raises_the_limit() {
        assert!(factors(OtpState::Active, false).may_raise_limit());
        assert!(factors(OtpState::Active, true).may_raise_limit());
        for token in [OtpState::NotIssued, OtpState::Issued, OtpState::Provisioned, OtpState::Suspended] {
            assert!(!factors(token, true).may_raise_limit(), "{token:?} with a passkey");
        }
    }

    #[test]
    fn a_transfer_needs_a_token_in_use_or_a_passkey() {
        assert!(factors(OtpState::Active, false).may_send_transfer().is_ok());
        assert!(factors(OtpState::NotIssued, true).may_send_transfer().is_ok());
        assert!(factors(OtpState::Suspended, true).may_send_transfer().is_ok(), "a stopped token stops the code only");
        assert_eq!(factors(OtpState::Suspended, false).may_send_transfer(), Err(NoTransfer::Suspended));
        for waiting in [OtpState::NotIssued, OtpState::Issued, OtpState::Provisioned] {
            assert_eq!(factors(waiting, false).may_send_transfer(), Err(NoTransfer::NoSecondFactor), "{waiting:?}");
        }
    }

    #[test]
    fn the_mail_code_is_for_customers_with_no_second_factor_only() {
        use StepUpMethod::*;
        assert_eq!(factors(OtpState::NotIssued, false).step_up_methods(), vec![MailCode]);
        assert_eq!(
            factors(OtpState::Provisioned, false).step_up_methods(),
            vec![MailCode],
            "a pending token proves nothing"
        );
        assert_eq!(factors(OtpState::Active, false).step_up_methods(), vec![Otp]);
        assert_eq!(factors(OtpState::Active, true).step_up_methods(), vec![Otp, Passkey]);
        assert_eq!(factors(OtpState::NotIssued, true).step_up_methods(), vec![Passkey]);
        assert_eq!(factors(OtpState::Suspended, true).step_up_methods(), vec![Passkey]);
        assert!(factors(OtpState::Suspended, false).step_up_methods().is_empty(), "stopped: the branch first");
    }

    #[test]
    fn step_up_proofs_travel_tagged_by_method() {
        let otp: StepUp = serde_json::from_str(r#"{"method":"otp","code":"123456"}"#).unwrap();
        assert_eq!(otp, StepUp::Otp { code: "123456".into() });
        let passkey: StepUp = serde_json::from_str(r#"{"method":"passkey","ceremony":"c","credential":"{}"}"#).unwrap();
        assert_eq!(
            passkey,
            StepUp::Passkey { answer: PasskeyAnswer { ceremony: "c".into(), credential: "{}".into() } }
        );
        assert!(serde_json::from_str::<StepUp>(r#"{"method":"session"}"#).is_err());
    }

    #[test]
    fn mail_codes_are_six_digits_and_never_printed() {
        assert_eq!(MailCode::parse("１２３ ４５６").unwrap().expose(), "123456");
        for bad in ["", "12345", "1234567", "12345a"] {
            assert_eq!(MailCode::parse(bad).unwrap_err().field, "step_up", "{bad}");
        }
        assert_eq!(format!("{:?}", MailCode::parse("123456").unwrap()), "MailCode(****)");
        assert_eq!(masked_address("taro.yamada@example.jp"), "t***@example.jp");
    }
}

//! The JSON contract between the netbank SPA and server.
//!
//! Both sides compile these types, so a request the SPA can build is one the server can
//! parse, and the error reasons the server sends are the ones the SPA matches on.

pub mod banking;
pub mod bundles;
pub mod checked;
pub mod display;
pub mod enrolment;
pub mod error;
pub mod health;
pub mod identity;
pub mod input;
pub mod interbank;
pub mod jst;
pub mod logins;
pub mod otp;
pub mod passkey;
pub mod payeasy;
pub mod staff;
#[cfg(feature = "totp")]
pub mod totp;

#[cfg(feature = "client")]
pub mod client;

pub use error::{ErrorBody, ErrorReason};
pub use health::{DatabaseStatus, HealthResponse, MailSenderStatus, ReadyResponse};

/// The header the SPA sends on every state-changing request (anti-CSRF proof; see the
/// server's `http::csrf`).
pub const CSRF_HEADER: &str = "x-netbank-csrf";

/// The institution this deployment serves: headers, mail, token labels.
pub const INSTITUTION_NAME: &str = "ネットバンク信用組合";

/// The institution's 金融機関コード on the 全銀 network, and its name in the network's カナ:
/// the sender of its 他行振込.
pub const INSTITUTION_BANK_CODE: &str = "2999";
pub const INSTITUTION_BANK_KANA: &str = "ﾈﾂﾄﾊﾞﾝｸｼﾝｸﾐ";

//! The one-time password life cycle (docs/otp.md, Token states): トークン発行, the token app's
//! 初期設定, 利用開始登録, the login's second step, 利用解除, and 停止 after wrong codes.
//! One module per step; `verify` holds the rules every code passes.

pub mod activate;
pub mod authenticator;
pub mod deactivate;
pub mod issue;
pub mod login;
pub mod provision;
pub mod secret_box;
pub mod status;
pub mod token;
pub mod transition;
pub mod verify;

//! What the institution's operator does from the command line: open customers, hand out
//! 仮パスワード, look a customer up, unlock a login, pay money in, check the ledger, seed the demo.

pub mod accounts;
pub mod customers;
pub mod demo;
pub mod holds;
pub mod otp;
pub mod passkeys;
pub mod payeasy;
pub mod payee_flags;
pub mod zengin;

//! What the institution's operator does from the command line: open customers, hand out
//! 仮パスワード, look a customer up, unlock a login, seed the demo.

pub mod customers;
pub mod demo;
pub mod otp;

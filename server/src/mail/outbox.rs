//! The outbox: mail is written in the transaction that causes it and read back by the
//! sender, the development mailbox and the operator (`store::mail_outbox`).

pub use crate::store::mail_outbox::{enqueue, list, Delivery, MailStatus, NewMail, OutboxMail};

//! Mail: the outbox written with each event, its sender, the issuance mail, and the
//! development mailbox.

pub mod issuance;
pub mod mailbox;
pub mod notice;
pub mod outbox;
pub mod sender;

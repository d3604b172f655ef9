//! Mail: the outbox written with each event, its sender, the issuance mail, and the
//! development mailbox.

pub mod enrolment_code;
pub mod issuance;
pub mod mailbox;
pub mod notice;
pub mod outbox;
pub mod sender;

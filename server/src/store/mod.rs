//! Every SQL statement of the server, one module per table or aggregate. Nothing outside
//! names a table or a SQL dialect: domain code calls the named functions here, and each
//! conditional transition reports whether it applied.

pub mod audit_log;
pub mod customers;
pub mod mail_outbox;
pub mod otp_tokens;
pub mod sessions;
pub mod throttles;

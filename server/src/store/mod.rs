//! Every SQL statement of the server, one module per table or aggregate. Nothing outside
//! names a table or a SQL dialect: domain code calls the named functions here, and each
//! conditional transition reports whether it applied.

pub mod customers;
pub mod otp_tokens;
pub mod sessions;

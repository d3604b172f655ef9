//! What every request passes through: security headers, CSRF refusal, rate limits.

pub mod csrf;
pub mod rate_limit;
pub mod security_headers;

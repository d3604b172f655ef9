//! What every request passes through: the client's address, its id, a deadline, security
//! headers, CSRF refusal, one session cookie, rate limits.

pub mod client_addr;
pub mod connections;
pub mod csrf;
pub mod deadline;
pub mod frozen;
pub mod rate_limit;
pub mod rate_limiter;
pub mod request_id;
pub mod security_headers;
pub mod session_cookie;

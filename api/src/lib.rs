//! The JSON contract between the netbank SPA and server.
//!
//! Both sides compile these types, so a request the SPA can build is one the server can
//! parse, and the error reasons the server sends are the ones the SPA matches on.

pub mod error;
pub mod health;

#[cfg(feature = "client")]
pub mod client;

pub use error::{ErrorBody, ErrorReason};
pub use health::{DatabaseStatus, HealthResponse};

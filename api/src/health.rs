use serde::{Deserialize, Serialize};

/// `GET /api/health`: whether the server and its database answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct HealthResponse {
    /// The server's crate version.
    pub version: String,
    pub database: DatabaseStatus,
    /// The server's clock (unix seconds): the token app compares the device's clock with it.
    #[serde(default)]
    pub server_time: i64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DatabaseStatus {
    Ok,
    Unavailable,
}

impl HealthResponse {
    pub fn is_healthy(&self) -> bool {
        self.database == DatabaseStatus::Ok
    }
}

/// `GET /api/ready`: whether this instance should get traffic (the proxy's health check).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ReadyResponse {
    pub ready: bool,
    /// A write transaction could be opened and written in (then rolled back).
    pub database: DatabaseStatus,
    pub mail_sender: MailSenderStatus,
    /// Mail in the outbox not yet delivered.
    pub mail_pending: i64,
    /// Password hashes waiting for a thread (the queue is bounded; full answers 503 busy).
    pub hash_queue: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum MailSenderStatus {
    /// Delivering, and it looked at the outbox recently.
    Running,
    /// It should be delivering but has not looked at the outbox for too long, or stopped.
    Stalled,
    /// This instance delivers no mail (no transport, or delivery driven by hand in tests).
    Off,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn health_round_trips_as_snake_case_json() {
        let json = r#"{"version":"1.2.3","database":"unavailable","server_time":1800000000}"#;
        let parsed: HealthResponse = serde_json::from_str(json).unwrap();
        assert_eq!(parsed.database, DatabaseStatus::Unavailable);
        assert!(!parsed.is_healthy());
        assert_eq!(serde_json::to_string(&parsed).unwrap(), json);
    }
}

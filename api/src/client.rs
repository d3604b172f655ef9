//! The typed client the SPA calls the server with (same origin, JSON over fetch).

use gloo_net::http::{Request, Response};
use serde::de::DeserializeOwned;

use crate::{ErrorBody, ErrorReason, HealthResponse};

/// What can go wrong calling the API, in terms a screen can show.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ClientError {
    /// The server answered with an error body.
    #[error("{}", .0.message)]
    Api(ErrorBody),
    /// The request never got an answer: the server is down or the network is gone.
    #[error("サーバーに接続できません。通信環境をご確認のうえ、再度お試しください。")]
    Unreachable,
    /// An answer came that is not what the contract says.
    #[error("サーバーから予期しない応答がありました。")]
    UnexpectedResponse,
}

impl ClientError {
    pub fn reason(&self) -> Option<ErrorReason> {
        match self {
            Self::Api(body) => Some(body.reason),
            _ => None,
        }
    }
}

async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ClientError> {
    if response.ok() {
        return response.json::<T>().await.map_err(|_| ClientError::UnexpectedResponse);
    }
    match response.json::<ErrorBody>().await {
        Ok(body) => Err(ClientError::Api(body)),
        // A proxy in front of a stopped server answers 502/504 with no JSON.
        Err(_) if matches!(response.status(), 502..=504) => Err(ClientError::Unreachable),
        Err(_) => Err(ClientError::UnexpectedResponse),
    }
}

/// `GET /api/health`. A 503 still carries a health body: the server is up, its database is not.
pub async fn health() -> Result<HealthResponse, ClientError> {
    let response =
        Request::get("/api/health").send().await.map_err(|_| ClientError::Unreachable)?;
    if response.status() == 503 {
        if let Ok(health) = response.json::<HealthResponse>().await {
            return Ok(health);
        }
        return Err(ClientError::Unreachable);
    }
    decode(response).await
}

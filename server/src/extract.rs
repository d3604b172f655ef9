//! Extractors that answer in the API's error shape instead of axum's plain-text rejections.

use std::net::IpAddr;

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use netbank_api::{ErrorBody, ErrorReason};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::http::client_addr::ClientIp;

/// A JSON body; a wrong content type, bad JSON, a wrong shape or an oversized body becomes
/// an error body with a stable reason.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(rejection_to_error(rejection)),
        }
    }
}

fn rejection_to_error(rejection: JsonRejection) -> ApiError {
    let status = rejection.status();
    let reason = if status == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
        ErrorReason::PayloadTooLarge
    } else {
        ErrorReason::MalformedRequest
    };
    ApiError { status, body: ErrorBody::new(reason), retry_after: None }
}

/// The client's address, for the audit log and limits: the TCP peer, or behind a trusted
/// proxy the address it forwarded for (`http::client_addr`).
#[derive(Debug, Clone)]
pub struct ClientAddr(pub Option<IpAddr>);

impl ClientAddr {
    pub fn ip_string(&self) -> Option<String> {
        self.0.map(|addr| addr.to_string())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self(parts.extensions.get::<ClientIp>().map(|client| client.0)))
    }
}

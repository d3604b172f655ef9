//! One session cookie, one meaning. A page on another origin of the same host (a sibling
//! subdomain, or anyone injecting into a plain-HTTP response) can plant a cookie of the
//! session's name under a narrower path; the browser then sends it first, beside the real
//! one. Over TLS the cookie is `__Host-` prefixed, which no other origin can set; on any
//! scheme a request naming more than one session is refused here, and the answer tells the
//! browser to forget every cookie of that name it could have sent with this request.
//! `/api/logout` is let through: it ends every session the request names.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use netbank_api::ErrorReason;

use crate::config::Policy;
use crate::error::ApiError;
use crate::identity::session;

const LOGOUT: &str = "/api/logout";

pub async fn single(State(policy): State<Arc<Policy>>, request: Request, next: Next) -> Response {
    let several = session::presented_tokens(request.headers(), &policy).len() > 1;
    // Nested under /api, the router sees the rest of the path; cookies go by the whole of it.
    let path = match request.extensions().get::<axum::extract::OriginalUri>() {
        Some(original) => original.path().to_owned(),
        None => request.uri().path().to_owned(),
    };
    if !several {
        return next.run(request).await;
    }
    let mut response = match path == LOGOUT {
        true => next.run(request).await,
        false => ApiError::new(ErrorReason::DuplicateSessionCookie).into_response(),
    };
    for prefix in path_prefixes(&path) {
        session::set_cookie(response.headers_mut(), session::clearing_cookie_at(&policy, &prefix));
    }
    response
}

/// Every path a cookie sent with a request for `path` can have: `/`, `/api`, `/api/login`, …
fn path_prefixes(path: &str) -> Vec<String> {
    let mut prefixes = vec!["/".to_owned()];
    let mut at = String::new();
    for segment in path.split('/').filter(|s| !s.is_empty()) {
        at.push('/');
        at.push_str(segment);
        prefixes.push(at.clone());
    }
    prefixes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_can_carry_cookies_of_each_of_its_path_prefixes() {
        assert_eq!(path_prefixes("/api/login/otp"), ["/", "/api", "/api/login", "/api/login/otp"]);
        assert_eq!(path_prefixes("/"), ["/"]);
    }
}

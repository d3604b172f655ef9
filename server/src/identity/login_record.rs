//! What a login leaves for the customer to see: its line in ログイン履歴 and, from a device the
//! bank has not seen for them in 90 days, a notice (「新しい環境からのログインのお知らせ」) and
//! a device cookie for next time. Written in the login's own transaction, so a login is never
//! without its line and its notice.

use axum::http::HeaderMap;
use sqlx::{Any, Transaction};

use crate::config::Policy;
use crate::identity::environment::{self, Agent, NewDevice};
use crate::ids::CustomerId;
use crate::mail::notice::{self, Notice};
use crate::store::customers;
use crate::store::login_history::{self, Method, NewLogin};

pub use crate::store::login_history::Method as LoginMethod;

/// A device unseen for this long is new again.
pub const DEVICE_MEMORY_SECONDS: i64 = 90 * 86_400;

/// Where a login attempt comes from, read from its request.
#[derive(Debug, Clone)]
pub struct Arrival {
    agent: Agent,
    device: Option<Vec<u8>>,
}

impl Arrival {
    pub fn of(headers: &HeaderMap, policy: &Policy) -> Self {
        let agent = Agent::of(headers);
        let device = environment::presented_device(headers, &agent, policy);
        Self { agent, device }
    }

    /// The browser and system, as ログイン履歴 and ログイン中の端末 show them.
    pub fn environment(&self) -> &str {
        &self.agent.environment
    }
}

/// Records a login that succeeded; the device cookie to set when the request had none.
pub async fn succeeded(
    tx: &mut Transaction<'_, Any>,
    policy: &Policy,
    customer_id: CustomerId,
    method: Method,
    arrival: &Arrival,
    now: i64,
) -> sqlx::Result<Option<NewDevice>> {
    let login = NewLogin { customer_id, method, succeeded: true, environment: arrival.environment() };
    login_history::record(&mut **tx, login, now).await?;
    let (device, cookie) = match &arrival.device {
        Some(device) => (device.clone(), None),
        None => {
            let new = NewDevice::generate(policy, &arrival.agent);
            (new.hash.clone(), Some(new))
        }
    };
    let last_seen = login_history::see_device(&mut *tx, customer_id, &device, now).await?;
    let unfamiliar = last_seen.is_none_or(|at| now - at > DEVICE_MEMORY_SECONDS);
    // The first login of all has nothing to compare with.
    let logged_in_before = login_history::previous_success(&mut **tx, customer_id).await?.is_some();
    if unfamiliar && logged_in_before {
        // A fact for the hold rules, whether or not the customer is mailed about it.
        customers::mark_new_environment(&mut **tx, customer_id, now).await?;
        if policy.new_environment_notice {
            let notice = Notice::NewEnvironment { environment: arrival.environment().to_owned() };
            notice::send(tx, customer_id, &notice, now).await?;
        }
    }
    Ok(cookie)
}

/// Records a refused attempt at a known customer's login (a wrong password or code).
pub async fn failed(
    db: impl sqlx::any::AnyExecutor<'_>,
    customer_id: CustomerId,
    method: Method,
    arrival: &Arrival,
    now: i64,
) -> sqlx::Result<()> {
    let login = NewLogin { customer_id, method, succeeded: false, environment: arrival.environment() };
    login_history::record(db, login, now).await
}

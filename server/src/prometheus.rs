//! What operations watch, in Prometheus's text format, on a listener of its own
//! (`--metrics-addr`), never the customers' port: a scrape shows which routes are used and how
//! fast, logins and code checks by outcome, the hashing queue, the mail outbox, the database
//! pool, the sweeper. No label ever names a customer: routes are templates, outcomes words.
//!
//! Counters are recorded where things happen (`metrics::counter!`); what is a level, not an
//! event (queue depths, the outbox's oldest mail, the pool) is read when Prometheus asks.

use std::net::SocketAddr;
use std::sync::OnceLock;
use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::header::CONTENT_TYPE;
use axum::http::Method;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tokio::net::TcpListener;

use crate::state::AppState;
use crate::store::mail_outbox;

/// Latency buckets in seconds: a login's hash is ~0.1 s, a deadline 10 s.
const SECONDS_BUCKETS: &[f64] = &[0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0];

/// The process's recorder: one per process (several servers in one test process share it).
fn handle() -> &'static PrometheusHandle {
    static HANDLE: OnceLock<PrometheusHandle> = OnceLock::new();
    HANDLE.get_or_init(|| {
        let recorder = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".to_owned()), SECONDS_BUCKETS)
            .expect("non-empty buckets")
            .build_recorder();
        let handle = recorder.handle();
        // Another recorder (none is installed elsewhere) would only mean these are not kept.
        let _ = metrics::set_global_recorder(recorder);
        // After the recorder is in place: descriptions given before it go nowhere.
        describe();
        handle
    })
}

/// The HELP lines Prometheus shows beside each family.
fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!("netbank_http_requests_total", "Requests answered, by listener, route template and status");
    describe_histogram!("netbank_http_request_duration_seconds", Unit::Seconds, "Time to answer a request");
    describe_counter!("netbank_audit_events_total", "Audited events by event and outcome");
    describe_counter!(
        "netbank_logins_total",
        "Login steps by method (password, otp, passkey, staff_passkey) and outcome"
    );
    describe_counter!("netbank_code_checks_total", "One-time passwords and passkey assertions checked, by outcome");
    describe_counter!("netbank_transfers_total", "Transfers, holds and their decisions, counter deposits, by outcome");
    describe_counter!("netbank_password_hash_refusals_total", "Logins refused at once: the hashing queue was full");
    describe_counter!("netbank_mail_deliveries_total", "Mail handed to the relay (sent) or tries that failed");
    describe_counter!("netbank_sweeper_runs_total", "Housekeeping rounds by outcome");
    describe_gauge!("netbank_database_up", "1 when the database takes a write within a second");
    describe_gauge!("netbank_db_pool_connections", "Database connections open, idle or in use");
    describe_gauge!("netbank_db_pool_max_connections", "The database pool's size");
    describe_gauge!("netbank_password_hash_queue", "Password hashes waiting for a thread");
    describe_gauge!("netbank_mail_outbox_pending", "Mail not yet handed to the relay");
    describe_gauge!("netbank_mail_outbox_oldest_age_seconds", Unit::Seconds, "Age of the oldest mail not yet sent");
    describe_gauge!("netbank_mail_sender_alive", "1 while the mail sender's loop runs");
}

/// The metrics listener, bound before the server starts serving.
pub struct MetricsListener {
    pub listener: TcpListener,
    pub address: SocketAddr,
    pub router: Router,
}

/// Binds `addr` and starts recording (until then every `counter!` costs nothing).
pub async fn listen(addr: SocketAddr, state: AppState) -> anyhow::Result<MetricsListener> {
    let listener = TcpListener::bind(addr).await?;
    let address = listener.local_addr()?;
    let router = Router::new().route("/metrics", get(scrape)).with_state(state);
    handle();
    Ok(MetricsListener { listener, address, router })
}

async fn scrape(State(state): State<AppState>) -> Response {
    levels(&state).await;
    let handle = handle();
    handle.run_upkeep();
    ([(CONTENT_TYPE, "text/plain; version=0.0.4; charset=utf-8")], handle.render()).into_response()
}

/// The levels, read now.
async fn levels(state: &AppState) {
    let now = state.clock.now();
    let database_up = crate::db::writable(&state.db).await;
    metrics::gauge!("netbank_database_up").set(if database_up { 1.0 } else { 0.0 });
    let pool = &state.db;
    let open = f64::from(pool.size());
    let idle = pool.num_idle() as f64;
    metrics::gauge!("netbank_db_pool_connections", "state" => "idle").set(idle);
    metrics::gauge!("netbank_db_pool_connections", "state" => "in_use").set((open - idle).max(0.0));
    metrics::gauge!("netbank_db_pool_max_connections").set(f64::from(pool.options().get_max_connections()));
    metrics::gauge!("netbank_password_hash_queue").set(crate::identity::password::queued() as f64);
    // Unknown while the database is away: the gauges keep their last value, `database_up` says why.
    if let Ok((pending, oldest)) = mail_outbox::backlog(&state.db).await {
        metrics::gauge!("netbank_mail_outbox_pending").set(pending as f64);
        let age = oldest.map_or(0, |created_at| (now - created_at).max(0));
        metrics::gauge!("netbank_mail_outbox_oldest_age_seconds").set(age as f64);
    }
    let sender_alive = state.mail_heartbeat.status() != netbank_api::MailSenderStatus::Stalled;
    metrics::gauge!("netbank_mail_sender_alive").set(if sender_alive { 1.0 } else { 0.0 });
}

/// A label from the methods the server answers; any other is `other`. HTTP lets a client
/// send any token as a method, and a label per token would be a series per request: memory
/// without bound, from anyone on the customers' port.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// Counts each request by route template and status, and times it. `listener` tells the
/// bank's port from the console's.
pub async fn track(State(listener): State<&'static str>, request: Request, next: Next) -> Response {
    let route = request.extensions().get::<MatchedPath>().map_or("unmatched", MatchedPath::as_str).to_owned();
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    metrics::counter!("netbank_http_requests_total", "listener" => listener, "method" => method, "route" => route.clone(), "status" => status).increment(1);
    metrics::histogram!("netbank_http_request_duration_seconds", "listener" => listener, "method" => method, "route" => route)
        .record(started.elapsed().as_secs_f64());
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_made_up_method_is_one_label_however_many_are_sent() {
        assert_eq!(method_label(&Method::POST), "POST");
        for token in ["ZZZ1", "QQ1", &"A".repeat(8000)] {
            assert_eq!(method_label(&Method::from_bytes(token.as_bytes()).unwrap()), "other");
        }
    }
}

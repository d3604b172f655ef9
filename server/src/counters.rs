//! The counters operations watch, recorded where things happen. A leaf: the domains call it
//! and it imports none of them. Nothing is kept until `prometheus` installs the recorder
//! (`--metrics-addr`); until then each call costs a check. No label names a customer.

/// Every audited event is counted: the audit log is the bank's record, this is its rate.
pub fn audited(event: &'static str, outcome: &'static str) {
    metrics::counter!("netbank_audit_events_total", "event" => event, "outcome" => outcome).increment(1);
}

/// A login step decided: `method` is password, otp, passkey or staff_passkey.
pub fn login(method: &'static str, outcome: &'static str) {
    metrics::counter!("netbank_logins_total", "method" => method, "outcome" => outcome).increment(1);
}

/// Money moved or stopped: a transfer, a hold and its decision, a counter deposit.
pub fn money(kind: &'static str, outcome: &'static str) {
    metrics::counter!("netbank_transfers_total", "kind" => kind, "outcome" => outcome).increment(1);
}

/// A one-time password or passkey checked: `accepted`, or why not.
pub fn code_checked(method: &'static str, outcome: &'static str) {
    metrics::counter!("netbank_code_checks_total", "method" => method, "outcome" => outcome).increment(1);
}

/// A login refused at once because the hashing queue was full.
pub fn hash_refused() {
    metrics::counter!("netbank_password_hash_refusals_total").increment(1);
}

/// A mail handed to the relay, or a try that failed.
pub fn mail_delivery(outcome: &'static str) {
    metrics::counter!("netbank_mail_deliveries_total", "outcome" => outcome).increment(1);
}

/// One round of the sweeper.
pub fn sweep(outcome: &'static str) {
    metrics::counter!("netbank_sweeper_runs_total", "outcome" => outcome).increment(1);
}

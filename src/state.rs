//! What screens share beyond the URL: a notice for the next screen (kept in sessionStorage:
//! the next screen may be another bundle's, after a page load), the deadline of a login
//! waiting for its code, moving between bundles, and small wrappers over the browser's
//! storage and clock.

use leptos::prelude::*;

/// A message the next screen shows once: why the customer is back at the login (logged out,
/// session ended, the minute for the code ran out, OTP stopped).
#[derive(Clone, Copy)]
pub struct Notice(RwSignal<Option<String>>);

impl Notice {
    pub fn provide() {
        provide_context(Self(RwSignal::new(None)));
    }

    /// The app's notice; a component mounted alone (tests) gets a fresh one.
    pub fn get() -> Self {
        use_context::<Self>().unwrap_or_else(|| {
            Self::provide();
            expect_context::<Self>()
        })
    }

    pub fn set(self, message: impl Into<String>) {
        let message = message.into();
        session_set(NOTICE_KEY, Some(&message));
        self.0.set(Some(message));
    }

    /// Sets the message unless one is already waiting: when several requests of one page
    /// find the session gone, the first reason (expired, say) is the one the customer reads.
    pub fn offer(self, message: impl Into<String>) {
        if self.0.with_untracked(Option::is_none) && session_get(NOTICE_KEY).is_none() {
            self.set(message);
        }
    }

    /// The waiting message, once: from this page or from the one before the page load.
    pub fn take(self) -> Option<String> {
        let message = self.0.get_untracked().or_else(|| session_get(NOTICE_KEY));
        session_set(NOTICE_KEY, None);
        if self.0.with_untracked(Option::is_some) {
            self.0.set(None);
        }
        message
    }
}

const NOTICE_KEY: &str = "netbank.notice";

/// Opens `path` with a page load: how the login, bank and token bundles hand over to each
/// other. `replace`: the current page leaves the history (a login step, a lost session).
pub fn go(path: &str, replace: bool) {
    if let Some(location) = web_sys::window().map(|w| w.location()) {
        let _ = if replace { location.replace(path) } else { location.assign(path) };
    }
}

/// Made in a component's body; called later, also from async code: sends the customer to
/// BLI001 with `message`.
pub fn leave_to_login() -> Callback<String> {
    let notice = Notice::get();
    Callback::new(move |message: String| {
        notice.offer(message);
        // Not in the middle of rendering: after this frame.
        request_animation_frame(move || go("/", true));
    })
}

/// Milliseconds since the epoch, from the browser's clock.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn storage(session: bool) -> Option<web_sys::Storage> {
    let window = web_sys::window()?;
    if session { window.session_storage().ok()? } else { window.local_storage().ok()? }
}

/// Survives reloads within the tab (the pending login's deadline).
pub fn session_get(key: &str) -> Option<String> {
    storage(true)?.get_item(key).ok()?
}

pub fn session_set(key: &str, value: Option<&str>) {
    if let Some(storage) = storage(true) {
        let _ = match value {
            Some(value) => storage.set_item(key, value),
            None => storage.remove_item(key),
        };
    }
}

/// Survives visits (the chosen text size).
pub fn local_get(key: &str) -> Option<String> {
    storage(false)?.get_item(key).ok()?
}

pub fn local_set(key: &str, value: &str) {
    if let Some(storage) = storage(false) {
        let _ = storage.set_item(key, value);
    }
}

const OTP_DEADLINE_KEY: &str = "netbank.otp-deadline";

/// When the password step of a login stops waiting for the code (ms since the epoch), kept as
/// a whole number: parsing and printing floats would cost the login bundle their code.
pub fn otp_deadline() -> Option<f64> {
    session_get(OTP_DEADLINE_KEY)?.parse::<u64>().ok().map(|ms| ms as f64)
}

pub fn set_otp_deadline(deadline_ms: Option<f64>) {
    session_set(OTP_DEADLINE_KEY, deadline_ms.map(|ms| (ms.max(0.0) as u64).to_string()).as_deref());
}

/// `1,250,000円`.
pub use netbank_api::banking::yen;

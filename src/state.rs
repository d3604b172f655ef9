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

/// The page's `<title>`: in the browser the document's; in the build-time render of BLI001,
/// kept for the page the build writes.
pub fn set_title(title: &str) {
    #[cfg(target_arch = "wasm32")]
    document().set_title(title);
    #[cfg(not(target_arch = "wasm32"))]
    RENDERED_TITLE.with(|rendered| *rendered.borrow_mut() = Some(title.to_owned()));
}

/// The title the build-time render set.
#[cfg(not(target_arch = "wasm32"))]
pub fn rendered_title() -> Option<String> {
    RENDERED_TITLE.with(|rendered| rendered.borrow().clone())
}

#[cfg(not(target_arch = "wasm32"))]
thread_local! {
    static RENDERED_TITLE: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Today in Japan (UTC+9, no daylight saving) as year, month and day, from the browser's clock.
pub fn jst_today() -> (i32, u32, u32) {
    let japan = js_sys::Date::new(&(now_ms() + netbank_api::jst::OFFSET_SECONDS as f64 * 1000.0).into());
    (japan.get_utc_full_year() as i32, japan.get_utc_month() + 1, japan.get_utc_date())
}

/// Milliseconds since the epoch, from the browser's clock.
pub fn now_ms() -> f64 {
    js_sys::Date::now()
}

fn storage(session: bool) -> Option<web_sys::Storage> {
    // The build-time render of BLI001 (`ssr`) has no browser: nothing stored, nothing kept.
    if cfg!(not(target_arch = "wasm32")) {
        return None;
    }
    let window = web_sys::window()?;
    if session {
        window.session_storage().ok()?
    } else {
        window.local_storage().ok()?
    }
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

const OTP_WINDOW_KEY: &str = "netbank.otp-window";

/// The server's window for the code, in seconds, as the password step's answer gave it (its
/// default, 60, when none was kept).
pub fn otp_window_seconds() -> u32 {
    session_get(OTP_WINDOW_KEY).and_then(|text| text.parse().ok()).unwrap_or(60)
}

pub fn set_otp_window_seconds(seconds: u32) {
    session_set(OTP_WINDOW_KEY, Some(&seconds.to_string()));
}

/// `1,250,000円`.
pub use netbank_api::banking::yen;

/// What the customer has typed into a form, kept for the tab (sessionStorage) so that back,
/// reload and a session that ran out lose nothing. Never a password or a code: those stay in
/// plain signals and are typed again.
pub fn remembered<T>(form: &'static str, field: &'static str, initial: T) -> RwSignal<T>
where
    T: serde::Serialize + serde::de::DeserializeOwned + Send + Sync + 'static,
{
    let key = format!("{FORM_PREFIX}{form}.{field}");
    let value = RwSignal::new(load(&key).unwrap_or(initial));
    Effect::new(move |_| value.with(|current| save(&key, current)));
    value
}

/// Forgets what a form held but its fields named in `keep` (its work is done: a 振込 was
/// accepted, and only the receipt stays for a reload).
pub fn forget_form(form: &str, keep: &[&str]) {
    let prefix = format!("{FORM_PREFIX}{form}.");
    let kept: Vec<String> = keep.iter().map(|field| format!("{prefix}{field}")).collect();
    forget_keys_but(&prefix, &kept);
}

/// Forgets every form (logout: the next person at this browser sees nothing of it).
pub fn forget_all_forms() {
    forget_keys_but(FORM_PREFIX, &[]);
}

/// Forms belong to the customer who typed them: another login in this tab starts empty.
pub fn forms_belong_to(login_id: &str) {
    if session_get(FORMS_OWNER_KEY).as_deref() != Some(login_id) {
        forget_all_forms();
        session_set(FORMS_OWNER_KEY, Some(login_id));
    }
}

const FORM_PREFIX: &str = "netbank.form.";
const FORMS_OWNER_KEY: &str = "netbank.forms-owner";

fn forget_keys_but(prefix: &str, kept: &[String]) {
    let Some(storage) = storage(true) else { return };
    let length = storage.length().unwrap_or(0);
    let keys: Vec<String> = (0..length)
        .filter_map(|i| storage.key(i).ok().flatten())
        .filter(|key| key.starts_with(prefix) && !kept.contains(key))
        .collect();
    for key in keys {
        let _ = storage.remove_item(&key);
    }
}

fn load<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    let parsed = js_sys::JSON::parse(&session_get(key)?).ok()?;
    serde_wasm_bindgen::from_value(parsed).ok()
}

fn save<T: serde::Serialize>(key: &str, value: &T) {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    let text =
        value.serialize(&serializer).ok().and_then(|js| js_sys::JSON::stringify(&js).ok()).and_then(|s| s.as_string());
    session_set(key, text.as_deref());
}

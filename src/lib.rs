//! The netbank customer SPA. Browser code: on the host the crate is empty, except in the
//! build-time renderer of BLI001 (`ssr`).
#![cfg(any(target_arch = "wasm32", feature = "ssr"))]

pub mod app;
pub mod components;
pub mod login_app;
pub mod pages;
pub mod prerender;
pub mod registration_app;
pub mod staff_console;
pub mod state;
pub mod webauthn;

pub use app::App;

/// The institution this deployment serves, shown in the header and the title.
pub use netbank_api::INSTITUTION_NAME;

#[cfg(feature = "token")]
pub mod token;
#[cfg(feature = "token")]
pub mod token_app;

/// What every bundle's `main` does: in a debug build a readable panic in the console; a
/// release build leaves the hook out (its formatting code is a good part of a small bundle).
pub fn start<V: IntoView + 'static>(app: impl FnOnce() -> V + 'static) {
    #[cfg(debug_assertions)]
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(app);
}

use leptos::prelude::IntoView;

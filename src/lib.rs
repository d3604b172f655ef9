//! The netbank customer SPA. Browser-only: on the host the crate is empty.
#![cfg(target_arch = "wasm32")]

pub mod app;
pub mod components;
pub mod pages;
pub mod state;

pub use app::App;

/// The institution this deployment serves, shown in the header and the title.
pub use netbank_api::INSTITUTION_NAME;

#[cfg(feature = "token")]
pub mod token;

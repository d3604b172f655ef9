//! The netbank backend: one process serves the JSON API under `/api` and the built SPA.
// Nothing of it for the browser: wasm-pack builds every default member for wasm32.
#![cfg(not(target_arch = "wasm32"))]

pub mod audit;
pub mod backup;
pub mod banking;
pub mod calendar;
pub mod cli;
pub mod cli_payeasy;
pub mod cli_zengin;
pub mod clock;
pub mod config;
pub mod counters;
pub mod db;
pub mod enrolment;
pub mod error;
pub mod extract;
pub mod http;
pub mod identity;
pub mod ids;
pub mod mail;
pub mod money;
pub mod operator;
pub mod otp;
pub mod passkey;
pub mod prometheus;
pub mod routes;
pub mod spa;
pub mod staff;
pub mod startup;
pub mod state;
pub mod store;
pub mod sweeper;
pub mod telemetry;
pub mod throttle;
pub mod transfer_policy;

#[cfg(test)]
mod import_arrows;

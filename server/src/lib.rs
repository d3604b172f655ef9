//! The netbank backend: one process serves the JSON API under `/api` and the built SPA.

pub mod audit;
pub mod calendar;
pub mod cli;
pub mod clock;
pub mod config;
pub mod db;
pub mod error;
pub mod extract;
pub mod http;
pub mod identity;
pub mod mail;
pub mod operator;
pub mod otp;
pub mod routes;
pub mod spa;
pub mod startup;
pub mod store;
pub mod sweeper;
pub mod telemetry;
pub mod throttle;

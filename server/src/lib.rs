//! The netbank backend: one process serves the JSON API under `/api` and the built SPA.

pub mod cli;
pub mod config;
pub mod db;
pub mod error;
pub mod routes;
pub mod spa;
pub mod startup;
pub mod telemetry;

//! API tests: the real server on a free port with a fresh database, called over HTTP.
//! One binary (faster to link), one file per capability.

mod health;
mod helpers;
mod login;
mod openapi;
mod operator;
mod password;
mod registration;
mod security;
mod session;
mod spa;

//! API tests: the real server on a free port with a fresh database, called over HTTP.
//! One binary (faster to link), one file per capability.
#![cfg(not(target_arch = "wasm32"))]

mod backup;
mod banking_helpers;
mod cli;
mod connections;
mod cookie_tossing;
mod db_copy;
mod edge;
mod enrolment;
mod enumeration;
mod faults;
mod freeze;
mod health;
mod helpers;
mod holds;
mod hostile;
mod instances;
mod keys;
mod lockout;
mod login;
mod logins;
mod mail;
mod notices;
mod openapi;
mod operations;
mod operator;
mod otp_helpers;
mod otp_issue;
mod otp_login;
mod otp_provision;
mod otp_suspension;
mod outage;
mod passkeys;
mod password;
mod payeasy;
mod registration;
mod schema;
mod second_factor;
mod security;
mod session;
mod smtp;
mod spa;
mod staff;
mod statement;
mod transfers;

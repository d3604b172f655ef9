//! Who the customer is: first-time registration, password login, sessions, password change.

pub mod account;
pub mod activity;
pub mod environment;
pub mod login;
pub mod login_record;
pub mod notice_address;
pub mod password;
pub mod reauth;
pub mod registration;
pub mod session;
pub mod user_agents;

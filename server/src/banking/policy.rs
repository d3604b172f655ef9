//! The bank's rules for money leaving an account (`crate::transfer_policy`: a leaf, so the
//! configuration can hold them without importing the banking domain).

pub use crate::transfer_policy::*;

//! Which row a number names. A customer's id, an account's id and an amount of yen are all
//! 64-bit integers in the database; here each is its own type, so a function taking a
//! customer, an account and an amount cannot be handed them in the wrong order.

use std::fmt;

/// A customer (`customers.id`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, sqlx::Type)]
#[sqlx(transparent)]
pub struct CustomerId(pub i64);

/// One of the bank's accounts (`accounts.id`), a customer's or the house's.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, sqlx::Type)]
#[sqlx(transparent)]
pub struct AccountId(pub i64);

impl fmt::Display for CustomerId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for AccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

//! An amount of money. The bank keeps whole yen in 64-bit integers; here an amount is its
//! own type, so it cannot be passed where a customer, an account or a day is meant.
//! Arithmetic is checked where a sum could come from outside (the trial balance); inside
//! one transfer the amounts are bounded by the input rules (`netbank_api::input::Amount`).

use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign, Neg, Sub};

/// Whole yen: + into an account, - out of it on a ledger line; never negative as a balance,
/// a limit or a fee.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, sqlx::Type)]
#[sqlx(transparent)]
pub struct Yen(pub i64);

impl Yen {
    pub const ZERO: Yen = Yen(0);

    pub fn checked_add(self, other: Yen) -> Option<Yen> {
        self.0.checked_add(other.0).map(Yen)
    }
}

/// The bare number (audit details, logs); screens and mails write `netbank_api::banking::yen`.
impl fmt::Display for Yen {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl Add for Yen {
    type Output = Yen;
    fn add(self, other: Yen) -> Yen {
        Yen(self.0 + other.0)
    }
}

impl AddAssign for Yen {
    fn add_assign(&mut self, other: Yen) {
        self.0 += other.0;
    }
}

impl Sub for Yen {
    type Output = Yen;
    fn sub(self, other: Yen) -> Yen {
        Yen(self.0 - other.0)
    }
}

impl Neg for Yen {
    type Output = Yen;
    fn neg(self) -> Yen {
        Yen(-self.0)
    }
}

impl Sum for Yen {
    fn sum<I: Iterator<Item = Yen>>(iter: I) -> Yen {
        Yen(iter.map(|yen| yen.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_add_and_say_their_number() {
        assert_eq!(Yen(1_000) + Yen(220) - Yen(20), Yen(1_200));
        assert_eq!(-Yen(5), Yen(-5));
        assert_eq!([Yen(1), Yen(2)].into_iter().sum::<Yen>(), Yen(3));
        assert_eq!(Yen(i64::MAX).checked_add(Yen(1)), None);
        assert_eq!(Yen(300_000).to_string(), "300000");
    }
}

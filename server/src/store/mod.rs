//! Every SQL statement of the server, one module per table or aggregate. Nothing outside
//! names a table or a SQL dialect: domain code calls the named functions here, and each
//! conditional transition reports whether it applied.

/// The stores' state enums are TEXT columns; to the engine-neutral pool (`sqlx::Any`) they
/// are text. (`sqlx::Type`'s derive gives each engine its impls, not `Any`; its `Encode` is
/// generic and covers `Any`.)
macro_rules! text_enum {
    ($ty:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        impl sqlx::Type<sqlx::Any> for $ty {
            fn type_info() -> sqlx::any::AnyTypeInfo {
                <str as sqlx::Type<sqlx::Any>>::type_info()
            }
            fn compatible(ty: &sqlx::any::AnyTypeInfo) -> bool {
                <str as sqlx::Type<sqlx::Any>>::compatible(ty)
            }
        }

        impl<'r> sqlx::Decode<'r, sqlx::Any> for $ty {
            fn decode(value: sqlx::any::AnyValueRef<'r>) -> Result<Self, sqlx::error::BoxDynError> {
                match <&str as sqlx::Decode<'r, sqlx::Any>>::decode(value)? {
                    $($text => Ok(Self::$variant),)+
                    other => Err(format!("{other:?} is not a {}", stringify!($ty)).into()),
                }
            }
        }
    };
}

pub mod accounts;
pub mod audit_log;
pub mod billers;
pub mod copy;
pub mod customers;
pub mod day_totals;
pub mod deployment;
pub mod enrolment_codes;
pub mod holds;
pub mod interbank;
pub mod ledger;
pub mod login_history;
pub mod mail_outbox;
pub mod otp_tokens;
pub mod passkeys;
pub mod payeasy;
pub mod payee_flags;
pub mod proposals;
pub mod sessions;
pub mod staff;
pub mod throttles;
pub mod transfer_bookings;
pub mod transfers;
pub mod zengin_master;

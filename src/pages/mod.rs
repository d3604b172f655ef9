pub mod not_found;
pub mod top;

pub mod frame;
pub mod server_status;

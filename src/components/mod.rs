pub mod countdown;
pub mod form;
pub mod frame;
pub mod screen;
pub mod server_status;
pub mod shell;
pub mod software_keyboard;
pub mod text_size;

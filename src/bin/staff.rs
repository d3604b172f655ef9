//! The staff console bundle (staff.html): the branch's screens, on the staff listener only.
#[cfg(target_arch = "wasm32")]
fn main() {
    netbank_web::start(netbank_web::staff_console::StaffApp);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("netbank's bundles run in the browser: build them with `./x spa` (Trunk), run them with `./x run`.");
    std::process::exit(2);
}

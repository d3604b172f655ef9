//! The registration bundle (registration.html): 初回利用登録.
#[cfg(target_arch = "wasm32")]
fn main() {
    netbank_web::start(netbank_web::registration_app::RegistrationApp);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("netbank's bundles run in the browser: build them with `./x spa` (Trunk), run them with `./x run`.");
    std::process::exit(2);
}
